"""Lifecycle findings: flags that outlived their purpose (FA101-FA103), and annotations naming the wrong key.

The checks are pure: the flags in the code, their timelines, the policies and
"today" in, findings out. A flag's age is counted from the start of its
current life in git history (or flagaudit.lock), else from a declared creation
date; its type, owner and dates come from :func:`flagaudit.policies.declared`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from flagaudit.checks import CheckInput, Family, FindingRule, project
from flagaudit.checks.definitions import UNKNOWN
from flagaudit.facts import Definition, Event, Evidence, Finding, Flag, Site, Timeline, first_life, lives_by_key

if TYPE_CHECKING:
    from flagaudit.policies import Declared, Policies

_SUPPRESS = "To keep the flag on purpose, annotate it: `# flagaudit: ignore[{code}] reason`."


def _checkout(annotation: str, call: str = "new_checkout") -> str:
    return f"""
        import ldclient
        from shop import new_checkout, new_checkout_v2, old_checkout


        def checkout(ctx):
            {annotation}
            if ldclient.get().variation("new-checkout", ctx, False):
                return {call}(ctx)
            return old_checkout(ctx)
    """


STALE = FindingRule(
    "FA101", "stale-flag", "warning",
    "A flag older than its type allows: release and experiment flags 40 days, operational flags 7 days "
    "(rules/policies.toml); kill switches and permission flags never go stale. A flag nothing gives a type is a "
    "release flag, except a settings flag or a django-constance switch, which is deployment configuration (a "
    "permission flag) unless declared temporary, and a key the project's documentation names (a README or docs/ page "
    "listing the switches operators set), which is a permission flag too, and so is a key family built at run time "
    "(one switch per backend: `'ns.{}_passthrough'.format(backend)`), whose members each deployment names (a hole a "
    "parameter fills is a factory's: its callers name the members in the code), and a key that names diagnostics "
    "(`log_api`, `enable_debug_mode`), or that keeps people from something (`disallow-new-upload`), is a kill "
    "switch, an operational control kept for the next problem, and one that names a helper for test environments "
    "(`delete-idp-profiles-qa`) a permission flag. A flag's own description (a `note` in the data file that declares "
    "it, a `toggle_description`) that says whom it is for (staff, admins) makes it a permission flag, and one that "
    "says it stops something in trouble (a kill switch, \"prevents\") a kill "
    "switch, and so does the commit it was born in when its subject says the flag was added to turn something off "
    "(\"flag to stop storing search queries\"). A comment right above a site that calls the change temporary declares "
    "a release flag, and one that calls the flag long-lived a kill switch. A django-waffle switch, on or off for "
    "everyone, is as often a lasting setting as a rollout: when nothing declares its type, its FA101 is information "
    "(`guessed-type-info`).",
    "Every live flag doubles the paths through the code it guards. Release flags that linger turn into "
    "permanent configuration nobody dares to touch, and a forgotten flag is the one that gets reused.",
    "Remove the flag and the losing branch once the rollout is complete. If the flag is meant to stay, "
    "declare its type (`# flagaudit: type=kill-switch`). " + _SUPPRESS.format(code="FA101"),
    fires=(project({}, ("2026-01-05", {"views.py": _checkout("# flagaudit: type=release owner=@payments")}),
                   as_of="2026-03-01"),
           project({"views.py": _checkout("# flagaudit: created=2026-01-05")}, as_of="2026-03-01"),
           project({}, ("2025-01-05", {"toggles.py": """
               from waffle import switch_is_active


               def shop_switch(name):
                   return switch_is_active(f"shop.{name}")
           """}), as_of="2026-03-01")),
    silent=(project({}, ("2026-01-05", {"views.py": _checkout("# flagaudit: type=release")}), as_of="2026-02-01"),
            project({}, ("2025-01-05", {"views.py": _checkout("# flagaudit: type=kill-switch")}),
                    as_of="2026-03-01"),
            project({}, ("2025-01-05", {"pings.py": """
                from waffle import switch_is_active


                def on_ping_failure(attempt):
                    backend = attempt["exam"]["backend"]
                    if switch_is_active(f"proctoring.{backend}_ping_failure_passthrough"):
                        return "let the exam go on"
                    return "block"
            """}), as_of="2026-03-01")),
)
EXPIRED = FindingRule(
    "FA102", "expired-flag", "warning",
    "A flag whose declared expiry or target removal date has passed "
    "(`# flagaudit: expires=YYYY-MM-DD`, edx `toggle_target_removal_date`).",
    "The owner promised a removal date; the date passed and the flag is still read.",
    "Remove the flag, or move the date with a reason in the same commit. " + _SUPPRESS.format(code="FA102"),
    fires=(project({"grades.py": """
        from edx_toggles.toggles import WaffleFlag

        # .. toggle_name: grades.enable_new
        # .. toggle_target_removal_date: 2026-03-01
        ENABLE_NEW_GRADES = WaffleFlag("grades.enable_new", __name__)


        def grade(user):
            return ENABLE_NEW_GRADES.is_enabled()
    """}), project({"views.py": _checkout("# flagaudit: type=kill-switch expires=2026-05-31")})),
    silent=(project({"views.py": _checkout("# flagaudit: expires=2026-12-31")}),),
)
DORMANT = FindingRule(
    "FA103", "dormant-flag", "info",
    "No site of the flag changed for N days (default 180). Flags meant to stay (a type with no maximum age: kill "
    "switches, permissions, and the settings a deployment configures) are not reported.",
    "Code behind a flag nobody touches is the Power Peg pattern: it still runs the day the flag flips.",
    "Decide: make the behaviour permanent and delete the flag, or delete the dormant branch. "
    + _SUPPRESS.format(code="FA103"),
    fires=(project({}, ("2025-02-11", {"export.py": """
        from waffle import switch_is_active


        def export(request):
            if switch_is_active("legacy_export"):
                return "legacy"
            return "csv"
    """})),),
    silent=(project({}, ("2025-02-11", {"views.py": _checkout("")}),
                    ("2026-05-01", {"views.py": _checkout("", "new_checkout_v2")})),
            project({}, ("2025-02-11", {"views.py": _checkout("# flagaudit: type=kill-switch")}))),
)


def _lifecycle(given: CheckInput) -> list[Finding]:
    assert given.policies is not None and given.as_of is not None, "the lifecycle family needs timelines"
    return [*stale_findings(given.flags, given.timelines, given.policies, given.as_of),
            *toggle_name_findings(given.flags)]


FAMILY = Family((STALE, EXPIRED, DORMANT), "timelines", _lifecycle)
"""Also FA401 (:data:`flagaudit.checks.definitions.UNKNOWN`) for an Open edX ``toggle_name`` annotation that
names another key: annotations are lifecycle metadata, read with the rest of it."""


def stale_findings(flags: Iterable[Flag], timelines: Iterable[Timeline], policies: Policies,
                   as_of: date) -> list[Finding]:
    """FA101, FA102 and FA103 for the flags in the code, dated by their timelines, as of ``as_of``."""
    from flagaudit.policies import declared  # here, not above: `flagaudit explain` reads this module's rules only

    stories = {(t.sdk, t.key): t for t in timelines}
    by_key = lives_by_key(stories)
    findings = []
    for flag in flags:
        if flag.key is None or not (flag.sites or flag.definitions):
            continue
        story = stories.get((flag.sdk, flag.key))
        story = story if story is not None and story.live else None
        life = first_life(story, by_key)
        info = declared(flag, policies, life[0])
        context = _context(info, policies)
        findings += [f for f in (_stale(flag, info, life, context, policies, as_of),
                                 _expired(flag, info, context, as_of),
                                 _dormant(flag, info, story, context, policies, as_of)) if f is not None]
    return findings


def _stale(flag: Flag, info: Declared, life: tuple[Event | None, list[Evidence]], context: list[Evidence],
           policies: Policies, as_of: date) -> Finding | None:
    limit = policies.max_age[info.type]
    born, moves = life
    if born is not None:
        start, evidence = _day(born.date), [Evidence("date", born.date[:10], born.kind), *_commit(born), *moves]
    elif info.created is not None:
        start, evidence = info.created[0], [Evidence("date", info.created[0].isoformat(),
                                                     f"declared created at {info.created[1]}")]
    else:
        return None
    age = (as_of - start).days
    if limit is None or age <= limit:
        return None
    where = _anchor(flag)
    return _guessed(STALE.finding(flag, where.path, where.line, where.column,
                                  f"{info.type} flag {flag.key!r} is {age} days old (since {start}); "
                                  f"{info.type} flags should be gone within {limit} days", [*evidence, *context]),
                    info, policies)


def _guessed(finding: Finding, info: Declared, policies: Policies) -> Finding:
    """A finding that rests on the type guessed for a flag of an SDK whose flags are as often a lasting setting as
    a rollout (``guessed-type-info`` in rules/policies.toml) is information, which says how to make it a warning."""
    if info.typed or finding.sdk not in policies.guessed_info:
        return finding
    return replace(finding, severity="info", evidence=(*finding.evidence, Evidence(
        "note", "information only", f"nothing declares its type, and {finding.sdk} flags are as often lasting "
        "settings as rollouts; a declared type makes this a warning")))


def _expired(flag: Flag, info: Declared, context: list[Evidence], as_of: date) -> Finding | None:
    passed = [d for d in info.deadlines if d[0] < as_of]
    if not passed:
        return None
    day, name, source = passed[0]
    where = _anchor(flag)
    return EXPIRED.finding(flag, where.path, where.line, where.column,
                           f"{flag.key!r} was to be removed by {day} ({name}); it is still here "
                           f"{(as_of - day).days} days later",
                           [Evidence("date", day.isoformat(), f"{name} at {source}"), *context])


def _dormant(flag: Flag, info: Declared, story: Timeline | None, context: list[Evidence], policies: Policies,
             as_of: date) -> Finding | None:
    last = story.last_change if story else None
    if last is None or not flag.sites or policies.dormant_days is None or policies.max_age[info.type] is None:
        return None
    idle = (as_of - _day(last.date)).days
    if idle <= policies.dormant_days:
        return None
    site = flag.sites[0]
    return DORMANT.finding(flag, site.path, site.line, site.column,
                           f"no site of {flag.key!r} changed for {idle} days (last change {last.date[:10]}, "
                           f"{last.kind})", [Evidence("date", last.date[:10], f"last change ({last.kind})"),
                                             *_commit(last), *context])


def toggle_name_findings(flags: Iterable[Flag]) -> list[Finding]:
    """FA401 for an Open edX ``toggle_name`` annotation that names another key than the definition below it.

    The annotation is what the toggle documentation and operators see; when it
    differs from the real key, the toggle people switch on is not the one the code reads.
    """
    findings = []
    for flag in flags:
        if flag.key is None or flag.pattern:
            continue
        for definition in flag.definitions:
            name = dict(definition.metadata).get("toggle_name", "").strip("`'\" ")
            if name and not _names_key(name, flag.key):
                findings.append(UNKNOWN.finding(
                    flag, definition.path, definition.line, definition.column,
                    f"the annotation toggle_name {name!r} is not the key this definition creates; "
                    f"did you mean {flag.key!r}?",
                    [Evidence("definition", f"{definition.path}:{definition.line}", definition.rule),
                     Evidence("note", f"toggle_name: {name}", "annotation above the definition")]))
    return findings


_ENTRY = re.compile(r"(?P<dict>[A-Za-z_]\w*)\[\s*['\"]?(?P<key>[^'\"\[\]]+?)['\"]?\s*\]")
"""``FEATURES[ENABLE_X]``, ``FEATURES['ENABLE_X']``: how Open edX's annotations name an entry of a settings dict."""


def _names_key(name: str, key: str) -> bool:
    """Whether a ``toggle_name`` names ``key``: as it is, or as the entry of the settings dict whose key it is, as
    the tool spells it (``FEATURES['ENABLE_X']``) or by the entry's own name, which a reader of the dict is given
    (openedx/edx-drf-extensions' ``get_setting(ENABLE_X)`` of ``EDX_DRF_EXTENSIONS[ENABLE_X]``)."""
    entry = _ENTRY.fullmatch(name)
    return name == key or entry is not None and key in (entry["key"], f"{entry['dict']}['{entry['key']}']")


def _context(info: Declared, policies: Policies) -> list[Evidence]:
    """Where the type and owner come from: what a reviewer checks before acting."""
    limit = policies.max_age[info.type]
    allowed = "never stale" if limit is None else f"{limit} days"
    evidence = [Evidence("note", f"type {info.type} ({allowed})", f"from {info.type_source}")]
    if info.owner:
        evidence.append(Evidence("owner", info.owner, f"from {info.owner_source}"))
    return evidence


def _commit(event: Event) -> list[Evidence]:
    if not event.commit:
        return []
    return [Evidence("commit", event.commit, f"{event.kind}: {event.subject} ({event.author})" if event.author
                     else f"{event.kind} (from {event.source})")]


def _anchor(flag: Flag) -> Site | Definition:
    """Where a finding about the whole flag points: its definition, else its first site."""
    defining = [d for d in flag.definitions if d.action == "define"]
    anchors: list[Site | Definition] = [*defining] or [*flag.definitions] or [*flag.sites]
    return anchors[0]


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])
