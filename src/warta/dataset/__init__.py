"""The `datasets` face of Warta: the README's configs block, features and releases."""
