"""Per-file facts cached by content hash, so a re-run only analyses what changed.

One JSON file per kind under the cache folder (``.flagaudit_cache/`` at the project root, with a
``.gitignore`` inside like pytest's). Delete the folder at any time. The folder is part of the checkout a
pull request writes, so nothing in it is trusted: files are plain data checked against the dataclasses'
types (:mod:`flagaudit.plaindata`), a damaged or forged file is ignored with one note and rebuilt, and a
folder git lists files in (committed ones, whose facts could be forged to pass the gate) or one reached
through a symbolic link is neither read nor written.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
import re
import stat
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from flagaudit.facts import FileFacts
from flagaudit.plaindata import BadData, decoder, dumps, loads
from flagaudit.safefiles import read_regular, replace_file
from flagaudit.scan.discover import listed_by_git
from flagaudit.sdk_rules import POLICIES_FILE, builtin_rules_folder

FACTS_VERSION = 121
"""Bump when extraction changes what it produces for the same input, or the stored form changes."""



@functools.cache
def build_digest() -> str:
    """flagaudit's own code and shipped policies (the SDK rules are in the rule set's digest). Output one build
    kept is never shown by another: a development install changes without a new version number."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=20)
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update((builtin_rules_folder() / POLICIES_FILE).read_bytes())
    return digest.hexdigest()


_MEMOS = ("inventory", "steps", "passes", "made", "graph", "graphed", "nearest", "rendered", "checked", "loaders")
"""The last run's whole inventory with the steps of its inference passes (reused when nothing it depends on
changed), those steps alone (taken again when the files that changed since changed nothing they were inferred
from) with the pass whose rules made each file's facts (only those are read then), the files' content keys it
was made from (it is reused when the files that changed since changed no fact), its call graph (built upon by
the next run) with the contents it holds for (when only those changed, the graph is not written again), FA401's
"did you mean" answers (by a digest of the keys compared), and its output as rendered (printed again when
neither the inventory nor the way it is rendered changed): ``scan``'s, and ``check``'s beside what its history
rests on; and the loops each module binds its globals from a data file with, by content key."""
_RETIRED = ("result",)
"""Memos earlier releases kept under this format's version (the inventory without the passes' steps): deleted
like those of other versions."""
_SHARDS = tuple(f"{n:02x}" for n in range(256))
"""Facts are kept in one file per first two hex digits of their content key: an edit rewrites the files
holding the new facts (a few percent of the whole), not all of them (10 MB on a 400k-line tree)."""
_GITIGNORE = "# Created by flagaudit automatically.\n*\n"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by flagaudit.\n"
LIMIT = 2_000_000_000
"""Bytes a cache file may have before it is taken for something else."""


def content_key(path: str, module: str, data: bytes) -> str:
    """What a file's facts depend on besides the rules: its path, module name and bytes."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{path}\0{module}\0".encode("utf-8", "surrogateescape"))
    digest.update(data)
    return digest.hexdigest()


class FactCache:
    """Facts by (rule-set digest, content key); ``folder=None`` disables it. ``root`` is the project's."""

    def __init__(self, folder: Path | None, root: Path | None = None) -> None:
        self.folder = folder
        self.root = root
        self._shards: dict[str, dict[str, FileFacts | bytes]] = {}
        """The shards of facts read so far (or begun, where there is no file), by their two hex digits: each
        entry is facts, or still the JSON text read, parsed and decoded when first asked for."""
        self._usable: bool | None = None
        self._changed: set[str] = set()
        self._texts: dict[str, bytes] = {}
        """The stored form of facts put with it (:func:`encoded`, made where they were extracted), by key."""
        self.used: set[str] = set()
        self.added = 0
        self.pending: dict[str, tuple[str, object, str | None]] = {}
        self.warning: str | None = None
        self._memos: dict[tuple[str, str], tuple[Any, Any]] = {}
        """The memos decoded so far, by name and digest, with the kind they were decoded as: one a run asks for
        twice (a step that tried to reuse the last result, then the one that builds it) is decoded once."""

    @property
    def usable(self) -> bool:
        """Whether the folder may be read and written; asked once, the reason kept as the warning."""
        if self._usable is None:
            problem = folder_problem(self.folder, self.root or self.folder.parent) if self.folder else "off"
            self._usable = problem is None
            if self.folder and problem:
                self.warning = problem
        return self._usable

    def _shard_entries(self, shard: str) -> dict[str, FileFacts | bytes]:
        """One shard's entries, read on first use: a run that needs a few files' facts (or none, when its whole
        result is kept) reads only the shards holding them. Entries are parsed and decoded as asked for
        (:meth:`get`): a shard also holds the facts of earlier contents and of passes a run does not ask about
        (on a flag-dense tree, 9 of its 20 MB after an edit)."""
        entries = self._shards.get(shard)
        if entries is None:
            entries = {}
            if self.folder and self.usable and shard in self._files:
                entries, problem = read_shard(_facts_file(self.folder, shard))
                if problem and self.warning is None:
                    self.warning = problem
            self._shards[shard] = entries
        return entries

    @cached_property
    def _files(self) -> frozenset[str]:
        """The shards there are files for, listed once."""
        return frozenset(_present(self.folder, _SHARDS)) if self.folder else frozenset()

    def get(self, key: str) -> FileFacts | None:
        """``key`` is the rule-set digest and :func:`content_key` joined by ``:``. An entry that is not facts
        makes its whole shard damaged, as if it had failed to decode when read: one note, and it is rebuilt."""
        shard = _shard(key)
        entries = self._shard_entries(shard)
        found = entries.get(key)
        if found is None:
            return None
        if isinstance(found, bytes):
            try:
                found = entries[key] = _decoded(found)
            except BadData as exc:
                if self.warning is None and self.folder:
                    self.warning = f"ignored a damaged cache file {_facts_file(self.folder, shard)} ({exc}); " \
                                   "it is rebuilt"
                self._shards[shard] = {}
                return None
        self.used.add(key)
        return found

    def put(self, key: str, facts: FileFacts, text: bytes | None = None) -> None:
        """Keep ``facts`` under ``key``; ``text``: their :func:`encoded` form, if already made."""
        shard = _shard(key)
        self._shard_entries(shard)[key] = facts
        if text is None:
            self._texts.pop(key, None)
        else:
            self._texts[key] = text
        self.used.add(key)
        self._changed.add(shard)
        self.added += 1

    def release(self) -> None:
        """Drop the facts loaded or added, once saved: a run that goes on to read history forks workers, and
        each would hold a copy of them. Facts asked for later are read again."""
        if not self._changed:
            self._shards = {}

    def memo(self, name: str, digest: str, kind: Any) -> Any:
        """What the last run kept under ``name`` (one of ``_MEMOS``) as a ``kind``, if kept for ``digest``
        (a memo kept for another digest is not even decoded)."""
        known = self._memos.get((name, digest))
        if known is not None and known[0] == kind:
            return known[1]
        value, problem = self.read_memo(name, digest, kind)
        if problem and self.warning is None:
            self.warning = problem
        if value is not None:
            self._memos[(name, digest)] = (kind, value)
        return value

    def read_memo(self, name: str, digest: str, kind: Any, text: bool = False) -> tuple[Any, str | None]:
        """:meth:`memo`, with why a damaged one was ignored returned rather than kept as the warning (for a
        memo whose damage must not show in the output, only beside it); ``text``: a memo kept with a text,
        read as ``(value, text)``."""
        if not self.folder or not self.usable:
            return None, None
        return read_cached(_memo_file(self.folder, name), kind, digest, text)

    def keep(self, name: str, digest: str, value: object, text: str | None = None) -> None:
        """Write ``value`` (and ``text``, if given) as ``name``'s memo when the cache is saved."""
        self.pending[name] = (digest, value, text)
        self._memos = {key: known for key, known in self._memos.items() if key[0] != name}

    def save(self) -> str | None:
        """Write what changed since the last save; returns a warning instead of failing when the folder is
        read-only. Facts not added to are not even loaded (a memo kept after the result was reused)."""
        if not self.folder or not (self._changed or self.pending) or not self.usable:
            return None
        shards = set(self._changed)
        if self._files <= self._shards.keys():  # every shard read: the facts no file of this run used are dropped
            entries = sum(len(kept) for kept in self._shards.values())
            if entries > 4 * max(len(self.used), 1000):
                used = self.used
                self._shards = {s: {k: v for k, v in kept.items() if k in used} for s, kept in self._shards.items()}
                shards = set(_SHARDS)
        try:
            prepare_folder(self.folder)
            current = {*(_facts_file(self.folder, s).name for s in _SHARDS),
                       *(_memo_file(self.folder, name).name for name in _MEMOS)}
            remove_stale(self.folder, ("facts", *_MEMOS, *_RETIRED), current)  # history's files are history's
            for shard in sorted(shards):
                write_shard(_facts_file(self.folder, shard), self._shards.get(shard, {}), self._texts)
            for name, (digest, value, text) in sorted(self.pending.items()):
                write_cached(_memo_file(self.folder, name), value, digest, text)
        except OSError as exc:
            return f"could not write the cache in {self.folder}: {exc.strerror}"
        self._changed, self.pending, self._texts = set(), {}, {}
        return None

    def _read(self, path: Path, kind: Any, digest: str | None = None) -> Any:
        value, problem = read_cached(path, kind, digest)
        if problem and self.warning is None:
            self.warning = problem
        return value


def _decoded(text: bytes) -> FileFacts:
    """One entry of a shard parsed and decoded, collected as :func:`read_cached` collects a whole file's (not at
    all)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            plain = json.loads(text)
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            raise BadData(f"not JSON: {exc}") from None
        facts: FileFacts = decoder(FileFacts)(plain)
        return facts
    except RecursionError:
        raise BadData("nested too deeply") from None
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


_KEY = re.compile(rb'\["([ !#-\[\]-~]*)",')
"""The start of a shard's line: a JSON list's first item, the entry's key (printable ASCII without quotes or
backslashes, so its JSON text is itself); the facts follow, and the line ends the list."""


def read_shard(path: Path) -> tuple[dict[str, FileFacts | bytes], str | None]:
    """A shard of facts as read: each entry's JSON text by its key, parsed and checked against
    :class:`FileFacts` only when asked for (:meth:`FactCache.get`), so the facts of earlier contents and of
    passes a run does not ask about are never parsed; or nothing, and why it was ignored (nothing when it is
    absent). A line that is not such an entry damages the shard."""
    try:
        data = read_regular(path, LIMIT)
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        return {}, f"ignored the cache file {path} ({exc.strerror}); it is rebuilt"
    entries: dict[str, FileFacts | bytes] = {}
    for line in data.splitlines():
        key = _KEY.match(line)
        if key is None or len(line) == key.end() or not line.endswith(b"]"):
            return {}, f"ignored a damaged cache file {path} (expected a line of facts); it is rebuilt"
        entries[key.group(1).decode("ascii")] = line[key.end():-1]
    return entries, None


def write_shard(path: Path, entries: dict[str, FileFacts | bytes], texts: Mapping[str, bytes]) -> None:
    """Store a shard, one entry a line (:func:`read_shard`): an entry never asked for is written as it was read,
    the others as ``texts`` has them or else encoded."""
    enabled = gc.isenabled()
    gc.disable()  # as in write_cached
    try:
        data = b"".join(b'["%s",%s]\n' % (key.encode("ascii"), facts if isinstance(facts, bytes) else
                                           texts.get(key) or encoded(facts)) for key, facts in entries.items())
    finally:
        if enabled:
            gc.enable()
    replace_file(path, data, private=True)


def encoded(facts: FileFacts) -> bytes:
    """Facts as a shard stores them: JSON, whose encoder escapes every line end and character beyond ASCII."""
    return dumps(facts).encode("ascii")


def folder_problem(folder: Path, root: Path) -> str | None:
    """Why the cache folder must be neither read nor written, if it must not: it is reached through a
    symbolic link, is not a folder, or git lists files in it (committed ones). The configuration keeps
    it inside the project (``root``); only flagaudit itself puts one elsewhere (a throw-away folder)."""
    root = Path(os.path.abspath(root))
    folder = Path(os.path.abspath(folder))
    if folder == root:
        return f"not using the cache folder {folder}: it must be a folder inside the project"
    inside = folder.is_relative_to(root)
    current, parts = (root, folder.relative_to(root).parts) if inside else (folder, ("",))
    for part in parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return None  # created by the first save, one level at a time
        except OSError as exc:
            return f"not using the cache folder {folder}: {exc.strerror}"
        if stat.S_ISLNK(mode):
            return f"not using the cache folder {folder}: it is reached through a symbolic link"
        if not stat.S_ISDIR(mode):
            return f"not using the cache folder {folder}: {current} is not a folder"
    if inside and listed_by_git(root, folder):
        return (f"not using the cache folder {folder}: git tracks files in it (a cache is never taken from "
                "the repository); delete them from the repository")
    return None


def read_cached(path: Path, kind: Any, digest: str | None = None, text: bool = False) -> tuple[Any, str | None]:
    """A cache file decoded as ``kind``, or ``None`` and why it was ignored (``None`` when it is absent).

    With ``digest``, the file begins with a line naming what it was kept for (:func:`write_cached`): kept
    for another digest, it is stale and ``None`` without a note, and the rest is never decoded. With
    ``text``, the value is followed by a text (:func:`write_cached`), and both are returned as a pair.

    Decoding builds hundreds of thousands of acyclic objects (facts are plain tuples and strings):
    collecting while loading took a quarter of the load time, and every later full collection scanned
    them all again (70 ms at a time on a 400k-line tree). Freezing moves them to the permanent
    generation; reference counting still frees them.
    """
    try:
        data = read_regular(path, LIMIT, None if digest is None else _header(digest) + b"\n")
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"ignored the cache file {path} ({exc.strerror}); it is rebuilt"
    if digest is not None:
        header, _, data = data.partition(b"\n")
        if header != _header(digest):
            if _HEADER.fullmatch(header):
                return None, None
            return None, f"ignored a damaged cache file {path} (no digest line); it is rebuilt"
    if text:
        data, _, written = data.partition(b"\n")
        size, _, written = written.partition(b"\n")
        try:
            if not size.isdigit() or int(size) != len(written):
                raise UnicodeError("not of the length written")
            kept = written.decode("utf-8")
        except UnicodeError as exc:
            return None, f"ignored a damaged cache file {path} (not a text: {exc}); it is rebuilt"
    enabled = gc.isenabled()
    gc.disable()
    try:
        value = loads(data, kind)
        return ((value, kept) if text else value), None
    except BadData as exc:
        return None, f"ignored a damaged cache file {path} ({exc}); it is rebuilt"
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def write_cached(path: Path, value: object, digest: str | None = None, text: str | None = None) -> None:
    """Store ``value`` as plain data, replacing the file at once (a reader never sees half of one); with
    ``digest``, after a first line naming it; with ``text`` (an output kept to be printed again), followed by
    a line with the text's length in bytes and the text as it is, in UTF-8: the value's JSON holds no line
    end, and a text of megabytes is written and read again without JSON's escaping of every character (a
    file cut short is found by the length). Nothing is collected meanwhile: encoding makes only acyclic
    lists."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        data = dumps(value).encode("ascii")
    finally:
        if enabled:
            gc.enable()
    if text is not None:
        encoded = text.encode("utf-8")
        data += b"\n%d\n" % len(encoded) + encoded
    replace_file(path, data if digest is None else _header(digest) + b"\n" + data, private=True)


_HEADER = re.compile(rb"digest [ -~]{1,200}")
"""A memo's first line: what it was kept for (a content digest, or the version that wrote a graph)."""


def _header(digest: str) -> bytes:
    return b"digest " + digest.encode("ascii")


def _present(folder: Path, shards: tuple[str, ...]) -> list[str]:
    """The shards of facts there are files for."""
    names = {_facts_file(folder, shard).name: shard for shard in shards}
    try:
        with os.scandir(folder) as found:
            return sorted(names[entry.name] for entry in found if entry.name in names)
    except OSError:  # no folder yet (or one that cannot be listed, which the save reports)
        return []


def _shard(key: str) -> str:
    """The shard of a key ``<rule-set digest>:<max size>:<content key>``: its content key's first two digits."""
    return key.rpartition(":")[2][:2]


def _facts_file(folder: Path, shard: str) -> Path:
    return folder / f"facts-v{FACTS_VERSION}-{shard}.jsonl"


def remove_stale(folder: Path, prefixes: tuple[str, ...], keep: set[str]) -> None:
    """Delete this cache's own files left by other versions (or other digests): regular files only,
    named ``<prefix>-v*`` (stores of this version, or pickles of versions before 19)."""
    with os.scandir(folder) as found:
        for entry in found:
            name = entry.name
            if (name not in keep and name.partition("-v")[0] in prefixes and "-v" in name
                    and name.endswith((".json", ".jsonl", ".pickle")) and entry.is_file(follow_symlinks=False)):
                os.unlink(entry.path)


def _memo_file(folder: Path, name: str) -> Path:
    return folder / f"{name}-v{FACTS_VERSION}.json"


def prepare_folder(folder: Path) -> None:
    """Create the cache folder with its ``.gitignore`` and ``CACHEDIR.TAG`` (backup tools skip it).

    Only after :func:`folder_problem` found nothing: a marker is written only where nothing is, not even
    a dangling link (which ``O_EXCL`` with ``O_NOFOLLOW`` refuses to follow)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _TAG)):
        try:
            descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                                 0o644)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
