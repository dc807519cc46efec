"""Operating the centre (docs/operations.md): backups, store and configuration checks, the shift
handover report. SQL for these lives in `ediops.store.maintenance`."""
