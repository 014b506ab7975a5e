"""A project's template filter or tag over its flag check is a check in its templates: pretalx's
``request.event|get_feature_flag:"use_tracks"`` (18 template sites, none found before), DefectDojo's
``'DISABLE_FINDING_MERGE'|setting_enabled`` over ``getattr(settings, name, False)``, HSReplay.net's
``{% feature "billing" as billing %}`` and TreyWW/MyFinances' ``{% personal_feature_enabled user "invoices" %}``."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from flagaudit.config import Config
from flagaudit.policies import declared, load_policies
from flagaudit.scan.project import ScanOptions, scan
from tests.repos import Repo, write_files
from tests.run import run_cli

MODELS = """\
    from django.db import models


    class Event(models.Model):
        feature_flags = models.JSONField(default=dict)

        def get_feature_flag(self, feature):
            return self.feature_flags.get(feature, False)


    class Profile(models.Model):
        disabled_features = models.JSONField(default=list)

        def has_feature(self, feature):
            return feature not in self.disabled_features
    """
EVENT_TAGS = """\
    from django import template
    from django.conf import settings

    register = template.Library()


    @register.filter
    def get_feature_flag(event, feature_flag: str):
        return event.get_feature_flag(feature_flag)


    @register.filter
    def setting_enabled(name):
        return getattr(settings, name, False)


    def not_a_filter(event, feature_flag):
        return event.get_feature_flag(feature_flag)


    @register.simple_tag(takes_context=True)
    def feature(context, name):
        return context["request"].event.get_feature_flag(name)


    @register.simple_tag
    def personal_feature_enabled(user, feature):
        return user.profile.has_feature(feature)
    """
VIEWS = """\
    def talk(request):
        if request.event.get_feature_flag("use_tracks"):
            return "tracks"
        return "plain"
    """
TALK = """\
    {% load event_tags %}
    {% if request.event|get_feature_flag:"use_tracks" and talk.track %}<span>{{ talk.track }}</span>{% endif %}
    {% if submission.accepts_feedback and request.event|get_feature_flag:'use_feedback' %}<a>feedback</a>{% endif %}
    {% if 'DISABLE_FINDING_MERGE'|setting_enabled %}{% else %}<a>merge</a>{% endif %}
    {% if 'TRACK_IMPORT_HISTORY'|setting_enabled %}<a>history</a>{% endif %}
    {{ request.event|not_a_filter:"use_nothing" }}
    {% feature "billing" as billing %}{% if billing %}<a>billing</a>{% endif %}
    {% personal_feature_enabled request.user 'monthly_reports' as reports %}
    """
TEMPLATE = "agenda/templates/agenda/talk.html"
FILES = {"agenda/__init__.py": "", "agenda/models.py": MODELS, "agenda/templatetags/__init__.py": "",
         "agenda/templatetags/event_tags.py": EVENT_TAGS, "agenda/views.py": VIEWS,
         "agenda/templates/agenda/talk.html": TALK}


def test_a_filter_over_a_check_is_a_check_in_the_templates(tmp_path: Path) -> None:
    """The key is the filter's argument, or the value filtered, or a tag's argument (the context a tag takes first is
    none); a setting read by name through a filter counts only where it is named as a switch, as
    ``getattr(settings, "X", False)`` does; a function no template library registers is no filter. A method named
    like a check that only a tag calls, with its own parameter, checks what the templates give the tag. A tag over a
    model's row (a user's own choice of features) asks per user there too: typed like a permission, not like a
    rollout left running."""
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in FILES.items()})
    flags = scan((str(tmp_path),), ScanOptions(use_cache=False)).flags
    policies = load_policies(Config(root=tmp_path), {})
    assert {f.key: declared(f, policies).type_source for f in flags if f.key in ("monthly_reports", "use_feedback")} \
        == {"monthly_reports": f"asked per user, group or object at {TEMPLATE}:8",
            "use_feedback": f"asked per user, group or object at {TEMPLATE}:3"}
    template = TEMPLATE
    [unknown] = [f for f in flags if f.key is None]  # the check in a helper nothing calls keeps its own site
    assert [s.function for s in unknown.sites] == ["agenda.templatetags.event_tags.not_a_filter"]
    assert sorted((f.key, [(s.path, s.line, s.rule) for s in f.sites]) for f in flags if f.key) == [
        ("DISABLE_FINDING_MERGE", [(template, 4, "wrapper/agenda.templatetags.event_tags.setting_enabled.template")]),
        ("billing", [(template, 7, "wrapper/agenda.templatetags.event_tags.feature.per-user.template")]),
        ("monthly_reports", [(template, 8,
                              "wrapper/agenda.templatetags.event_tags.personal_feature_enabled.per-user.template")]),
        ("use_feedback", [(template, 3,
                           "wrapper/agenda.templatetags.event_tags.get_feature_flag.per-user.template")]),
        ("use_tracks", [(template, 2, "wrapper/agenda.templatetags.event_tags.get_feature_flag.per-user.template"),
                        ("agenda/views.py", 2, "registry/agenda.models.Event.get_feature_flag.per-user")]),
    ]


def test_history_reads_the_filter_in_the_templates_of_every_commit(tmp_path: Path) -> None:
    """The filter's rule is inferred from the working tree, and history reads every version of the templates with
    it: a template that used the filter years ago gives the flag its birth."""
    repo = Repo(tmp_path / "repo")
    first = {name: text for name, text in FILES.items() if name != "agenda/views.py"}
    born = repo.commit("2021-03-01", "feedback links on talk pages", first)
    repo.commit("2022-05-01", "tracks in the view", {"agenda/views.py": VIEWS})
    result = run_cli("history", "--format", "json", "--no-cache", "--as-of", "2026-01-01", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    timelines = {t["key"]: t for t in json.loads(result.stdout)["timelines"]}
    assert [(e["kind"], e["date"][:10], e["commit"]) for e in timelines["use_feedback"]["events"]] == [
        ("born", "2021-03-01", born)]


def test_a_tag_that_gives_a_check_the_user_first_passes_its_key_second(tmp_path: Path) -> None:
    """HSReplay.net's ``{% feature "winrates" as ft %}`` returns ``get_feature_context(context["user"], name)``, a
    function of its own named like a check that no Python code calls with a string: it checks the key its tag is
    given, in the second place."""
    tags = """\
        from django import template

        from hsr.models import Feature

        register = template.Library()


        def get_feature_context(user, feature_name):
            found = {"name": feature_name, "enabled": user.is_staff}
            row = Feature.objects.filter(name=feature_name).first()
            if row is not None:
                found["enabled"] = row.enabled_for_user(user)
            return found


        @register.simple_tag(takes_context=True)
        def feature(context, name):
            return get_feature_context(context["user"], name)
        """
    page = '{% load feature from features %}\n{% feature "winrates" as ft %}{% if ft.enabled %}<a>x</a>{% endif %}\n'
    write_files(tmp_path, {"hsr/__init__.py": "", "hsr/models.py": "class Feature:\n    pass\n",
                           "hsr/templatetags/__init__.py": "", "hsr/templatetags/features.py": textwrap.dedent(tags),
                           "hsr/templates/cards/deck.html": page})
    flags = scan((str(tmp_path),), ScanOptions(use_cache=False)).flags
    assert [(f.key, [(s.path, s.line, s.rule) for s in f.sites]) for f in flags] == [
        ("winrates", [("hsr/templates/cards/deck.html", 2, "wrapper/hsr.templatetags.features.feature.template")])]
