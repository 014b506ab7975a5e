"""The one exception that reaches the command line as a clean message, and the exit codes."""

from enum import IntEnum


class ExitCode(IntEnum):
    """What ``flagaudit`` exits with: CI and pre-commit read these."""

    CLEAN = 0
    FINDINGS = 1
    """A blocking finding (severity error), an out-of-date ledger, a failing rule example."""
    ERROR = 2
    """Usage, configuration or environment: flagaudit could not judge."""


class FlagauditError(Exception):
    """A usage, configuration or environment problem, said in one sentence."""
