"""The goals of issue 6, each read from one field of the results."""

from __future__ import annotations

# (label, path in results, comparison, goal)
GOALS = [
    ("ingest ratio", ("ingest", "ratio"), ">=", 0.25),
    ("forward ratio", ("forward", "ratio"), ">=", 0.8),
    ("desk first-frame ratio", ("desk", "first_frame_ratio"), "<=", 1.5),
    ("desk first-frame ratio, Chinese", ("desk", "first_frame_ratio_zh"), "<=", 1.5),
    ("dashboard refresh p95 (ms)", ("dashboard", "refresh_ms_p95"), "<=", 20),
    ("desk RSS (MB)", ("desk", "rss_mb"), "<=", 200),
    ("sync (ms)", ("sync_ms",), "<=", 1000),
    ("alert due -> receiver worst (ms)", ("alerts", "due_to_receiver_ms_worst"), "<=", 60000),  # docs/alerts.md
    ("ssh key overhead p95 (ms)", ("ssh_link", "keypress_overhead_p95_ms"), "<=", 150),
    ("urgent publication -> acceptance p95 (s)", ("urgent", "p95_s"), "<=", 1.5),
    ("urgent p95 / bare loop p95", ("urgent", "ratio"), "<=", 1.3),
    ("name lookup p95 (ms)", ("find", "name_lookup_ms_p95"), "<=", 50),  # two and four characters
    # docs/retention.md: year five over year one, the same run
    ("years: dashboard p95 ratio", ("years", "dashboard_p95_ratio"), "<=", 1.2),
    ("years: first frame ratio", ("years", "first_frame_ratio"), "<=", 1.2),
    ("years: backup time ratio", ("years", "backup_s_ratio"), "<=", 1.2),
    ("years: archived lookup p95 (ms)", ("years", "archived_lookup_ms_p95"), "<=", 50),
    ("replica lag p95 (s)", ("replica", "lag_p95_s"), "<=", 1.5),  # docs/two-sites.md
    ("ingest replicated / not", ("replica", "ingest_ratio"), ">=", 0.9),
]


def value(results: dict, path: tuple):
    for key in path:
        if not isinstance(results, dict) or key not in results:
            return None
        results = results[key]
    return results


def check(results: dict) -> list[dict]:
    out = []
    for label, path, op, goal in GOALS:
        got = value(results, path)
        met = None if got is None else (got >= goal if op == ">=" else got <= goal)
        out.append({"goal": label, "field": ".".join(path), "value": got, "target": f"{op} {goal}", "met": met})
    return out
