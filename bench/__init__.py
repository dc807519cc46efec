"""Benchmarks at national scale (issue 6): every figure is a ratio against a baseline
measured in the same run, or a median over repeated runs, because the machines are shared.

`python -m bench --scale quick|full` (make bench-quick / make bench) writes
`bench/runs/` (gitignored); `--publish` writes the published `bench/results.json` and `results.md`."""
