"""``--format github``: GitHub Actions workflow commands, one line per finding.

``::error file=app/views.py,line=12,col=8,title=FA201 reborn-flag::message``
(``warning`` and ``notice`` for the other severities) makes GitHub annotate the
line in the pull request and the run summary. Paths are relative to the
repository root, as GitHub expects; values are escaped as the Actions toolkit
does (``%``, CR and LF everywhere, and ``:`` and ``,`` in properties), so a
message can never end the command early or inject another one. What is left of
the title and the message then goes through
:func:`~flagaudit.output.escaping.visible` (other control characters, bidi
controls, ``##[``); the ``file`` property stays exact so the annotation finds
its file.
"""

from __future__ import annotations

from flagaudit.facts import Finding, Inventory
from flagaudit.output import renderer
from flagaudit.output.escaping import visible
from flagaudit.output.sarif import Places

COMMANDS = {"error": "error", "warning": "warning", "info": "notice", "note": "notice"}
"""flagaudit severity -> workflow command (anything else is a notice)."""

_EVIDENCE_SHOWN = 4


@renderer("github")
def render_github(inventory: Inventory, verbosity: int = 0) -> str:
    places = Places(inventory.root)
    return "".join(annotation(f, places, verbosity) + "\n" for f in sorted(inventory.findings, key=Finding.sort_key))


def annotation(finding: Finding, places: Places, verbosity: int = 0) -> str:
    path = places.relative(finding.path)
    path = path if path is not None else finding.path.replace("\\", "/")
    # GitHub paths are UTF-8: bytes that are not show as \xNN (no annotation can point at such a file anyway)
    properties = [("file", path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))]
    if finding.line >= 1:
        properties.append(("line", str(finding.line)))
        if finding.column >= 0:
            properties.append(("col", str(finding.column + 1)))
    properties.append(("title", f"{finding.code} {finding.name}"))
    lines = [finding.message]
    shown = finding.evidence if verbosity > 0 else finding.evidence[:_EVIDENCE_SHOWN]
    lines.extend(f"{e.kind}: {e.value}" + (f" ({e.detail})" if e.detail else "") for e in shown)
    if len(shown) < len(finding.evidence):
        lines.append(f"... {len(finding.evidence) - len(shown)} more (flagaudit check -v)")
    command = COMMANDS.get(finding.severity, "notice")
    rendered = ",".join(f"{name}={escape_property(value) if name == 'file' else visible(escape_property(value))}"
                        for name, value in properties)
    return f"::{command} {rendered}::{visible(escape_data(chr(10).join(lines)))}"


def escape_data(text: str) -> str:
    """A command's message: ``%``, CR and LF encoded (actions/toolkit ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command property's value: also ``:`` and ``,`` (actions/toolkit ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
