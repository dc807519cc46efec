"""The transmission windows: the run ledger, the lease, the leader and the daemon."""
