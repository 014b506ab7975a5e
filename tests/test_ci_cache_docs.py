"""docs/ci.md's cache steps keep a restored cache the project's own: only the default branch saves it.

A gate whose cache a pull request could write would judge later runs on the default branch with facts the
pull request chose; these checks keep the documented steps from drifting into that. That a cache restored
into another checkout is used is tested in test_history.py.
"""

from __future__ import annotations

import re
from pathlib import Path

DOC = (Path(__file__).resolve().parent.parent / "docs" / "ci.md").read_text(encoding="utf-8")
SECTION = DOC.split("### Keeping the cache warm", 1)[1].split("\n## ", 1)[0]
GITHUB, GITLAB = re.findall(r"```yaml\n(.*?)```", SECTION, re.S)


def _steps(workflow: str) -> list[str]:
    return re.split(r"\n(?=      - )", workflow)


def test_github_restores_everywhere_and_saves_only_on_pushes_to_the_default_branch() -> None:
    saves = [s for s in _steps(GITHUB) if "actions/cache/save" in s]
    restores = [s for s in _steps(GITHUB) if "actions/cache/restore" in s]
    assert len(saves) == 1 and len(restores) == 1 and "actions/cache@" not in GITHUB
    condition = re.search(r"if: \$\{\{(.*)\}\}", saves[0])
    assert condition is not None
    assert "github.event_name == 'push'" in condition[1]
    assert "github.ref_name == github.event.repository.default_branch" in condition[1]
    for step in (*saves, *restores):
        assert "path: .flagaudit_cache" in step and "key: flagaudit-${{ runner.os }}-${{ github.sha }}" in step
    assert "restore-keys: flagaudit-${{ runner.os }}-" in restores[0]


def test_gitlab_merge_requests_only_pull_and_the_default_branch_pushes() -> None:
    jobs = dict(re.findall(r"^([\w.-]+):\n((?:  .*\n|\n)*)", GITLAB, re.M))
    assert re.search(r"policy: pull\s", jobs["flagaudit"]) and "pull-push" not in jobs["flagaudit"]
    assert "merge_request_event" in jobs["flagaudit"]
    assert re.search(r"policy: pull-push\s", jobs["flagaudit-default-branch"])
    assert "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in jobs["flagaudit-default-branch"]
    assert "unprotect: true" not in GITLAB
