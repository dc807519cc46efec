"""Runs every benchmark on one store at the chosen scale, with a progress bar, and writes
the results. A benchmark that fails is reported as such; the others still run."""

from __future__ import annotations

import argparse
import importlib
import time
import traceback
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ediops import store

from bench import machine, report, scale_store
from bench.context import Context
from bench.goals import check
from bench.scales import SCALES

HERE = Path(__file__).resolve().parent
# Read-only benchmarks first, so they see the store exactly as built.
BENCHMARKS = (
    "dashboard",
    "desk",
    "sync",
    "ssh_link",
    "ingest",
    "writeoffs",
    "forward",
    "urgent",
    "durability",
    "alerts",
    "replica",  # on copies of its own, replicated and not (docs/two-sites.md)
    "find",  # it times the name index's migration again on the store
    "years",  # on copies of its own: year one and year five, archived (docs/retention.md)
)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="quick")
    parser.add_argument(
        "--out",
        type=Path,
        default=HERE / "runs",
        help="where results.json and results.md go (default bench/runs/, gitignored; --publish for bench/)",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="write the published results (bench/results*.json, results.md): only when a change means to",
    )
    parser.add_argument(
        "--scratch", type=Path, default=HERE / "scratch", help="where scale stores are built and kept (gitignored)"
    )
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated benchmarks to run (default: all)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile each in-process benchmark with pyinstrument (pip install pyinstrument); "
        "reports go to SCRATCH/profile-NAME.txt",
    )
    return parser.parse_args(argv)


def _profiled(module, ctx: Context, report_path: Path) -> dict:
    """Runs one benchmark under pyinstrument (a dev tool, not a dependency) and keeps its report."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    with profiler:
        figures = module.run(ctx)
    report_path.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    return figures


def run(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.publish:
        args.out = HERE
    scale = SCALES[args.scale]
    only = [b for b in BENCHMARKS if b in args.only.split(",")]
    started = time.perf_counter()
    results: dict = {"machine": machine.describe()}
    failed = []
    console = Console(stderr=True)
    columns = (TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        overall = progress.add_task(f"bench {scale.name}", total=len(only) + 1)
        step = progress.add_task("store", total=1)

        def on_steps(total: int) -> None:
            progress.update(step, total=max(total, 1), completed=0)

        def on_tick(n: int) -> None:
            progress.advance(step, n)

        base = scale_store.cached(
            args.scratch,
            scale.name,
            scale.licences,
            scale.releases,
            progress=lambda done, total: progress.update(step, total=total, completed=done),
        )
        store.connect(base).close()  # later migrations run here, never inside a measured process
        work = scale_store.working_copy(base, args.scratch / f"work-{scale.name}.db")
        results["scale"] = {"name": scale.name, **scale_store.counts(work)}
        progress.advance(overall)
        ctx = Context(
            scale=scale, db_path=work, scratch=args.scratch, base_path=base, on_steps=on_steps, on_tick=on_tick
        )
        for name in only:
            progress.update(step, description=name, total=1, completed=0)
            try:
                module = importlib.import_module(f"bench.{name}")
                figures = (
                    _profiled(module, ctx, args.scratch / f"profile-{name}.txt") if args.profile else module.run(ctx)
                )
                results.update(figures if name == "sync" else {name: figures})
            except Exception as exc:  # one broken benchmark must not hide the others' figures
                failed.append(name)
                results[name] = {"error": f"{type(exc).__name__}: {exc}"}
                console.print(f"[red]{name} failed[/red]")
                console.print(traceback.format_exc(), markup=False)
            progress.advance(overall)
    results["duration_s"] = round(time.perf_counter() - started, 1)
    results["goals"] = check(results)
    report.write(args.out, results)
    for g in results["goals"]:
        mark = "?" if g["met"] is None else ("ok" if g["met"] else "MISSED")
        console.print(f"{g['goal']:<28} {str(g['value']):>10}  {g['target']:<8} {mark}", markup=False)
    console.print(f"wrote {args.out / 'results.json'} and results.md in {results['duration_s']} s", markup=False)
    return 1 if failed else 0
