import sys

from bench.harness import run

sys.exit(run())
