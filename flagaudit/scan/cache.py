"""Per-file facts cached by content hash, so a re-run only analyses what changed.

One pickle per rule set under the cache folder (``.flagaudit_cache/`` at the
project root, with a ``.gitignore`` inside like pytest's). Delete the folder
at any time; a damaged cache is ignored and rebuilt.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from flagaudit.facts import FileFacts

FACTS_VERSION = 18
"""Bump when extraction changes what it produces for the same input."""

_MEMOS = ("result", "graph")
"""The last run's whole inventory (reused when nothing it depends on changed) and its call graph (built upon
by the next run)."""
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
        self.pending: dict[str, tuple[str, object]] = {}
        self.warning: str | None = None

    @property
    def entries(self) -> dict[str, FileFacts]:
        """Loaded on first use: a run whose whole result is cached never needs them."""
        if self._entries is None:
            self._entries = {}
            if self.file and self.file.is_file():
                try:
                    with self.file.open("rb") as handle:
                        loaded = load_pickle(handle)
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

    def memo(self, name: str, digest: str) -> Any:
        """What the last run kept under ``name`` (one of ``_MEMOS``), if it was kept for ``digest``."""
        if not self.folder:
            return None
        try:
            with _memo_file(self.folder, name).open("rb") as handle:
                stored = load_pickle(handle)
        except Exception:  # absent or damaged: compute afresh
            return None
        return stored[1] if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == digest else None

    def keep(self, name: str, digest: str, value: object) -> None:
        """Write ``value`` as ``name``'s memo when the cache is saved."""
        self.pending[name] = (digest, value)

    def save(self) -> str | None:
        """Write if anything changed; returns a warning instead of failing when the folder is read-only."""
        if not self.file or not self.folder or not (self.added or self.pending):
            return None
        entries = self.entries
        if len(entries) > 4 * max(len(self.used), 1000):
            entries = {k: v for k, v in entries.items() if k in self.used}
        try:
            prepare_folder(self.folder)
            current = {self.file, *(_memo_file(self.folder, name) for name in _MEMOS)}
            for stale in (p for prefix in ("facts", *_MEMOS) for p in self.folder.glob(f"{prefix}-v*.pickle")):
                if stale not in current:  # left by another version; history's files are history's
                    stale.unlink(missing_ok=True)
            if self.added:
                write_atomically(self.file, entries)
            for name, stored in sorted(self.pending.items()):
                write_atomically(_memo_file(self.folder, name), stored)
        except OSError as exc:
            return f"could not write the cache in {self.folder}: {exc.strerror}"
        return None


def load_pickle(handle: BinaryIO) -> Any:
    """``pickle.load``, with the loaded objects kept out of the cycle collector's way.

    Unpickling builds hundreds of thousands of acyclic objects (facts are plain tuples and strings):
    collecting while loading took a quarter of the load time, and every later full collection scanned
    them all again (70 ms at a time on a 400k-line tree). Freezing moves them to the permanent
    generation; reference counting still frees them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(handle)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _memo_file(folder: Path, name: str) -> Path:
    return folder / f"{name}-v{FACTS_VERSION}.pickle"


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
