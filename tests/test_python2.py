"""Files in Python 2 are analysed: respelled as Python 3 with every line, and every column it can keep.

Python 2.7 is a released Python; old projects keep scripts in it at their tips, and every project that was
ported keeps it in the history before the port, which ``check`` reads version by version. A module whose
checks flagaudit skipped before the port would look born at the port.
"""

from __future__ import annotations

import ast
import json
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest

import flagaudit
from flagaudit.extract.python2 import respell
from tests.repos import Repo, write_files
from tests.run import run_cli

# Each construct, respelled: columns kept where the respelling is no longer than the original, and the
# line's later whitespace giving back what a longer one took.
RESPELLED = [
    ("print x\n", "print(x)\n"),
    ("print 'a', b,\n", "print('a', b,)\n"),
    ("print\n", "print()\n"),
    ("print >>sys.stderr, 'x'\n", "print(  sys.stderr, 'x')\n"),
    ("print >>f\n", "print(  f)\n"),
    ("print'x'\n", "print('x')\n"),
    ("if ok: print 'a'; print 'b'\n", "if ok: print('a');print('b')\n"),
    ("print 'a' % (\n    b)  # total\n", "print('a' % (\n    b)) # total\n"),
    ("exec code\n", "exec(code)\n"),
    ("exec code in scope, names\n", "exec(code ,  scope, names)\n"),
    ("try:\n    x\nexcept E, e:\n    y\n", "try:\n    x\nexcept E as e:\n    y\n"),
    ("try:\n    x\nexcept (A, B), e:  go(e)\n", "try:\n    x\nexcept (A, B) as e:go(e)\n"),
    ("try:\n    x\nexcept E, (code, text):\n    y\n", "try:\n    x\nexcept E as code       :\n    y\n"),
    ("try:\n    x\nexcept E as (code, text):\n    y\n", "try:\n    x\nexcept E as code       :\n    y\n"),
    ("raise E, 'no'\n", "raise E( 'no')\n"),
    ("raise E, 'no', tb\n", "raise E( 'no', tb)\n"),
    ("x = `a`  + b\n", "x = repr(a)+b\n"),
    ("x = `a + `b``\n", "x = repr(a+repr(b))\n"),
    ("if a <> b: pass\n", "if a != b: pass\n"),
    ("os.chmod(p, 0755)\n", "os.chmod(p, 493 )\n"),
    ("n = 123L + 0xffL + 0777L\n", "n = 123  + 0xff  + 511  \n"),
    ("pattern = ur'\\s+'\n", "pattern =  r'\\s+'\n"),
    ("text = s.replace('\\N', '\\U0', '\\n')\n", "text = s.replace('\\\\N','\\\\U0','\\n')\n"),
    ("def f(a, (b, c), d=(1, 2)):\n    pass\n", "def f(a,  b, c , d=(1, 2)):\n    pass\n"),
    ("pairs.sort(key=lambda (k, v): v)\n", "pairs.sort(key=lambda  k, v : v)\n"),
    ("x = [t[k] for k in 'a', 'b' if k]\n", "x = [t[k] for k in('a', 'b')if k]\n"),
    ("first = next(\n    r for r in rows\n    if r,\n)\n", "first = next(\n    r for r in rows\n    if r \n)\n"),
    ("if not ok:\n    False = __builtin__.False\n", "if not ok:\n    False_= __builtin__.False_\n"),
    ("def track(event, async=True):\n    if async: go()\n", "def track(event, async_=True):\n    if async_:go()\n"),
    ("if x:\n\ty = 1\n        z = 2\n", "if x:\n        y=1\n        z = 2\n"),
]


@pytest.mark.parametrize(("python2", "python3"), RESPELLED)
def test_each_construct_is_respelled_on_its_own_lines(python2: str, python3: str) -> None:
    assert respell(python2) == python3
    ast.parse(python3)


def test_the_columns_of_the_names_stay_the_original_ones() -> None:
    text = ("import sys\n\n\ndef pay(request, (amount, currency)):\n"
            "    print >>sys.stderr, 'paying', amount, currency\n"
            "    if flag_is_active(request, 'fast-pay') <> 0777L: print 'fast', currency; go(ur'x', request)\n"
            "    try:\n        charge(amount)\n    except Declined, error:  log(error, request)\n"
            "    exec 'x = 1' in scope\n    raise Failed, error\n")
    respelled = respell(text)
    assert respelled is not None and respelled.count("\n") == text.count("\n")
    lines = text.splitlines()
    names = [n for n in ast.walk(ast.parse(respelled)) if isinstance(n, ast.Name)]
    assert len(names) > 15
    for name in names:
        assert lines[name.lineno - 1][name.col_offset:].startswith(name.id), (name.id, name.lineno)


def test_text_that_only_python3_reads_or_nothing_reads_is_not_respelled() -> None:
    assert respell("def broken(:\n    pass\n") is None
    assert respell("x = 'open\n") is None
    assert respell("print 'x'\nx = (\n") is None  # a bracket never closed
    assert respell("try:\n    x\nexcept ValueError, TypeError:\n    pass\n") is None  # Python 3.14's two classes
    assert respell("s = '\\u00e9'\nprint(f'{a['b']}')\n") is None  # a valid \u: no Python 2 form in the file


_REJECTED = [python2 for python2, _ in RESPELLED if not python2.startswith(("print\n", "print >>", "try:"))]


@pytest.mark.parametrize("python2", _REJECTED)
def test_a_form_no_python3_reads_makes_the_respelling_certain(python2: str) -> None:
    """Respelled before ``ast`` has tried the text (a fifth of the work of each Python 2 version in history) only
    where ``ast`` would have rejected it: the result is the one the text would have been given after that try."""
    with pytest.raises(SyntaxError), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Python 3.10 warns of ``ur'\s'``'s escape before it rejects the prefix
        ast.parse(python2)
    assert respell(python2, certain=True) == respell(python2)


def test_what_some_python3_reads_is_respelled_only_after_ast_rejects_it() -> None:
    """A ``print`` alone, ``print >>f, x`` and ``print -x`` are expressions Python 3 reads; Python 3.14 reads
    ``except E, e:`` as two classes (PEP 758)."""
    for text in ("print\n", "print >>f, x\n", "print -x\n", "print is None\n", "print in names\n"):
        ast.parse(text)
        assert respell(text, certain=True) is None, text
    except_comma = "try:\n    x\nexcept E, e:\n    y\n"
    assert (respell(except_comma, certain=True) is not None) == (sys.version_info < (3, 14))


def test_a_module_is_respelled_definition_by_definition_as_it_is_whole() -> None:
    """History reads every version of a module, and an edit changes few of its definitions: each is respelled on its
    own and kept. A definition's line inside a string cuts nothing (the piece before would not scan alone)."""
    samples = [(a, b) for a, b in RESPELLED if "\t" not in a]
    def module(bodies: list[str]) -> str:
        return "".join(f"@decorated\ndef f{n}():\n" + textwrap.indent(b, "    ") + "\n\n" for n, b in enumerate(bodies))

    assert respell(module([a for a, _ in samples])) == module([b for _, b in samples])
    assert respell(module([a for a, _ in samples])) == module([b for _, b in samples])  # from the pieces kept
    quoted = 'x = """\ndef fake(:\n"""\nprint x\nclass A:\n    def f(self):\n        print `x`\n'
    assert respell(quoted) == 'x = """\ndef fake(:\n"""\nprint(x)\nclass A:\n    def f(self):\n        print(repr(x))\n'
    unicode = "from __future__ import unicode_literals\n\n\ndef f():\n    print '\\N'\n"
    assert respell(unicode) == "from __future__ import unicode_literals\n\n\ndef f():\n    print('\\N')\n"


def test_no_module_of_flagaudit_itself_is_respelled() -> None:
    """Python 3 text holds no form only Python 2 reads: each of these files would be returned unchanged."""
    files = sorted(Path(flagaudit.__file__).parent.rglob("*.py"))
    assert len(files) > 50
    assert [str(f) for f in files if respell(f.read_text(encoding="utf-8")) is not None] == []


@pytest.mark.parametrize("text", [
    "x = " + "`" * 200_000 + "\n",
    "print 'x'\n" * 50_000,
    "x = `a`" + " + `a`" * 100_000 + "\n",
    "def f(" + "(" * 100_000 + "a" + ")" * 100_000 + "): pass\n",
    "'''" + "'" * 100_000 + "\n",
    "x = " + "(" * 100_000 + "\n",
    "x = 0" + "7" * 1_000_000 + "L\n",
])
def test_hostile_texts_take_linear_time(text: str) -> None:
    started = time.process_time()
    respelled = respell(text)
    assert time.process_time() - started < 5
    if respelled is not None:
        assert respelled.count("\n") == text.count("\n")


VIEWS_PY2 = """\
import sys

from waffle import flag_is_active


def checkout(request, (amount, currency)):
    if flag_is_active(request, "fast-pay"):
        print "paying fast", amount
        return pay(request, amount)
    print >>sys.stderr, "state:", flag_is_active(request, "audit-pay")
    try:
        return pay_slowly(request, amount)
    except PaymentError, error:
        raise PaymentError, `error`
"""

VIEWS_PY3 = """\
import sys

from waffle import flag_is_active


def checkout(request, amount, currency):
    if flag_is_active(request, "fast-pay"):
        print("paying fast", amount)
        return pay(request, amount)
    print("state:", flag_is_active(request, "audit-pay"), file=sys.stderr)
    try:
        return pay_slowly(request, amount)
    except PaymentError as error:
        raise PaymentError(repr(error))
"""

PROJECT = {"pyproject.toml": "[tool.flagaudit]\npaths = ['shop']\n", "shop/__init__.py": ""}


def _sites(document: dict) -> list[tuple[str, str, int, int]]:
    return [(f["key"], s["path"], s["line"], s["column"]) for f in document["flags"] for s in f["sites"]]


def test_a_python2_module_is_scanned_with_its_sites_where_they_are(tmp_path: Path) -> None:
    write_files(tmp_path / "two", {**PROJECT, "shop/views.py": VIEWS_PY2})
    write_files(tmp_path / "three", {**PROJECT, "shop/views.py": VIEWS_PY3})
    two = run_cli("scan", "--format", "json", "--no-cache", cwd=tmp_path / "two")
    three = run_cli("scan", "--format", "json", "--no-cache", cwd=tmp_path / "three")
    assert two.returncode == three.returncode == 0, two.stderr
    document = json.loads(two.stdout)
    assert document["skipped"] == [] and document["python2"] == ["shop/views.py"]
    assert "python2" not in json.loads(three.stdout)
    audit = VIEWS_PY2.splitlines()[9].index("flag_is_active")
    assert _sites(document) == [("audit-pay", "shop/views.py", 10, audit), ("fast-pay", "shop/views.py", 7, 7)]
    assert _sites(document)[1] == _sites(json.loads(three.stdout))[1]
    verbose = run_cli("scan", "-v", "--no-cache", cwd=tmp_path / "two")
    assert "shop/views.py: Python 2, read respelled as Python 3" in verbose.stdout


def test_the_port_to_python3_is_no_birth_of_the_flags(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    born = repo.commit("2026-01-05", "checkout", {**PROJECT, "shop/views.py": VIEWS_PY2})
    repo.commit("2026-02-01", "port to Python 3", {"shop/views.py": VIEWS_PY3})
    repo.commit("2026-02-10", "docs", {"README": "shop\n"})
    timelines = {t.key: t for t in repo.history().timelines}
    for key in ("fast-pay", "audit-pay"):
        assert [(e.kind, e.commit) for e in timelines[key].events] == [("born", born)]
    checked = run_cli("check", "--format", "json", "--as-of", "2026-02-20", "--no-cache", cwd=repo.path)
    assert checked.returncode == 0, checked.stderr
    assert [f for f in json.loads(checked.stdout)["findings"] if f["code"].startswith("FA2")] == []


def test_bytes_no_codec_decodes_are_read_in_comments_only(tmp_path: Path) -> None:
    """Python's tokenizer does not decode comments (``compile`` reads such a file in every version): a vendored
    module whose comment credits "Str\\xf6der" in Latin-1 is analysed; such a byte in a string still is not."""
    write_files(tmp_path, PROJECT)
    (tmp_path / "shop/views.py").write_bytes(
        b"# -*- coding: utf-8 -*-\nfrom waffle import flag_is_active\n# From Michael Str\xf6der.\n\n\n"
        b"def checkout(request):\n    if flag_is_active(request, 'fast-pay'):  # \x94F\n        return 1\n")
    (tmp_path / "shop/names.py").write_bytes(b"# -*- coding: utf-8 -*-\nNAME = 'caf\xe9'\n")
    document = json.loads(run_cli("scan", "--format", "json", "--no-cache", cwd=tmp_path).stdout)
    assert _sites(document) == [("fast-pay", "shop/views.py", 7, 7)]
    assert [s["path"] for s in document["skipped"]] == ["shop/names.py"]


def test_remove_leaves_a_key_checked_in_python2_to_a_person(tmp_path: Path) -> None:
    """The cleanup rewrites a file's own text with libcst, which reads no Python 2: the key is left alone."""
    write_files(tmp_path, {**PROJECT, "shop/views.py": VIEWS_PY2})
    removed = run_cli("remove", "fast-pay", "--as", "on", "--write", cwd=tmp_path)
    assert removed.returncode == 1, removed.stderr
    assert "left 'fast-pay' alone: shop/views.py: written in Python 2, which the cleanup" in removed.stderr
    assert "internal error" not in removed.stderr
    assert (tmp_path / "shop/views.py").read_text(encoding="utf-8") == VIEWS_PY2
