#!/usr/bin/env python3
"""Time ``flagaudit scan`` with a cold and a warm cache, optionally against vulture and Piranha.

Why: scan speed is a product promise, and it has to be measured the way users
run the tool -- as a subprocess with its worker processes, from a cold cache
and again from a warm one -- on a tree the size of a real application.
vulture, a well-known AST-based dead-code finder, is timed on the same tree
as a yardstick, and so is Piranha's inventory (polyglot-piranha, tree-sitter:
one rule matching every call of a check function or method the SDK rules name,
a dry run; needs polyglot-piranha importable by the Python running this).
Peak memory is the peak summed RSS of the whole process tree, sampled from
/proc (so this script is Linux-only), with no third-party deps. CPU seconds
(user + system of the process tree) are given beside wall seconds: on a shared
machine they are the figure load does not inflate.

Usage: python benchmarks/bench_scan.py [PATH] [--lines N] [--seed S] [--runs 3]
                                       [--vulture] [--piranha] [--cmd "python -m flagaudit"] [--json]
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE_DIR = ".flagaudit_cache"
VULTURE_VENV = HERE / ".venv-vulture"
GENERATOR = HERE / "generate_tree.py"
STAMP = ".generator-sha256"  # which generate_tree.py wrote a cached tree
SAMPLE_SECONDS = 0.02
FLAGAUDIT_OK = (0, 1)  # 1 means "findings", which a tree full of flags is expected to have
VULTURE_OK = (0, 1, 3)  # 3 = dead code found; old vultures used 1 for that (newer: invalid input)
MIB = 1024 * 1024


@dataclass(frozen=True)
class Run:
    """One timed subprocess: wall seconds, peak RSS of its process tree, exit code, CPU seconds (user + system,
    its workers included: on a shared machine the figure that load does not inflate), peak PSS of the tree."""

    seconds: float
    peak_rss: int
    returncode: int
    cpu: float = 0.0
    peak_pss: int = 0


# --------------------------------------------------------------------------- memory sampling


def _children() -> dict[int, list[int]]:
    """Map parent pid -> child pids for every live process, from /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # the process exited between listing and reading
            continue
        # The command name may contain spaces and parentheses; fields resume after the last ')'.
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _tree(root: int) -> list[int]:
    children = _children()
    pids = [root]
    for pid in pids:  # grows while iterating: a breadth-first walk
        pids.extend(children.get(pid, ()))
    return pids


def _field(path: str, name: bytes) -> int:
    """A ``Name:  N kB`` line of a /proc file in bytes; 0 for zombies and processes that already exited."""
    try:
        with open(path, "rb") as handle:
            for line in handle:
                if line.startswith(name):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _rss(pid: int) -> int:
    """Resident set size: every page the process maps, shared ones included."""
    return _field(f"/proc/{pid}/status", b"VmRSS:")


def _pss(pid: int) -> int:
    """Proportional set size: each page divided by the number of processes that map it."""
    return _field(f"/proc/{pid}/smaps_rollup", b"Pss:")


class PeakSampler(threading.Thread):
    """Samples the summed RSS and PSS of a process and all its descendants every 20 ms, keeping the peaks."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.peak_pss = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            pids = _tree(self.pid)
            self.peak = max(self.peak, sum(_rss(pid) for pid in pids))
            self.peak_pss = max(self.peak_pss, sum(_pss(pid) for pid in pids))
            self._done.wait(SAMPLE_SECONDS)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak


MEASURED_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""The environment of a measured run: Python may keep the tools' compiled bytecode, as an installed package has
it (a machine that sets PYTHONDONTWRITEBYTECODE would have every run compile its imports again, about 0.1 s)."""


def timed_run(argv: list[str], ok: tuple[int, ...], cwd: Path = REPO) -> Run:
    """Run ``argv`` with output discarded; stop the benchmark with its stderr if it fails (an exit code not in
    ``ok``, or a traceback: vulture exits 1 both when it finds dead code, in old versions, and when it crashes,
    as on a folder named ``__init__.py``)."""
    with tempfile.TemporaryFile() as stderr:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr, env=MEASURED_ENV)
        sampler = PeakSampler(proc.pid)
        sampler.start()
        returncode = proc.wait()
        seconds = time.perf_counter() - started
        peak = sampler.stop()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        stderr.seek(0)
        text = stderr.read()
        if returncode not in ok or b"Traceback (most recent call last)" in text:  # a crash, not a finished run
            tail = text[-2000:].decode("utf-8", "replace")
            sys.exit(f"bench_scan: {shlex.join(argv)} exited with {returncode}\n{tail}")
    return Run(seconds, peak, returncode, cpu, sampler.peak_pss)


# --------------------------------------------------------------------------- inputs


def ensure_tree(lines: int, seed: int) -> Path:
    """Reuse benchmarks/.tree-<lines>-<seed>, else generate it (into a temp folder, then rename)."""
    tree = HERE / f".tree-{lines}-{seed}"
    digest = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()
    if tree.is_dir():
        stamp = tree / STAMP
        if not stamp.exists() or stamp.read_text().strip() != digest:
            log(f"warning: {tree} was made by another version of {GENERATOR.name}; delete it to regenerate")
        return tree
    tmp = Path(tempfile.mkdtemp(prefix=f"{tree.name}.tmp-", dir=HERE))
    log(f"generating {lines} lines (seed {seed}) into {tree} ...")
    try:
        subprocess.run([sys.executable, str(GENERATOR), str(tmp), "--lines", str(lines), "--seed", str(seed)],
                       check=True, stdout=sys.stderr)
        make_repository(tmp)
        (tmp / STAMP).write_text(digest + "\n")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    tmp.rename(tree)
    return tree


def make_repository(tree: Path) -> None:
    """Make the tree its own git work tree, like a real checkout.

    Why: the tree lives in an ignored folder of this repo; a scanner that lists
    files through git would otherwise see nothing, and one that looks for the
    project root would put its cache in this repo instead of the tree.
    """
    if shutil.which("git") is None:
        log("warning: git not found; the tree is not a repository of its own")
        return
    subprocess.run(["git", "init", "--quiet", str(tree)], check=True)


def count_python(path: Path) -> tuple[int, int]:
    """(files, lines) of *.py under ``path``, ignoring the analyzer's cache."""
    files = lines = 0
    for folder, dirs, names in os.walk(path):
        dirs[:] = [d for d in dirs if d != CACHE_DIR]
        for name in names:
            if name.endswith(".py"):
                data = Path(folder, name).read_bytes()
                files += 1
                lines += data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return files, lines


def analyzer_command(cmd: str | None) -> list[str]:
    """--cmd if given, else the ``flagaudit`` console script, else ``python -m flagaudit``."""
    if cmd:
        return shlex.split(cmd)
    script = shutil.which("flagaudit")
    return [script] if script else [sys.executable, "-m", "flagaudit"]


def vulture_command() -> list[str]:
    """vulture as the Python running this has it, else from a private virtualenv, created on first use, so it
    never touches the dev env."""
    if importlib.util.find_spec("vulture") is not None:
        return [sys.executable, "-m", "vulture"]
    exe = VULTURE_VENV / "bin" / "vulture"
    if not exe.exists():
        log(f"creating {VULTURE_VENV} and installing vulture ...")
        subprocess.run([sys.executable, "-m", "venv", str(VULTURE_VENV)], check=True)
        subprocess.run([str(VULTURE_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "vulture"],
                       check=True, stdout=sys.stderr)
    return [str(exe)]


# --------------------------------------------------------------------------- benchmarks


def bench_flagaudit(command: list[str], path: Path, runs: int) -> tuple[list[Run], list[Run]]:
    """Alternate cold (cache deleted) and warm (cache just written) runs."""
    argv = [*command, "scan", str(path), "--format", "json"]
    cold, warm = [], []
    for i in range(runs):
        shutil.rmtree(path / CACHE_DIR, ignore_errors=True)
        cold.append(timed_run(argv, FLAGAUDIT_OK))
        if i == 0 and not (path / CACHE_DIR).exists():
            log(f"warning: no {path / CACHE_DIR} after a cold run; warm runs may not be warm")
        warm.append(timed_run(argv, FLAGAUDIT_OK))
        log(f"run {i + 1}/{runs}: cold {cold[-1].seconds:.2f}s, warm {warm[-1].seconds:.2f}s")
    return cold, warm


def bench_vulture(path: Path, runs: int) -> list[Run]:
    argv = [*vulture_command(), str(path)]
    results = []
    for i in range(runs):
        results.append(timed_run(argv, VULTURE_OK))
        log(f"vulture run {i + 1}/{runs}: {results[-1].seconds:.2f}s (exit {results[-1].returncode})")
    if any(run.returncode == 1 for run in results):
        log("warning: vulture exited 1, which recent versions use for invalid input (e.g. a syntax error)")
    return results


PIRANHA_INVENTORY = """\
import sys
from polyglot_piranha import PiranhaArguments, Rule, RuleGraph, execute_piranha
tree, query = sys.argv[1:]
graph = RuleGraph(rules=[Rule(name="check_call", query=query)], edges=[])
summaries = execute_piranha(PiranhaArguments(language="python", paths_to_codebase=[tree], rule_graph=graph,
                                             dry_run=True))
print(sum(len(summary.matches) for summary in summaries), file=sys.stderr)
"""
"""Piranha's inventory: every match of the rule over the tree, nothing rewritten."""


def piranha_query(path: Path) -> str:
    """A tree-sitter query for every call of a check function or method the SDK rules (as the tree configures
    them) name, by its last name, as a Piranha user would write it."""
    sys.path.insert(0, str(REPO))
    from flagaudit.config import load_config
    from flagaudit.sdk_rules import load_rules

    config = load_config((), None, path)
    rules = load_rules(config.rules, config.settings_dicts)
    names = "|".join(sorted({name.rpartition(".")[2] for name in rules.functions} | set(rules.methods)))
    return ('((call function: [(identifier) @f (attribute attribute: (identifier) @f)]) @check '
            f'(#match? @f "^({names})$"))')


def bench_piranha(path: Path, runs: int) -> list[Run]:
    if importlib.util.find_spec("polyglot_piranha") is None:
        sys.exit("bench_scan: --piranha needs polyglot-piranha importable (pip install polyglot-piranha)")
    argv = [sys.executable, "-c", PIRANHA_INVENTORY, str(path), piranha_query(path)]
    results = []
    for i in range(runs):
        results.append(timed_run(argv, (0,)))
        log(f"piranha run {i + 1}/{runs}: {results[-1].seconds:.2f}s ({results[-1].cpu:.2f}s CPU)")
    return results


def median_seconds(runs: list[Run]) -> float:
    return statistics.median(run.seconds for run in runs)


def median_cpu(runs: list[Run]) -> float:
    return statistics.median(run.cpu for run in runs)


def report(path: Path, command: list[str], cold: list[Run], warm: list[Run],
           vulture: list[Run] | None, piranha: list[Run] | None = None) -> dict[str, object]:
    files, lines = count_python(path)
    cold_s, warm_s = median_seconds(cold), median_seconds(warm)
    result: dict[str, object] = {
        "path": str(path), "command": shlex.join(command), "runs": len(cold), "files": files, "lines": lines,
        "cold_seconds": round(cold_s, 3), "cold_cpu_seconds": round(median_cpu(cold), 3),
        "cold_lines_per_second": round(lines / cold_s),
        "warm_seconds": round(warm_s, 3), "warm_cpu_seconds": round(median_cpu(warm), 3),
        "peak_mb": round(max(r.peak_rss for r in cold + warm) / MIB, 1),
        "peak_pss_mb": round(max(r.peak_pss for r in cold + warm) / MIB, 1),
        "cold_runs": [round(r.seconds, 3) for r in cold], "warm_runs": [round(r.seconds, 3) for r in warm],
    }
    for name, runs in (("vulture", vulture), ("piranha", piranha)):
        if runs:
            seconds, cpu = median_seconds(runs), median_cpu(runs)
            result.update({f"{name}_seconds": round(seconds, 3), f"{name}_cpu_seconds": round(cpu, 3),
                           f"{name}_peak_mb": round(max(r.peak_rss for r in runs) / MIB, 1),
                           f"{name}_runs": [round(r.seconds, 3) for r in runs],
                           f"cold_vs_{name}": round(cold_s / seconds, 2),
                           f"cold_vs_{name}_cpu": round(median_cpu(cold) / cpu, 2)})
    return result


def table(result: dict[str, object]) -> str:
    rows = [("lines", f"{result['lines']:,}"), ("files", f"{result['files']:,}"),
            ("cold seconds (median)", f"{result['cold_seconds']:.3f}"),
            ("cold CPU seconds (median)", f"{result['cold_cpu_seconds']:.3f}"),
            ("cold lines/s", f"{result['cold_lines_per_second']:,}"),
            ("warm seconds (median)", f"{result['warm_seconds']:.3f}"),
            ("warm CPU seconds (median)", f"{result['warm_cpu_seconds']:.3f}"),
            ("peak MB (RSS, process tree, MiB)", f"{result['peak_mb']:.1f}"),
            ("peak MB (PSS, process tree, MiB)", f"{result['peak_pss_mb']:.1f}")]
    for name in ("vulture", "piranha"):
        if f"{name}_seconds" in result:
            rows += [(f"{name} seconds (median)", f"{result[f'{name}_seconds']:.3f}"),
                     (f"{name} CPU seconds (median)", f"{result[f'{name}_cpu_seconds']:.3f}"),
                     (f"{name} peak MB", f"{result[f'{name}_peak_mb']:.1f}"),
                     (f"flagaudit cold / {name}", f"{result[f'cold_vs_{name}']:.2f}"),
                     (f"flagaudit cold / {name}, CPU", f"{result[f'cold_vs_{name}_cpu']:.2f}")]
    width = max(len(name) for name, _ in rows)
    header = f"{result['command']} scan {result['path']}  ({result['runs']} runs)"
    return "\n".join([header, *(f"{name:<{width}}  {value:>12}" for name, value in rows)])


def log(message: str) -> None:
    """Progress goes to stderr so --json output on stdout stays machine-readable."""
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, help="tree to scan (default: a generated one)")
    parser.add_argument("--lines", type=int, default=415_000, help="size of the generated tree")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated tree")
    parser.add_argument("--runs", type=int, default=3, help="cold+warm pairs; the median is reported")
    parser.add_argument("--vulture", action="store_true", help="also time vulture on the same tree")
    parser.add_argument("--piranha", action="store_true", help="also time Piranha's inventory on the same tree")
    parser.add_argument("--cmd", help="analyzer command instead of flagaudit, e.g. 'python -m flagaudit'")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    path = args.path.resolve() if args.path else ensure_tree(args.lines, args.seed)
    if not path.is_dir():
        parser.error(f"{path} is not a directory")
    command = analyzer_command(args.cmd)
    cold, warm = bench_flagaudit(command, path, args.runs)
    vulture = bench_vulture(path, args.runs) if args.vulture else None
    piranha = bench_piranha(path, args.runs) if args.piranha else None
    result = report(path, command, cold, warm, vulture, piranha)
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
