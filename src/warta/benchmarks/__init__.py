"""The benchmark: Hydra-configured runners, scoring with confidence intervals, the leaderboard."""
