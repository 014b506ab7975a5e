"""A dict of flags a context processor gives the templates is read there: usdoj-crt/crt-portal's
``enabled_features(request)`` returns ``{"ENABLED_FEATURES": {f.snake_case(): f.is_enabled() for f in
Feature.objects.all()}}``, and nine of its flags are checked only as ``{% if ENABLED_FEATURES.nav_updates %}``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import flags_in
from tests.repos import Repo
from tests.run import run_cli

PROJECT = {
    "features/__init__.py": "",
    "features/models.py": """
        from django.db import models


        class Feature(models.Model):
            name = models.CharField(max_length=100)
            enabled = models.BooleanField(default=False)

            @classmethod
            def is_feature_enabled(cls, name):
                return cls.objects.get(name=name).enabled

            def snake_case(self):
                return self.name.replace("-", "_")
    """,
    "features/context.py": """
        from collections import defaultdict

        from features.models import Feature


        def enabled_features(request):
            return {
                "ENABLED_FEATURES": defaultdict(None, **{
                    feature.snake_case(): feature.enabled for feature in Feature.objects.all()
                }),
            }


        def menu(request):
            return {"menu": {item.slug: item.url for item in request.site.items}}


        def features_of(request, user):
            return {"USER_FEATURES": {f: True for f in user.features}}
    """,
    "forms/__init__.py": "",
    "forms/fields.py": """
        from features.models import Feature


        def widgets():
            if Feature.is_feature_enabled("tags"):
                return ["tags"]
            return []
    """,
    "forms/templates/base.html": """\
        {% if ENABLED_FEATURES.nav_updates %}<nav class="new">{% else %}<nav>{% endif %}</nav>
        {% if ENABLED_FEATURES.tags and user.is_staff %}<a>tags</a>{% endif %}
        {{ menu.home }} {{ ENABLED_FEATURES.items }}
        {% if USER_FEATURES.beta %}<a>beta</a>{% endif %}
    """,
}


def test_a_dict_of_flags_given_to_the_templates_is_read_there() -> None:
    """Each attribute a template reads of it is a key, in the family of the class the dict goes over (the one the
    Python code checks ``tags`` through); a dict not named for flags, or one a function of two parameters (no context
    processor) returns, is not, and a method of the dict (``items``) is no key."""
    flags = flags_in(PROJECT)
    assert sorted((f.sdk, f.key, [(s.path, s.line, s.rule) for s in f.sites]) for f in flags) == [
        ("features.models.Feature", "nav_updates",
         [("forms/templates/base.html", 1, "context/features.models.Feature.ENABLED_FEATURES.template")]),
        ("features.models.Feature", "tags",
         [("forms/fields.py", 6, "registry/features.models.Feature.is_feature_enabled"),
          ("forms/templates/base.html", 2, "context/features.models.Feature.ENABLED_FEATURES.template")]),
    ]


def test_history_reads_the_dict_in_the_templates_of_every_commit(tmp_path: Path) -> None:
    """The rule is inferred from the working tree, and history reads every version of the templates with it: the
    template that first read a flag gives it its birth."""
    repo = Repo(tmp_path / "repo")
    without = {name: text for name, text in PROJECT.items() if name != "forms/templates/base.html"}
    repo.commit("2023-04-01", "features as rows", without)
    born = repo.commit("2024-05-02", "new navigation behind a feature",
                       {"forms/templates/base.html": PROJECT["forms/templates/base.html"]})
    result = run_cli("history", "--format", "json", "--no-cache", "--as-of", "2026-01-01", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    timelines = {t["key"]: t for t in json.loads(result.stdout)["timelines"]}
    assert [(e["kind"], e["date"][:10], e["commit"]) for e in timelines["nav_updates"]["events"]] == [
        ("born", "2024-05-02", born)]


def test_a_dict_of_an_sdks_checks_over_a_sequence_of_keys_is_read_in_python() -> None:
    """``{"flags": {name: flag_is_active(request, name) for name in FLAGS}}`` goes over a sequence of keys, not a
    class of flags: its checks are waffle's, each key's (tests/test_loop_keys.py), and no family of its own is made
    for the templates."""
    views = """
        from waffle import flag_is_active

        FLAGS = ("new_nav",)


        def flags(request):
            return {"flags": {name: flag_is_active(request, name) for name in FLAGS}}
    """
    flags = flags_in({"app/__init__.py": "", "app/context.py": views,
                      "app/templates/base.html": "{% if flags.new_nav %}<nav/>{% endif %}\n"})
    assert [(f.sdk, f.key, [s.path for s in f.sites]) for f in flags] == [
        ("waffle-flag", "new_nav", ["app/context.py"])]


def test_a_template_reads_a_dashed_key_with_underscores() -> None:
    """A template cannot spell a dash in an attribute, so crt-portal's dict is keyed by ``snake_case()`` of each row:
    ``{% if ENABLED_FEATURES.dj_number %}`` reads the flag its Python checks ask for as ``"dj-number"``, one flag,
    not two. A key no check or definition spells with dashes keeps the templates' spelling."""
    fields = PROJECT["forms/fields.py"].replace('"tags"', '"dj-number"')
    flags = flags_in({**PROJECT, "forms/fields.py": fields, "forms/templates/base.html": """\
        {% if ENABLED_FEATURES.nav_updates %}<nav class="new">{% else %}<nav>{% endif %}</nav>
        {% if ENABLED_FEATURES.dj_number %}<a>number</a>{% endif %}
    """})
    assert sorted((f.key, [(s.path, s.line) for s in f.sites]) for f in flags) == [
        ("dj-number", [("forms/fields.py", 6), ("forms/templates/base.html", 2)]),
        ("nav_updates", [("forms/templates/base.html", 1)]),
    ]


def test_a_dict_of_flags_a_function_of_another_module_builds_is_read_in_the_templates() -> None:
    """uktrade/digital-workspace-v2's context processor gives the templates ``get_all_feature_flags(request)``, which
    builds ``{flag.name: flag_is_active(request, flag.name) for flag in FeatureFlag.objects.all()}`` in another
    module: its keys are waffle's flags, one flag with a Python check of the same key (the check of every row is a
    pattern). A processor's call of a function that returns no dict of flags gives the templates none."""
    files = {
        "core/__init__.py": "",
        "core/models.py": """
            from waffle.models import AbstractUserFlag


            class FeatureFlag(AbstractUserFlag):
                pass
        """,
        "core/utils.py": """
            from waffle import flag_is_active as waffle_flag_is_active

            from core.models import FeatureFlag


            def get_all_feature_flags(request):
                if cached := request.session.get("all_feature_flags"):
                    return cached
                all_flags = {
                    flag.name: waffle_flag_is_active(request, flag.name)
                    for flag in FeatureFlag.objects.all()
                }
                return all_flags


            def menu_items(request):
                return {item.slug: item.url for item in request.site.items}
        """,
        "core/context_processors.py": """
            from core.utils import get_all_feature_flags, menu_items


            def global_context(request):
                return {"FEATURE_FLAGS": get_all_feature_flags(request), "MENU_FEATURES": menu_items(request)}
        """,
        "core/views.py": """
            import waffle


            def news(request):
                if waffle.flag_is_active(request, "new_news_author"):
                    return "author"
                return "plain"
        """,
        "core/templates/news.html": """\
            {% if FEATURE_FLAGS.new_news_author %}<p>author</p>{% endif %}
            {% if FEATURE_FLAGS.share_teams %}<a>share</a>{% endif %}
            {% if MENU_FEATURES.home %}<a>home</a>{% endif %}
        """,
    }
    flags = flags_in(files)
    assert sorted((f.sdk, f.key, [(s.path, s.line) for s in f.sites]) for f in flags if not f.pattern) == [
        ("waffle-flag", "new_news_author", [("core/templates/news.html", 1), ("core/views.py", 6)]),
        ("waffle-flag", "share_teams", [("core/templates/news.html", 2)]),
    ]
