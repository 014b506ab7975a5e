"""A site's meaning as one string: how it is written, read back, and whether two describe the same feature.
Pure: strings in, answers out.

A meaning is ``function: name name ...``: the enclosing function and the
fingerprint of what the site's on-branch calls and references, then what its
off-branch does, each name marked :data:`OFF_MARK` (:func:`meaning`
writes it, :meth:`Meaning.parse` reads it). History records them per event,
flagaudit.lock keeps the accepted ones, and the meaning gate compares them.
Refactoring changes meanings in ways that keep some thread to the old one, and
that thread is what :func:`related` looks for:

- a function moved to another module, or a file renamed: the last segment of
  the enclosing function stays;
- an extracted helper or predicate, a guarded function renamed in the same
  commit: the enclosing function stays;
- a second site for the same feature: the words of its names overlap
  (``checkout_v2`` and ``api_checkout_v2``);
- the same callee guarded elsewhere: a fingerprint name is shared;
- both branches named after what the key names: ``send_to_mailhog`` and
  ``MAILHOG_HOST`` behind ``enable_mailhog``, when nothing of the old work is
  left behind;
- both off-branches call one project function named after what the key names:
  ``disable_activity_stream()`` behind ``ACTIVITY_STREAM_ENABLED_FOR_INVENTORY_SYNC`` in the import command
  and in the views that delete what an import made;
- two halves of one object's feature: one site's off-branch does all that the
  other's on-branch does (the course name shown in the navigation when the
  switch is on, in the overview when it is off), and both are methods of one
  class or of a class and its subclass.

A new meaning is *foreign* to a flag when it shares none of these with any
meaning the flag had: Power Peg's ``send_child_order`` and RLP's
``price_improvement`` share nothing. ``docs/meaning.md`` describes the method
and the evaluation set that measures it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

VALUE_MARK = "=value"
"""Added to the fingerprint of a check that reads a multivariate value (``get_string_value``): a change to
or from on/off is a change of meaning."""

OFF_MARK = "=off:"
"""Marks a name the site's off-branch uses: like every ``=`` mark it is no part of the on-branch's work or words,
and only :func:`complementary` reads it."""

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_COMMON = frozenset({
    "get", "set", "is", "has", "the", "and", "for", "with", "from", "to", "of", "self", "cls", "init", "main",
    "new", "old", "run", "do", "make", "create", "update", "delete", "save", "load", "handle", "handler",
    "process", "render", "view", "views", "model", "models", "utils", "util", "helpers", "helper", "api",
    "base", "core", "common", "service", "services", "module", "value", "data", "info", "item", "items",
    "request", "response", "context", "ctx", "user", "flag", "flags", "feature", "features", "enabled",
    "enable", "active", "on", "off", "check", "py", "app", "apps", "lib", "src", "tests", "test",
})
"""Words too common in code to tie two meanings to one feature."""
_SIMILAR = 1 / 3
"""Share of distinct words two meanings must have in common to count as one feature."""
_SAME_WORK = 1 / 2
"""Share of distinctive callee names two on-branches must have in common to do the same work."""
_INVOCATIONS = frozenset({"delay", "apply_async", "s", "si", "signature", "apply", "send", "run"})
"""How a task or signal is started (``notify.delay(...)``): the name before it is what runs."""
GENERIC_CALLS = frozenset({
    "get", "filter", "exclude", "all", "first", "last", "count", "exists", "create", "update", "delete", "save",
    "objects", "values", "values_list", "order_by", "select_related", "prefetch_related", "annotate", "aggregate",
    "append", "extend", "add", "remove", "pop", "items", "keys", "format", "join", "split", "strip", "lower",
    "upper", "startswith", "endswith", "replace", "encode", "decode", "copy", "id", "pk", "user", "request",
    "data", "self", "super", "path", "re_path", "url", "urlpatterns", "include", "reverse", "redirect", "render",
    "HttpResponse", "JsonResponse", "Response", "log", "logger", "logging", "info", "debug", "warning", "error",
    "exception", "now", "timezone", "datetime", "json", "dumps", "loads", "len", "str", "int", "bool", "dict",
    "list", "set", "tuple", "isinstance", "getattr", "setattr", "hasattr", "settings", "_", "gettext", "ugettext",
    "call_command",
})
"""Calls nearly every branch makes: sharing them says nothing about doing the same work."""


def meaning(function: str, fingerprint: Iterable[str]) -> str:
    """A site's meaning as one line: ``app.views.checkout: app.cart.total app.checkout.new``."""
    return " ".join((f"{function}:", *fingerprint))


def in_order(names: Iterable[str]) -> tuple[str, ...]:
    """A fingerprint in its one order: the on-branch's names sorted, then the marks (``=off:...``, ``=value``)."""
    return tuple(sorted(set(names), key=lambda name: (name.startswith("="), name)))


@dataclass(frozen=True)
class Meaning:
    """A parsed meaning: the enclosing function and the names its on-branch uses."""

    function: str
    names: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> Meaning:
        function, _, rest = text.partition(":")
        return cls(function.strip(), frozenset(rest.split()))

    @property
    def function_name(self) -> str:
        return self.function.rsplit(".", 1)[-1]

    @property
    def words(self) -> frozenset[str]:
        """Distinctive words of the function's and the names' last segments (``send_child_order`` -> send, child,
        order)."""
        found: set[str] = set()
        for name in (self.function_name, *self.names):
            if not name.startswith("="):
                found.update(words(name.rsplit(".", 1)[-1]))
        return frozenset(found)


def _callees(meaning: Meaning, roots: set[str]) -> set[str]:
    return {_last(n) for n in meaning.names if not n.startswith((".", "=")) and n.split(".")[0] in roots}


def _off_callees(meaning: Meaning, roots: set[str]) -> set[str]:
    return {_last(n) for n in off_names(meaning) if not n.startswith(".") and n.split(".")[0] in roots}


def _last(name: str) -> str:
    """The last segment of a name, before ``.delay``/``.apply_async``: ``tasks.notify.delay`` is ``notify``."""
    segments = name.lstrip(".").split(".")
    while len(segments) > 1 and segments[-1] in _INVOCATIONS:
        segments.pop()
    return segments[-1].rpartition(":")[2]


def class_of(meaning: Meaning) -> str:
    """The class a method's meaning sits in (``shop.admin.OrderAdmin``), or ``""``."""
    owner = meaning.function.rpartition(".")[0]
    return owner if owner.rpartition(".")[2][:1].isupper() else ""


def on_names(meaning: Meaning) -> frozenset[str]:
    """The names the on-branch uses (marks left out)."""
    return frozenset(n for n in meaning.names if not n.startswith("="))


def off_names(meaning: Meaning) -> frozenset[str]:
    """The names the off-branch uses, unmarked."""
    return frozenset(n[len(OFF_MARK):] for n in meaning.names if n.startswith(OFF_MARK))


def complementary(a: Meaning, b: Meaning) -> bool:
    """Whether one site does with the flag off all that the other does with it on: the flag moves one piece of
    work from one place to the other, so both answer one question. Every name counts, common ones too: the
    whole on-branch must be there."""
    return any(on and on <= off for on, off in ((on_names(b), off_names(a)), (on_names(a), off_names(b))))


def words(identifier: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(identifier) if len(w) > 2 and w.lower() not in _COMMON}


def branch_words(meaning: Meaning) -> frozenset[str]:
    """Distinctive words of the on-branch's names alone (the enclosing function's name left out: a function
    named after the feature area says nothing about what its branch does now)."""
    return frozenset(w for name in on_names(meaning) for w in words(_last(name)))


def named_after_key(a: Meaning, b: Meaning, subject: frozenset[str]) -> bool:
    """Whether both on-branches use a name with a word of the key's own name (``mailhog`` of
    ``enable_mailhog``): ``send_to_mailhog(...)`` and SMTP to ``MAILHOG_HOST`` both do what the key says."""
    return not subject.isdisjoint(branch_words(a) & branch_words(b))


def named_for_key(meaning: Meaning, subject: frozenset[str]) -> bool:
    """Whether a site's function and the names its branch uses say two of the key's own words (its one word, for
    a key of one): ``delete_signals_in_state_for_x_days`` behind ``DELETE_SIGNALS_IN_STATE_X_AFTER_PERIOD_Y``
    does what the key says. A key given to other work guards code named for that work, not for the key."""
    said = words(meaning.function_name) | branch_words(meaning)
    return bool(subject) and len(subject & said) >= min(2, len(subject))


def judgeable(meaning: Meaning) -> bool:
    """Whether there is anything to compare: a template, or a read whose value only flows on, guards nothing
    we can see, and its enclosing function's name alone says too little."""
    return any(not n.startswith("=") for n in meaning.names)


def work(meaning: Meaning) -> frozenset[str]:
    """What an on-branch does, by the distinctive names it calls and references, wherever it sits: last segments
    (a moved module or a renamed import keeps them), ``notify.delay(...)`` as ``notify``, common calls left out."""
    found = set()
    for name in meaning.names:
        last = _last(name)
        if not name.startswith("=") and last not in GENERIC_CALLS \
                and not (name.startswith(".") and last in _INVOCATIONS):
            found.add(last)
    return frozenset(found)


def same_work(a: Meaning, b: Meaning) -> bool:
    """Whether two on-branches do the same work: at least half of their distinctive names in common (a guard
    moved from a view into the model's ``save()``, from ``changelist_view`` into ``get_queryset``, from a cron
    job into a task, with a log line added)."""
    left, right = work(a), work(b)
    return bool(left and right) and len(left & right) / len(left | right) >= _SAME_WORK


def related(a: Meaning, b: Meaning, moved: bool = True,
            left_behind: Callable[[Meaning, Meaning], bool] | None = None,
            reaches: Callable[[Meaning, Meaning], bool] | None = None,
            kin: Callable[[Meaning, Meaning], bool] | None = None, subject: frozenset[str] = frozenset(),
            calls: Callable[[Meaning, Meaning], bool] | None = None) -> bool:
    """Whether ``a`` (new) and ``b`` (old) plausibly guard the same feature (see the module docstring).

    The same enclosing-function name ties two meanings in different modules only when ``moved`` (``b`` left
    in the same step ``a`` came): every management command's check sits in ``Command.handle``. It does not
    tie them when ``left_behind(a, b)`` says the code ``b`` guarded still lives but nothing ``a`` calls
    reaches it: the branch was given other work, and its old work still waits behind the key (Knight's
    Power Peg). A shared callee counts only if it belongs to the same top-level package as one of the
    enclosing functions: two views both calling ``django.urls.path`` say nothing. Complementary branches
    (:func:`complementary`) tie two methods of one class, or of classes ``kin(a, b)`` says one inherits from
    the other: a page whose mixin shows the course name in the navigation while the page stops showing it in
    its overview. Two functions of one module do not: Power Peg and RLP could sit side by side.
    ``subject`` is the words of the flag key's name (:func:`words`): two branches that both use a name with
    one of them do what the key says, unless the old work is left behind (a reused ``weekly-digest`` whose
    new branch shows a digest teaser while the digest e-mails still wait behind the key). When ``moved``,
    ``calls(a, b)`` says the function ``b`` sat in, still there, calls ``a``'s: the check was extracted into a
    helper or a class's method the old function now calls, and unless the old work is left behind, that is
    the same place in the flow, as the same function would be. Two off-branches that call one project function
    with a word of ``subject`` in its name switch one thing (ansible/awx's ``disable_activity_stream()``).
    """
    if same_work(a, b) or (reaches and reaches(a, b)):
        return True
    if class_of(a) and complementary(a, b) and (class_of(a) == class_of(b) or (kin and kin(a, b))):
        return True
    if a.function_name == b.function_name and a.function_name not in ("<module>", "<template>", ""):
        mine, theirs = work(a), work(b)
        moved_with_work = moved and (not mine.isdisjoint(theirs) or not (mine or theirs))
        if (a.function == b.function or moved_with_work) and not (left_behind and left_behind(a, b)):
            return True
    elif moved and class_of(a) and class_of(a) == class_of(b) and not (left_behind and left_behind(a, b)):
        return True  # moved between hooks of one class: changelist_view -> get_queryset, form_valid -> get_form
    if moved and calls and calls(a, b) and not (left_behind and left_behind(a, b)):
        return True
    if (named_after_key(a, b, subject) or moved and named_for_key(a, subject)) and not (
            left_behind and left_behind(a, b)):
        return True
    roots = {a.function.split(".")[0], b.function.split(".")[0]}
    if _callees(a, roots) & _callees(b, roots):
        return True
    if any(not subject.isdisjoint(words(name)) for name in _off_callees(a, roots) & _off_callees(b, roots)):
        return True  # with the key off, both do what it names: the same switch in two places
    left, right = a.words, b.words
    if not left or not right:
        return False
    return len(left & right) / len(left | right) >= _SIMILAR


