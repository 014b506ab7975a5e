"""What files are read and what their modules are called: newer syntax, namespace packages, root templates."""

from __future__ import annotations

import ast
import json
import sys
import textwrap
from pathlib import Path

from flagaudit.extract import newer_syntax
from flagaudit.extract.newer_syntax import translate
from flagaudit.scan.discover import module_name
from flagaudit.scan.project import ScanOptions, scan
from tests.repos import Repo, write_files

PEP_758 = '''\
    import logging

    from waffle import switch_is_active

    from billing.gateway import GatewayTimeout, GatewayUnavailable, charge

    log = logging.getLogger(__name__)


    def retry_charge(invoice):
        if not switch_is_active("billing_retry_failed_charges"):
            return None
        try:
            return charge(invoice)
        except GatewayTimeout, GatewayUnavailable:
            log.warning("gateway down, invoice %s stays open", invoice.pk)
            return None
    '''

PEP_695 = '''\
    from waffle import flag_is_active


    type Cents = int


    def first[T](items: list[T]) -> T:
        return items[0]


    class Ledger[Entry]:
        def total(self, request, entries: list[Entry]) -> Cents:
            if flag_is_active(request, "ledger_rounding_v2"):
                return sum(round(e.amount) for e in entries)
            return sum(e.amount for e in entries)
    '''


def _dedent(files: dict[str, str]) -> dict[str, str]:
    return {name: textwrap.dedent(text) for name, text in files.items()}


def test_pep_758_except_without_parentheses_is_analysed(tmp_path: Path, cli) -> None:
    write_files(tmp_path, _dedent({"billing/__init__.py": "", "billing/retries.py": PEP_758,
                                   "billing/gateway.py": "def charge(invoice):\n    return invoice\n"}))
    result = cli("scan", str(tmp_path), "--format", "json", "--no-cache")
    document = json.loads(result.stdout)
    assert document["skipped"] == [], document["skipped"]
    flag = next(f for f in document["flags"] if f["key"] == "billing_retry_failed_charges")
    assert [(s["path"], s["line"], s["function"]) for s in flag["sites"]] == [
        ("billing/retries.py", 11, "billing.retries.retry_charge")]
    if sys.version_info < (3, 14):
        assert document["newer_syntax"] == ["billing/retries.py"]
        verbose = cli("scan", str(tmp_path), "-v", "--no-cache")
        running = f"{sys.version_info.major}.{sys.version_info.minor}"
        assert f"billing/retries.py: syntax newer than Python {running}, read through libcst" in verbose.stdout
        assert "read through libcst" not in cli("scan", str(tmp_path), "--no-cache").stdout


def test_type_parameters_and_aliases_keep_their_lines(tmp_path: Path) -> None:
    write_files(tmp_path, _dedent({"ledger.py": PEP_695}))
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    flag = next(f for f in inventory.flags if f.key == "ledger_rounding_v2")
    assert [(s.line, s.function, s.on) for s in flag.sites] == [(13, "ledger.Ledger.total", ((14, 14),))]
    assert inventory.skipped == ()


def test_translation_keeps_every_line_and_refuses_what_no_python_reads() -> None:
    text = textwrap.dedent(PEP_758) + 'label = f"{invoice["number"]}"\n'
    older = translate(text)
    assert older is not None and len(older.splitlines()) == len(text.splitlines())
    assert "except (GatewayTimeout, GatewayUnavailable):" in older
    assert translate('print "hello"\n') is None
    assert translate("def broken(:\n    pass\n") is None


def test_files_with_a_commented_field_over_lines_or_a_template_string_are_analysed(tmp_path: Path) -> None:
    """3.12 lets a field of a one-quote f-string run over lines with a comment in it, and 3.14 has template
    strings: on older Pythons both files are read, their sites where they are."""
    write_files(tmp_path, {"labels.py": (
        "from waffle import flag_is_active\n\n\ndef view(request, x):\n"
        "    label = f\"{\n        x  # the name\n    }\"\n"
        "    if flag_is_active(request, 'new_label'):\n        return label\n    return None\n"),
        "greet.py": ("from waffle import flag_is_active\n\n\ndef greet(request, name):\n"
                     "    if flag_is_active(request, 'tstrings'):\n        return t\"Hello {name}\"\n"
                     "    return None\n")})
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert inventory.skipped == ()
    assert sorted((f.key, s.path, s.line) for f in inventory.flags for s in f.sites) == [
        ("new_label", "labels.py", 8), ("tstrings", "greet.py", 5)]


def test_an_f_string_whose_fields_run_over_lines_is_read() -> None:
    """Amsterdam/signals: a replacement field of a one-quote f-string that starts a new line (3.12, PEP 701);
    older Pythons allow it in triple quotes."""
    text = 'row = f"{\n    category.slug}|{\n    category.code}"\nprint(row)\n'
    older = translate(text)
    assert older is not None and len(older.splitlines()) == len(text.splitlines())
    assert ast.dump(ast.parse(older)) == ast.dump(ast.parse(text.replace('f"', "f'''").replace('"\n', "'''\n")))


NEWER_MODULE = '''\
"""Invoices.

A docstring with a line that looks like a definition:
def not_code(x):
"""
from waffle import switch_is_active


@register(
    "retry",
)
def retry(invoice):
    try:
        return charge(invoice)
    except GatewayTimeout, GatewayUnavailable:
        return f"{invoice["number"]}"


class Ledger[Entry]:
    def total(self, entries: list[Entry]) -> int:
        return sum(e.amount for e in entries)


def label(invoice):
    return f"{invoice["number"]}: {invoice["total"]}"
'''


def _whole(text: str) -> str | None:
    """The respelling of ``text`` read by libcst in one piece, as a file was read before it was cut."""
    older = newer_syntax._respell(text)
    return older if older is not None and translate(text) is not None else None


def test_a_file_respelled_in_pieces_reads_as_when_respelled_whole() -> None:
    text = NEWER_MODULE
    assert len(newer_syntax._pieces(text)) > 3
    assert translate(text) == _whole(text) is not None
    python2 = text + "\n\ndef report():\n    print \"done\"\n"  # a real error in the last piece
    assert translate(python2) is None and _whole(python2) is None
    assert newer_syntax._respelled[newer_syntax._pieces(text)[0]] is None  # read from there on in one piece
    open_bracket = text.replace("class Ledger", "values = (\nclass Ledger")  # a cut inside brackets
    assert translate(open_bracket) is None and _whole(open_bracket) is None


def test_a_version_that_changes_one_function_respells_only_that_function() -> None:
    text = NEWER_MODULE.partition('"""\n')[2]  # without the docstring that spoils the cuts
    newer_syntax._respelled.clear()
    assert translate(text) is not None
    known = set(newer_syntax._respelled)
    assert len(known) == len(newer_syntax._pieces(text)) > 3
    edited = text.replace('invoice["total"]', 'invoice["total"] + 1')
    assert translate(edited) == _whole(edited) is not None
    assert set(newer_syntax._respelled) - known == {newer_syntax._pieces(edited)[-1]}


LEDGER_CLASS = '''\
from waffle import switch_is_active


@register("ledger")
class Ledger:
    """Entries of an account."""

    kind = "ledger"

    @property
    def label(self):
        return f"{self.account["name"]}"

    @cached(
        "total",
    )
    def total(self, entries):
        return sum(e.amount for e in entries)

    class Meta:
        def ordering(self):
            return f"{self.fields["date"]}"

    async def sync(self):
        if switch_is_active("ledger_sync"):
            return f"{self.account["id"]}"
        return None


ITEMS = [f"{x["a"]}'s" for x in ()]  # the other quote in it: only libcst respells it
'''


def test_a_version_that_changes_one_method_of_a_class_respells_only_that_method() -> None:
    """A large class is most of a module: its body is cut before each definition or decorator at the body's
    indentation (a nested class's methods stay in their piece, and a decorator spread over lines with its
    function), each piece read as the body of a class of its own and remembered."""
    newer_syntax._respelled.clear()
    assert translate(LEDGER_CLASS) == _whole(LEDGER_CLASS) is not None
    known = set(newer_syntax._respelled)
    assert {part.split("\n", 1)[0] for part in known if part.startswith("    ")} == {
        "    @cached(", "    class Meta:", "    async def sync(self):"}
    edited = LEDGER_CLASS.replace('return f"{self.account["id"]}"', 'return f"{self.account["id"]}!"')
    assert translate(edited) == _whole(edited) is not None
    added = set(newer_syntax._respelled) - known
    assert [part.split("\n", 1)[0] for part in added if part.startswith("    ")] == ["    async def sync(self):"]
    broken = LEDGER_CLASS.replace("    @cached(\n", "    values = (\n    @cached(\n")  # a cut inside brackets
    assert translate(broken) is None and _whole(broken) is None


def test_hostile_nesting_is_not_given_to_libcst(tmp_path: Path, cli) -> None:
    """libcst's native parser crashes on thousands of nested brackets; such a file is skipped, the run goes on."""
    nested = "try:\n    pass\nexcept A, B:\n    pass\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n"
    chained = "try:\n    pass\nexcept A, B:\n    pass\nx = " + "+".join(["1"] * 50_000) + "\n"
    write_files(tmp_path, {"nested.py": nested, "chained.py": chained,
                           "ok.py": "from waffle import switch_is_active\nswitch_is_active('still_read')\n"})
    result = cli("scan", str(tmp_path), "--format", "json", "--no-cache")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert {s["path"] for s in document["skipped"]} == {"nested.py", "chained.py"}
    assert [f["key"] for f in document["flags"]] == ["still_read"]


def test_module_names_do_not_depend_on_the_checkout_folder(tmp_path: Path) -> None:
    files = _dedent({
        "__init__.py": "",
        "shop/__init__.py": "",
        "shop/flags.py": 'NEW_CART = "new_cart"\n',
        "shop/cart.py": """\
            from waffle import switch_is_active

            from shop.flags import NEW_CART


            def add(item):
                if switch_is_active(NEW_CART):
                    return item
            """,
    })
    functions = set()
    for name in ("checkout-a", "other_name"):
        write_files(tmp_path / name, files)
        inventory = scan((str(tmp_path / name),), ScanOptions(use_cache=False))
        flag = next(f for f in inventory.flags if f.key == "new_cart")
        functions.add(flag.sites[0].function)
    assert functions == {"shop.cart.add"}


def test_folders_without_init_inside_a_package_are_namespace_packages(tmp_path: Path) -> None:
    write_files(tmp_path, _dedent({
        "courses/__init__.py": "",
        "courses/api/v1/toggles.py": 'from waffle import switch_is_active\nBULK_ENROLL = "courses.bulk_enroll"\n',
        "courses/api/v1/views.py": """\
            from waffle import switch_is_active

            from courses.api.v1.toggles import BULK_ENROLL


            def enroll(request):
                if switch_is_active(BULK_ENROLL):
                    return "bulk"
            """,
        "scripts/report.py": "print('no package here')\n",
    }))
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    flag = next(f for f in inventory.flags if f.key == "courses.bulk_enroll")
    assert flag.sites[0].function == "courses.api.v1.views.enroll"
    packages, none = {"courses"}, set[str]().__contains__
    assert module_name("courses/api/v1/views.py", packages.__contains__, none, none) == "courses.api.v1.views"
    assert module_name("scripts/report.py", packages.__contains__, none, none) == "report"
    assert module_name("courses/__init__.py", packages.__contains__, none, none) == "courses"
    # beside manage.py (the root here), a folder no package holds is a namespace package, as Django imports it
    assert module_name("scripts/report.py", packages.__contains__, {""}.__contains__, none) == "scripts.report"
    assert module_name("courses/api/v1/views.py", packages.__contains__, {""}.__contains__, none) \
        == "courses.api.v1.views"


NAMESPACED = {
    "pyproject.toml": "[tool.uv.workspace]\nmembers = ['src/*']\n",
    "src/common/pyproject.toml": "[project]\nname = 'mitol-django-common'\n",
    "src/common/mitol/common/__init__.py": "",
    "src/common/mitol/common/flags.py": """\
        from waffle import flag_is_active


        def is_on(request, name):
            return flag_is_active(request, name)
        """,
    "src/mail/setup.py": "",
    "src/mail/mitol/mail/__init__.py": "",
    "src/mail/mitol/mail/views.py": """\
        from mitol.common.flags import is_on


        def inbox(request):
            if is_on(request, "new_inbox"):
                return "new"
        """,
    "src/mail/src/other/__init__.py": "",
    "tools/pyproject.toml": "",
    "tools/lint/__init__.py": "",
}


def test_namespace_packages_of_the_distributions_a_repository_holds(tmp_path: Path) -> None:
    """mitodl/ol-django ships each app as a distribution (``src/mail/pyproject.toml``) of one namespace package,
    ``mitol`` (PEP 420: no ``__init__.py``): its modules are ``mitol.mail.views``, which imports the project's
    helper as ``mitol.common.flags``. Not through a ``src`` folder, nor up to the project's root."""
    write_files(tmp_path, NAMESPACED, dedent=True)
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    flag = next(f for f in inventory.flags if f.key == "new_inbox")
    assert [s.function for s in flag.sites] == ["mitol.mail.views.inbox"]
    # ol-django's src/authentication/ holds a stray __init__.py: what the distribution installs is below it
    folders = {"src/common/mitol/common", "src/mail", "src/mail/mitol/mail", "src/mail/src/other", "tools/lint"}
    roots = {"src/common", "src/mail", "tools", ""}.__contains__
    named = {path: module_name(path, folders.__contains__, set[str]().__contains__, roots)
             for path in ("src/mail/mitol/mail/views.py", "src/mail/src/other/__init__.py", "tools/lint/__init__.py")}
    assert named == {"src/mail/mitol/mail/views.py": "mitol.mail.views", "src/mail/src/other/__init__.py": "other",
                     "tools/lint/__init__.py": "lint"}


def test_history_names_the_namespace_packages_as_the_scan_does(tmp_path: Path, cli) -> None:
    """The view imports the helper by its namespace's name from the start (the key is born there); its own module
    is named in the namespace from the commit that makes the apps distributions, as a move would rename it."""
    repo = Repo(tmp_path)
    repo.commit("2025-01-06", "inbox behind a flag",
                {path: text for path, text in NAMESPACED.items() if not path.endswith(("pyproject.toml", "setup.py"))})
    repo.commit("2025-03-03", "one distribution per app", NAMESPACED)
    archive = '\n\n        def archive(request):\n            return is_on(request, "new_inbox")\n'
    repo.commit("2025-04-07", "archive behind the flag too",
                {"src/mail/mitol/mail/views.py": NAMESPACED["src/mail/mitol/mail/views.py"] + archive})
    ran = cli("history", "--format", "json", "-q", cwd=tmp_path)
    [timeline] = [t for t in json.loads(ran.stdout)["timelines"] if t["key"] == "new_inbox"]
    assert [(e["kind"], e["date"][:10], e.get("removed"), e.get("added")) for e in timeline["events"]] == [
        ("born", "2025-01-06", [], ["mail.views.inbox:"]),
        ("changed", "2025-03-03", ["mail.views.inbox:"], ["mitol.mail.views.inbox:"]),
        ("changed", "2025-04-07", [], ["mitol.mail.views.archive:"])]


def test_templates_at_the_root_are_read(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "templates/base.html": "{% load waffle_tags %}{% flag 'new_footer' %}<footer/>{% endflag %}\n",
        "jinja2/header.html": "{% if waffle.switch('holiday_banner') %}<div/>{% endif %}\n",
        "shop/templates/shop/cart.html": "{% switch 'cart_upsell' %}<aside/>{% endswitch %}\n",
    })
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert {(f.key, f.sites[0].path) for f in inventory.flags} == {
        ("new_footer", "templates/base.html"), ("holiday_banner", "jinja2/header.html"),
        ("cart_upsell", "shop/templates/shop/cart.html")}


def test_definitions_in_tests_do_not_define(tmp_path: Path) -> None:
    write_files(tmp_path, _dedent({
        "grades/__init__.py": "",
        "grades/toggles.py": """\
            from edx_toggles.toggles import WaffleFlag

            REGRADE = WaffleFlag("grades.regrade_on_submit", __name__)


            def regrade_on_submit():
                return REGRADE.is_enabled()
            """,
        "grades/tests/test_toggles.py": """\
            from edx_toggles.toggles import WaffleFlag

            FIXTURE_FLAG = WaffleFlag("grades.fixture_only", __name__)


            def test_regrade(settings):
                assert FIXTURE_FLAG.is_enabled() is False
            """,
    }))
    inventory = scan((str(tmp_path),), ScanOptions(use_cache=False))
    assert {f.key for f in inventory.flags if f.definitions or f.sites} == {"grades.regrade_on_submit"}
    assert not [f for f in inventory.findings if f.code == "FA402"]
