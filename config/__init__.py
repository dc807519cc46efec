"""The bundled configuration (TOML), installed as the package `ediops.defaults` and read
with importlib.resources; `--config DIR` replaces any file here by one of the same name."""
