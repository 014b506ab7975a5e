"""Per-file facts cached by content hash, so a re-run only analyses what changed.

One pickle per rule set under the cache folder (``.flagaudit_cache/`` at the
project root, with a ``.gitignore`` inside like pytest's). Delete the folder
at any time; a damaged cache is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from flagaudit.facts import FileFacts

FACTS_VERSION = 15
"""Bump when extraction changes what it produces for the same input."""

_RESULT = f"result-v{FACTS_VERSION}.pickle"
"""The last run's whole inventory, reused when nothing it depends on changed."""
_GITIGNORE = "# Created by flagaudit automatically.\n*\n"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by flagaudit.\n"


def content_key(path: str, module: str, data: bytes) -> str:
    """What a file's facts depend on besides the rules: its path, module name and bytes."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{path}\0{module}\0".encode("utf-8", "surrogateescape"))
    digest.update(data)
    return digest.hexdigest()


class FactCache:
    """Facts by (rule-set digest, content key); ``folder=None`` disables it."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.file = folder / f"facts-v{FACTS_VERSION}.pickle" if folder else None
        self._entries: dict[str, FileFacts] | None = None
        self.used: set[str] = set()
        self.added = 0
        self.pending_result: tuple[str, object] | None = None
        self.warning: str | None = None

    @property
    def entries(self) -> dict[str, FileFacts]:
        """Loaded on first use: a run whose whole result is cached never needs them."""
        if self._entries is None:
            self._entries = {}
            if self.file and self.file.is_file():
                try:
                    with self.file.open("rb") as handle:
                        loaded = pickle.load(handle)
                    if isinstance(loaded, dict):
                        self._entries = loaded
                except Exception as exc:  # a damaged cache must never stop a scan
                    self.warning = f"ignored an unreadable cache file {self.file} ({type(exc).__name__})"
        return self._entries

    def get(self, key: str) -> FileFacts | None:
        """``key`` is the rule-set digest and :func:`content_key` joined by ``:``."""
        facts = self.entries.get(key)
        if facts is not None:
            self.used.add(key)
        return facts

    def put(self, key: str, facts: FileFacts) -> None:
        self.entries[key] = facts
        self.used.add(key)
        self.added += 1

    def result(self, digest: str) -> Any:
        """The whole result of a run with exactly these inputs, if the last run had them."""
        if not self.folder:
            return None
        try:
            with (self.folder / _RESULT).open("rb") as handle:
                stored = pickle.load(handle)
        except Exception:  # absent or damaged: compute afresh
            return None
        return stored[1] if isinstance(stored, tuple) and stored[0] == digest else None

    def keep_result(self, digest: str, result: object) -> None:
        self.pending_result = (digest, result)

    def save(self) -> str | None:
        """Write if anything changed; returns a warning instead of failing when the folder is read-only."""
        if not self.file or not self.folder or not (self.added or self.pending_result):
            return None
        entries = self.entries
        if len(entries) > 4 * max(len(self.used), 1000):
            entries = {k: v for k, v in entries.items() if k in self.used}
        try:
            prepare_folder(self.folder)
            for stale in (*self.folder.glob("facts-*.pickle"), *self.folder.glob("result-*.pickle")):
                if stale not in (self.file, self.folder / _RESULT):
                    stale.unlink(missing_ok=True)
            if self.added:
                write_atomically(self.file, entries)
            if self.pending_result:
                write_atomically(self.folder / _RESULT, self.pending_result)
        except OSError as exc:
            return f"could not write the cache in {self.folder}: {exc.strerror}"
        return None


def prepare_folder(folder: Path) -> None:
    """Create the cache folder with its ``.gitignore`` and ``CACHEDIR.TAG`` (backup tools skip it)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _TAG)):
        marker = folder / name
        if not marker.exists():
            marker.write_text(text, encoding="utf-8")


def write_atomically(path: Path, value: object) -> None:
    """Pickle ``value`` so a reader sees the old file or the new one, never half of one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)
