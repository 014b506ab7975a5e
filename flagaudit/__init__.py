"""flagaudit: a feature-flag lifecycle and dead-code auditor for Python codebases."""

__version__ = "0.1.0"
