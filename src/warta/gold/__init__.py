"""Gold: snapshots of adjudicated annotations, their statistics and the frozen splits.

Needs no Label Studio: the benchmark, the dataset and the release read gold through this package;
``warta.annotations`` (the Label Studio loop) writes it.
"""
