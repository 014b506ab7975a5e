"""Who owns a flag: what the code declares, else CODEOWNERS, else the last author of the site line.

The order is the report's contract:

1. the flag's own declaration: a ``# flagaudit: owner=...`` comment, its
   definition's metadata, or ``[tool.flagaudit] flags`` in the configuration
   (:func:`flagaudit.policies.declared`);
2. CODEOWNERS (GitHub and GitLab syntax, GitLab sections included) matched
   against the paths of the flag's sites; the last matching rule wins, and a
   rule without owners means nobody owns the path;
3. ``git blame`` of the site lines: the author of the most recently changed one.

Every :class:`~flagaudit.report.data.Owner` says which of these it came from.
git runs through :mod:`flagaudit.gitrepo`, in the project's repository, and
blame reads only the lines needed: one ``git blame --porcelain -L ... -L ...``
per file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flagaudit.facts import Flag
from flagaudit.gitrepo import Repository, find_repository, git_available
from flagaudit.policies import Policies, declared
from flagaudit.report.data import FlagId, Owner
from flagaudit.safefiles import TEXT_LIMIT, read_inside

CODEOWNERS_FILES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
"""Where GitHub (``.github/``, the top, ``docs/``) and GitLab (the top, ``docs/``, ``.gitlab/``) look; the first
found is used."""

_UNCOMMITTED = "0" * 40
_BLAME_WORKERS = 4


# -- CODEOWNERS ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerRule:
    pattern: str
    owners: tuple[str, ...]
    line: int
    section: str = ""
    regex: re.Pattern[str] = field(default=re.compile(""), compare=False, repr=False)


@dataclass(frozen=True)
class CodeOwners:
    path: str
    """Where the file is, relative to the repository's top: ``.github/CODEOWNERS``."""
    rules: tuple[OwnerRule, ...] = ()
    problems: tuple[str, ...] = ()

    def match(self, path: str) -> tuple[tuple[str, ...], tuple[OwnerRule, ...]]:
        """The owners of ``path`` (relative to the repository's top) and the rules that decided.

        The last matching rule wins; in a GitLab file with sections, the last
        matching rule of each section, and their owners together.
        """
        deciding: dict[str, OwnerRule] = {}
        for rule in self.rules:
            if rule.regex.match(path):
                deciding[rule.section] = rule
        owners: list[str] = []
        for rule in deciding.values():
            owners += [o for o in rule.owners if o not in owners]
        return tuple(owners), tuple(deciding.values())


_SECTION = re.compile(r"^\^?\[(?P<name>[^\]]+)\](?:\[\d+\])?\s*(?P<owners>.*)$")


def parse_codeowners(text: str, path: str = "CODEOWNERS") -> CodeOwners:
    """Read a CODEOWNERS file: ``pattern owner...`` lines, ``#`` comments, GitLab ``[Section] @default`` headers."""
    rules: list[OwnerRule] = []
    problems: list[str] = []
    section = ""
    defaults: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = _SECTION.match(line)
        if header and all("@" in word for word in _owners(header["owners"])):  # not a ``[ab]*.py @x`` pattern
            section, defaults = header["name"].strip(), tuple(_owners(header["owners"]))
            continue
        words = _split(line)
        pattern, owners = words[0], tuple(_owners(" ".join(words[1:])))
        if pattern.startswith("!"):
            problems.append(f"{path}:{number}: negated pattern {pattern!r} is not supported by CODEOWNERS; ignored")
            continue
        try:
            regex = _compile(pattern)
        except re.error:
            problems.append(f"{path}:{number}: cannot read the pattern {pattern!r}; ignored")
            continue
        rules.append(OwnerRule(pattern, owners or (defaults if section else ()), number, section, regex))
    return CodeOwners(path, tuple(rules), tuple(problems))


def find_codeowners(top: Path) -> CodeOwners | None:
    """The repository's CODEOWNERS file, read from the work tree, if there is one."""
    for name in CODEOWNERS_FILES:
        candidate = top / name
        if not os.path.lexists(candidate) or candidate.is_dir():
            continue
        try:  # committed: a link to ~/.netrc must not put a token in the report
            text = read_inside(top, candidate, TEXT_LIMIT).decode("utf-8", errors="replace")
        except OSError as exc:
            return CodeOwners(name, (), (f"{name}: not read ({exc.strerror})",))
        return parse_codeowners(text, name)
    return None


def _split(line: str) -> list[str]:
    """Split on whitespace that is not escaped (``\\ `` is a space in a path)."""
    return [w.replace("\\ ", " ") for w in re.split(r"(?<!\\)\s+", line) if w]


def _owners(text: str) -> list[str]:
    """Owners up to an inline comment."""
    found = []
    for word in text.split():
        if word.startswith("#"):
            break
        found.append(word)
    return found


def _compile(pattern: str) -> re.Pattern[str]:
    """A CODEOWNERS pattern as a regular expression over paths relative to the repository's top.

    gitignore rules as GitHub applies them: a leading or inner ``/`` anchors
    the pattern to the top, otherwise it matches at any depth; ``*`` and
    ``?`` stay within one folder, ``**`` crosses folders; a trailing ``/``
    matches only folders; a folder's rule covers everything below it, but
    ``docs/*`` covers only the files directly in ``docs``.
    """
    pattern = pattern.replace("\\#", "#")
    directory = pattern.endswith("/")
    body = pattern.strip("/")
    if not body:
        return re.compile(r".*")
    anchored = pattern.startswith("/") or "/" in body
    out = []
    index = 0
    while index < len(body):
        if body.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif body.startswith("**", index):
            out.append(".*")
            index += 2
        elif body[index] == "*":
            out.append("[^/]*")
            index += 1
        elif body[index] == "?":
            out.append("[^/]")
            index += 1
        elif body[index] == "[":
            end = body.find("]", index + 2)
            if end < 0:
                raise re.error("unclosed [")
            inner = body[index + 1:end]
            out.append("[" + ("^" + inner[1:] if inner.startswith("!") else inner).replace("\\", "\\\\") + "]")
            index = end + 1
        elif body[index] == "\\" and index + 1 < len(body):
            out.append(re.escape(body[index + 1]))
            index += 2
        else:
            out.append(re.escape(body[index]))
            index += 1
    prefix = "" if anchored else "(?:.*/)?"
    if directory:
        suffix = "/.*"
    elif body.endswith("/*") and not body.endswith("**/*"):
        suffix = ""
    else:
        suffix = "(?:/.*)?"
    return re.compile(prefix + "".join(out) + suffix + r"\Z")


# -- git blame -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blamed:
    """The commit that last changed one line."""

    path: str
    line: int
    commit: str
    author: str
    email: str
    time: int
    date: str

    @property
    def committed(self) -> bool:
        return self.commit != _UNCOMMITTED


def parse_porcelain(text: str, path: str) -> dict[int, Blamed]:
    """``git blame --porcelain`` output -> final line number -> who last changed it."""
    header = re.compile(r"^([0-9a-f]{40}) (\d+) (\d+)(?: \d+)?$")
    commits: dict[str, dict[str, str]] = {}
    lines: dict[int, str] = {}
    current, number = "", 0
    for line in text.split("\n"):
        found = header.match(line)
        if found:
            current, number = found.group(1), int(found.group(3))
            commits.setdefault(current, {})
        elif line.startswith("\t"):
            lines[number] = current
        elif current and " " in line:
            name, _, value = line.partition(" ")
            commits[current].setdefault(name, value)
    result = {}
    for number, commit in lines.items():
        meta = commits[commit]
        when = int(meta.get("committer-time", "0") or 0)  # when it landed, as history dates events
        result[number] = Blamed(path, number, commit, meta.get("author", ""), meta.get("author-mail", "").strip("<>"),
                                when, _local_day(when, meta.get("committer-tz", "+0000")))
    return result


def blame(root: Path, wanted: Mapping[str, Iterable[int]],
          progress: Callable[[int, int], None] | None = None) -> tuple[dict[tuple[str, int], Blamed], tuple[str, ...]]:
    """Blame ``wanted`` lines (path relative to ``root`` -> line numbers) in the work tree, a few files at a time."""
    if not git_available():
        return {}, ("git is not installed: owners from git blame are not available",)
    repository = find_repository(root)
    if repository is None or repository.bare:
        return {}, (f"{root} is not in a git work tree: owners from git blame are not available",)
    return _blame(repository, repository.prefix(root) or "", wanted, progress)


def _blame(repository: Repository, prefix: str, wanted: Mapping[str, Iterable[int]],
           progress: Callable[[int, int], None] | None) -> tuple[dict[tuple[str, int], Blamed], tuple[str, ...]]:
    files = sorted((path, sorted(set(lines))) for path, lines in wanted.items() if lines)
    if not files:
        return {}, ()
    found: dict[tuple[str, int], Blamed] = {}
    failed: list[str] = []
    with ThreadPoolExecutor(max_workers=min(_BLAME_WORKERS, len(files))) as pool:
        blamed = pool.map(lambda item: _blame_file(repository, prefix, *item), files)
        for done, (path, result) in enumerate(zip((p for p, _ in files), blamed, strict=True), 1):
            if result is None:
                failed.append(path)
            else:
                found.update(((path, n), b) for n, b in result.items())
            if progress is not None:
                progress(done, len(files))
    if not failed:
        return found, ()
    listed = ", ".join(failed[:3]) + (", ..." if len(failed) > 3 else "")
    return found, (f"git blame failed for {len(failed)} file(s) ({listed}): their owners are unknown",)


def _blame_file(repository: Repository, prefix: str, path: str, lines: list[int]) -> dict[int, Blamed] | None:
    text = repository.blame(prefix + path, _ranges(lines))
    return None if text is None else parse_porcelain(text, path)


def _ranges(lines: list[int]) -> list[tuple[int, int]]:
    """Sorted line numbers -> inclusive runs: [3, 4, 5, 9] -> [(3, 5), (9, 9)]."""
    runs: list[tuple[int, int]] = []
    for line in lines:
        if runs and line == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], line)
        else:
            runs.append((line, line))
    return runs


def _local_day(seconds: int, offset: str) -> str:
    match = re.match(r"^([+-])(\d{2})(\d{2})$", offset)
    sign = -1 if match and match.group(1) == "-" else 1
    delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3))) * sign if match else timedelta()
    return datetime.fromtimestamp(seconds, timezone(delta)).date().isoformat()


# -- owners ----------------------------------------------------------------------------------------------------


def find_owners(flags: Iterable[Flag], policies: Policies, root: Path,
                progress: Callable[[int, int], None] | None = None) -> tuple[dict[FlagId, Owner], tuple[str, ...]]:
    """An :class:`Owner` for each flag (nobody's is ``Owner()``), and notes on what could not be read."""
    found = find_repository(root) if git_available() else None
    repository = found if found is not None and not found.bare else None
    prefix = (repository.prefix(root) if repository is not None else None) or ""
    codeowners = find_codeowners(repository.top if repository is not None else root)
    notes = list(codeowners.problems) if codeowners else []
    owners: dict[FlagId, Owner] = {}
    pending: list[Flag] = []
    for flag in flags:
        if flag.key is None:
            continue
        owner = declared_owner(flag, policies) or (
            codeowners_owner(flag, codeowners, prefix) if codeowners else None)
        if owner is not None:
            owners[(flag.sdk, flag.key)] = owner
        else:
            pending.append(flag)
    if pending and repository is not None:
        wanted: dict[str, set[int]] = {}
        for flag in pending:
            for path, line in _lines(flag):
                wanted.setdefault(path, set()).add(line)
        blamed, blame_notes = _blame(repository, prefix, wanted, progress)
        notes += blame_notes
        names = author_names(blamed.values())
        for flag in pending:
            owners[(flag.sdk, flag.key or "")] = blame_owner(flag, blamed, names) or Owner()
    else:
        owners.update(((f.sdk, f.key or ""), Owner()) for f in pending)
    return owners, tuple(notes)


def declared_owner(flag: Flag, policies: Policies) -> Owner | None:
    """The owner the flag declares: at a site (annotation), at its definition, or in the configuration."""
    info = declared(flag, policies)
    if not info.owner:
        return None
    if info.owner_source == "config":
        return Owner(info.owner, "config", "[tool.flagaudit] flags")
    definitions = {f"{d.path}:{d.line}" for d in flag.definitions}
    return Owner(info.owner, "definition" if info.owner_source in definitions else "annotation", info.owner_source)


def codeowners_owner(flag: Flag, codeowners: CodeOwners, prefix: str = "") -> Owner | None:
    """The owners CODEOWNERS gives most of the flag's site paths (its definitions' when it has no site)."""
    paths = sorted({path for path, _ in _lines(flag)})
    tally: dict[tuple[str, ...], list[tuple[OwnerRule, ...]]] = {}
    for path in paths:
        owners, rules = codeowners.match(prefix + path)
        if owners:
            tally.setdefault(owners, []).append(rules)
    if not tally:
        return None
    best = max(tally, key=lambda o: len(tally[o]))  # ties: the owners of the first path, in path order
    rules = tally[best][0]
    where = "; ".join(f"{codeowners.path}:{r.line} ({r.pattern})" for r in rules)
    return Owner(" ".join(best), "CODEOWNERS", where)


def author_names(blamed: Iterable[Blamed]) -> dict[str, str]:
    """One name per e-mail address: the one on its most recent line. People commit under several spellings
    (``Ostap Zherebetskyi`` and ``Ostap-Zherebetskyi``), and one person's flags belong in one queue."""
    names: dict[str, tuple[int, str]] = {}
    for line in blamed:
        if line.committed and line.email and line.author:
            names[line.email] = max(names.get(line.email, (line.time, line.author)), (line.time, line.author))
    return {email: name for email, (_, name) in names.items()}


def blame_owner(flag: Flag, blamed: Mapping[tuple[str, int], Blamed],
                names: Mapping[str, str]) -> Owner | None:
    """The author of the most recently changed site line (committed lines only), by the name ``names`` gives
    their e-mail address (:func:`author_names`)."""
    candidates = [blamed[item] for item in _lines(flag) if item in blamed and blamed[item].committed]
    if not candidates:
        return None
    latest = min(candidates, key=lambda b: (-b.time, b.path, b.line))
    return Owner(names.get(latest.email) or latest.author or latest.email, "blame",
                 f"{latest.path}:{latest.line} ({latest.commit[:12]}, {latest.date})")


def _lines(flag: Flag) -> list[tuple[str, int]]:
    """The lines an owner is looked up for: the flag's sites, else its definitions."""
    places = flag.sites or flag.definitions
    return sorted({(p.path, p.line) for p in places})
