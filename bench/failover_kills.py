"""The failover at random kill points (docs/two-sites.md), outside `make test`: each run
starts site A (daemon and `ediops replicate`) against the simulator, SIGKILLs it after a
random delay, removes its data directory, restores the replica on site B and lets B finish;
then counts from the simulator's records what was doubled or missing.

    python -m bench.failover_kills --runs 20 [--seed 1] [--max-delay 12] [--issuers 8] [--scale 0.1]

Prints one line per run and the totals as JSON (the numbers in NOTES)."""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from tests.e2e import failover


def one(folder: Path, delay: float, *, issuers: int, scale: float) -> dict:
    run = failover.Failover(folder, issuers=issuers, scale=scale)
    try:
        daemon, replicate = run.run_a()
        time.sleep(delay)
        before = failover.counts(run.sim.stats())
        run.kill_a(daemon, replicate)
        run.run_b()
        found = failover.counts(run.settled(timeout=180))
    finally:
        run.stop()
    return {
        "delay_s": round(delay, 2),
        "taken_by_a": before["licences_at_customs"],
        **found,
        "broken": failover.failed(found),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.failover_kills", description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=12.0, help="kill A up to this long after it leads (s)")
    parser.add_argument("--issuers", type=int, default=8)
    parser.add_argument("--scale", type=float, default=0.1, help="the simulator's traffic scale")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    results = []
    for n in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="ediops-failover-") as folder:
            result = one(Path(folder), rng.uniform(0, args.max_delay), issuers=args.issuers, scale=args.scale)
        results.append(result)
        print(json.dumps({"run": n + 1, **result}), flush=True)
    sums = {
        name: sum(r[name] for r in results)
        for name in (
            "licences_published",
            "licences_missing",
            "licences_under_several_keys",
            "batches_published",
            "batches_unacked",
            "batches_acked_under_several_keys",
            "writeoffs_published",
            "writeoffs_under_several_keys",
        )
    }
    totals = {"runs": len(results), "runs_broken": sum(bool(r["broken"]) for r in results), **sums}
    print(json.dumps({"totals": totals}), flush=True)
    return 1 if totals["runs_broken"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
