#!/usr/bin/env python3
"""Generate a flag-dense Python project for measuring flag cleanups (``flagaudit remove``, Piranha).

Why: a cleanup codemod is judged on code where flags are everywhere and checked every way real code checks
them; the benchmark tree of ``generate_tree.py`` checks flags in one module in seven, too thin for that.
Here one function in four checks a flag, each module imports the SDKs it uses, keys come as literals, module
constants and flag objects, and some checks go through the project's own wrapper, the way applications
write them. Checks take the shapes a cleanup must handle: ``if``/``else``, ``elif`` chains, guard clauses
with early returns, ``and``/``or``, ternaries, a check assigned to a local and tested later, a check passed as
an argument, checks inside loops, ``with`` blocks and methods, and ``@waffle_flag`` views. Branches are one to
three statements long, as in application code. Each branch calls a helper of its own (code only that branch
reaches) and some call shared helpers (code that must stay).
Tests pin waffle flags with ``override_flag``.

Writes OUT_DIR/dense/... and OUT_DIR/tests/..., plus OUT_DIR/KEYS.json: every key with its SDK and the
places it is checked. The same arguments always give byte-identical files.

Usage: python benchmarks/generate_dense_tree.py OUT_DIR [--keys 60] [--modules 24] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

SDKS = ("launchdarkly", "wrapper", "waffle-flag", "waffle-switch", "edx", "unleash", "settings", "posthog")
AREAS = ("billing", "catalog", "checkout", "accounts", "shipping", "search")
NOUNS = ("invoice", "order", "cart", "refund", "coupon", "parcel", "quote", "review", "payout", "ticket",
         "basket", "receipt", "profile", "listing", "voucher", "route")
VERBS = ("price", "render", "route", "score", "export", "notify", "settle", "rank", "validate", "summarise")
ADJECTIVES = ("new", "fast", "smart", "bulk", "instant", "compact", "async", "unified", "guided", "live")
SHAPES = ("if_else", "guard", "and", "or", "ternary", "assigned", "elif", "loop", "with", "method", "argument",
          "negated_else")


@dataclass
class Key:
    name: str
    sdk: str
    symbol: str = ""
    """The module constant or flag object naming the key, if the checks use one."""
    sites: list[str] = field(default_factory=list)


@dataclass
class Module:
    area: str
    name: str
    imports: set[str] = field(default_factory=set)
    blocks: list[str] = field(default_factory=list)
    public: list[str] = field(default_factory=list)
    module_lines: list[str] = field(default_factory=list)

    @property
    def dotted(self) -> str:
        return f"dense.{self.area}.{self.name}"


def make_keys(count: int, rng: random.Random) -> list[Key]:
    keys = []
    seen = set()
    while len(keys) < count:
        sdk = SDKS[len(keys) % len(SDKS)]
        words = (rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(VERBS))
        if words in seen:
            continue
        seen.add(words)
        if sdk == "settings":
            name = "ENABLE_" + "_".join(w.upper() for w in words)
        elif sdk in ("waffle-flag", "waffle-switch", "edx"):
            name = "dense." + "_".join(words)
        else:
            name = "-".join(words)
        key = Key(name, sdk)
        if sdk in ("launchdarkly", "wrapper") and len(keys) % 3:
            key.symbol = "_".join(w.upper() for w in words)  # a constant in dense/flags.py
        if sdk == "edx":
            key.symbol = "_".join(w.upper() for w in words)  # a WaffleFlag object in dense/toggles.py
        keys.append(key)
    return keys


def check_expression(key: Key, module: Module) -> str:
    """The check of ``key`` as the module writes it, adding the imports it needs."""
    if key.sdk == "launchdarkly":
        module.imports.add("import ldclient")
        if key.symbol:
            module.imports.add("from dense import flags")
            return f"ldclient.get().variation(flags.{key.symbol}, context, False)"
        return f'ldclient.get().variation("{key.name}", context, False)'
    if key.sdk == "wrapper":
        module.imports.add("from dense.featureflags import is_on")
        if key.symbol:
            module.imports.add(f"from dense.flags import {key.symbol}")
            return f"is_on({key.symbol}, context)"
        return f'is_on("{key.name}", context)'
    if key.sdk == "waffle-flag":
        module.imports.add("from waffle import flag_is_active")
        return f'flag_is_active(request, "{key.name}")'
    if key.sdk == "waffle-switch":
        module.imports.add("from waffle import switch_is_active")
        return f'switch_is_active("{key.name}")'
    if key.sdk == "edx":
        module.imports.add(f"from dense.toggles import {key.symbol}")
        return f"{key.symbol}.is_enabled()"
    if key.sdk == "unleash":
        module.imports.add("from dense.clients import unleash")
        return f'unleash.is_enabled("{key.name}", {{"userId": context.key}})'
    if key.sdk == "settings":
        module.imports.add("from django.conf import settings")
        return f'settings.FEATURES["{key.name}"]'
    module.imports.add("import posthog")
    return f'posthog.feature_enabled("{key.name}", context.key)'


def helper(name: str, noun: str, step: str) -> str:
    return (f"def {name}({noun}):\n"
            f'    """{step.capitalize()} the {noun}."""\n'
            f"    steps = list({noun}.steps)\n"
            f'    steps.append("{step}")\n'
            f"    return steps\n")


def branch(call: str, arg: str, indent: str, extra: int, returns: bool = False) -> str:
    """A branch as real code writes one: the call, then up to two more statements (a log line, a step recorded),
    and a return when the branch ends the function."""
    lines = [f"result = {call}({arg})"]
    lines += [f'log.info("{call.lstrip("_")} for %s", {arg})', f'result.append("{call.lstrip("_")}")'][:extra]
    if returns:
        lines.append("return result")
    return "".join(f"{indent}{line}\n" for line in lines)


def flag_function(shape: str, name: str, check: str, new: str, old: str, noun: str,
                  extra: int) -> tuple[str, list[str]]:
    """A public function checking a flag in ``shape``, its branches ``extra`` statements longer than a call;
    returns its text and extra module-level blocks."""
    doc = f'    """{name.replace("_", " ").capitalize()}."""\n'
    head = f"def {name}(request, context, {noun}):\n{doc}"
    shared = f"    _audit({noun})\n"
    four, eight, twelve = " " * 4, " " * 8, " " * 12
    if shape == "if_else":
        return head + shared + (f"    if {check}:\n" + branch(new, noun, eight, extra)
                                + "        # the new way keeps the receipt\n        result.append(\"receipt\")\n"
                                + "    else:\n" + branch(old, noun, eight, extra) + "    return result\n"), []
    if shape == "guard":
        return head + (f"    if not {check}:\n" + branch(old, noun, eight, extra, returns=True)
                       + branch(new, noun, four, 0) + shared + "    return result\n"), []
    if shape == "and":
        return head + (f"    result = _base({noun})\n    if {noun}.priority and {check}:\n"
                       + branch(new, noun, eight, extra) + "    return result\n"), []
    if shape == "or":
        return head + (f"    if {check} or {noun}.staff:\n" + branch(new, noun, eight, extra, returns=True)
                       + f"    return {old}({noun})\n"), []
    if shape == "ternary":
        return head + shared + (f"    handler = {new} if {check} else {old}\n    return handler({noun})\n"), []
    if shape == "assigned":
        return head + (f"    enabled = {check}\n" + shared + "    if enabled:\n"
                       + branch(new, noun, eight, extra, returns=True) + f"    return {old}({noun})\n"), []
    if shape == "elif":
        return head + (f"    if {noun}.express:\n        result = _base({noun})\n    elif {check}:\n"
                       + branch(new, noun, eight, extra) + "    else:\n" + branch(old, noun, eight, extra)
                       + "    return result\n"), []
    if shape == "loop":
        return head + (f"    results = []\n    for part in {noun}.parts:\n        if {check}:\n"
                       + branch(new, "part", twelve, extra) + "        else:\n" + branch(old, "part", twelve, extra)
                       + "        results.append(result)\n    return results\n"), []
    if shape == "with":
        return head + (f"    with _locked({noun}):\n        if {check}:\n" + branch(new, noun, twelve, extra)
                       + "        else:\n" + branch(old, noun, twelve, extra) + "    return result\n"), []
    if shape == "argument":
        return head + shared + (f"    return _render({noun}, compact={check}, extra={new}({noun}))\n"), []
    if shape == "negated_else":
        return head + (f"    if not {check}:\n" + branch(old, noun, eight, extra) + "    else:\n"
                       + branch(new, noun, eight, extra) + shared + "    return result\n"), []
    assert shape == "method"
    cls = "".join(part.capitalize() for part in name.split("_")) + "Service"
    block = (f"class {cls}:\n"
             f'    """Runs {name.replace("_", " ")} for one request."""\n\n'
             "    def __init__(self, request, context):\n"
             "        self.request = request\n        self.context = context\n\n"
             f"    def run(self, {noun}):\n"
             "        request, context = self.request, self.context\n"
             f"        if {check}:\n" + branch(new, noun, twelve, extra, returns=True)
             + f"        return {old}({noun})\n")
    return head + f"    return {cls}(request, context).run({noun})\n", [block]


def build_module(module: Module, checks: list[tuple[Key, int]], plain: int, rng: random.Random) -> None:
    """``checks`` (key, shape index) become flag functions; ``plain`` functions check nothing."""
    functions: list[tuple[str, str]] = []
    extra_blocks: list[str] = []
    helpers: list[str] = []
    used: set[str] = set()

    def fresh(base: str) -> str:
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        return name

    for key, shape_index in checks:
        shape = SHAPES[shape_index % len(SHAPES)]
        noun, verb = rng.choice(NOUNS), rng.choice(VERBS)
        name = fresh(f"{verb}_{noun}")
        new, old = fresh(f"_{verb}_{noun}_v2"), fresh(f"_{verb}_{noun}_legacy")
        if key.sdk == "waffle-flag" and shape == "if_else":  # a view switched on by a decorator
            module.imports.add("from waffle.decorators import waffle_flag")
            view = fresh(f"{verb}_{noun}_view")
            functions.append((view, f'@waffle_flag("{key.name}")\ndef {view}(request):\n'
                                    f'    """The {noun} page, for users in the flag\'s rollout."""\n'
                                    f"    return {new}(request)\n"))
            helpers.append(helper(new, "request", verb))
            key.sites.append(f"{module.dotted}.{view}")
            continue
        text, blocks = flag_function(shape, name, check_expression(key, module), new, old, noun,
                                     extra=rng.choice((0, 1, 1, 2)))
        functions.append((name, text))
        extra_blocks.extend(blocks)
        helpers.append(helper(new, noun, verb))
        if shape not in ("and", "argument"):
            helpers.append(helper(old, noun, "legacy " + verb))
        key.sites.append(f"{module.dotted}.{name}")
    for _ in range(plain):
        noun, verb = rng.choice(NOUNS), rng.choice(VERBS)
        name = fresh(f"{verb}_{noun}_total")
        functions.append((name, f"def {name}({noun}):\n"
                                f'    """Total of the {noun}, as the reports show it."""\n'
                                f"    _audit({noun})\n    base = _base({noun})\n"
                                f"    return sum(len(step) for step in base)\n"))
    rng.shuffle(functions)
    module.public = sorted(name for name, _ in functions)
    module.blocks = [text for _, text in functions] + extra_blocks + helpers


SHARED_HELPERS = '''def _audit(item):
    """Every entry point records what it touched (shared by the old and the new code)."""
    item.touched = True


def _base(item):
    return list(item.steps)


def _render(item, compact, extra):
    return {"item": item, "compact": compact, "extra": extra}


@contextmanager
def _locked(item):
    item.locked = True
    try:
        yield item
    finally:
        item.locked = False
'''


def render_module(module: Module) -> str:
    """Imports grouped the usual way (standard library, third party, the project), one line per module."""
    plain = sorted(line.split(" ", 1)[1] for line in module.imports if line.startswith("import "))
    names: dict[str, set[str]] = {}
    for line in module.imports:
        if line.startswith("from "):
            _, source, _, name = line.split(" ")
            names.setdefault(source, set()).add(name)
    third = [f"import {name}" for name in plain] + [
        f"from {source} import {', '.join(sorted(names[source]))}" for source in sorted(names)
        if not source.startswith("dense")]
    local = [f"from {source} import {', '.join(sorted(names[source]))}" for source in sorted(names)
             if source.startswith("dense")]
    groups = ["import logging\nfrom contextlib import contextmanager", "\n".join(third), "\n".join(local)]
    header = f'"""{module.area.capitalize()}: {module.name.replace("_", " ")}."""\n\n' + "\n\n".join(
        g for g in groups if g) + "\n"
    logger = "log = logging.getLogger(__name__)\n"
    exports = "__all__ = [\n" + "".join(f'    "{name}",\n' for name in module.public) + "]\n"
    return "\n\n".join([header, logger, *module.blocks, SHARED_HELPERS, exports])


def support_files(keys: list[Key]) -> dict[str, str]:
    constants = [k for k in keys if k.symbol and k.sdk in ("launchdarkly", "wrapper")]
    objects = [k for k in keys if k.sdk == "edx"]
    features = [k for k in keys if k.sdk == "settings"]
    flags = '"""Feature-flag keys, in one place so that a typo is an ImportError."""\n\n' + "".join(
        f"# {k.name.replace('-', ' ')}\n{k.symbol} = \"{k.name}\"\n" for k in constants)
    toggles = ('"""Open edX toggles: the constructor names the flag."""\n\n'
               "from edx_toggles.toggles import WaffleFlag\n\n" + "\n".join(
                   f"# .. toggle_name: {k.name}\n# .. toggle_implementation: WaffleFlag\n# .. toggle_default: False\n"
                   f"# .. toggle_description: {k.name.split('.', 1)[1].replace('_', ' ')}.\n"
                   f'{k.symbol} = WaffleFlag("{k.name}", __name__)\n' for k in objects))
    settings = ('"""Settings every deployment shares."""\n\nFEATURES = {\n' + "".join(
        f'    "{k.name}": {i % 2 == 0},\n' for i, k in enumerate(features)) + "}\n")
    return {
        "dense/__init__.py": "",
        "dense/flags.py": flags,
        "dense/toggles.py": toggles,
        "dense/settings.py": settings,
        "dense/clients.py": ('"""Flag SDK clients, created once per process."""\n\n'
                             "from django.conf import settings\nfrom UnleashClient import UnleashClient\n\n"
                             'unleash = UnleashClient(url=settings.UNLEASH_URL, app_name="dense")\n'),
        "dense/featureflags.py": ('"""The project\'s own flag helper: every team calls this, not the SDK."""\n\n'
                                  "import ldclient\n\n\n"
                                  "def is_on(name, context, default=False):\n"
                                  '    """Whether flag ``name`` is on for ``context`` (LaunchDarkly)."""\n'
                                  "    return ldclient.get().variation(name, context, default)\n"),
    }


def generate(out: Path, key_count: int, module_count: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    keys = make_keys(key_count, rng)
    modules = [Module(AREAS[i % len(AREAS)], f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}s_{i}")
               for i in range(module_count)]
    # Every key checked at least once, a third of them twice or three times, in different modules.
    placements: list[tuple[Key, int]] = []
    for index, key in enumerate(keys):
        for _ in range(1 + (index % 3 == 0) + (index % 9 == 0)):
            placements.append((key, len(placements)))
    shapes = [index % len(SHAPES) for index in range(len(placements))]
    rng.shuffle(shapes)  # every shape as often as the others, with every SDK
    per_module: list[list[tuple[Key, int]]] = [[] for _ in modules]
    for index, ((key, _), shape) in enumerate(zip(placements, shapes, strict=True)):
        per_module[(index * 7) % module_count].append((key, shape))
    files = support_files(keys)
    for module, checks in zip(modules, per_module, strict=True):
        build_module(module, checks, plain=3 * len(checks), rng=rng)  # one function in four checks a flag
        files[f"dense/{module.area}/__init__.py"] = ""
        files[f"dense/{module.area}/{module.name}.py"] = render_module(module)
    waffle = [k for k in keys if k.sdk == "waffle-flag"]
    files["tests/__init__.py"] = ""
    for number, key in enumerate(waffle):
        target = key.sites[0].rsplit(".", 1)
        body = (f'"""Both sides of {key.name}."""\n\nfrom waffle.testutils import override_flag\n\n'
                f"from {target[0]} import {target[1]}\n\n\n"
                f'@override_flag("{key.name}", active=True)\ndef test_{number}_on():\n'
                f"    assert {target[1]} is not None\n\n\n"
                f'@override_flag("{key.name}", active=False)\ndef test_{number}_off():\n'
                f"    assert {target[1]} is not None\n")
        files[f"tests/test_flag_{number}.py"] = body
    for path, text in sorted(files.items()):
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    manifest = {"seed": seed, "keys": [{"key": k.name, "sdk": k.sdk, "symbol": k.symbol, "sites": k.sites}
                                       for k in keys]}
    (out / "KEYS.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--modules", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    manifest = generate(args.out, args.keys, args.modules, args.seed)
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in args.out.rglob("*.py"))
    print(f"{len(manifest['keys'])} keys, {sum(len(k['sites']) for k in manifest['keys'])} checks, "
          f"{lines} lines of Python in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
