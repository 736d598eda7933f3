"""A page of projects on a year axis: one bar per project, drawn as SVG on the server.

A bar is as sharp as its period is known, no sharper. Each end covers the time it may lie
in: from the earliest to the latest possible start, and from the earliest to the latest
possible end (projects/periods.py). A start or end known to the day is a sharp edge; one
known only to the month, the season or the year, or reckoned from an approximate length,
fades in or out over that time; one that is not known at all fades out to the edge of the
chart. The part in between, where the project certainly ran, is solid.

The horizontal positions are percentages of the chart's width and the heights are pixels,
so the chart is as wide as the page while its text keeps its size: the labels stand above
the bars, wrapped to fit a 320 pixel wide screen, and the axis labels a narrow screen
cannot fit are hidden by the style sheet (the classes `wide-only`).
"""

import datetime
import textwrap
from dataclasses import dataclass

from .models import Project
from .periods import format_point

# Pixels: the chart's text sizes are fixed in static/css/portal.css (.timeline-chart).
AXIS_HEIGHT = 28
ROW_PADDING = 7
LINE_HEIGHT = 19
BAR_GAP = 5
BAR_HEIGHT = 14
# Characters of a label line: what a 15 pixel font fits in a 320 pixel wide screen's column.
LABEL_WIDTH = 32
# Year labels: at most this many on a wide chart and on a narrow one (up to 40rem), every
# so many years; and how far from the left (in per cent) a label may begin and still fit.
STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
WIDE_LABELS, NARROW_LABELS = 12, 6
WIDE_LAST_LABEL, NARROW_LAST_LABEL = 94, 87

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Span:
    """The time a project may have begun or ended in, as moments (the start of a day) or None for the chart's edge."""

    first: datetime.date | None
    last: datetime.date | None


@dataclass(frozen=True)
class Bar:
    """A project's period as the chart draws it.

    `start` spans its earliest to its latest possible start, `end` its earliest to its latest
    possible end, each as moments: the end of a day is the start of the next. An unknown
    earliest start or latest end is None: the bar fades out to the chart's edge there.
    """

    project: Project
    start: Span | None
    end: Span | None

    @property
    def is_drawn(self):
        return self.start is not None

    @property
    def written_start(self):
        """The start as the source gives it, at its precision ("hösten 2015"); empty when not given."""
        return format_point(self.project.start_date, self.project.start_precision)

    @property
    def written_end(self):
        return format_point(self.project.end_date, self.project.end_precision)

    @property
    def start_kind(self):
        return _kind(self.start, self.start.first if self.start else None)

    @property
    def end_kind(self):
        return _kind(self.end, self.end.last if self.end else None)


def _kind(span, outer):
    """How an end of a bar is drawn: "sharp", "fuzzy", "open" (fades to the chart's edge) or "none"."""
    if span is None:
        return "none"
    if outer is None:
        return "open"
    return "sharp" if span.first == span.last else "fuzzy"


def end_of_day(day):
    """The moment a day ends, as the day after it (the last day the calendar has ends on itself)."""
    if day is None:
        return None
    return day if day == datetime.date.max else day + ONE_DAY


def bar_of(project):
    """The bar of a project: its period's bounds as Period and the derived columns give them.

    A project called ongoing when its facts were confirmed ran at least until that day, which
    is the most that is known of an end that neither a date nor a length gives.
    """
    period = project.period
    if period.start is None and period.end is None:
        return Bar(project=project, start=None, end=None)
    earliest_start, latest_start = project.earliest_start, period.latest_start()
    earliest_end, latest_end = period.earliest_end(), project.latest_end
    if earliest_end is None and project.status == Project.Status.ONGOING and project.reviewed_on:
        earliest_end = project.reviewed_on
    # As moments: a period that ends on a day runs to the end of it.
    earliest_end, latest_end = end_of_day(earliest_end), end_of_day(latest_end)
    if earliest_end and latest_end and earliest_end > latest_end:
        # Closed before the end its period gives (latest_end is the day that was confirmed): it
        # may have ended at any time after its start.
        earliest_end = None
    if latest_start and earliest_end and latest_start > earliest_end:
        # The two ends overlap ("2016 – 2016"): the fades meet halfway, with no solid part.
        latest_start = earliest_end = latest_start + (earliest_end - latest_start) / 2
    return Bar(project=project, start=Span(earliest_start, latest_start), end=Span(earliest_end, latest_end))


@dataclass(frozen=True)
class Tick:
    year: int
    x: float
    css: str


@dataclass(frozen=True)
class Segment:
    """A part of a bar, in per cent of the chart's width."""

    kind: str  # "fade-in", "core", "fade-out"
    x: float
    width: float


@dataclass(frozen=True)
class Row:
    bar: Bar
    top: int
    height: int
    label: list
    label_y: list
    bar_y: int
    segments: list
    caps: list  # the positions of sharp ends


@dataclass(frozen=True)
class Timeline:
    """The chart's geometry: its years, ticks and rows, and its height in pixels."""

    first_year: int | None
    last_year: int | None
    ticks: list
    rows: list
    height: int

    bar_height = BAR_HEIGHT

    @property
    def has_axis(self):
        return self.first_year is not None


def wrap_label(text):
    """A project's name in lines that fit a narrow screen; a word longer than a line is broken."""
    return textwrap.wrap(str(text), LABEL_WIDTH, break_on_hyphens=False) or [""]


def year_range(bars):
    """The first and last year of the axis: whole years with every known start and end on them.

    Only an unknown start or end reaches the chart's edge: where a bar fades out to an edge, or
    a known one would touch it, the axis has a year more on that side.
    """
    drawn = [bar for bar in bars if bar.is_drawn]
    moments = [
        moment
        for bar in drawn
        for moment in (bar.start.first, bar.start.last, bar.end.first, bar.end.last)
        if moment is not None
    ]
    if not moments:
        return None, None
    earliest, latest = min(moments), max(moments)
    first, last = earliest.year, max(earliest.year, (latest - ONE_DAY).year)
    if earliest == datetime.date(first, 1, 1) or any(bar.start.first is None for bar in drawn):
        first -= 1
    if latest.year > last or any(bar.end.last is None for bar in drawn):
        last += 1
    # Within the calendar Python has.
    first, last = max(first, datetime.MINYEAR), min(last, datetime.MAXYEAR)
    return first, max(first, last)


def ticks_for(first, last, position):
    """The labelled years: as many as fit on a wide chart, and of those as many as fit on a narrow one."""
    years = last - first + 1
    wide = next((step for step in STEPS if years / step <= WIDE_LABELS), STEPS[-1])
    narrow = next((step for step in STEPS if step % wide == 0 and years / step <= NARROW_LABELS), STEPS[-1])
    ticks = []
    for year in range(first, last + 1):
        x = position(datetime.date(year, 1, 1))
        if year % narrow == 0 and x <= NARROW_LAST_LABEL:
            ticks.append(Tick(year=year, x=x, css=""))
        elif year % wide == 0 and x <= WIDE_LAST_LABEL:
            ticks.append(Tick(year=year, x=x, css="wide-only"))
    return ticks


def bar_geometry(bar, position):
    """A drawn bar's segments and the positions of its sharp ends, in per cent of the chart's width.

    An unknown outer bound is the chart's edge; an unknown inner one meets the other end's, or,
    with neither known, the two fades meet halfway. Contradicting bounds are kept in order.
    """
    start_first = 0 if bar.start.first is None else position(bar.start.first)
    end_last = max(start_first, 100 if bar.end.last is None else position(bar.end.last))
    start_last = None if bar.start.last is None else position(bar.start.last)
    end_first = None if bar.end.first is None else position(bar.end.first)
    if start_last is None and end_first is None:
        start_last = end_first = (start_first + end_last) / 2
    elif start_last is None:
        start_last = end_first
    elif end_first is None:
        end_first = start_last
    start_last = min(max(start_last, start_first), end_last)
    end_first = min(max(end_first, start_last), end_last)
    segments = [
        Segment(kind=kind, x=round(begin, 3), width=round(finish - begin, 3))
        for kind, begin, finish in (
            ("fade-in", start_first, start_last),
            ("core", start_last, end_first),
            ("fade-out", end_first, end_last),
        )
        if finish > begin
    ]
    caps = [x for kind, x in ((bar.start_kind, start_first), (bar.end_kind, end_last)) if kind == "sharp"]
    return segments, caps


def timeline_of(projects):
    """The chart of `projects`, in their order."""
    bars = [bar_of(project) for project in projects]
    first, last = year_range(bars)
    ticks = []
    if first is not None:
        left = datetime.date(first, 1, 1)
        right = datetime.date(last + 1, 1, 1) if last < datetime.MAXYEAR else datetime.date.max
        days = (right - left).days

        def position(moment):
            return min(max(round((moment - left) / datetime.timedelta(days=days) * 100, 3), 0), 100)

        ticks = ticks_for(first, last, position)
    rows, top = [], AXIS_HEIGHT
    for bar in bars:
        # The label's lines (each line's baseline), then the bar.
        label = wrap_label(bar.project.name)
        label_y = [top + ROW_PADDING + LINE_HEIGHT * line - 4 for line in range(1, len(label) + 1)]
        bar_y = top + ROW_PADDING + LINE_HEIGHT * len(label) + BAR_GAP
        segments, caps = bar_geometry(bar, position) if bar.is_drawn else ([], [])
        height = bar_y + BAR_HEIGHT + ROW_PADDING - top
        rows.append(Row(bar, top, height, label, label_y, bar_y, segments, caps))
        top += height
    return Timeline(first_year=first, last_year=last, ticks=ticks, rows=rows, height=top + AXIS_HEIGHT)
