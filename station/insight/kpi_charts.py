"""The KPI charts, drawn once for both the Insights screen and the PDF report.

Figures are `matplotlib.figure.Figure` objects made without pyplot, so nothing here picks a GUI
backend: the Insights screen puts them on a Qt canvas, `report kpis --pdf` writes them with the PDF
backend, and the two show the same charts.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from station.insight.kpis import Kpis
from station.paths import make_private

SIZE = (8.27, 5.2)  # A4 landscape-ish width, room for a title and labels
BLUE, GREY, RED = "#1f5fa8", "#8a8f98", "#b3261e"


def _figure(title: str) -> Figure:
    figure = Figure(figsize=SIZE, layout="constrained")
    figure.suptitle(title, fontsize=12)
    return figure


def volume(k: Kpis) -> Figure:
    """Items accepted per day."""
    fig = _figure("Items accepted per day")
    ax = fig.add_subplot()
    days = list(k.accepted_by_day)
    ax.bar(range(len(days)), list(k.accepted_by_day.values()), color=BLUE)
    step = max(len(days) // 12, 1)
    ax.set_xticks(range(0, len(days), step), [d[5:] for d in days[::step]], rotation=45, fontsize=8)
    ax.set_ylabel("items")
    return fig


def services_and_on_time(k: Kpis) -> Figure:
    """Volume by service, and the on-time shares."""
    fig = _figure("Services and on-time delivery")
    left, right = fig.subplots(1, 2)
    names = list(k.accepted_by_service)
    left.bar(names, list(k.accepted_by_service.values()), color=BLUE)
    left.set_title("accepted by service", fontsize=10)
    shares = [k.on_time_standard * 100, k.on_time_estimate * 100]
    bars = right.bar(["service standard", "expected day given"], shares, color=[GREY, BLUE])
    right.bar_label(bars, fmt="%.1f%%")
    right.set_ylim(0, 105)
    right.set_title(f"on time, {k.delivered} delivered", fontsize=10)
    return fig


def dwell(k: Kpis) -> Figure:
    """Dwell per facility, p50 and p90."""
    fig = _figure("Dwell per facility (hours)")
    ax = fig.add_subplot()
    names = list(k.dwell_hours)
    p50 = [v[0] for v in k.dwell_hours.values()]
    p90 = [v[1] for v in k.dwell_hours.values()]
    rows = range(len(names))
    ax.barh([r + 0.2 for r in rows], p90, height=0.4, color=GREY, label="p90")
    ax.barh([r - 0.2 for r in rows], p50, height=0.4, color=BLUE, label="p50")
    ax.set_yticks(list(rows), names, fontsize=7)
    ax.set_xlabel("hours")
    ax.legend()
    return fig


def operators_and_attempts(k: Kpis) -> Figure:
    """Scans per operator hour, and why deliveries were attempted."""
    fig = _figure("Operators and attempted deliveries")
    left, right = fig.subplots(1, 2)
    names = list(k.scans_per_hour)
    left.barh(names, [v[0] for v in k.scans_per_hour.values()], color=BLUE)
    left.tick_params(axis="y", labelsize=7)
    left.set_title("scans per operator hour", fontsize=10)
    reasons = list(k.attempt_reasons)
    right.bar(reasons, list(k.attempt_reasons.values()), color=RED)
    right.tick_params(axis="x", labelrotation=30, labelsize=7)
    right.set_title(f"attempts: {k.attempt_rate:.1%} of tries", fontsize=10)
    return fig


CHARTS = (volume, services_and_on_time, dwell, operators_and_attempts)


def figures(k: Kpis) -> list[Figure]:
    """Every chart of the report, in order."""
    return [chart(k) for chart in CHARTS]


def write_pdf(k: Kpis, path: Path) -> int:
    """The report as a PDF: a page of figures in words, then one page per chart; returns the pages."""
    partial = path.with_name(path.name + ".partial")
    with PdfPages(
        partial, metadata={"Title": "Parcel Station performance", "Creator": "Parcel Station"}
    ) as pdf:
        cover = Figure(figsize=SIZE)
        cover.text(0.04, 0.96, "\n".join(k.lines()[:60]), va="top", family="monospace", fontsize=7)
        pdf.savefig(cover)
        for figure in figures(k):
            pdf.savefig(figure)
    make_private(partial)
    partial.replace(path)
    return 1 + len(CHARTS)
