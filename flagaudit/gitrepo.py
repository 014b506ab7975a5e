"""Read a repository's first-parent history through gitpython, and say plainly what cannot be read.

Everything git-specific lives here: finding the repository (or learning that
there is none), its state (empty, shallow, bare, detached), the commits with
the files each one changed relative to its first parent, renames included,
and blob contents. Problems become a :class:`FlagauditError` with one
sentence, or a note for the caller to show; never a traceback.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flagaudit.errors import FlagauditError

if TYPE_CHECKING:
    import git

SUBMODULE = "160000"
REGULAR = ("100644", "100755")

_START = b"\x01"
_FORMAT = "--format=%x01%H%x00%aI%x00%an <%ae>%x00%s"
_LOG = ("log", "--first-parent", "-m", "--root", "--raw", "-z", "--no-abbrev", "-M", "--no-show-signature",
        "--encoding=UTF-8", "--reverse", _FORMAT)


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
    """Author date, ISO 8601 with the author's offset."""
    author: str
    subject: str
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Repository:
    """An open repository and what the history walk needs to know about it."""

    repo: git.Repo
    top: Path
    """The work tree's top folder, or the git folder of a bare repository."""
    head: str | None
    """The commit HEAD points at; ``None`` in a repository without commits."""
    bare: bool = False
    shallow: bool = False
    detached: bool = False

    def first_parents(self) -> list[str]:
        """HEAD's first-parent chain, newest first."""
        return self._git("rev-list", "--first-parent", "HEAD").decode("ascii").split()

    def commits(self, after: str | None = None) -> Iterator[Commit]:
        """First-parent commits up to HEAD, oldest first; only those after ``after`` when given."""
        return parse_log(self._git(*_LOG, f"{after}..HEAD" if after else "HEAD"))

    def blob(self, sha: str) -> bytes:
        try:
            return self.repo.odb.stream(bytes.fromhex(sha)).read()
        except Exception as exc:  # a missing object in a damaged or partial clone
            raise FlagauditError(f"cannot read git object {sha[:12]}: {exc}") from None

    def resolve(self, ref: str) -> str | None:
        """The commit ``ref`` names, or ``None``; passed after ``--end-of-options`` so it never reads as an option."""
        try:
            found = self._git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        except FlagauditError:
            return None
        return found.decode("ascii").strip() or None

    def has_object(self, sha: str) -> bool:
        """Whether the object database holds ``sha`` (a commit named from another repository does not)."""
        try:
            self._git("cat-file", "-e", "--end-of-options", sha)
        except FlagauditError:
            return False
        return True

    def tree(self, commit: str) -> list[tuple[str, str, str]]:
        """``(path, mode, blob)`` of every file in ``commit``'s tree, read from git objects (no checkout)."""
        entries = []
        for record in self._git("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit).split(b"\0"):
            if record:
                meta, _, path = record.partition(b"\t")
                mode, _, sha = meta.decode("ascii").split(" ")
                entries.append((_path(path), mode, sha))
        return entries

    def commits_between(self, older: str, newer: str) -> frozenset[str]:
        """Commits reachable from ``newer`` but not from ``older`` (both resolved commits)."""
        return frozenset(self._git("rev-list", f"{older}..{newer}", "--").decode("ascii").split())

    def commit_date(self, commit: str) -> str:
        """The committer date, ISO 8601: when the commit landed, not when it was written."""
        return self._git("show", "-s", "--format=%cI", "--end-of-options", commit).decode("ascii").strip()

    def close(self) -> None:
        self.repo.close()

    def _git(self, *args: str) -> bytes:
        import git

        try:
            return getattr(self.repo.git, args[0].replace("-", "_"))(*args[1:], stdout_as_string=False)
        except git.GitCommandError as exc:
            raise FlagauditError(f"git {args[0]} failed in {self.top}: {_last_line(exc.stderr)}") from None


def open_repository(path: Path) -> Repository | None:
    """The repository holding ``path``, or ``None`` when there is none.

    gitpython refuses to import without a git executable, so it is imported
    here, after checking, and not at the top: the static commands work without git.
    """
    executable = os.environ.get("GIT_PYTHON_GIT_EXECUTABLE", "git")
    if shutil.which(executable) is None:
        raise FlagauditError(f"git is not installed or not on PATH ({executable!r} not found); history needs git")
    import git

    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    try:
        # A git folder given itself is read as bare, even without ``core.bare`` (a mirror, or ``repo/.git``).
        bare = repo.bare or Path(repo.git_dir).resolve() == path.resolve()
        if bare:
            repo.git.update_environment(GIT_DIR=repo.git_dir)
        top = Path(repo.git_dir if bare else repo.working_tree_dir or repo.git_dir)
        if not repo.head.is_valid():
            return Repository(repo, top, None, bare=bare)
        shallow = repo.git.rev_parse("--is-shallow-repository") == "true"
        return Repository(repo, top, repo.head.commit.hexsha, bare, shallow, repo.head.is_detached)
    except (git.GitCommandError, ValueError) as exc:
        repo.close()
        detail = _last_line(exc.stderr) if isinstance(exc, git.GitCommandError) else str(exc)
        raise FlagauditError(f"cannot read the git repository at {path}: {detail}") from None


def parse_log(data: bytes) -> Iterator[Commit]:
    """Parse ``git log -z --raw`` with :data:`_FORMAT`: a header per commit, then its changed files."""
    tokens = data.split(b"\0")
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip(b"\n")
        if not token.startswith(_START) or index + 3 >= len(tokens):
            index += 1
            continue
        sha, date, author, subject = token[1:], tokens[index + 1], tokens[index + 2], tokens[index + 3]
        index += 4
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
