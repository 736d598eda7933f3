"""Project periods whose dates are known to different precisions.

The source page says "hösten 2015", "1 juni 2016", "2015–2022" and "under 27
månader". A date field alone cannot say how much of it is known, so every date
goes with a precision, and the date stored is the *first day* of the unit the
source names: "hösten 2015" is 2015-09-01 with precision SEASON, "mars 2016" is
2016-03-01 with precision MONTH, "2016" is 2016-01-01 with precision YEAR. The
precision is what the reader is shown; no day is ever shown that the source did
not give.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.dates import MONTHS
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    SEASON = "season", _("season")
    YEAR = "year", _("year")
    UNKNOWN = "unknown", _("unknown")


# The first month of each season, as Swedish usage counts them.
SEASON_START_MONTHS = (3, 6, 9, 12)


def season_name(month):
    names = {
        3: gettext("spring"),
        6: gettext("summer"),
        9: gettext("autumn"),
        12: gettext("winter"),
    }
    return names[month]


def normalise(date, precision):
    """The first day of the unit that `date` lies in, at `precision`."""
    if date is None or precision in (Precision.DAY, Precision.UNKNOWN):
        return date
    if precision == Precision.MONTH:
        return date.replace(day=1)
    if precision == Precision.SEASON:
        if date.month in (1, 2):
            # January and February belong to the winter that began in December.
            return datetime.date(date.year - 1, 12, 1)
        month = max(m for m in SEASON_START_MONTHS if m <= date.month)
        return datetime.date(date.year, month, 1)
    return datetime.date(date.year, 1, 1)


def add_months(date, months):
    """The same day `months` later (or earlier), or the month's last day where it is shorter."""
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def last_day(date, precision):
    """The last day of the unit that starts at `date` (a normalised date)."""
    if precision == Precision.DAY:
        return date
    if precision == Precision.MONTH:
        return date.replace(day=calendar.monthrange(date.year, date.month)[1])
    if precision == Precision.SEASON:
        end_month = date.month + 2
        year = date.year + (end_month > 12)
        end_month = (end_month - 1) % 12 + 1
        return datetime.date(year, end_month, calendar.monthrange(year, end_month)[1])
    return datetime.date(date.year, 12, 31)


def format_point(date, precision):
    """A date written at its real precision: "1 juni 2016", "hösten 2015", "2016"."""
    if date is None or precision == Precision.UNKNOWN:
        return ""
    # As the date filter "j F Y" writes them, without its formatting machinery: list pages write many.
    if precision == Precision.DAY:
        return f"{date.day} {MONTHS[date.month]} {date.year}"
    if precision == Precision.MONTH:
        return f"{MONTHS[date.month]} {date.year}"
    if precision == Precision.SEASON:
        return gettext("%(season)s %(year)s") % {"season": season_name(date.month), "year": date.year}
    return str(date.year)


def iso_8601(date, precision):
    """A date as ISO 8601 writes it at the precision it is known to: "2016-06-01", "2016-03", "2016"; None
    when it cannot be written without claiming more than is known.

    A season is written as its year where it lies within one (spring, summer, autumn): "hösten 2015" is
    "2015", which is true, only less precise. Winter runs from December into the next year, so no
    single year is known: it is left out, as is an unknown date.
    """
    if date is None or precision == Precision.UNKNOWN:
        return None
    if precision == Precision.DAY:
        return date.isoformat()
    if precision == Precision.MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    if precision == Precision.SEASON and last_day(date, precision).year != date.year:
        return None
    return f"{date.year:04d}"


def format_duration(months, *, approximate=False):
    """A duration in months written as people say it: "2 år", "ca 2,5 år", "27 månader"."""
    if months % 12 == 0:
        text = gettext("%(years)s years") % {"years": months // 12}
    elif months % 6 == 0:
        text = gettext("%(years)s years") % {"years": number_format(months / 12, 1)}
    else:
        text = gettext("%(months)s months") % {"months": months}
    if approximate:
        text = gettext("about %(duration)s") % {"duration": text}
    return text


@dataclass(frozen=True)
class Period:
    start: datetime.date | None
    start_precision: str
    end: datetime.date | None
    end_precision: str
    duration_months: int | None = None
    duration_is_approximate: bool = False

    @property
    def longest_duration(self):
        """The stated duration in months; an approximate one ("ca 2,5 år") may run a fifth longer."""
        if self.duration_months is None:
            return None
        return self.duration_months + (self.duration_months // 5 if self.duration_is_approximate else 0)

    @property
    def shortest_duration(self):
        """The stated duration in months; an approximate one may run a fifth shorter."""
        if self.duration_months is None:
            return None
        return self.duration_months - (self.duration_months // 5 if self.duration_is_approximate else 0)

    def earliest_start(self):
        """The first day the period may have begun on; None when nothing says.

        The start's unit begins on the stored date. Without a start, a period of known
        length began at the earliest its longest duration before the first day of its end.
        """
        if self.start is not None:
            return self.start
        if self.end is not None and self.duration_months is not None:
            return add_months(self.end, -self.longest_duration) + datetime.timedelta(days=1)
        return None

    def latest_end(self):
        """The last day the period may have run to; None when it may still be running.

        "hösten 2015, tvåårigt" may have begun on 30 November 2015 and so ended on
        29 November 2017; an end given as "2021" may be 31 December 2021.
        """
        if self.end is not None:
            return last_day(self.end, self.end_precision)
        if self.start is not None and self.duration_months is not None:
            latest_start = last_day(self.start, self.start_precision)
            return add_months(latest_start, self.longest_duration) - datetime.timedelta(days=1)
        return None

    def latest_start(self):
        """The last day the period may have begun on; None when nothing says.

        "hösten 2015" may have begun on 30 November 2015. Without a start, a period of known
        length began at the latest its shortest duration before the last day of its end.
        """
        if self.start is not None:
            return last_day(self.start, self.start_precision)
        if self.end is not None and self.duration_months is not None:
            latest_end = last_day(self.end, self.end_precision)
            return add_months(latest_end, -self.shortest_duration) + datetime.timedelta(days=1)
        return None

    def earliest_end(self):
        """The first day the period may have ended on; None when nothing says.

        An end given as "2021" may be 1 January 2021; "hösten 2015, ca 2,5 år" may have ended
        two years (a fifth short of 30 months) after 1 September 2015.
        """
        if self.end is not None:
            return self.end
        if self.start is not None and self.duration_months is not None:
            return add_months(self.start, self.shortest_duration) - datetime.timedelta(days=1)
        return None

    @property
    def duration(self):
        if self.duration_months is None:
            return ""
        return format_duration(self.duration_months, approximate=self.duration_is_approximate)

    def __str__(self):
        start = format_point(self.start, self.start_precision)
        end = format_point(self.end, self.end_precision)
        values = {"start": start, "end": end, "duration": self.duration}
        if start and end:
            return gettext("%(start)s – %(end)s") % values
        if start and self.duration:
            return gettext("from %(start)s, for %(duration)s") % values
        if end and self.duration:
            return gettext("for %(duration)s, until %(end)s") % values
        if start:
            return gettext("from %(start)s") % values
        if end:
            return gettext("until %(end)s") % values
        return gettext("period not stated")
