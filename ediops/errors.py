"""Errors the command line turns into exit status 1 with one clear line on stderr."""


class EdiopsError(Exception):
    """A failed operation: the message says what and where."""


class InputError(EdiopsError):
    """Bad input: names the file, line or record."""


class Refused(EdiopsError):
    """The operator's role does not allow the action: nothing was changed."""
