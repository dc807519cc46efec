"""The 2000 notice: licence records, their validation, the rules and findings, and the
store-and-rules work on batches, write-offs, customs' answers and reconciliation."""
