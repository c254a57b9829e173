"""Issue 30's eight one-line bugs, planted again (`./dev mutants --planted`): each one in a copy of the
checkout, the test named to catch it run before (it must pass) and after (it must fail).

The table this prints is the one the issue asked to see re-run; mutation testing (`./dev mutants`)
does the same for every small bug mutmut can make, this keeps the bugs a person found by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HUB_PUSH = "hub/sql/0004-definer-functions-bound-to-their-caller.sql"
# (rule, file, line as it is, the bug, the test that must catch it)
BUGS = (
    (
        "S10 check digit",
        "station/ids/check_digits.py",
        "        return 5",
        "        return 0",
        "tests/station/ids/test_id_boundaries.py::test_s10_check_digits_by_hand",
    ),
    (
        "STOP",
        "station/notify/consent.py",
        '            cancel_waiting(conn, phone, "customer replied STOP")',
        "            pass",
        "tests/station/notify/test_consent_and_outbox.py::test_stop_cancels_messages_already_waiting",
    ),
    (
        "WRONG SACK",
        "station/items/sack_destinations.py",
        "    if not to_zip.startswith(sack):",
        "    if not to_zip.startswith(sack[:2]):",
        "tests/station/desks/test_depot.py::test_a_near_miss_destination_is_a_wrong_sack_too",
    ),
    (
        "meter register MAC",
        "station/postage/meter.py",
        '        text = f"{r.meter_id}|{r.descending}|{r.ascending}|{r.pieces}|{r.total_credited}"',
        '        text = f"{r.meter_id}|{r.descending}|{r.ascending}|{r.total_credited}"',
        "tests/station/postage/test_meter_trust.py::test_the_piece_counter_is_sealed_with_the_money",
    ),
    (
        "till reconciliation",
        "station/office/till.py",
        "    if debits != accepted_cents:",
        "    if debits > accepted_cents:",
        "tests/station/desks/test_till.py::test_each_reconciliation_check_is_shown_failing",
    ),
    (
        "wedge timing",
        "ui/wedge.py",
        "        if mean_gap > self.max_gap / 4:",
        "        if mean_gap > self.max_gap * 2:",
        "tests/ui/test_wedge_edges.py::test_the_mean_gap_bar_is_a_quarter_of_the_longest_gap",
    ),
    (
        "journal hash chain",
        "station/store/journal.py",
        '            digest = hashlib.sha256(f"{prev}|{seq}|{body}".encode()).hexdigest()',
        '            digest = hashlib.sha256(f"{seq}|{body}".encode()).hexdigest()',
        "tests/station/store/test_journal.py::test_the_chain_formula_is_pinned_by_a_computation_of_its_own",
    ),
    (
        "hub chain",
        HUB_PUSH,
        "               OR c.prev_hash <> coalesce(c.prev_row_hash, h.last_hash)",
        "               OR false",
        "tests/hub/test_hub_push.py::test_a_correctly_hashed_fork_in_the_middle_of_a_batch_is_refused_as_a_fork",
    ),
)


def _pytest(copy: Path, test: str) -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test]
    return subprocess.run(command, cwd=copy, env=env, capture_output=True, check=False).returncode


def main() -> int:
    copy = Path(tempfile.mkdtemp(prefix="station-planted-"))
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        packed = subprocess.run(
            ["tar", "--null", "-T", "-", "-cf", "-"], cwd=ROOT, input=listed, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-xf", "-"], cwd=copy, input=packed, check=True)
        failed = False
        print("| rule | test on the code as it is | with the bug | test |\n|---|---|---|---|")
        for rule, path, line, bug, test in BUGS:
            source = copy / path
            text = source.read_text(encoding="utf-8")
            if text.count(line) != 1:
                print(f"| {rule} | the line to plant the bug in is gone from {path} | - | `{test}` |")
                failed = True
                continue
            before = _pytest(copy, test)
            source.write_text(text.replace(line, bug), encoding="utf-8")
            after = _pytest(copy, test)
            source.write_text(text, encoding="utf-8")
            failed |= before != 0 or after == 0
            verdicts = ("passes" if before == 0 else "FAILS", "caught" if after else "SURVIVED")
            print(f"| {rule} | {verdicts[0]} | {verdicts[1]} | `{test}` |")
        return 1 if failed else 0
    finally:
        shutil.rmtree(copy, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
