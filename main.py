"""The thin entry a checkout runs (`python main.py ...`); installed, the `ediops` script
and `python -m ediops` run the same `main`."""

import sys

from ediops.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
