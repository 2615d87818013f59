"""Per-update plumbing: one session and unit of work, who is writing, in which language."""
