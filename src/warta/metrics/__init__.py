"""Pure scoring functions: gold and predicted tuples in, counts out. No I/O here."""
