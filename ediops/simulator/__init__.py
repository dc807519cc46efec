"""`ediops simulate`: the centre's peers (issuers, customs gateway, ministry) as real HTTP
servers on loopback, speaking docs/peers.md, with seeded traffic and fault switches.

Used by `ediops demo` and by the integration tests; it counts what it receives by
idempotency key and by licence (`GET /stats`) so tests can prove "exactly once"."""
