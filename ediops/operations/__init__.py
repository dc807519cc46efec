"""Operating the centre (contract §14): backups, store and configuration checks, the shift
handover report. SQL for these lives in `ediops.store.maintenance`."""
