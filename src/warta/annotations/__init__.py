"""Gold annotations: the Label Studio bridge, validation, agreement and gold snapshots."""
