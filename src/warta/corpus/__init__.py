"""The corpus stage: read raw articles, clean and segment them, tokenize, store versions."""
