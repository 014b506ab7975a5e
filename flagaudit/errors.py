"""The one exception that reaches the command line as a clean message (exit 2)."""


class FlagauditError(Exception):
    """A usage, configuration or environment problem, said in one sentence."""
