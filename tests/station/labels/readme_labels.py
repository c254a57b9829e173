"""The README's label pictures, made the way a counter makes them: `station accept` of a gift parcel to
Moscow (its label and the CN 22 printed with it) and one to Beijing, written as PDF and rasterised by
poppler (pdftoppm), an independent renderer, so the pictures show what a printer is sent.

    python -m tests.station.labels.readme_labels assets/screenshots     (./dev screenshots)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

GIFT = {
    "category": "gift",
    "items": [
        {
            "description": "wool scarf, hand knitted",
            "quantity": 1,
            "value": "40.00",
            "currency": "USD",
            "weight_g": 250,
            "hs_code": "6117.10",
            "origin_country": "US",
        },
        {
            "description": "paperback novel",
            "quantity": 2,
            "value": "24.00",
            "currency": "USD",
            "weight_g": 600,
            "hs_code": "4901.99",
            "origin_country": "US",
        },
    ],
}
SENDER = "Ann Smith|1 Main St|New York NY 10001"
MOSCOW = ("RU", "Иван Петров|ул. Тверская, д. 7, кв. 5", "Москва", "Москва", "", "125009")
BEIJING = ("CN", "王小明|建国路88号", "北京市", "北京市", "朝阳区", "100022")


def _station(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STATION_HOME": str(home)}
    command = [sys.executable, "-m", "ui.cli.main", *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"station {' '.join(args[:2])}: {done.stderr.strip()}")
    return done


def _accept(home: Path, to: tuple[str, ...], out: Path) -> None:
    country, lines, city, area, district, postcode = to
    customs = home / "gift.json"
    customs.write_text(json.dumps(GIFT), encoding="utf-8")
    _station(
        home,
        *("accept", "--new-s10", "--weight", "1kg", "--from-zip", "10001", "--from", SENDER, "--to", lines),
        *("--to-country", country, "--to-city", city, "--to-area", area, "--to-postcode", postcode),
        *(("--to-district", district) if district else ()),
        *("--customs", str(customs), "--label-format", "pdf", "--out", str(out)),
    )


def _pages(pdf: Path, prefix: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(prefix)], check=True)
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))


def make(folder: Path) -> list[Path]:
    """label-cyrillic.png, label-cn22.png (printed with it) and label-chinese.png, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        _station(home, "meter", "init")
        _station(home, "meter", "credit", "500.00")
        _accept(home, MOSCOW, home / "moscow.pdf")
        _accept(home, BEIJING, home / "beijing.pdf")
        moscow = _pages(home / "moscow.pdf", home / "moscow")
        beijing = _pages(home / "beijing.pdf", home / "beijing")
        made = []
        for source, name in (
            (moscow[0], "label-cyrillic"),
            (moscow[1], "label-cn22"),
            (beijing[0], "label-chinese"),
        ):
            target = folder / f"{name}.png"
            target.write_bytes(source.read_bytes())
            made.append(target)
    return made


def main() -> int:
    """Write the pictures into the folder given."""
    for path in make(Path(sys.argv[1] if len(sys.argv) > 1 else "assets/screenshots")):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
