"""Mutation testing of the hub schema's checks, through the hub tests (`./dev mutants --hub`).

mutmut mutates Python; the hub's rules are PL/pgSQL functions in hub/sql (a station's rows checked as
they arrive: the caller's own station, the hash, the chain's next seq and previous hash, the columns
rebuilt from the hashed body; leases of serial blocks). So the same habit is kept here by hand: each
mutant is one small change to one line of the function in force (a check that raises only a notice, a
comparison turned, AND for OR, a bound one off), the hub tests are run against a hub built from it
(private PostgreSQL clusters, as in the suite), and a mutant they do not fail on has survived. A
migration file is never edited once released, so a mutant's name (file, line, change) stays put.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The functions in force that hold the checks (a later migration's CREATE OR REPLACE wins).
CHECKS = {
    "hub/sql/0004-definer-functions-bound-to-their-caller.sql": (
        "check_event",
        "escapes_in_json",
        "push_rows",
    ),
    "hub/sql/0006-clocks.sql": ("flag_future_event",),
    "hub/sql/0008-serial-leases.sql": ("serial_space_top", "lease_serials", "finish_lease"),
    # Issue 32: the customers' side (the postcode gate and its counts, choices and who takes them, the
    # checkpoints' agreement with the hub's rows, texts from the page).
    "hub/sql/0009-customer-side.sql": (
        "is_public_kind",
        "postcode_of",
        "web_gate",
        "web_choose",
        "choices_for_me",
        "ack_choices",
    ),
    "hub/sql/0010-checkpoints.sql": ("push_checkpoints", "event_evidence"),
    "hub/sql/0011-texts-from-the-page.sql": ("web_text_request",),
}
HUB_TESTS = (
    # the fast ones first: `-x` stops at the first failure, so a mutant dies sooner
    "tests/hub/test_hub_choices.py",
    "tests/hub/test_hub_checkpoints.py",
    "tests/hub/test_hub_push.py",
    "tests/hub/test_hub_forgery.py",
    "tests/hub/test_hub_leases.py",
    "tests/hub/test_hub_clock.py",
    "tests/hub/test_hub_scan_checks.py",
    "tests/hub/test_hub_privacy.py",
    "tests/hub/test_hub_direct_rows.py",
    "tests/hub/test_hub_push_edges.py",
    "tests/hub/test_web_site.py",
    "tests/hub/test_web_privacy.py",
    "tests/hub/test_web_texts.py",
)
CONDITION = re.compile(r"^\s*(IF|ELSIF|WHEN|AND|OR|WHERE|RETURN|SELECT|.*\bWHERE\b)")
# (what, pattern, replacement, applies only on a condition line)
OPERATORS = (
    ("a refusal only noticed", r"RAISE EXCEPTION", "RAISE NOTICE", False),
    ("<> to =", r" <> ", " = ", True),
    ("= to <>", r"(?<![:<>!])= (?!ANY)", "<> ", True),
    ("IS DISTINCT FROM to IS NOT DISTINCT FROM", r"IS DISTINCT FROM", "IS NOT DISTINCT FROM", True),
    ("IS NOT NULL to IS NULL", r"IS NOT NULL", "IS NULL", True),
    ("IS NULL to IS NOT NULL", r"IS NULL", "IS NOT NULL", True),
    ("< to <=", r" < ", " <= ", True),
    ("<= to <", r" <= ", " < ", True),
    ("> to >=", r" > ", " >= ", True),
    (">= to >", r" >= ", " > ", True),
    ("AND to OR", r"\bAND\b", "OR", True),
    ("OR to AND", r"\bOR\b(?! REPLACE)", "AND", True),
    ("NOT dropped", r"\bIF NOT\b", "IF", False),
    ("+ 1 to + 2", r"\+ 1\b", "+ 2", False),
)


@dataclass(frozen=True)
class Mutant:
    path: str
    line: int  # 1-based
    what: str
    text: str  # the line as mutated

    @property
    def name(self) -> str:
        return f"sql:{Path(self.path).name[:4]}:{self.line}:{self.what}"


def _bodies(text: str, names: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """(first line, last line), 0-based, of each named function's definition."""
    lines = text.splitlines()
    for name in names:
        starts = [
            i
            for i, line in enumerate(lines)
            if re.search(rf"CREATE (OR REPLACE )?FUNCTION hub\.{name}\(", line)
        ]
        for start in starts[-1:]:  # the last definition in the file is the one in force
            end = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith("$$;"))
            yield start, end


def mutants() -> list[Mutant]:
    found: list[Mutant] = []
    only = os.environ.get("MUTANTS_SQL_FILES")  # e.g. "0009,0010": the mutants of these files only
    for path, names in CHECKS.items():
        if only and Path(path).name[:4] not in only.split(","):
            continue
        lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        for start, end in _bodies("\n".join(lines), names):
            for number in range(start + 1, end):
                line = lines[number]
                code = line.split("--", 1)[0]
                if not code.strip():
                    continue
                for what, pattern, replacement, on_condition in OPERATORS:
                    if on_condition and not CONDITION.match(code):
                        continue
                    for match in re.finditer(pattern, code):
                        mutated = (
                            code[: match.start()]
                            + re.sub(pattern, replacement, match.group(0))
                            + code[match.end() :]
                        )
                        found.append(Mutant(path, number + 1, what, mutated + line[len(code) :]))
    return found


def _copy(into: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    into.mkdir(parents=True)
    pack = subprocess.run(
        ["tar", "--null", "-T", "-", "-cf", "-"], cwd=ROOT, input=listed, capture_output=True, check=True
    )
    subprocess.run(["tar", "-xf", "-"], cwd=into, input=pack.stdout, check=True)


def _run(copy: Path, mutant: Mutant) -> bool:
    """True when the hub tests fail on the mutant (killed)."""
    target = copy / mutant.path
    original = target.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    lines[mutant.line - 1] = mutant.text + "\n"
    target.write_text("".join(lines), encoding="utf-8")
    try:
        ran = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-x",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:randomly",
                *HUB_TESTS,
            ],
            cwd=copy,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            capture_output=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return True  # a hang is a failure the tests would show
    finally:
        target.write_text(original, encoding="utf-8")
    return ran.returncode != 0


def run(workers: int = 2) -> dict[Mutant, bool]:
    """Every mutant and whether the hub tests killed it."""
    todo = mutants()
    results: dict[Mutant, bool] = {}
    lock = threading.Lock()
    work = Path(tempfile.mkdtemp(prefix="station-sql-mutants-"))

    def worker(n: int) -> None:
        copy = work / f"copy-{n}"
        _copy(copy)
        while True:
            with lock:
                if not todo:
                    return
                mutant = todo.pop(0)
            killed = _run(copy, mutant)
            with lock:
                results[mutant] = killed

    try:
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def main() -> int:
    started = time.monotonic()
    results = run(int(os.environ.get("MUTANTS_WORKERS", "2")))
    killed = sum(results.values())
    print(f"== hub schema checks ({time.monotonic() - started:.0f} s; tests: {' '.join(HUB_TESTS)})")
    share = killed / max(1, len(results))
    print(f"  hub/sql (the checks in force)      {killed:4}/{len(results):<4} killed  {share:6.1%}")
    for mutant, dead in sorted(results.items(), key=lambda kv: (kv[0].path, kv[0].line)):
        if not dead:
            print(f"    survived   {mutant.name}  | {mutant.text.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
