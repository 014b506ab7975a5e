"""One module per command: each composes the stages for ``flagaudit scan/check/history/ledger/report``."""
