"""What is generated for readers from every layer below: DATASHEET.md figures."""
