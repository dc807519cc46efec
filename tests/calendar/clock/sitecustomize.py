"""Pins the wall clock of every Python process of a calendar run (tests/calendar): with
`EDIOPS_TEST_CLOCK_OFFSET` set (seconds), time.time(), datetime.now() and friends read real
time plus that offset, through time-machine, from interpreter start. The offset is the same
in every process (the runner computes it once), so the demo, its simulator, its leader and
the desk agree on the time as they do on a real machine; monotonic clocks are untouched.

On PYTHONPATH only for those runs; the program itself never sees it."""

import os
import time

_offset = os.environ.get("EDIOPS_TEST_CLOCK_OFFSET")
if _offset:
    import time_machine

    _travel = time_machine.travel(time.time() + float(_offset), tick=True)
    _travel.start()
