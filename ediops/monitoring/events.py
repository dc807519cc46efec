"""Counters of what happens in this process, incremented where it happens (docs/monitoring.md).

Each function is a no-op until `enable()`: only the daemon with `metrics_listen` set pays for
them, and commands and desks never import prometheus_client. Labels come from bounded sets
only (issuers, peers and channels of the configuration, windows, outcomes), never a licence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

# Receipt to customs' acceptance of an urgent licence: the deadline is 15 minutes.
URGENT_BUCKETS = (1, 2, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600)
PASS_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_metrics: dict[str, Any] = {}


def enable(registry: CollectorRegistry) -> None:
    """Registers the counters in `registry` (once per process; again after `disable`)."""
    from prometheus_client import Counter, Histogram, disable_created_metrics

    if _metrics:
        return
    disable_created_metrics()  # a *_created series beside each counter is noise for this monitoring
    _metrics.update(
        feed_failures=Counter(
            "ediops_feed_failures", "Failed polls of an issuer's feed.", ["issuer"], registry=registry
        ),
        window_runs=Counter(
            "ediops_window_runs",
            "Window runs by outcome (ok, partial, failed, skipped).",
            ["window", "outcome"],
            registry=registry,
        ),
        notifications=Counter(
            "ediops_alert_notifications",
            "Alert messages by channel and outcome (sent, failed).",
            ["channel", "outcome"],
            registry=registry,
        ),
        peer_requests=Counter(
            "ediops_peer_requests",
            "HTTP requests to peers, each attempt, by outcome.",
            ["peer", "outcome"],
            registry=registry,
        ),
        leader_pass=Histogram(
            "ediops_leader_pass_seconds",
            "The work of one pass of the daemon's loop (its nap not included).",
            buckets=PASS_BUCKETS,
            registry=registry,
        ),
        urgent_latency=Histogram(
            "ediops_urgent_latency_seconds",
            "Urgent licences: receipt to customs' acceptance.",
            buckets=URGENT_BUCKETS,
            registry=registry,
        ),
    )


def prime(*, issuers=(), windows=(), peers=(), channels=()) -> None:
    """Every expected series at zero from the start, so a rate or an alert rule sees the
    first failure as a change rather than as a series that was absent."""
    if not _metrics:
        return
    for issuer in issuers:
        _metrics["feed_failures"].labels(issuer)
    for window in windows:
        for outcome in ("ok", "failed"):
            _metrics["window_runs"].labels(window, outcome)
    for peer in peers:
        _metrics["peer_requests"].labels(peer, "ok")
    for channel in channels:
        for outcome in ("sent", "failed"):
            _metrics["notifications"].labels(channel, outcome)


def disable() -> None:
    """Forgets the counters (a test that enabled them in its own registry)."""
    _metrics.clear()


def enabled() -> bool:
    return bool(_metrics)


def feed_failure(issuer: str) -> None:
    if _metrics:
        _metrics["feed_failures"].labels(issuer).inc()


def window_run(window: str, outcome: str) -> None:
    if _metrics:
        _metrics["window_runs"].labels(window, outcome).inc()


def notification(channel: str, outcome: str) -> None:
    if _metrics:
        _metrics["notifications"].labels(channel, outcome).inc()


def peer_request(peer: str, outcome: str) -> None:
    if _metrics:
        _metrics["peer_requests"].labels(peer, outcome).inc()


def urgent_accepted(seconds: float) -> None:
    if _metrics:
        _metrics["urgent_latency"].observe(max(seconds, 0.0))


def leader_pass(seconds: float) -> None:
    if _metrics:
        _metrics["leader_pass"].observe(seconds)
