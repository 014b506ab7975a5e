"""Acknowledging a real change of meaning is explicit and reviewable: ``flagaudit ledger --accept``."""

from __future__ import annotations

from pathlib import Path

from tests.projects import ORDERS, PEG, RLP
from tests.repos import Repo, write_files
from tests.run import run_cli


def _knight(tmp_path: Path) -> Path:
    repo = Repo(tmp_path / "repo")
    repo.git("config", "user.name", "Ada")
    repo.git("config", "user.email", "ada@example.com")
    repo.commit("2016-03-01", "power peg", {"router/__init__.py": "", "router/orders.py": ORDERS, "router/peg.py": PEG},
                dedent=False)
    repo.commit("2026-10-20", "RLP", {"router/rlp.py": RLP}, dedent=False)
    return repo.path


def test_accept_records_who_and_why_and_silences_exactly_that_meaning(tmp_path: Path) -> None:
    repo = _knight(tmp_path)
    blocked = run_cli("check", "--as-of", "2026-11-01", "-q", cwd=repo)
    assert blocked.returncode == 1 and " FA203 " in blocked.stdout
    missing = run_cli("ledger", "--accept", "smars", "--as-of", "2026-11-01", "-q", cwd=repo)
    assert missing.returncode == 2 and "needs --reason" in missing.stderr
    accepted = run_cli("ledger", "--accept", "smars", "--reason", "RLP replaces Power Peg on every server",
                       "--as-of", "2026-11-01", "-q", cwd=repo)
    assert accepted.returncode == 0, accepted.stderr
    lock = (repo / "flagaudit.lock").read_text(encoding="utf-8")
    assert 'by = "Ada <ada@example.com>"' in lock and "RLP replaces Power Peg on every server" in lock
    assert run_cli("check", "--as-of", "2026-11-01", "-q", cwd=repo).returncode == 0
    write_files(repo, {"router/rlp.py": RLP.replace("price_improvement(order)", "price_improvement(order)\n"
                                                      "        wipe_the_book(order)").replace(
        "import price_improvement", "import price_improvement, wipe_the_book")})
    write_files(repo, {"router/orders.py": ORDERS + "\n\ndef wipe_the_book(order):\n    return order\n"})
    assert run_cli("check", "--as-of", "2026-11-01", "-q", cwd=repo).returncode == 0  # related: same function
