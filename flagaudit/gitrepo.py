"""The one git adapter: every git command flagaudit runs starts here, against the project's own repository.

The checkout is attacker-written (pull requests from forks, pre-commit), and
so may be any folder in it: one laid out like a git directory, with a config
that names commands (``core.fsmonitor``), would have git run them if git were
started inside it. So the repository is located once, from the project root,
and every command then names it explicitly (``--git-dir``, ``--work-tree``),
with the options in :data:`HARDENING` that switch off whatever a repository
could make git execute, paths passed as literal pathspecs after ``--``, and
user-given refs checked to name a commit before they are used (after
``--end-of-options``, so they never read as options). Blobs are read through
one long-lived ``git cat-file --batch`` per process, started the same way. git
never reaches the network: a partial clone is read as it is, and what it lacks
is missing, not fetched.

Problems become a :class:`FlagauditError` with one sentence and, where there
is one, the fix; never a traceback. "Not a git repository" is the only
failure that means "no history": anything else git refuses (a repository
owned by another user, a damaged one) stops the run, because a gate that
cannot read history must not pass.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from flagaudit.errors import FlagauditError

SUBMODULE = "160000"
REGULAR = ("100644", "100755")

CONFIG_OVERRIDES = (
    "core.fsmonitor=false",  # an fsmonitor hook is a command git runs whenever it reads the index
    f"core.hooksPath={os.devnull}",  # no hook (post-index-change and the like) runs
    "diff.external=",  # no external diff program (with --no-ext-diff where diffs are computed)
    "core.pager=cat",  # no pager program (and --no-pager)
    "log.showSignature=false",  # no gpg.program run to verify signatures
    "safe.bareRepository=explicit",  # a folder laid out like a git directory is never picked up by discovery
    "protocol.allow=never",  # a partial clone fetches what it lacks on demand: flagaudit reads what is there
)
"""``-c`` options on every git command; they win over any configuration a repository carries."""
HARDENING = ("--no-pager", "--literal-pathspecs", *(arg for item in CONFIG_OVERRIDES for arg in ("-c", item)))
GLOBS = tuple(arg for arg in HARDENING if arg != "--literal-pathspecs")
"""The same for a command given pathspecs flagaudit writes itself (``:(glob)**/*.py``), never a user's path."""
ENVIRONMENT = {
    "GIT_TERMINAL_PROMPT": "0",  # never wait for a password nobody will type
    "GIT_PAGER": "cat",
    "GIT_OPTIONAL_LOCKS": "0",  # reading does not rewrite the index
}
"""Set for every git process."""

_START = b"\x01"
_FORMAT = "--format=%x01%H%x00%cI%x00%an <%ae>%x00%s%x00%b"
_LOG = ("log", "--first-parent", "-m", "--root", "--raw", "-z", "--no-abbrev", "--no-show-signature",
        "--no-ext-diff", "--no-textconv", "--encoding=UTF-8", "--reverse", _FORMAT)
_RENAMES = (("-M", None),
            ("-M100%", "renames with edits are not followed (git cannot read every earlier version of the files)"),
            ("--no-renames", "renames are not followed (git cannot read every earlier version of the files)"))
"""Rename detection, then what is left of it when git cannot read the files it compares (a partial clone)."""
_COMMIT_ID = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?\Z")


@dataclass(frozen=True, slots=True)
class Change:
    """One file a commit changed relative to its first parent; paths relative to the work tree's top."""

    status: str
    """``A``, ``M``, ``D``, ``T`` or ``R`` (rename; ``old_path`` is where it came from)."""
    path: str
    mode: str
    """The file's mode after the commit (before it, for a deletion): ``100644``, ``160000`` (a submodule)…"""
    blob: str | None = None
    """The new content's hash; ``None`` for a deletion."""
    old_path: str | None = None


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    date: str
    """Committer date, ISO 8601 with the committer's offset: when the change landed on this line of history.
    (A commit authored in 2019 and merged in 2020 happened, for this branch, in 2020.)"""
    author: str
    subject: str
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Repository:
    """The project's repository, named explicitly in every command run against it."""

    git_dir: Path
    top: Path
    """The work tree's top folder, or the git folder of a bare repository."""
    head: str | None
    """The commit HEAD points at; ``None`` in a repository without commits."""
    bare: bool = False
    shallow: bool = False
    detached: bool = False
    readers: list[BlobReader] = field(default_factory=list, compare=False, repr=False)
    """This process's reader of blobs, once opened."""
    sources: list[BlobSource] = field(default_factory=list, compare=False, repr=False)

    def run(self, *args: str, check: bool = True, hardening: tuple[str, ...] = HARDENING
            ) -> subprocess.CompletedProcess[bytes]:
        """Run git on this repository; a failure is a :class:`FlagauditError` unless ``check`` is off."""
        result = run_git(*self.place(), *args, cwd=self.top, hardening=hardening)
        if check and result.returncode != 0:
            raise FlagauditError(f"git {args[0]} failed in {self.top}: {_last_line(result.stderr)}")
        return result

    def place(self) -> tuple[str, ...]:
        """The options that name this repository to git."""
        return (f"--git-dir={self.git_dir}",) if self.bare else (f"--git-dir={self.git_dir}", f"--work-tree={self.top}")

    def first_parents(self) -> list[str]:
        """HEAD's first-parent chain, newest first."""
        return self.run("rev-list", "--first-parent", "HEAD", "--").stdout.decode("ascii").split()

    def parentless(self, commit: str) -> bool:
        """Whether ``commit`` (a commit id) has no parent here: a root commit, or where a shallow clone starts."""
        return bool(_COMMIT_ID.match(commit)) and self.resolve(f"{commit}^") is None

    def first_parents_after(self, commit: str) -> list[str] | None:
        """HEAD's first-parent chain down to ``commit`` (a commit id), newest first and without it; ``None``
        when ``commit`` is not on that chain (or not a commit id). Costs the commits since ``commit``, not the
        whole chain."""
        if not _COMMIT_ID.match(commit):
            return None
        if commit == self.head:
            return []
        found = self.run("rev-list", "--first-parent", "--parents", "--end-of-options", f"{commit}..HEAD", "--",
                         check=False)
        lines = [line.split() for line in found.stdout.decode("ascii", "replace").splitlines()]
        if found.returncode != 0 or not lines or lines[-1][1:2] != [commit]:
            return None
        return [line[0] for line in lines]

    def commits(self, after: str | None, groups: tuple[tuple[str, ...], ...]) -> tuple[list[Commit], str | None]:
        """First-parent commits up to HEAD that change a file the pathspecs in ``groups`` match (``:(glob)``
        patterns flagaudit writes), oldest first; only those after ``after`` (a commit id) when given.

        Renames are followed by comparing the contents of added and deleted files, which a partial clone may
        lack. Then each group is read on its own (the first, Python files, keeps its renames when its files
        are all there), with less rename detection where git cannot compare; the note says so.
        """
        if after is not None and not _COMMIT_ID.match(after):
            raise FlagauditError(f"not a commit id: {after!r}")
        span = f"{after}..HEAD" if after else "HEAD"

        def log(option: str, patterns: tuple[str, ...]) -> list[Commit]:
            return list(parse_log(self.run(*_LOG, option, "--end-of-options", span, "--", *patterns,
                                           hardening=GLOBS).stdout))

        try:
            return log(_RENAMES[0][0], tuple(p for group in groups for p in group)), None
        except FlagauditError:
            pass  # git could not read a file it compares for renames
        logs, notes = [], []
        for group in groups:
            for option, note in _RENAMES if len(groups) > 1 else _RENAMES[1:]:
                try:
                    logs.append(log(option, group))
                except FlagauditError:
                    if option == _RENAMES[-1][0]:
                        raise
                    continue
                notes.append(note)
                break
        return _merged(logs, self.first_parents()), next((n for n in notes if n), None)

    def resolve(self, ref: str) -> str | None:
        """The commit ``ref`` names, or ``None``; checked before use, so a ref never reaches git as an option."""
        result = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False)
        found = result.stdout.decode("ascii", "replace").strip()
        return found if result.returncode == 0 and _COMMIT_ID.match(found) else None

    def commits_since(self, base: str) -> frozenset[str]:
        """Commits on HEAD's first-parent line since ``base`` (a ref the user gave)."""
        start = self.resolve(base)
        if start is None:
            raise FlagauditError(f"--base {base!r}: not a commit in the repository at {self.top}")
        return frozenset(self.run("rev-list", "--first-parent", f"{start}..HEAD", "--").stdout.decode("ascii").split())

    def has_object(self, sha: str) -> bool:
        """Whether the object database holds ``sha`` (a commit named from another repository does not)."""
        return self.run("cat-file", "-e", "--end-of-options", sha, check=False).returncode == 0

    def tree(self, commit: str) -> list[tuple[str, str, str]]:
        """``(path, mode, blob)`` of every file in ``commit``'s tree, read from git objects (no checkout)."""
        entries = []
        for record in self.run("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit).stdout.split(b"\0"):
            if record:
                meta, _, path = record.partition(b"\t")
                mode, _, sha = meta.decode("ascii").split(" ")
                entries.append((_path(path), mode, sha))
        return entries

    def commits_between(self, older: str, newer: str) -> frozenset[str]:
        """Commits reachable from ``newer`` but not from ``older`` (both resolved commits)."""
        return frozenset(self.run("rev-list", f"{older}..{newer}", "--").stdout.decode("ascii").split())

    def changed_lines(self, base: str) -> dict[str, frozenset[int]]:
        """Lines the working tree adds or changes relative to where HEAD left ``base`` (their merge base): what a
        pull request touches. Paths relative to the work tree's top; a file only renamed touches no line."""
        start = self.resolve(base)
        if start is None:
            raise FlagauditError(f"--base {base!r}: not a commit in the repository at {self.top}")
        fork = self.run("merge-base", start, "HEAD").stdout.decode("ascii").strip()
        return parse_diff_lines(self.run("diff", "--no-color", "--no-ext-diff", "--no-textconv", "-U0", "-M",
                                         "--src-prefix=a/", "--dst-prefix=b/", fork, "--").stdout)

    def commit_date(self, commit: str) -> str:
        """The committer date, ISO 8601: when the commit landed, not when it was written."""
        return self.run("show", "-s", "--no-ext-diff", "--no-textconv", "--format=%cI", "--end-of-options",
                        commit).stdout.decode("ascii").strip()

    def blob(self, sha: str) -> bytes:
        data = self.blobs().read(sha)
        if data is None:
            raise FlagauditError(f"cannot read git object {sha[:12]}: git does not have it (a partial clone?)")
        return data

    def blobs(self) -> BlobReader:
        """This process's reader of blob contents, opened on first use and closed with the repository."""
        if not self.readers:
            self.readers.append(self.blob_source().open())
        return self.readers[0]

    def blob_source(self) -> BlobSource:
        """What any process needs to read this repository's blobs (worker processes open their own reader)."""
        if not self.sources:
            present = None
            if self._partial():
                listing = self.run("cat-file", "--batch-check=%(objecttype) %(objectname)", "--batch-all-objects")
                present = frozenset(line[5:].decode("ascii") for line in listing.stdout.splitlines()
                                    if line.startswith(b"blob "))
            self.sources.append(BlobSource(self.place(), str(self.top), present))
        return self.sources[0]

    def _partial(self) -> bool:
        """A partial clone (``--filter``): what it lacks would be fetched on demand, which flagaudit never does."""
        settings = self.run("config", "--get-regexp", r"^(extensions\.partialclone|remote\..*\.promisor)$",
                            check=False).stdout
        return any(not line.endswith(b" false") for line in settings.splitlines())

    def files(self, folder: Path) -> list[Path] | None:
        """Tracked and untracked-but-not-ignored files under ``folder``; ``None`` when it is not in the work tree.

        Tracked files deleted from the working tree are listed too: the caller tells them from files it cannot
        reach (a folder without permission), which must be reported rather than dropped."""
        if self.bare:
            return None
        inside = self.prefix(folder)
        if inside is None:
            return None
        result = self.run("ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", inside or ".",
                          check=False)
        if result.returncode != 0:
            return None
        names = {n[len(inside):] for n in result.stdout.decode("utf-8", "surrogateescape").split("\0") if n}
        return [folder / n for n in sorted(names)]

    def blame(self, path: str, ranges: Sequence[tuple[int, int]]) -> str | None:
        """``git blame --porcelain`` of the lines in ``ranges`` of ``path`` (relative to the top), or ``None``."""
        lines = [f"-L{start},{end}" for start, end in ranges]
        result = self.run("blame", "--porcelain", "--no-textconv", "--no-ext-diff", *lines, "--", path, check=False)
        return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None

    def prefix(self, folder: Path) -> str | None:
        """``folder`` relative to the top, ``""`` or ``sub/dir/``; ``None`` when it is not under the top."""
        for spelled in (Path(os.path.abspath(folder)), folder.resolve()):
            try:
                inside = spelled.relative_to(self.top).as_posix()
            except ValueError:
                continue
            return "" if inside == "." else f"{inside}/"
        return None

    def setting(self, name: str) -> str:
        """A configuration value as git sees it in this repository (system, global, local); empty if unset."""
        return self.run("config", "--get", name, check=False).stdout.decode("utf-8", "replace").strip()

    def close(self) -> None:
        for reader in self.readers:
            reader.close()


@dataclass(frozen=True)
class BlobSource:
    """Where blobs are read from; plain data, so each worker process opens a reader of its own."""

    place: tuple[str, ...]
    """The options that name the repository (``--git-dir``...)."""
    top: str
    present: frozenset[str] | None = None
    """In a partial clone, the blobs it holds: git would try to fetch any other, and stop."""

    def open(self) -> BlobReader:
        return BlobReader(self)


class BlobReader:
    """Blob contents through one long-lived ``git cat-file --batch``: one process for a whole walk, not one per blob.

    A blob git does not have (a partial clone, a damaged repository) reads as ``None``. If git stops anyway
    (a damaged pack), that blob reads as ``None`` and the next read starts git again.
    """

    def __init__(self, source: BlobSource) -> None:
        self.source = source
        self.process: subprocess.Popen[bytes] | None = None

    def read(self, sha: str) -> bytes | None:
        present = self.source.present
        if present is not None and sha not in present:
            return None
        process = self.process or self._start()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(sha.encode("ascii") + b"\n")
            process.stdin.flush()
            header = process.stdout.readline().split()
        except OSError:
            header = []
        if len(header) != 3:
            if not header or header[-1] != b"missing":
                self.close()  # git stopped: start afresh on the next read
            return None
        data = process.stdout.read(int(header[2]) + 1)[:-1]
        return data if header[1] == b"blob" else None

    def close(self) -> None:
        if self.process is not None:
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()
            self.process.wait()
            self.process = None

    def _start(self) -> subprocess.Popen[bytes]:
        try:
            self.process = subprocess.Popen(["git", *HARDENING, *_READER_MEMORY, *self.source.place, "cat-file",
                                             "--batch"], cwd=self.source.top, env={**os.environ, **ENVIRONMENT},
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise FlagauditError(f"cannot run git: {exc.strerror}") from None
        return self.process


_READER_MEMORY = ("-c", "core.deltaBaseCacheLimit=32m", "-c", "core.packedGitLimit=64m", "-c",
                  "core.packedGitWindowSize=16m")
"""A blob reader lives as long as a history walk, one per worker: with git's defaults each kept up to 96 MiB of
delta bases and mapped its pack in 1 GiB windows (osf.io's 250 MB pack: 110 MiB resident a reader), with these
about 60 MiB, for a fifth more of its CPU (reading osf.io's 25,000 Python blobs: 0.82 to 0.97 s)."""


def run_git(*args: str, cwd: Path, hardening: tuple[str, ...] = HARDENING) -> subprocess.CompletedProcess[bytes]:
    """git with :data:`HARDENING` and :data:`ENVIRONMENT`; never through a shell, never reading stdin."""
    try:
        return subprocess.run(["git", *hardening, *args], cwd=cwd, env={**os.environ, **ENVIRONMENT},
                              capture_output=True, check=False, stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise FlagauditError(f"cannot run git: {exc.strerror}") from None


def git_available() -> bool:
    return shutil.which("git") is not None


def user_identity(repository: Repository | None) -> str:
    """``user.name <user.email>`` as git knows them (in the repository, else the global config), or ``""``."""
    if repository is not None:
        name, email = repository.setting("user.name"), repository.setting("user.email")
    elif git_available():
        name, email = (run_git("config", "--global", "--get", field, cwd=Path(os.path.abspath(os.sep))).stdout
                       .decode("utf-8", "replace").strip() for field in ("user.name", "user.email"))
    else:
        name = email = ""
    return f"{name} <{email}>" if name and email else name or email


def open_repository(path: Path) -> Repository | None:
    """The repository holding ``path`` with its state (HEAD, shallow, detached); ``None`` when there is none."""
    if not git_available():
        raise FlagauditError("git is not installed or not on PATH ('git' not found); history needs git")
    found = find_repository(path)
    if found is None:
        return None
    asked = found.run("rev-parse", "--is-shallow-repository", "--verify", "--quiet", "HEAD^{commit}", check=False)
    answer = asked.stdout.decode("ascii", "replace").split()  # "true" or "false", then HEAD unless there is none
    if answer[:1] not in (["true"], ["false"]) or len(answer) != (2 if asked.returncode == 0 else 1):
        raise FlagauditError(f"git rev-parse failed in {found.top}: {_last_line(asked.stderr)}")
    head, shallow = answer[1] if len(answer) == 2 else "", answer[0] == "true"
    if not head:
        return found
    detached = found.run("symbolic-ref", "--quiet", "HEAD", check=False).returncode != 0
    return replace(found, head=head, shallow=shallow, detached=detached)


def find_repository(path: Path) -> Repository | None:
    """Where the repository holding ``path`` is (its state not read yet), or ``None`` when there is none.

    A git folder given itself is read as a bare repository (a mirror, or
    ``repo/.git``), unless it lies inside a work tree: there it is content
    someone committed, and git is not started in it.
    """
    found = run_git("rev-parse", "--absolute-git-dir", "--is-bare-repository", "--show-toplevel", cwd=path)
    lines = found.stdout.decode("utf-8", "surrogateescape").split("\n")
    if found.returncode == 0 and len(lines) == 4 and lines[1:4:2] == ["false", ""] and \
            Path(lines[0]).resolve() != path.resolve():  # a work tree, asked in one process (the usual case)
        return Repository(Path(lines[0]), Path(lines[2]), None)
    found = run_git("rev-parse", "--absolute-git-dir", "--is-bare-repository", cwd=path)
    explicit = found.returncode != 0 and b"cannot use bare repository" in found.stderr
    if explicit:
        found = _explicit_git_dir(path)
    elif found.returncode != 0:
        if b"not a git repository" in found.stderr:
            return None
        raise _refused(path, found.stderr)
    git_dir_text, bare_text = found.stdout.decode("utf-8", "surrogateescape").splitlines()[:2]
    git_dir = Path(git_dir_text)
    if explicit or bare_text == "true" or git_dir.resolve() == path.resolve():
        return Repository(git_dir, git_dir, None, bare=True)
    shown = run_git("rev-parse", "--show-toplevel", cwd=path)
    if shown.returncode != 0:
        raise _refused(path, shown.stderr)
    return Repository(git_dir, Path(shown.stdout.decode("utf-8", "surrogateescape").rstrip("\n")), None)


def _explicit_git_dir(path: Path) -> subprocess.CompletedProcess[bytes]:
    """``path`` opened as the git folder it is laid out as, unless a work tree holds it."""
    holder = run_git("rev-parse", "--show-toplevel", cwd=path.parent)
    if holder.returncode == 0:
        top = holder.stdout.decode("utf-8", "surrogateescape").rstrip("\n")
        raise FlagauditError(f"{path} is laid out like a git directory inside the work tree of {top}: it is content "
                             f"of that repository, and flagaudit does not run git in it (run from {top})")
    found = run_git(f"--git-dir={path}", "rev-parse", "--absolute-git-dir", "--is-bare-repository", cwd=path)
    if found.returncode != 0:
        raise _refused(path, found.stderr)
    return found


def _refused(path: Path, stderr: bytes) -> FlagauditError:
    """git's own words, and the fix when git distrusts the folder's owner."""
    message = stderr.decode("utf-8", "replace")
    first = next((line.strip() for line in message.splitlines() if line.strip()), "unknown error")
    fix = ""
    if "safe.directory" in message or "dubious ownership" in message:
        owned = re.search(r"safe\.directory (\S+)", message)
        fix = ("; the folder belongs to another user (common in CI containers): if you trust it, run "
               f"`git config --global --add safe.directory {owned[1] if owned else path}`")
    return FlagauditError(f"git cannot read the repository at {path}: {first.removeprefix('fatal: ')}{fix}")


_TITLE_LIMIT = 200
"""Bytes of a pull request's title kept in a merge's subject: the evidence line stays one line to read."""


def _with_title(subject: bytes, body: bytes) -> bytes:
    """A merge's subject with the first line of its body, where the forge writes the pull request's title
    (``Merge pull request #1185 from org/branch: adds feature flag to disable item description display``): in a
    first-parent history that title is all that says what the merged work was for."""
    if not subject.startswith(b"Merge "):
        return subject
    title = next((line.strip() for line in body.splitlines() if line.strip()), b"")
    if title.lstrip(b"# ").startswith(b"Conflicts:"):
        return subject  # what an older git wrote into a merge's message, not a title
    return subject + b": " + title[:_TITLE_LIMIT] if title else subject


def parse_log(data: bytes) -> Iterator[Commit]:
    """Parse ``git log -z --raw`` with :data:`_FORMAT`: a header per commit, then its changed files."""
    tokens = data.split(b"\0")
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip(b"\n")
        if not token.startswith(_START) or index + 4 >= len(tokens):
            index += 1
            continue
        sha, date, author, subject = token[1:], tokens[index + 1], tokens[index + 2], tokens[index + 3]
        subject = _with_title(subject, tokens[index + 4])
        index += 5
        changes = []
        while index < len(tokens) and tokens[index].lstrip(b"\n").startswith(b":"):
            meta = tokens[index].lstrip(b"\n")[1:].decode("ascii").split()
            status = meta[4][0]
            paths = 2 if status in "RC" else 1
            names = [_path(t) for t in tokens[index + 1:index + 1 + paths]]
            index += 1 + paths
            if status == "C":
                changes.append(Change("A", names[1], meta[1], meta[3]))
            elif status == "D":
                changes.append(Change("D", names[0], meta[0]))
            else:
                changes.append(Change(status, names[-1], meta[1], meta[3], names[0] if status == "R" else None))
        yield Commit(sha.decode("ascii"), date.decode("ascii"), _text(author), _text(subject), tuple(changes))


_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def parse_diff_lines(data: bytes) -> dict[str, frozenset[int]]:
    """``git diff -U0`` -> path -> the new file's added or changed line numbers (1-based)."""
    found: dict[str, set[int]] = {}
    current: set[int] | None = None
    header = False
    for line in data.split(b"\n"):
        if line.startswith(b"diff --git "):
            header, current = True, None
        elif header and line.startswith(b"+++ "):  # an added line can read "+++ " too, so only in a header
            name = line[4:]
            # git ends the name with a tab when it holds a space (for patch(1)), and C-quotes unusual names
            path = _unquote(name) if name.startswith(b'"') else name.removesuffix(b"\t")
            current = found.setdefault(_path(path[2:]), set()) if path.startswith(b"b/") else None
        elif line.startswith(b"@@"):
            header = False
            hunk = _HUNK.match(line)
            if hunk and current is not None:
                start, count = int(hunk[1]), int(hunk[2]) if hunk[2] is not None else 1
                current.update(range(start, start + count))
    return {path: frozenset(lines) for path, lines in found.items() if lines}


_ESCAPED = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13, b'"': 34, b"\\": 92}


def _unquote(quoted: bytes) -> bytes:
    """A path git C-quoted (``"b/caf\\303\\251.py"``) -> its bytes."""
    body, out, index = quoted[1:-1], bytearray(), 0
    while index < len(body):
        char = body[index:index + 1]
        if char == b"\\" and index + 1 < len(body):
            nxt = body[index + 1:index + 2]
            if nxt.isdigit():
                out.append(int(body[index + 1:index + 4], 8) & 0xFF)
                index += 4
                continue
            out.append(_ESCAPED.get(nxt, ord(nxt)))
            index += 2
            continue
        out += char
        index += 1
    return bytes(out)


def _merged(logs: list[list[Commit]], chain: list[str]) -> list[Commit]:
    """Logs of the same history over different files, as one: each commit once, with the changes of all."""
    position = {sha: index for index, sha in enumerate(reversed(chain))}
    merged: dict[str, Commit] = {}
    for log in logs:
        for commit in log:
            known = merged.get(commit.sha)
            if known is None:
                merged[commit.sha] = commit
            else:
                merged[commit.sha] = replace(known, changes=tuple(dict.fromkeys((*known.changes, *commit.changes))))
    return sorted(merged.values(), key=lambda commit: position[commit.sha])


def _path(raw: bytes) -> str:
    """Paths as the rest of flagaudit spells them: UTF-8, undecodable bytes kept as surrogates."""
    return raw.decode("utf-8", "surrogateescape")


def _text(raw: bytes) -> str:
    """Names and subjects; git re-encodes them to UTF-8 when a commit declares its encoding, else best effort."""
    return raw.decode("utf-8", "replace")


def _last_line(stderr: str | bytes | None) -> str:
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else (stderr or "")
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else "unknown error").removeprefix("stderr: ").strip("'")
