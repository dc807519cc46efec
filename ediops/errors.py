"""Errors the command line turns into exit status 1 with one clear line on stderr."""


class EdiopsError(Exception):
    """A failed operation: the message says what and where."""


class InputError(EdiopsError):
    """Bad input: names the file, line or record."""


class LeaseLost(EdiopsError):
    """This process no longer holds the scheduler lease it thought it held: it sends nothing
    more (fencing, docs/faults.md)."""


class Refused(EdiopsError):
    """The operator's role does not allow the action: nothing was changed."""
