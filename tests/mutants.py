"""`./dev mutants`: mutation testing (mutmut, pinned) of the modules that carry money, trust and routing.

mutmut puts one small bug at a time into a module (a comparison turned, a constant changed, a call's
argument dropped) and runs the tests that reach the function it changed; a mutant the tests do not fail
on has *survived*. Each group below is a rule and the tests meant for it (the quick tier: no X server,
no PostgreSQL), run in its own copy of the checkout under a temporary folder so the checkout never holds
a mutated file. The report gives the share of mutants killed in each module against the 85% target, and
every survivor; a survivor must be named in docs/testing.md with why it is harmless or equivalent.

Exit status: 0 when every module reaches the target and every survivor is explained, 1 otherwise.
The hub's checks are SQL, which mutmut cannot mutate: they are mutated by `tests.hub.sql_mutants`
(`./dev mutants --hub`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.85
# What counts as a mutant the tests caught. mutmut first runs the selected tests on the unmutated code
# and stops when they fail, so a test process that then crashes or hangs does so because of the bug:
# "segfault" is the Qt event filter raising inside C++ (the window would die the same way), "timeout"
# a loop the bug made endless.
CAUGHT = frozenset({"killed", "segfault", "timeout"})
QUICK_TIER = "not x11 and not postgres and not packaging"
EXPLAINED = ROOT / "docs" / "testing.md"


@dataclass(frozen=True)
class Group:
    name: str
    modules: tuple[str, ...]
    tests: tuple[str, ...]
    # "forkserver" for tests that make a QApplication: a process forked from one that has it crashes
    isolation: str = "fork"


GROUPS = (
    Group(
        "identifiers",
        (
            "station/ids/check_digits.py",
            "station/ids/s10.py",
            "station/ids/impb.py",
            "station/ids/sscc.py",
            "station/ids/scanning.py",
        ),
        ("tests/station/ids",),
    ),
    Group(
        "journal and checkpoints",
        ("station/store/journal.py", "station/store/checkpoints.py"),
        # The journal's own tests, the desks and item rules that write and read it, and the command
        # line's evidence (all of tests/station took 42 minutes for the same score).
        (
            "tests/station/store",
            "tests/station/desks",
            "tests/station/items",
            "tests/ui/cli/test_evidence.py",
            "tests/station/office/test_event_evidence.py",  # the version-2 checkpoints a customer checks
        ),
    ),
    Group(
        "meter and indicia",
        ("station/postage/meter.py", "station/postage/indicia.py"),
        (
            "tests/station/postage",
            "tests/station/desks/test_counter.py",
            "tests/station/desks/test_till.py",
            "tests/station/desks/test_till_report_whole.py",
            "tests/station/desks/test_supervision.py",
            "tests/station/desks/test_scan.py",
        ),
    ),
    Group(
        "till and baskets",
        ("station/office/till.py", "station/office/baskets.py"),
        (
            "tests/station/office",
            "tests/station/desks/test_till.py",
            "tests/station/desks/test_till_provable.py",
            "tests/station/desks/test_till_report_whole.py",
            "tests/station/desks/test_counter.py",
            "tests/station/desks/test_supervision.py",
        ),
    ),
    Group(
        "consent and outbox",
        ("station/notify/consent.py", "station/notify/outbox.py"),
        ("tests/station/notify", "tests/station/desks/test_pin_delivery.py", "tests/hardware/sms"),
    ),
    Group(
        "scan desk rules",
        ("station/desks/scan.py",),
        ("tests/station/desks", "tests/station/postage"),
    ),
    Group(
        "wedge classifier",
        ("ui/wedge.py",),
        (
            "tests/ui/test_wedge.py",
            "tests/ui/test_wedge_edges.py",
            "tests/ui/test_wedge_keys.py",
            "tests/ui/test_wedge_busy.py",
        ),
        isolation="forkserver",
    ),
    Group(
        "doorstep and lockers",
        (
            "station/items/pickups.py",
            "station/items/lockers.py",
            "station/items/photos.py",
            "station/desks/pickup.py",
            "station/desks/lockers.py",
            "hardware/lockers/lockboard.py",
        ),
        (
            "tests/station/desks/test_pickup.py",
            "tests/station/desks/test_pickup_desk.py",
            "tests/station/desks/test_lockers.py",
            "tests/station/items/test_pickup_codes.py",
            "tests/ui/cli/test_cli_pickup.py",
            "tests/ui/cli/test_cli_lockers.py",
            "tests/ui/cli/test_cli_doorstep.py",
            "tests/hardware/test_lockboard.py",
        ),
    ),
)

# Lines whose mutants say nothing about the rules (docs/testing.md, "What is not mutated"):
SQL_WORDS = (
    "SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE|ALTER TABLE|DROP|PRAGMA|WHERE|FROM|ORDER BY|GROUP BY"
    "|VALUES|SET \\w+ =|JOIN|LIMIT|ON CONFLICT|RETURNING|AND \\w+ (=|IN|IS)|COALESCE"
)
NOT_MUTATED = [
    # a maintainer's log line: its wording is not a rule
    r"^\s*log\.(debug|info|warning|error|exception)\(",
    # SQL text: SQLite reads keywords and names in any case, so every case mutant is equivalent, and a
    # garbled statement fails every test that runs it
    rf'^\s*f?"[^"]*\b({SQL_WORDS})\b',
    r'execute(many)?\(\s*f?"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|WITH)\b',
    r'^\s*\w+ = f?"(SELECT|INSERT|UPDATE|DELETE)\b',  # a statement put together in a variable
    r'\.append\(\s*"\w+ (>=|<=|<|>|=|IN) [?(]',  # a condition of one, one clause at a time
    r'execute\(\w+ \+ f?"\s*(WHERE|ORDER BY|GROUP BY|LIMIT)\b',
]
RESULT_LINE = re.compile(r"^\s*(?P<name>\S+__mutmut_\d+): (?P<status>.+?)\s*$")


def copy_checkout(into: Path) -> None:
    """The files git knows or would add, as they are in the work tree (uncommitted edits included)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    into.mkdir(parents=True)
    pack = subprocess.Popen(
        ["tar", "--null", "-T", "-", "-cf", "-"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    unpack = subprocess.Popen(["tar", "-xf", "-"], cwd=into, stdin=pack.stdout)
    assert pack.stdin is not None and pack.stdout is not None
    pack.stdout.close()
    pack.stdin.write(listed)
    pack.stdin.close()
    if pack.wait() or unpack.wait():
        raise SystemExit("mutants: could not copy the checkout")
    # mutmut copies the packages into mutants/ without following links: station/assets (a link to
    # assets/) becomes a folder of its own.
    link = into / "station" / "assets"
    if link.is_symlink():
        link.unlink()
        shutil.copytree(into / "assets", link)


def configure(copy: Path, group: Group) -> None:
    existing = [m for m in group.modules + group.tests if not (ROOT / m).exists()]
    if existing:
        raise SystemExit(f"mutants: {group.name}: no such file {existing[0]}")
    with (copy / "pyproject.toml").open("a", encoding="utf-8") as out:
        # JSON's arrays of strings are TOML's too (the same escapes)
        out.write(
            "\n[tool.mutmut]\n"
            'source_paths = ["station", "hardware", "hub", "ui"]\n'
            f"do_not_mutate_patterns = {json.dumps(NOT_MUTATED)}\n"
            f"only_mutate = {json.dumps(group.modules)}\n"
            f'pytest_add_cli_args = ["-q", "-m", "{QUICK_TIER}"]\n'
            f"pytest_add_cli_args_test_selection = {json.dumps(group.tests)}\n"
            f'process_isolation = "{group.isolation}"\n'
        )


def run_group(work: Path, group: Group, children: int) -> dict[str, str]:
    """Each mutant's name and status (killed, survived, no tests, timeout, ...)."""
    copy = work / group.name.replace(" ", "-")
    copy_checkout(copy)
    configure(copy, group)
    mutmut = Path(sys.executable).with_name("mutmut")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    log = copy / "mutmut.log"
    with log.open("wb") as out:
        ran = subprocess.run(  # noqa: PLW1510 (its exit status is looked at below)
            [str(mutmut), "run", "--max-children", str(children)],
            cwd=copy,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if ran.returncode:
        tail = log.read_text("utf-8", "replace")[-2000:]
        raise SystemExit(f"mutants: mutmut failed on {group.name} (exit {ran.returncode}):\n{tail}")
    results = subprocess.run(
        [str(mutmut), "results", "--all", "true"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    statuses: dict[str, str] = {}
    for line in results.stdout.splitlines():
        found = RESULT_LINE.match(line)
        if found:
            statuses[found["name"]] = found["status"]
    return statuses


def module_of(mutant: str, group: Group) -> str:
    for module in group.modules:
        dotted = module.removesuffix(".py").replace("/", ".")
        if mutant.startswith(dotted + "."):
            return module
    return "?"


def explained_survivors() -> set[str]:
    if not EXPLAINED.exists():
        return set()
    text = EXPLAINED.read_text("utf-8")
    return set(re.findall(r"`([\w.ǁ]+__mutmut_\d+)`", text)) | set(re.findall(r"`(sql:[^`]+)`", text))


def _hub_schema(children: int, explained: set[str]) -> bool:
    """The hub's SQL checks mutated through the hub tests; True when below the target or unexplained."""
    from tests.hub import sql_mutants

    began = time.monotonic()
    results = sql_mutants.run(children)
    killed = sum(results.values())
    share = killed / len(results) if results else 1.0
    failed = share < TARGET
    print(
        f"\n== hub schema checks ({time.monotonic() - began:.0f} s; tests: {' '.join(sql_mutants.HUB_TESTS)})"
    )
    verdict = "ok" if share >= TARGET else f"BELOW {TARGET:.0%}"
    print(
        f"  {'hub/sql (the checks in force)':34} {killed:4}/{len(results):<4} killed  {share:6.1%}  {verdict}"
    )
    for mutant, dead in sorted(results.items(), key=lambda kv: (kv[0].path, kv[0].line)):
        if not dead:
            mark = "explained" if mutant.name in explained else "NOT EXPLAINED in docs/testing.md"
            failed |= mutant.name not in explained
            print(f"    survived   {mutant.name}  [{mark}]  | {mutant.text.strip()}")
    return failed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev mutants", description=__doc__.splitlines()[0])
    parser.add_argument(
        "groups", nargs="*", help="only these groups (by name: identifiers, journal, ..., wedge, hub)"
    )
    parser.add_argument(
        "--planted",
        action="store_true",
        help="only issue 30's eight bugs planted by hand (tests/planted_bugs.py)",
    )
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2, help="mutants run at once")
    parser.add_argument(
        "--keep", action="store_true", help="keep the mutated copies (their folder is printed)"
    )
    args = parser.parse_args(argv)
    if args.planted:
        from tests.planted_bugs import main as planted

        return planted()
    chosen = [
        g for g in GROUPS if not args.groups or g.name in args.groups or g.name.split()[0] in args.groups
    ]
    hub = not args.groups or "hub" in args.groups
    if not chosen and not hub:
        parser.error(f"no such group; the groups are: {', '.join(g.name for g in GROUPS)}")
    work = Path(tempfile.mkdtemp(prefix="station-mutants-"))
    explained = explained_survivors()
    failed = False
    started = time.monotonic()
    try:
        for group in chosen:
            began = time.monotonic()
            statuses = run_group(work, group, args.children)
            print(f"\n== {group.name} ({time.monotonic() - began:.0f} s; tests: {' '.join(group.tests)})")
            by_module: dict[str, Counter[str]] = {m: Counter() for m in group.modules}
            for name, status in statuses.items():
                by_module.setdefault(module_of(name, group), Counter())[status] += 1
            for module, counts in by_module.items():
                total = sum(counts.values())
                killed = sum(n for status, n in counts.items() if status in CAUGHT)
                share = killed / total if total else 1.0
                verdict = "ok" if share >= TARGET else f"BELOW {TARGET:.0%}"
                failed |= share < TARGET
                others = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if s not in CAUGHT)
                print(
                    f"  {module:34} {killed:4}/{total:<4} killed  {share:6.1%}  {verdict}"
                    + (f"  ({others})" if others else "")
                )
            survivors = sorted(n for n, s in statuses.items() if s not in CAUGHT)
            for name in survivors:
                mark = "explained" if name in explained else "NOT EXPLAINED in docs/testing.md"
                failed |= name not in explained
                print(f"    {statuses[name]:10} {name}  [{mark}]")
        if hub:
            failed |= _hub_schema(args.children, explained)
        print(
            f"\nmutants: {len(chosen) + hub} groups in {time.monotonic() - started:.0f} s,"
            f" {args.children} mutants at once"
        )
    finally:
        if args.keep:
            print(f"mutants: the mutated copies are in {work} (`mutmut show NAME` there)")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
