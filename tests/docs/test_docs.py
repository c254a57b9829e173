"""The docs tell the truth about the tree: every relative link resolves, every `station ...` line in a
shell block is a command the real argument parser takes, and every package the architecture page names
exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from ui.cli.main import build_parser, command_word

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md", *(ROOT / "docs").glob("*.md")]
)
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```(\w*)\s*$")
SHELL_BLOCKS = {"sh", "shell", "console", "bash"}


def _links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [m.group(1) for m in LINK.finditer(text)]


def _anchors(page: Path) -> set[str]:
    found = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def test_there_are_pages_to_check() -> None:
    names = {p.name for p in PAGES}
    assert {"README.md", "architecture.md", "counter.md", "network-hub.md", "troubleshooting.md"} <= names
    assert (ROOT / "LICENSE").read_text().startswith("\n                                 Apache License")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for link in _links(page):
        if re.match(r"^[a-z]+:", link):  # https:, mailto:
            continue
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        if not path.exists() or (anchor and path.suffix == ".md" and anchor not in _anchors(path)):
            broken.append(link)
    assert broken == []


def station_lines(page: Path) -> list[tuple[int, str]]:
    """The `station ...` lines of a page's shell blocks (a `$ ` prompt stripped, comments cut)."""
    found, inside = [], None
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        fence = FENCE.match(line.strip())
        if fence:
            inside = None if inside is not None else fence.group(1)
            continue
        if inside in SHELL_BLOCKS:
            command = line.strip().removeprefix("$ ")
            if command.startswith("station "):
                found.append((number, command))
    return found


COMMAND_LINES = [(page, number, line) for page in PAGES for number, line in station_lines(page)]


def test_the_docs_show_commands() -> None:
    assert len(COMMAND_LINES) > 40


@pytest.mark.parametrize(
    ("page", "number", "line"), COMMAND_LINES, ids=[f"{p.name}:{n}" for p, n, _ in COMMAND_LINES]
)
def test_every_station_line_in_the_docs_parses(page: Path, number: int, line: str) -> None:
    words = shlex.split(line, comments=True)[1:]
    for cut in ("|", ">", "<", "&&", ";"):  # a pipe or a redirection: the command is what comes before
        if cut in words:
            words = words[: words.index(cut)]
    try:
        build_parser(command_word(words)).parse_args(words)
    except SystemExit as stop:
        pytest.fail(f"{page.name}:{number}: `{line}` is not a valid station command (exit {stop.code})")


def test_the_architecture_page_names_only_packages_that_exist() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:station|hub|hardware|ui|tests)(?:/[a-z_0-9]+)*/)`", text))
    assert len(named) >= 15
    missing = sorted(n for n in named if not (ROOT / n / "__init__.py").exists() and not (ROOT / n).is_dir())
    assert missing == []
    rooms = {p.name for p in (ROOT / "station").iterdir() if (p / "__init__.py").exists()}
    assert {f"station/{r}/" for r in rooms} <= named, "a room of station/ the architecture page leaves out"


def test_the_parse_refuses_a_command_that_does_not_exist(capsys: pytest.CaptureFixture[str]) -> None:
    # The control: a misspelt command or option in the docs would fail the check above.
    for words in (
        ["trak", "RR473124829GB"],
        ["track", "RR473124829GB", "--jsn"],
        ["attempt", "X", "--reason", "CODE"],
    ):
        with pytest.raises(SystemExit):
            build_parser(command_word(words)).parse_args(words)
    capsys.readouterr()
