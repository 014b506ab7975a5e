#!/usr/bin/env python3
"""Replay ``flagaudit check`` over a real repository's recent history: how far can a team trust the gate?

Why: the evaluation set (``fixtures/meaning/``) is written by us; a real project's history is not. For one
repository this script measures what a new user would see, in a scratch clone (the source is never touched):

- ``check --base PARENT`` at each of the last N first-parent commits, oldest first, as a pull request's CI
  would run it on that commit (``--as-of`` its commit date): every blocking finding is listed with its commit.
  By default only the commits that gave some key an event (``history`` at the tip says which) are checked,
  with a seeded sample of the others as a control: ``--base`` blocks only on flags with an event since the base,
  and a full history walk per commit would take hours on a large repository (``--every`` checks them all);
- ``check`` at the tip: the blocking findings, every flag, the skipped files and their reasons;
- recall against a ground truth (``--truth``: the keys the code at the tip checks, found by hand with
  ``git grep``; one per line, ``key  path:line``): a key is found when a non-test site of it is in the
  inventory (or a pattern the inventory reports matches it);
- a seeded random sample of the warnings at the tip, with the verdicts of ``--judged`` where they exist
  (lines ``T|F  CODE  path:line  key  evidence``) and per-code figures.

The table goes to ``OUT/NAME.md``, the raw JSON documents to ``OUT/NAME/``. ``--grep`` prints the lines a
ground truth starts from (the usual check and definition forms) and stops.

``--rules FILE`` adds a project rule file, as the repository's own configuration would (``benchmarks/rules/``:
osf.io's data file of flag names and its flag decorators); it is copied into the scratch clone, untracked.

Usage: python benchmarks/replay.py REPO --out DIR [--commits 200] [--cmd "python -m flagaudit"]
                                   [--truth FILE] [--judged FILE] [--sample 30] [--seed 1] [--grep]
                                   [--rules FILE]
"""
from __future__ import annotations

import argparse
import json
import random
import shlex
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

SAFE_GIT = ("-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "advice.detachedHead=false")
GREP = (r"WaffleFlag\(|WaffleSwitch\(|CourseWaffleFlag\(|SettingToggle\(|SettingDictToggle\(|flag_is_active|"
        r"switch_is_active|sample_is_active|waffle_flag\(|waffle_switch\(|FEATURES\[|FEATURES\.get\(|"
        r"getattr\(settings, *['\"][A-Z_]+['\"], *(True|False)\)|has_feature\(|is_enabled\(|\{% *(flag|switch|sample) ")


def git(repo: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *SAFE_GIT, "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        sys.exit(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


@dataclass
class Replay:
    """What the runs found."""

    name: str
    tip: str = ""
    tip_date: str = ""
    commits: list[tuple[str, str, str]] = field(default_factory=list)
    """(commit, date, subject) replayed, oldest first."""
    blocking: dict[tuple[str, str, str, str], list[str]] = field(default_factory=dict)
    """(code, sdk, key, path) -> commits where ``check --base`` blocked on it."""
    failed: list[tuple[str, int, str]] = field(default_factory=list)
    """Runs that ended with exit 2 (or worse): commit, code, last stderr line."""
    head: dict = field(default_factory=dict)
    seconds: float = 0.0
    missing: int = 0
    """Objects the snapshot lacks, stood in for by an empty blob."""
    window: int = 0
    """First-parent commits in the replayed range."""
    events: int | None = None
    """Of those, commits that gave a key an event (``None``: every commit was checked)."""
    controls: list[str] = field(default_factory=list)
    """Commits without an event checked anyway, to confirm none of them blocks."""


def scratch_clone(source: Path, work: Path) -> tuple[Path, int]:
    """A clone to check commits out in; objects a partial snapshot lacks (large binaries) are stood in for by an
    empty blob through ``refs/replace``, so rename detection can read every commit. Returns the clone and how
    many objects were stood in for."""
    clone = work / "clone"
    if clone.exists():
        shutil.rmtree(clone)
    subprocess.run(["git", *SAFE_GIT, "clone", "-q", "--no-checkout", str(source), str(clone)], check=True)
    missing = [line[1:] for line in git(clone, "rev-list", "--objects", "--all", "--missing=print").split()
               if line.startswith("?")]
    if missing:
        empty = subprocess.run(["git", "-C", str(clone), "hash-object", "-w", "--stdin"], input="", text=True,
                               capture_output=True, check=True).stdout.strip()
        for sha in missing:
            git(clone, "update-ref", f"refs/replace/{sha}", empty)
    return clone, len(missing)


RULES_COPY = ".flagaudit-replay-rules.toml"
CONFIG_COPY = ".flagaudit-replay.toml"


def configured(clone: Path) -> list[str]:
    """``--config`` for the rule file ``--rules`` copied into the clone, if there is one."""
    return ["--config", CONFIG_COPY] if (clone / CONFIG_COPY).exists() else []


def run_check(command: list[str], clone: Path, *args: str) -> tuple[int, dict | None, str]:
    result = subprocess.run([*command, "check", "--format", "json", "-q", *configured(clone), *args], cwd=clone,
                            capture_output=True, text=True, check=False)
    try:
        document = json.loads(result.stdout) if result.stdout.strip() else None
    except json.JSONDecodeError:
        document = None
    return result.returncode, document, result.stderr.strip()


def event_commits(command: list[str], clone: Path, tip: str) -> set[str]:
    """Commits that gave some key an event, by ``history`` at the tip: ``check --base PARENT`` blocks only on
    flags with an event since PARENT (or a working tree that differs from history, which a clean checkout's
    does not), so no other commit can block."""
    git(clone, "checkout", "-q", "--detach", "--force", tip)
    result = subprocess.run([*command, "history", "--format", "json", "-q", *configured(clone)], cwd=clone,
                            capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        sys.exit(f"history at the tip failed (exit {result.returncode}): {result.stderr.strip()}")
    return {e["commit"] for t in json.loads(result.stdout)["timelines"] for e in t["events"]}


def replay(source: Path, work: Path, command: list[str], count: int, name: str, every: bool, controls: int,
           seed: int, rules: Path | None = None) -> Replay:
    started = time.monotonic()
    clone, found_missing = scratch_clone(source, work)
    if rules is not None:
        shutil.copyfile(rules, clone / RULES_COPY)
        (clone / CONFIG_COPY).write_text(f'[tool.flagaudit]\nrules = ["{RULES_COPY}"]\n')
    found = Replay(name, missing=found_missing)
    chain = git(clone, "rev-list", "--first-parent", f"-n{count + 1}", "HEAD").split()
    found.tip = chain[0]
    found.tip_date = git(clone, "log", "-1", "--format=%cs", found.tip).strip()
    window = chain[:min(count, len(chain) - 1)]
    if every:
        chosen = set(window)
    else:
        events = event_commits(command, clone, found.tip) & set(window)
        rest = sorted(set(window) - events)
        found.controls = sorted(random.Random(seed).sample(rest, min(controls, len(rest))))
        chosen = events | set(found.controls)
        found.events = len(events)
    found.window = len(window)
    for index in range(len(window) - 1, -1, -1):
        commit, parent = chain[index], chain[index + 1]
        if commit not in chosen:
            continue
        date, subject = git(clone, "log", "-1", "--format=%cs%x00%s", commit).rstrip("\n").split("\0", 1)
        found.commits.append((commit, date, subject))
        git(clone, "checkout", "-q", "--detach", "--force", commit)
        code, document, stderr = run_check(command, clone, "--base", parent, "--as-of", date)
        if code not in (0, 1) or document is None:
            found.failed.append((commit, code, stderr.splitlines()[-1] if stderr else ""))
            continue
        for finding in document["findings"]:
            if finding["severity"] == "error":
                identity = (finding["code"], finding["sdk"] or "", finding["flag"] or "", finding["path"])
                found.blocking.setdefault(identity, []).append(commit)
        print(f"{name}: {len(found.commits)}/{len(chosen)} {commit[:10]} exit {code}", file=sys.stderr, flush=True)
    git(clone, "checkout", "-q", "--detach", "--force", found.tip)
    code, document, stderr = run_check(command, clone, "--as-of", found.tip_date)
    if document is None:
        sys.exit(f"check at the tip failed (exit {code}): {stderr}")
    found.head = document
    found.seconds = time.monotonic() - started
    return found


def read_truth(path: Path | None) -> list[tuple[str, str]] | None:
    """The keys a ground truth lists (none at all for a repository that checks no flag); ``None`` without one."""
    if path is None:
        return None
    rows = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, where = line.strip().rpartition(" ")  # a key may hold spaces ("EWP Sync Disabled"), a place not
            rows.append((key.strip(), where))
    return rows


def read_judged(path: Path | None) -> dict[tuple[str, str, str], tuple[str, str]]:
    """``T|F  CODE  path:line  key  evidence`` -> {(code, path:line, key): (verdict, evidence)}."""
    if path is None or not path.exists():
        return {}
    verdicts = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        verdict, code, where, key, *rest = line.split(None, 4)
        verdicts[(code, where, key)] = (verdict, rest[0] if rest else "")
    return verdicts


def site_keys(document: dict) -> tuple[set[str], list[str]]:
    """Keys with a non-test site, and the patterns with one."""
    keys, patterns = set(), []
    for flag in document["flags"]:
        if flag["key"] and flag["sites"]:
            (patterns.append(flag["key"]) if flag["pattern"] else keys.add(flag["key"]))
    return keys, patterns


def table(found: Replay, truth: list[tuple[str, str]] | None, judged: dict, sample: int, seed: int) -> str:
    head = found.head
    checked = (f"all {found.window} of the last {found.window} first-parent commits" if found.events is None else
               f"the {found.events} of the last {found.window} first-parent commits that gave a key an event, and "
               f"{len(found.controls)} others as a control")
    out = [f"## {found.name}", "",
           f"Tip {found.tip[:12]} ({found.tip_date}); `check --base PARENT` on {checked}; "
           f"{head['summary']['files']} files, {head['summary']['lines']} lines of Python, "
           f"{head['summary']['flags']} flags; {found.seconds:.0f} s."
           + (f" The snapshot lacks {found.missing} objects (large binaries), stood in for by an empty blob."
              if found.missing else ""), ""]
    keys, patterns = site_keys(head)
    if truth is not None:
        hit = [(k, w) for k, w in truth if k in keys or any(fnmatch(k, p) for p in patterns)]
        missed = [(k, w) for k, w in truth if (k, w) not in hit]
        share = f" ({100 * len(hit) / len(truth):.0f}%)" if truth else " (the code checks no flag)"
        out += [f"**Keys checked at the tip: {len(hit)} found / {len(truth)} present**{share}.", ""]
        out += ["| key | where (git grep) | found |", "|---|---|---|"]
        out += [f"| `{k}` | {w} | {'yes' if (k, w) in hit else '**no**'} |" for k, w in truth]
        out.append("")
        if missed:
            out += [f"Missed: {', '.join(f'`{k}`' for k, _ in missed)}", ""]
    at_tip = [f for f in head["findings"] if f["severity"] == "error"]
    out += [f"**Blocking at the tip: {len(at_tip)}.**", ""]
    out += [f"- {f['code']} `{f['flag']}` [{f['sdk']}] {f['path']}:{f['line']}: {_verdict(judged, f)}" for f in at_tip]
    blocked_runs = len({c for commits in found.blocking.values() for c in commits})
    out += ["", (f"**Blocking across the replay: {len(found.blocking)}** "
                 f"(distinct code, key and path; {blocked_runs} blocked runs)."), ""]
    for (code, sdk, key, path), commits in sorted(found.blocking.items()):
        first = next(c for c in found.commits if c[0] == commits[0])
        out.append(f"- {code} `{key}` [{sdk}] {path}: at {len(set(commits))} commit(s), first {first[0][:10]} "
                   f"({first[1]}, {first[2][:70]}): "
                   f"{_verdict(judged, {'code': code, 'path': path, 'line': '*', 'flag': key})}")
    if found.controls:
        blocked = sorted({c for commits in found.blocking.values() for c in commits} & set(found.controls))
        out += ["", f"Control commits that blocked: {len(blocked)} of {len(found.controls)}"
                    + (f" ({', '.join(c[:10] for c in blocked)})" if blocked else "") + "."]
    if found.failed:
        out += ["", f"Runs that could not judge: {len(found.failed)}"]
        out += [f"- {c[:10]} exit {code}: {line[:160]}" for c, code, line in found.failed]
    warnings = [f for f in head["findings"] if f["severity"] == "warning"]
    picked = sorted(random.Random(seed).sample(warnings, min(sample, len(warnings))),
                    key=lambda f: (f["code"], f["path"], f["line"]))
    per_code: dict[str, Counter[str]] = defaultdict(Counter)
    for f in picked:
        verdict = _verdict(judged, f)
        per_code[f["code"]]["T" if verdict.startswith("true") else "F" if verdict.startswith("false") else "?"] += 1
    total_true = sum(c["T"] for c in per_code.values())
    total_judged = sum(c["T"] + c["F"] for c in per_code.values())
    all_codes = Counter(f["code"] for f in warnings)
    codes = f" ({', '.join(f'{c} {n}' for c, n in sorted(all_codes.items()))})" if all_codes else ""
    out += ["", f"**Warnings at the tip: {len(warnings)}**{codes}; "
                f"sample of {len(picked)} (seed {seed}): "
                + (f"{total_true} of {total_judged} judged true ({100 * total_true / total_judged:.0f}%)"
                   if total_judged else "not judged"), ""]
    out += [f"- {code}: {c['T']} true, {c['F']} false" + (f", {c['?']} not judged" if c["?"] else "")
            for code, c in sorted(per_code.items())]
    out += ["", "| code | where | key | verdict |", "|---|---|---|---|"]
    out += [f"| {f['code']} | {f['path']}:{f['line']} | `{f['flag']}` | {_verdict(judged, f)} |" for f in picked]
    skipped = head.get("skipped", [])
    out += ["", f"**Skipped files: {len(skipped)}**", ""]
    reasons = Counter(_reason(s["reason"]) for s in skipped)
    out += [f"- {n} × {reason}" for reason, n in reasons.most_common()]
    out += [f"  - {s['path']}: {s['reason']}" for s in skipped]
    return "\n".join(out) + "\n"


def _verdict(judged: dict, finding: dict) -> str:
    where = f"{finding['path']}:{finding['line']}"
    for (code, place, key), (verdict, evidence) in judged.items():
        if code == finding["code"] and key == (finding["flag"] or "-") and (
                place == where or place == finding["path"]
                or finding["line"] == "*" and place.split(":")[0] == finding["path"]):
            return f"{'true' if verdict == 'T' else 'false'}: {evidence}" if verdict in "TF" else verdict
    return "? (not judged)"


def _reason(reason: str) -> str:
    return reason.split(" at line ")[0] + (" (Python 2 code?)" if "Python 2" in reason else "")


def grep(source: Path) -> None:
    print(git(source, "grep", "-n", "-E", GREP, "--", "*.py", "*.html", "*.txt", "*.js", check=False), end="")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--name", help="the repository's name in the table (default: the folder's)")
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--cmd", default=f"{sys.executable} -m flagaudit", help="how to run flagaudit")
    parser.add_argument("--truth", type=Path)
    parser.add_argument("--judged", type=Path)
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", action="store_true", help="check every commit, not only those with events")
    parser.add_argument("--controls", type=int, default=20, help="commits without events checked anyway")
    parser.add_argument("--grep", action="store_true", help="print the ground truth's starting lines and stop")
    parser.add_argument("--table-only", action="store_true", help="rewrite the table from OUT/NAME/replay.json")
    parser.add_argument("--rules", type=Path, help="a project rule file, as the repository's configuration")
    args = parser.parse_args()
    source = args.repo.resolve()
    if args.grep:
        grep(source)
        return
    name = args.name or source.name
    folder = args.out / name
    folder.mkdir(parents=True, exist_ok=True)
    saved = folder / "replay.json"
    if args.table_only:
        data = json.loads(saved.read_text())
        found = Replay(**{**data, "blocking": {tuple(k.split("\0")): v for k, v in data["blocking"].items()}})
        found.window = found.window or len(found.commits)
    else:
        found = replay(source, folder, shlex.split(args.cmd), args.commits, name, args.every, args.controls, args.seed,
                       args.rules.resolve() if args.rules else None)
        data = {**found.__dict__, "blocking": {"\0".join(k): v for k, v in found.blocking.items()}}
        saved.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    text = table(found, read_truth(args.truth), read_judged(args.judged), args.sample, args.seed)
    (args.out / f"{name}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
