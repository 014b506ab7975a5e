#!/usr/bin/env python3
"""Generate a deterministic git repository with thousands of commits in which feature flags live and die.

Why: ``flagaudit history`` has to stay fast on long histories, and real
repositories with a known flag story cannot be vendored. This builds one with
``git fast-import`` (seconds for thousands of commits): a package of plain
modules where, commit after commit, flags are born (LaunchDarkly literals,
keys held in a constants module, edx WaffleFlag objects defined in a toggles
module), their guarded code changes, second sites appear, flags are retired
and some reborn, modules are renamed, side branches are merged, and most
commits touch no flag at all. The same seed always gives the same commits,
hashes included.

Usage: python benchmarks/generate_history.py OUT_DIR --commits 5000 [--seed 1]
(--commits counts main's first-parent commits; side branches add about 10% more.)
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

AREAS = ("billing", "catalog", "checkout", "orders", "search", "shipping", "accounts", "reports")
AUTHORS = ("Ada Lovelace <ada@example.com>", "Grace Hopper <grace@example.com>", "Alan Turing <alan@example.com>",
           "Edsger Dijkstra <edsger@example.com>", "Barbara Liskov <barbara@example.com>")
HELPERS = tuple(f"helper_{n}" for n in range(40))
START = 1546300800  # 2019-01-01T00:00:00Z
OPERATIONS = (  # (weight, name): most commits touch no flag
    (34, "noise"), (8, "module"), (14, "born"), (12, "changed"), (6, "second"), (8, "retired"), (5, "reborn"),
    (5, "renamed"), (3, "constant"), (5, "merge"),
)


@dataclass
class Site:
    key: str
    idiom: str
    """``literal``, ``constant`` or ``toggle``."""
    helper: str


@dataclass
class Module:
    path: str
    blocks: dict[str, str | Site] = field(default_factory=dict)
    """Function name -> a noise body, or a flag site."""

    def render(self) -> str:
        constants = sorted({_constant(s.key) for s in self.sites() if s.idiom == "constant"})
        toggles = sorted({_toggle(s.key) for s in self.sites() if s.idiom == "toggle"})
        lines = [f'"""{self.path} (generated)."""', "import ldclient", "", "from shop import helpers"]
        if constants:
            lines.append(f"from shop.flags import {', '.join(constants)}")
        if toggles:
            lines.append(f"from shop.toggles import {', '.join(toggles)}")
        for name, block in self.blocks.items():
            lines += ["", ""] + (_site(name, block) if isinstance(block, Site) else _noise(name, block))
        return "\n".join(lines) + "\n"

    def sites(self) -> list[Site]:
        return [b for b in self.blocks.values() if isinstance(b, Site)]


class History:
    """The repository's state and the fast-import stream that records its commits."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.modules: dict[str, Module] = {}
        self.constants: dict[str, str] = {}
        self.toggles: set[str] = set()
        self.live: dict[str, tuple[str, Site]] = {}
        self.retired: list[str] = []
        self.counter = 0
        self.mark = 0
        self.main = 0
        """Commits on main's first-parent line."""
        self.time = START
        self.out: list[bytes] = []

    # -- operations: each returns the paths it changed ------------------------------------------------------

    def noise(self) -> set[str]:
        module = self._module()
        names = [n for n, b in module.blocks.items() if not isinstance(b, Site)]
        if names and self.random.random() < 0.6:
            module.blocks[self.random.choice(names)] = str(self.random.randint(2, 999))
        else:
            module.blocks[self._name("compute")] = str(self.random.randint(2, 999))
        return {module.path}

    def module(self) -> set[str]:
        area = self.random.choice(AREAS)
        module = Module(f"shop/{area}/{self._name('module')}.py")
        for _ in range(self.random.randint(8, 20)):
            module.blocks[self._name("compute")] = str(self.random.randint(2, 999))
        self.modules[module.path] = module
        return {module.path}

    def born(self, key: str | None = None) -> set[str]:
        idiom = self.random.choice(("literal", "literal", "constant", "toggle"))
        key = key or f"{self.random.choice(AREAS)}.flag_{self._next()}"
        return self._add_site(key, idiom)

    def changed(self) -> set[str]:
        if not self.live:
            return self.born()
        path, site = self.live[self.random.choice(sorted(self.live))]
        site.helper = self.random.choice([h for h in HELPERS if h != site.helper])
        return {path}

    def second(self) -> set[str]:
        if not self.live:
            return self.born()
        key = self.random.choice(sorted(self.live))
        return self._add_site(key, self.live[key][1].idiom)

    def retired_(self) -> set[str]:
        if not self.live:
            return self.noise()
        key = self.random.choice(sorted(self.live))
        changed = set()
        for module in self.modules.values():
            for name in [n for n, b in module.blocks.items() if isinstance(b, Site) and b.key == key]:
                del module.blocks[name]
                changed.add(module.path)
        del self.live[key]
        if _toggle(key) in self.toggles:
            self.toggles.discard(_toggle(key))
            changed.add("shop/toggles.py")
        self.retired.append(key)
        return changed

    def reborn(self) -> set[str]:
        if not self.retired:
            return self.born()
        key = self.retired.pop(self.random.randrange(len(self.retired)))
        return self.born(key)

    def renamed(self) -> set[str]:
        module = self._module()
        old = module.path
        module.path = f"shop/{self.random.choice(AREAS)}/{self._name('module')}.py"
        self.modules[module.path] = self.modules.pop(old)
        for key, (path, site) in list(self.live.items()):
            if path == old:
                self.live[key] = (module.path, site)
        if self.random.random() < 0.3:
            self.noise_in(module)
        return {old, module.path}

    def constant(self) -> set[str]:
        self.constants[_constant(f"unused.flag_{self._next()}")] = f"unused.flag_{self.counter}"
        return {"shop/flags.py"}

    def noise_in(self, module: Module) -> None:
        module.blocks[self._name("compute")] = str(self.random.randint(2, 999))

    # -- commits --------------------------------------------------------------------------------------------

    def initial(self) -> None:
        for _ in range(60):
            self.module()
        for _ in range(30):
            self.born()
        paths = set(self.modules) | {"shop/__init__.py", "shop/helpers.py", "shop/flags.py", "shop/toggles.py"}
        paths |= {f"shop/{area}/__init__.py" for area in AREAS}
        self.commit("Initial import", paths)

    def step(self) -> None:
        operation = self.random.choices([name for _, name in OPERATIONS], [w for w, _ in OPERATIONS])[0]
        if operation == "merge":
            self.merge()
            return
        method = getattr(self, "retired_" if operation == "retired" else operation)
        self.commit(f"{operation}: {self.counter}", method())

    def merge(self) -> None:
        """A side branch of two commits (flag work and noise), merged into main with --no-ff."""
        base = self.mark
        changed = self.born() | self.noise()
        self.commit("side: new flag", changed, branch="refs/heads/side", parent=base)
        side_first = self.mark
        more = self.changed() | self.noise()
        self.commit("side: polish", more, branch="refs/heads/side", parent=side_first)
        self.commit(f"Merge branch 'side-{self.counter}'", changed | more, parent=base, merge=self.mark)

    def commit(self, message: str, paths: set[str], branch: str = "refs/heads/main", parent: int | None = None,
               merge: int | None = None) -> None:
        self.mark += 1
        self.time += self.random.randint(600, 36000)
        who = self.random.choice(AUTHORS)
        text = message.encode()
        head = [f"commit {branch}", f"mark :{self.mark}", f"author {who} {self.time} +0000",
                f"committer {who} {self.time} +0000", f"data {len(text)}"]
        self.out.append("\n".join(head).encode() + b"\n" + text + b"\n")
        if parent:
            self.out.append(f"from :{parent}\n".encode())
        elif self.mark > 1 and branch == "refs/heads/main":
            self.out.append(f"from :{self._main}\n".encode())
        if merge:
            self.out.append(f"merge :{merge}\n".encode())
        for path in sorted(paths):
            content = self._content(path)
            if content is None:
                self.out.append(f"D {path}\n".encode())
            else:
                data = content.encode()
                self.out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        if branch == "refs/heads/main":
            self._main = self.mark
            self.main += 1

    # -- helpers --------------------------------------------------------------------------------------------

    def _add_site(self, key: str, idiom: str) -> set[str]:
        module = self._module()
        site = Site(key, idiom, self.random.choice(HELPERS))
        module.blocks[self._name("feature")] = site
        self.live.setdefault(key, (module.path, site))
        changed = {module.path}
        if idiom == "constant" and _constant(key) not in self.constants:
            self.constants[_constant(key)] = key
            changed.add("shop/flags.py")
        if idiom == "toggle" and _toggle(key) not in self.toggles:
            self.toggles.add(_toggle(key))
            changed.add("shop/toggles.py")
        return changed

    def _content(self, path: str) -> str | None:
        if path == "shop/flags.py":
            return "".join(f'{name} = "{key}"\n' for name, key in sorted(self.constants.items()))
        if path == "shop/toggles.py":
            lines = ["from edx_toggles.toggles import WaffleFlag", ""]
            lines += [f'{name} = WaffleFlag("{_key_of(name)}", __name__)' for name in sorted(self.toggles)]
            return "\n".join(lines) + "\n"
        if path == "shop/helpers.py":
            return "".join(f"def {h}(ctx):\n    return ctx\n\n\n" for h in (*HELPERS, "fallback"))
        if path.endswith("__init__.py"):
            return ""
        module = self.modules.get(path)
        return module.render() if module else None

    def _module(self) -> Module:
        return self.modules[self.random.choice(sorted(self.modules))]

    def _name(self, prefix: str) -> str:
        return f"{prefix}_{self._next()}"

    def _next(self) -> int:
        self.counter += 1
        return self.counter


def _constant(key: str) -> str:
    return "FLAG_" + key.replace(".", "_").upper()


def _toggle(key: str) -> str:
    return "TOGGLE_" + key.replace(".", "__").upper()


def _key_of(toggle: str) -> str:
    return toggle.removeprefix("TOGGLE_").lower().replace("__", ".")


def _site(name: str, site: Site) -> list[str]:
    check = {"literal": f'ldclient.get().variation("{site.key}", ctx, False)',
             "constant": f"ldclient.get().variation({_constant(site.key)}, ctx, False)",
             "toggle": f"{_toggle(site.key)}.is_enabled()"}[site.idiom]
    return [f"def {name}(ctx):", f"    if {check}:", f"        return helpers.{site.helper}(ctx)",
            "    return helpers.fallback(ctx)"]


def _noise(name: str, factor: str) -> list[str]:
    return [f"def {name}(values):", "    total = 0", "    for value in values:",
            f"        total += value * {factor}", "    return total"]


def generate(out: Path, commits: int, seed: int) -> None:
    history = History(seed)
    history.initial()
    while history.main < commits:
        history.step()
    out.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    subprocess.run(["git", "-C", str(out), "fast-import", "--quiet"], input=b"".join(history.out) + b"done\n",
                   check=True)
    subprocess.run(["git", "-C", str(out), "branch", "-q", "-D", "side"], check=False, capture_output=True)
    subprocess.run(["git", "-C", str(out), "reset", "-q", "--hard", "main"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.out.exists():
        sys.exit(f"generate_history: {args.out} exists")
    started = time.perf_counter()
    generate(args.out, args.commits, args.seed)
    print(f"generated {args.commits} commits in {args.out} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
