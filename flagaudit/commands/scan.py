"""``flagaudit scan``: the inventory rendered, and that output kept, so a run on an unchanged tree prints it
again without decoding the inventory or rendering it anew. Nothing here prints.

The kept output (the ``rendered`` memo) is named by the digest of everything the inventory depends on and of
how it was rendered, and lies in the checkout's cache folder, which a pull request writes. A forged one can
make the run print what a forged inventory could (any findings, any verdict), never a character a terminal
or a CI log acts on: output is kept, and printed from the memo, only if :attr:`View.inert` passes it. The text
is kept as it is after the rest (:func:`flagaudit.scan.cache.write_cached`), not in JSON.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from flagaudit.config import load_config
from flagaudit.facts import Inventory, Skipped
from flagaudit.scan.project import ScanOptions, scan_inputs, scan_with
from flagaudit.sdk_rules import load_rules


@dataclass(frozen=True)
class View:
    """How the inventory is shown: ``name`` says everything ``render`` depends on besides the inventory."""

    name: str
    render: Callable[[Inventory], str]
    inert: Callable[[str], bool]
    """Whether a text holds nothing a terminal or a CI log acts on: only such a text is kept or reused."""


@dataclass(frozen=True)
class Shown:
    """A scan's output and what goes beside it: notes and skipped files for stderr, and whether it blocks."""

    text: str
    notes: tuple[str, ...]
    skipped: tuple[Skipped, ...]
    blocking: bool


def scan_shown(paths: tuple[str, ...], options: ScanOptions, view: View) -> Shown:
    """The scan of ``paths`` shown by ``view``: the last run's output when neither the inventory's inputs nor
    the view changed, else rendered afresh and kept (as it shows without this run's notes on the cache)."""
    config = load_config(paths, options.config_file)
    rules = load_rules(config.rules, config.settings_dicts)
    inputs = scan_inputs(config, rules, options)
    key = _view_digest(inputs.digest, view.name, options)
    read, problem = inputs.cache.read_memo("rendered", key, Shown, text=True)
    kept = None if read is None else replace(read[0], text=read[1])
    if kept is not None and view.inert(kept.text):
        return kept
    if kept is not None:
        problem = f"ignored the kept {view.name} output: it holds characters a terminal acts on; it is rebuilt"
    inventory = scan_with(config, rules, options, inputs)
    text = view.render(inventory)
    warning = inputs.cache.warning  # the scan's own note about the cache, first among the inventory's notes
    own = replace(inventory, notes=tuple(n for n in inventory.notes if n != warning)) if warning else inventory
    kept_text = view.render(own) if own.notes != inventory.notes else text  # what the next run prints
    if view.inert(kept_text):
        inputs.cache.keep("rendered", key, Shown("", own.notes, own.skipped, _blocking(own)), text=kept_text)
        inputs.cache.save()  # a failure to write was noted already, by the scan's own save
    notes = (problem, *inventory.notes) if problem and not warning else inventory.notes  # one note on the cache
    return Shown(text, notes, inventory.skipped, _blocking(inventory))


def _blocking(inventory: Inventory) -> bool:
    return any(f.severity == "error" for f in inventory.findings)


def _view_digest(inputs: str, view: str, options: ScanOptions) -> str:
    """What the kept output depends on: the inventory's inputs, the view, and the findings selected."""
    text = "\0".join([inputs, view, ",".join(options.select), ",".join(options.ignore)])
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()
