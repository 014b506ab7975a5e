"""A check made async by an adapter is still a check.

Async Django code calls a sync check through ``asgiref``'s ``sync_to_async`` (or Channels'
``database_sync_to_async``): ``await sync_to_async(flag_is_active)(self.user, KEY)``. The adapter returns a
function that takes the check's own arguments, and ``await`` gives its value, so the branch it decides is the
flag's.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import story
from tests.repos import Repo
from tests.run import run_cli

CONSUMER = '''\
    from asgiref.sync import sync_to_async
    from channels.db import database_sync_to_async
    from waffle import flag_is_active, switch_is_active


    class ChatConsumer:
        async def on_activity(self, event):
            if await sync_to_async(flag_is_active, thread_sensitive=True)(self.user, "live_activity"):
                await self.send(event)
            return None

        async def on_upload(self, event):
            if not await database_sync_to_async(switch_is_active)("uploads_paused"):
                await self.store(event)
    '''


def _sites(root: Path) -> list[tuple[str, int, str, list[list[int]], list[list[int]]]]:
    ran = run_cli("scan", "--format", "json", "--no-cache", str(root), cwd=root)
    assert ran.returncode == 0, ran.stderr
    return [(flag["key"], site["line"], site["guard"], site["on"], site["off"])
            for flag in json.loads(ran.stdout)["flags"] for site in flag["sites"]]


def test_an_adapted_check_guards_its_branch(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "Live activity behind a flag", {"chat/__init__.py": "", "chat/consumers.py": CONSUMER})
    assert _sites(tmp_path) == [("live_activity", 8, "if", [[9, 9]], []),
                                ("uploads_paused", 13, "if", [], [[14, 14]])]
    assert story(repo.history(), "live_activity") == [("born", "2026-01-05")]


def test_another_function_made_async_checks_nothing(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    repo.commit("2026-01-05", "Mail", {"chat/__init__.py": "", "chat/consumers.py": CONSUMER.replace(
        "flag_is_active, thread_sensitive=True", "print").replace("switch_is_active)", "print)")})
    assert _sites(tmp_path) == []
