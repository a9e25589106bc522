"""Record schemas shared by every converter, scorer and exporter (defined once, here)."""
