"""What the centre's own monitoring sees of ediops (docs/monitoring.md): counters of what
happens, JSON log lines, the leader's heartbeat, systemd's notify socket, the metrics port and
the one-shot commands' textfiles. A low package like the leaf utilities: it imports no layer of
ediops, so the engine counts where things happen; the facts read from the store at scrape
time are ediops/views/monitor.py's."""
