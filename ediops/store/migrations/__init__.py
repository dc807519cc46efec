"""Schema migrations, applied in name order by `ediops.store.apply_migrations`.

Name ranges: m010-m019 core (foundation), m020-m029 engine, m030-m039 hotline,
m040-m049 inspection (2002 notice), m050+ later work."""
