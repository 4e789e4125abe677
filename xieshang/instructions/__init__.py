"""Leaders' instructions (批示): one table for every subject a leader writes an instruction on (an opinion report,
a key proposal). Decision 0034."""
