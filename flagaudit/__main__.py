"""``python -m flagaudit``."""

from flagaudit.cli import main

main()
