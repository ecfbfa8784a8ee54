"""Errors a user can act on: the CLI prints the message, never a traceback."""


class UserError(Exception):
    """A mistake in the input or the command line (bad file, bad period, missing data)."""
