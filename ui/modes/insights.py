"""Insights: the performance charts (the same figures as `station report kpis --pdf`), what each facility
holds now and next week's staffing. F9 recomputes for the period chosen; Ctrl+P writes the PDF."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station.insight import kpi_charts
from station.insight.inventory import Inventory
from station.insight.kpis import Kpis
from station.insight.staffing import Staffing
from station.model.localtime import local
from ui.context import AppContext
from ui.modes.base import Mode

log = logging.getLogger(__name__)

PERIODS = (("last 7 days", 7), ("last 30 days", 30), ("last 90 days", 90), ("everything", 0))


@dataclass(frozen=True)
class Insight:
    """What the I/O thread computed for the screen: the figures are drawn there too (no canvas yet)."""

    kpis: Kpis
    figures: list[Figure]
    inventory: Inventory
    staffing: Staffing


class InsightsMode(Mode):
    """Charts, inventory and staffing."""

    name, title = "insights", "Insights"
    hint = "F9 recomputes for the period chosen; Ctrl+P writes the report as a PDF"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.period = QComboBox()
        for label, days in PERIODS:
            self.period.addItem(label, days)
        self.period.setCurrentIndex(1)
        refresh = QPushButton("Recompute  F9")
        refresh.clicked.connect(self.recompute)
        pdf = QPushButton("PDF  Ctrl+P")
        pdf.clicked.connect(self.write_pdf)
        self.summary = QLabel("")
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addWidget(refresh)
        top.addWidget(pdf)
        top.addWidget(self.summary, 1)
        self.tabs = QTabWidget()
        self.words = QPlainTextEdit()
        self.words.setReadOnly(True)
        self.on_hand = QPlainTextEdit()
        self.on_hand.setReadOnly(True)
        self.staff = QPlainTextEdit()
        self.staff.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self._last: Insight | None = None

    def activated(self) -> None:
        """Figures for the period chosen, fresh."""
        self.recompute()

    def recompute(self) -> None:
        """F9: the figures computed on the I/O thread."""
        ctx, days = self.ctx, int(self.period.currentData())
        since = ctx.station.clock() - timedelta(days=days) if days else None
        insights = ctx.insights

        def work() -> Insight:
            report = insights.kpis(since, None)
            return Insight(report, kpi_charts.figures(report), insights.inventory(), insights.staffing())

        self.summary.setText("computing...")
        ctx.background.run(work, self._shown)

    def _shown(self, found: Insight | None, error: BaseException | None) -> None:
        if error is not None or found is None:
            self.summary.setText("")
            self.ctx.feedback.bad(f"figures not computed: {error}")
            return
        self._last = found
        current = self.tabs.currentIndex()
        self.tabs.clear()
        for figure in found.figures:
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.addWidget(FigureCanvasQTAgg(figure))
            self.tabs.addTab(holder, str(figure.get_suptitle()).split(" (")[0])
        self.words.setPlainText("\n".join(found.kpis.lines()))
        self.tabs.addTab(self.words, "Figures")
        held = found.inventory
        lines = [f"{len(held.items)} items on hand, {sum(i.old for i in held.items)} over 24 h", ""]
        for facility, bands in held.by_facility().items():
            lines.append(f"{facility:<28} " + "  ".join(f"{b}: {n}" for b, n in bands.items()))
        self.on_hand.setPlainText("\n".join(lines))
        self.tabs.addTab(self.on_hand, "On hand")
        staff = []
        for facility, plan in found.staffing.plans.items():
            staff.append(f"{facility} ({found.staffing.rates[facility]:.0f} scans per operator hour)")
            staff.append("   " + "  ".join(f"{p.day:%a %d}: {p.hours:.1f} h" for p in plan))
        self.staff.setPlainText("\n".join(staff) or "no scans in the last weeks: nothing to forecast from")
        self.tabs.addTab(self.staff, "Staffing")
        self.tabs.setCurrentIndex(max(current, 0))
        k = found.kpis
        log.info("insights: %d figures shown", len(found.figures))
        self.summary.setText(
            f"{sum(k.accepted_by_day.values())} accepted, {k.delivered} delivered,"
            f" {k.on_time_standard:.0%} on time (standard), {k.attempt_rate:.0%} attempted"
        )
        self.ctx.feedback.good(f"insights: {self.summary.text()}")

    def write_pdf(self) -> None:
        """Ctrl+P: the report with its charts, in the station's reports folder."""
        found, ctx = self._last, self.ctx
        if found is None:
            ctx.feedback.bad("nothing computed yet: F9 first")
            return
        folder: Path = ctx.data_dir / "reports"
        path = folder / f"kpis-{local(ctx.station.clock(), ctx.station.config.time_zone):%Y%m%d-%H%M%S}.pdf"

        def work() -> str:
            folder.mkdir(parents=True, exist_ok=True)
            return ctx.insights.write_kpis(found.kpis, path)

        ctx.background.run(work, self._written)

    def _written(self, said: str | None, error: BaseException | None) -> None:
        if error is not None or said is None:
            self.ctx.feedback.bad(f"PDF not written: {error}")
        else:
            self.ctx.feedback.good(said)
