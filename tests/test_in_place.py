"""The in-place respelling of 3.12 f-strings and type parameters: same length, same code, or nothing."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from flagaudit.extract import newer_syntax
from flagaudit.extract.in_place import in_place


def _same_code(text: str) -> str:
    """``text`` respelled in place, checked to keep its length and lines and to read as libcst's respelling."""
    older = in_place(text)
    assert older is not None and len(older) == len(text)
    assert [len(line) for line in older.splitlines()] == [len(line) for line in text.splitlines()]
    by_libcst = newer_syntax._in_pieces(text)
    assert by_libcst is not None
    assert ast.dump(ast.parse(older), include_attributes=True) == \
        ast.dump(ast.parse(by_libcst), include_attributes=True)
    return older


@pytest.mark.parametrize(("text", "expected"), [
    ("x = f'{d['k']}'\n", "x = f\"{d['k']}\"\n"),
    ('x = f"{d["k"]}"\n', "x = f'{d[\"k\"]}'\n"),
    ("x = f'{d['k']!r:>{w['n']}} {{not a field}} {a != b['c']}'\n",
     "x = f\"{d['k']!r:>{w['n']}} {{not a field}} {a != b['c']}\"\n"),
    ("x = f'{', '.join(names)} \\N{EM DASH} {y=}'\n", "x = f\"{', '.join(names)} \\N{EM DASH} {y=}\"\n"),
    ("x = rf'\\d{d['k']}\\{z}'\n", "x = rf\"\\d{d['k']}\\{z}\"\n"),
    ("x = f'{f'{y}'}' + f'{z}'\n", "x = f\"{f'{y}'}\" + f'{z}'\n"),
    ("x = (f'{d['k']}'  # a comment with ' and \"\n     'plain')\n",
     "x = (f\"{d['k']}\"  # a comment with ' and \"\n     'plain')\n"),
])
def test_an_f_string_that_reuses_its_quote_takes_the_other(text: str, expected: str) -> None:
    assert _same_code(text) == expected


def test_type_parameters_become_spaces_and_an_alias_an_assignment() -> None:
    text = ("class Box[T: dict[str, int], *Ts](Base[T]):\n"
            "    def get[K](self, key: K) -> T:\n"
            "        return switch_is_active('box')\n"
            "type Pair = tuple[int, int]\n"
            "type = 3\n")
    older = in_place(text)
    assert older == ("class Box                        (Base[T]):\n"
                     "    def get   (self, key: K) -> T:\n"
                     "        return switch_is_active('box')\n"
                     "Pair      = tuple[int, int]\n"
                     "type = 3\n")
    calls = [n for n in ast.walk(ast.parse(older)) if isinstance(n, ast.Call)]
    assert [(c.lineno, c.col_offset) for c in calls] == [(3, 15)]  # where it is in the file


@pytest.mark.parametrize("text", [
    "x = 1\n",  # nothing newer
    "x = f'''{d['k']}'''\n",  # older Pythons read a single quote inside triple quotes
    "x = f'{d['k']  # a comment\n}'\n",  # a comment in a replacement field
    "x = f'{d['k']\n}'\n",  # a replacement field over lines in a one-line f-string
    "x = f'{d['k']'\n",  # never closed
    "x = f'{d['k']]}'\n",  # unbalanced
    "def f[T: 'Bound'](x): pass\ny = f'{d['k']}'\n",  # a string in type parameters
])
def test_what_it_cannot_respell_is_left_to_libcst(text: str) -> None:
    assert in_place(text) is None


_COPY = "q = f'''\n  COPY {f'{getenv('SCHEMA')}.{t} ({\", \".join(c)})'}\n'''\nflag_is_active(r, 'k')\n"
"""A triple-quoted f-string holding one that reuses its quote and also holds the other."""


@pytest.mark.parametrize(("text", "blank"), [
    ("x = f'{d['k']} \"quoted\"'\n", "x =  '" + " " * 17 + "'\n"),  # the other quote is in it
    ("x = f'{f'{y}\\n'}'\n", "x =  '" + " " * 10 + "'\n"),  # a backslash in an f-string in a replacement field
    ("x = f'{f'{d['k']}'}'\n", "x =  '" + " " * 13 + "'\n"),  # an f-string in a field reuses its quote
    (_COPY, "q =  '''\n" + " " * 51 + "\n'''\nflag_is_active(r, 'k')\n"),  # HHS/simpler-grants-gov
    # fields over lines in a one-quote f-string, with a comment (3.12): an empty string in brackets, lines kept
    ("x = f'{d['k']  # a comment\n}'\n", "x = (\"\"" + " " * 19 + "\n )\n"),
])
def test_an_f_string_no_quote_can_respell_becomes_spaces(text: str, blank: str) -> None:
    """When libcst's respelling cannot place it either, the outermost f-string around it becomes a plain string of
    spaces, the same length, its lines kept: what its fields call is lost, the rest of the file is read (the file
    was skipped)."""
    assert in_place(text) is None  # libcst's respelling is tried first
    assert in_place(text, blank=True) == blank
    ast.parse(blank)


def test_a_template_string_is_read_as_an_f_string() -> None:
    """3.14's template strings (PEP 750) name what an f-string of the same text would, at the same places."""
    assert in_place("x = t'Hello {name}'\n") == "x = f'Hello {name}'\n"
    assert in_place("x = Rt'{d['k']}'\n") == "x = Rf\"{d['k']}\"\n"
    text = "from waffle import flag_is_active\n\n\ndef greet(request, name):\n" \
           "    return flag_is_active(request, 'tstrings') and t'Hello {name}'\n"
    older = newer_syntax.translate(text)
    assert older is not None and older.replace("f'Hello", "t'Hello") == text


def test_a_string_in_a_replacement_field_loses_escapes_and_hashes_to_spaces() -> None:
    """3.12 allows them; older Pythons refuse any backslash or "#" in a field, so the string's value changes (it
    is no key) and its calls and names stay where they were."""
    text = "page = f\"<ul>{'\\n'.join(items)}</ul>{tags['#']}{'\\N{EM DASH}'}\"\n"
    older = newer_syntax.translate(text)
    assert older == "page = f\"<ul>{'  '.join(items)}</ul>{tags[' ']}{'" + " " * len("\\N{EM DASH}") + "'}\"\n"
    call = next(n for n in ast.walk(ast.parse(older)) if isinstance(n, ast.Call))
    assert isinstance(call.func, ast.Attribute) and call.func.end_col_offset == text.index("(items)")
    inner = "'''a\\\nb'''"  # a backslash at the end of a line, in a triple-quoted string in the field
    assert in_place(f'x = f"""{{{inner}}}"""\n') == "x = f\"\"\"{'''a \nb'''}\"\"\"\n"  # the line stays
    assert in_place(f"x = f'{{{inner}}}'\n") is None  # older Pythons end a one-line f-string at its line


def test_deep_nesting_gives_up_without_recursing_far() -> None:
    text = "x = " + "f'{" * 40 + "1" + "}'" * 40 + "\n"
    assert in_place(text) is None


def test_what_ast_then_rejects_is_left_to_libcst_too() -> None:
    text = "x = (]\ny = f'{d['k']}'\n"  # only the f-string is looked at: ast tells the rest
    assert in_place(text) == "x = (]\ny = f\"{d['k']}\"\n" and newer_syntax.translate(text) is None


def test_translate_takes_the_in_place_respelling_and_libcst_for_the_rest() -> None:
    newer_syntax._respelled.clear()
    quick = "label = f'{invoice['number']}'\n"
    assert newer_syntax.translate(quick) == in_place(quick)
    assert not newer_syntax._respelled  # libcst was not asked
    both = quick + "try:\n    pass\nexcept A, B:\n    pass\n"  # except without parentheses: libcst's
    older = newer_syntax.translate(both)
    assert older is not None and "except (A, B):" in older and newer_syntax._respelled


def test_what_in_place_reads_costs_no_import_of_libcst() -> None:
    """Every worker of a scan or a history walk that meets such a file would pay a third of a second."""
    program = ("import sys\nfrom flagaudit.extract.file_facts import extract\n"
               "from flagaudit.sdk_rules import load_rules\n"
               "facts = extract('a.py', 'a', b\"x = f'{d['k']}'\\n\", load_rules(), 1 << 20)\n"
               "assert facts.respelled == ('newer' if sys.version_info < (3, 12) else '') and not facts.skipped\n"
               "print('libcst' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout == "False\n"
