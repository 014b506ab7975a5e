"""Template sites are in history's timelines, so the working tree is compared with them too: a pull request that
does not touch a flag read by a template does not block on it, and the flag's first Python site sets its meaning."""

from __future__ import annotations

import json
from pathlib import Path

from tests.repos import Repo
from tests.run import run_cli

TEMPLATE = """\
    {% load waffle_tags %}
    <table class="activity">
      {% switch show_forum_activity %}
      <tr><th>Posted in forums</th><td>{{ summary.posted_forum }}</td></tr>
      {% endswitch %}
    </table>
    """
PRESENTER = """\
    from waffle import switch_is_active

    POSTED_FORUM = "posted_forum"


    def activity_types():
        types = ["attempted_problem"]
        if switch_is_active("show_forum_activity"):
            types.append(POSTED_FORUM)
        return types
    """


def test_an_untouched_flag_with_a_template_site_does_not_block(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2014-09-06", "forum activity in the template", {
        "engagement/__init__.py": "", "engagement/templates/engagement/content.html": TEMPLATE})
    repo.commit("2017-08-18", "the presenter adds the activity type", {"engagement/presenters.py": PRESENTER})
    base = repo.commit("2026-01-05", "readme", {"README.md": "Engagement pages.\n"})
    repo.commit("2026-01-06", "docs only", {"README.md": "Engagement pages for course teams.\n"})
    result = run_cli("check", "--base", base, "--as-of", "2026-01-07", "--format", "json", "-q", "--no-cache",
                     cwd=repo.path)
    document = json.loads(result.stdout)
    assert result.returncode == 0, result.stdout
    assert document["changes"] == []
    assert not [f for f in document["findings"] if f["code"].startswith("FA2")]


def test_a_template_that_drops_its_sites_leaves_another_templates_in_the_timeline(tmp_path: Path) -> None:
    """cfgov-refresh: every ``{% switch %}`` of a template has the one meaning ``<template>:``; when the Spanish
    page dropped its two, the English page's two still read the switch. Counted as a set, the meaning went away
    with the first file, the working tree (which still has it) differed from history on every later commit, and a
    pull request that touched no flag blocked on an old finding about it."""
    spanish = TEMPLATE.replace("Posted in forums", "Publicado en foros")
    repo = Repo(tmp_path / "repo")
    repo.commit("2014-09-06", "forum activity in both templates", {
        "engagement/__init__.py": "", "engagement/templates/engagement/content.html": TEMPLATE,
        "engagement/templates/engagement/content_es.html": spanish})
    repo.commit("2015-02-01", "the Spanish page without forum activity", {
        "engagement/templates/engagement/content_es.html": "<table class=\"activity\"></table>\n"})
    base = repo.commit("2026-01-05", "readme", {"README.md": "Engagement pages.\n"})
    repo.commit("2026-01-06", "docs only", {"README.md": "Engagement pages for course teams.\n"})
    result = run_cli("check", "--base", base, "--as-of", "2026-01-07", "--format", "json", "-q", "--no-cache",
                     cwd=repo.path)
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["changes"] == []
