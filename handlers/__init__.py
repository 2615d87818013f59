"""One package per feature (see features.py); shared pieces in common/."""
