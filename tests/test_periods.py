import datetime

import pytest
from django.utils import translation

from projects.periods import Period, Precision, add_months, format_duration, last_day, normalise

D = datetime.date


@pytest.mark.parametrize(
    ("date", "precision", "expected"),
    [
        (D(2015, 10, 17), Precision.SEASON, D(2015, 9, 1)),
        (D(2016, 2, 10), Precision.SEASON, D(2015, 12, 1)),
        (D(2016, 3, 31), Precision.MONTH, D(2016, 3, 1)),
        (D(2016, 7, 4), Precision.YEAR, D(2016, 1, 1)),
        (D(2016, 6, 1), Precision.DAY, D(2016, 6, 1)),
    ],
)
def test_normalise_to_first_day_of_unit(date, precision, expected):
    assert normalise(date, precision) == expected


@pytest.mark.parametrize(
    ("date", "precision", "expected"),
    [
        (D(2015, 9, 1), Precision.SEASON, D(2015, 11, 30)),
        (D(2015, 12, 1), Precision.SEASON, D(2016, 2, 29)),
        (D(2016, 2, 1), Precision.MONTH, D(2016, 2, 29)),
        (D(2016, 1, 1), Precision.YEAR, D(2016, 12, 31)),
    ],
)
def test_last_day_of_unit(date, precision, expected):
    assert last_day(date, precision) == expected


@pytest.mark.parametrize(
    ("period", "swedish"),
    [
        (Period(D(2016, 6, 1), Precision.DAY, D(2021, 12, 31), Precision.DAY), "1 juni 2016 – 31 december 2021"),
        (Period(D(2015, 9, 1), Precision.SEASON, None, Precision.UNKNOWN, 24), "från hösten 2015, under 2 år"),
        (
            Period(D(2016, 3, 1), Precision.SEASON, None, Precision.UNKNOWN, 30, True),
            "från våren 2016, under ca 2,5 år",
        ),
        (Period(None, Precision.UNKNOWN, D(2016, 3, 1), Precision.MONTH, 18), "under 1,5 år, till mars 2016"),
        (Period(D(2015, 1, 1), Precision.YEAR, D(2022, 1, 1), Precision.YEAR), "2015 – 2022"),
        (Period(D(2006, 1, 1), Precision.YEAR, None, Precision.UNKNOWN), "från 2006"),
        (Period(None, Precision.UNKNOWN, None, Precision.UNKNOWN), "period inte angiven"),
    ],
)
def test_period_written_in_swedish_at_its_precision(period, swedish):
    with translation.override("sv"):
        assert str(period) == swedish


def test_period_in_english():
    with translation.override("en"):
        assert (
            str(Period(D(2015, 9, 1), Precision.SEASON, None, Precision.UNKNOWN, 27))
            == "from autumn 2015, for 27 months"
        )


def test_duration_never_shows_a_made_up_day():
    with translation.override("sv"):
        assert format_duration(27) == "27 månader"
        assert format_duration(48) == "4 år"


@pytest.mark.parametrize(
    ("period", "earliest", "latest"),
    [
        # "tvåårigt projekt som startade hösten 2015": may have started on 30 November.
        (Period(D(2015, 9, 1), Precision.SEASON, None, Precision.UNKNOWN, 24), D(2015, 9, 1), D(2017, 11, 29)),
        # "under fyra år med start 2016": may run through December 2020.
        (Period(D(2016, 1, 1), Precision.YEAR, None, Precision.UNKNOWN, 48), D(2016, 1, 1), D(2020, 12, 30)),
        # "1 juni 2016, 24 månader": exactly.
        (Period(D(2016, 6, 1), Precision.DAY, None, Precision.UNKNOWN, 24), D(2016, 6, 1), D(2018, 5, 31)),
        # "1,5 år, avslutades i mars 2016": may have started in early September 2014.
        (Period(None, Precision.UNKNOWN, D(2016, 3, 1), Precision.MONTH, 18), D(2014, 9, 2), D(2016, 3, 31)),
        # "ca 2,5 år med start våren 2016": a fifth longer at most.
        (Period(D(2016, 3, 1), Precision.SEASON, None, Precision.UNKNOWN, 30, True), D(2016, 3, 1), D(2019, 5, 30)),
        # "vintern 2015" ends in February 2016.
        (Period(D(2014, 1, 1), Precision.YEAR, D(2015, 12, 1), Precision.SEASON), D(2014, 1, 1), D(2016, 2, 29)),
        # "december 2011", exactly.
        (Period(D(2001, 1, 1), Precision.YEAR, D(2011, 12, 1), Precision.MONTH), D(2001, 1, 1), D(2011, 12, 31)),
        # Started 2006, no end given: may still be running.
        (Period(D(2006, 1, 1), Precision.YEAR, None, Precision.UNKNOWN), D(2006, 1, 1), None),
        (Period(None, Precision.UNKNOWN, None, Precision.UNKNOWN), None, None),
    ],
)
def test_possible_bounds_follow_the_honest_precision(period, earliest, latest):
    assert (period.earliest_start(), period.latest_end()) == (earliest, latest)


@pytest.mark.parametrize(
    ("date", "months", "expected"),
    [
        (D(2015, 11, 30), 24, D(2017, 11, 30)),
        (D(2016, 1, 31), 1, D(2016, 2, 29)),
        (D(2016, 3, 1), -18, D(2014, 9, 1)),
        (D(2016, 12, 31), 48, D(2020, 12, 31)),
    ],
)
def test_add_months_keeps_the_day_where_the_month_has_it(date, months, expected):
    assert add_months(date, months) == expected


@pytest.mark.parametrize(
    ("period", "latest_start", "earliest_end"),
    [
        # "hösten 2015, tvåårigt": may have begun on 30 November; may have ended on 31 August 2017.
        (Period(D(2015, 9, 1), Precision.SEASON, None, Precision.UNKNOWN, 24), D(2015, 11, 30), D(2017, 8, 31)),
        # "ca 2,5 år med start våren 2016": a fifth shorter at least, two years.
        (Period(D(2016, 3, 1), Precision.SEASON, None, Precision.UNKNOWN, 30, True), D(2016, 5, 31), D(2018, 2, 28)),
        # "1 juni 2016, 24 månader": exactly, as the latest end.
        (Period(D(2016, 6, 1), Precision.DAY, None, Precision.UNKNOWN, 24), D(2016, 6, 1), D(2018, 5, 31)),
        # "1,5 år, avslutades i mars 2016": may have begun as late as 1 October 2014.
        (Period(None, Precision.UNKNOWN, D(2016, 3, 1), Precision.MONTH, 18), D(2014, 10, 1), D(2016, 3, 1)),
        # "2015 – 2022": begun by the last day of 2015; ended on the first day of 2022 at the earliest.
        (Period(D(2015, 1, 1), Precision.YEAR, D(2022, 1, 1), Precision.YEAR), D(2015, 12, 31), D(2022, 1, 1)),
        (Period(D(2006, 1, 1), Precision.YEAR, None, Precision.UNKNOWN), D(2006, 12, 31), None),
        (Period(None, Precision.UNKNOWN, D(2013, 4, 1), Precision.MONTH), None, D(2013, 4, 1)),
    ],
)
def test_inner_bounds_are_as_late_and_as_early_as_the_precision_allows(period, latest_start, earliest_end):
    assert (period.latest_start(), period.earliest_end()) == (latest_start, earliest_end)
    bounds = [period.earliest_start(), latest_start, earliest_end, period.latest_end()]
    known = [bound for bound in bounds if bound is not None]
    assert known == sorted(known)
