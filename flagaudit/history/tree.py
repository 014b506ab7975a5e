"""One commit's tree as scan sources, read straight from git objects: no checkout, no working tree touched.

``flagaudit compare`` analyses each deployed version this way. Files are chosen and named exactly as the
history walk chooses and names them (the configured paths, excludes and the SDK rules' text globs; module
names from that commit's package folders), so a version's flags are what history saw at that commit.
"""

from __future__ import annotations

from flagaudit.config import Config
from flagaudit.errors import FlagauditError
from flagaudit.facts import Skipped
from flagaudit.gitrepo import REGULAR, SUBMODULE, Repository
from flagaudit.history.walk import _Folders, _module, _selector
from flagaudit.scan.cache import content_key
from flagaudit.scan.discover import DISTRIBUTION, SCRIPT
from flagaudit.scan.project import Source
from flagaudit.sdk_rules import RuleSet


def tree_sources(repository: Repository, commit: str, config: Config,
                 rules: RuleSet) -> tuple[list[Source], list[Skipped]]:
    """The files of ``commit`` a scan of that version would analyse, with their bytes; what could not be read."""
    select = _selector(repository.top, config, rules)
    entries = repository.tree(commit)
    packages, scripts = ({path.rpartition("/")[0] for path, mode, _ in entries
                          if path.rpartition("/")[2] == name and mode in REGULAR} for name in ("__init__.py", SCRIPT))
    folders = _Folders(packages, scripts, {path for path, mode, _ in entries
                                           if path.rpartition("/")[2] in DISTRIBUTION and mode in REGULAR})
    sources: list[Source] = []
    skipped: list[Skipped] = []
    for git_path, mode, blob in entries:
        path = select(git_path)
        if path is None:
            continue
        if mode == SUBMODULE:
            skipped.append(Skipped(path, "git submodule (not analysed)"))
            continue
        if mode not in REGULAR:
            skipped.append(Skipped(path, "symbolic link (not followed)"))
            continue
        try:
            data = repository.blob(blob)
        except FlagauditError as exc:  # a partial clone without the blob: the rest of the version still counts
            skipped.append(Skipped(path, str(exc)))
            continue
        module = _module(git_path, folders) if path.endswith(".py") else ""
        sources.append(Source(path, module, data, content_key(path, module, data)))
    return sources, skipped
