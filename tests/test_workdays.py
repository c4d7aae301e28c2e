"""Working-day arithmetic (bidwatch.workdays) against the real 2024–2026 State Council schedules.

Every expected date below was counted by hand from the official notices (day by day, in the comment) and
checked against chinese_calendar.is_workday; test_matches_day_by_day_count_with_chinese_calendar repeats that
check mechanically for many starts. The 2027 dates are hypothetical user-supplied data (chinese-calendar 1.11.0
has nothing for 2027), used only to show that supplied data is applied and makes a deadline exact.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tomllib
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from bidwatch import workdays as wd
from bidwatch.config import load_settings
from bidwatch.workdays import (
    COMPLAINT_ACCEPTANCE_WORKDAYS,
    COMPLAINT_DECISION_WORKDAYS,
    COMPLAINT_FILING_DAYS,
    Deadline,
    WorkCalendar,
    calendar_day_deadline,
    complaint_acceptance_due,
    complaint_decision_due,
    complaint_filing_limit,
    workday_deadline,
)

D = date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_pure_python_module():
    # Importing it must not pull in Django (it also serves the CLI and batch jobs).
    code = "import sys, bidwatch.workdays; assert not any(m.split('.')[0] == 'django' for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_statutory_numbers():
    # 实施条例 第60条: 10 days; 第61条: 3 and 30 working days.
    assert (COMPLAINT_FILING_DAYS, COMPLAINT_ACCEPTANCE_WORKDAYS, COMPLAINT_DECISION_WORKDAYS) == (10, 3, 30)


def test_library_years():
    assert wd.LIBRARY_YEARS == range(2004, 2027)


# --- is_workday on the real schedules --------------------------------------------------------------------------------

@pytest.mark.parametrize("day, expected", [
    (D(2024, 9, 29), True),    # Sunday, 调休上班 for National Day 2024
    (D(2024, 10, 1), False),   # National Day
    (D(2024, 10, 7), False),   # Monday, last day of the 10-01..07 holiday
    (D(2024, 10, 8), True),
    (D(2024, 10, 12), True),   # Saturday, 调休上班
    (D(2024, 10, 13), False),  # ordinary Sunday
    (D(2025, 1, 26), True),    # Sunday, 调休上班 for Spring Festival 2025
    (D(2025, 1, 28), False),   # 除夕, first day of 01-28..02-04
    (D(2025, 2, 4), False),    # Tuesday, last day of the holiday
    (D(2025, 2, 5), True),
    (D(2025, 2, 8), True),     # Saturday, 调休上班
    (D(2026, 2, 14), True),    # Saturday, 调休上班 for Spring Festival 2026 (02-15..23)
    (D(2026, 2, 23), False),   # Monday, last day of the holiday
    (D(2026, 2, 28), True),    # Saturday, 调休上班
])
def test_is_workday_real_schedule(cal, day, expected):
    assert cal.is_workday(day) is expected
    assert chinese_calendar.is_workday(day) is expected


def test_unknown_year_falls_back_to_monday_to_friday_less_fixed_holidays(cal):
    # 2027 and 2003 are outside chinese-calendar 1.11.0: weekends off, weekdays working days, except the holidays of
    # 《全国年节及纪念日放假办法》 that fall on a fixed date (issue 13 item 7): 1 January, 1 May (1–2 May from 2025,
    # 1–3 May before 2008), 1–3 October. Still an estimate: the lunar holidays and 调休 are unknown.
    assert not cal.is_workday(D(2027, 1, 1))    # a Friday, 元旦
    assert not cal.is_workday(D(2027, 1, 2))    # Saturday
    assert cal.is_workday(D(2027, 1, 4))        # Monday
    assert cal.is_workday(D(2027, 5, 3)) and not cal.is_workday(D(2028, 5, 2))   # 2028-05-02 Tuesday, 劳动节
    assert not cal.is_workday(D(2003, 10, 1))   # a Wednesday, 国庆节
    assert not cal.is_workday(D(2003, 5, 2)) and not cal.is_workday(D(2003, 5, 1))  # 1999 text: 1–3 May
    assert cal.is_workday(D(2003, 10, 6))       # Monday after the three fixed days (the real 调休 is unknown)
    assert not cal.known(D(2027, 1, 1)) and not cal.known(D(2003, 10, 1))
    assert cal.known(D(2004, 1, 1)) and cal.known(D(2026, 12, 31))
    assert cal.add_workdays(D(2027, 1, 8), 1) == D(2027, 1, 11)   # Friday → Monday
    assert cal.add_workdays(D(2027, 9, 30), 1) == D(2027, 10, 4)  # Thursday → past 10-01..03 → Monday


def test_fixed_date_holidays_by_version():
    assert wd.fixed_date_holidays(2007)[1:4] == (D(2007, 5, 1), D(2007, 5, 2), D(2007, 5, 3))
    assert [d for d in wd.fixed_date_holidays(2010) if d.month == 5] == [D(2010, 5, 1)]
    assert [d for d in wd.fixed_date_holidays(2030) if d.month == 5] == [D(2030, 5, 1), D(2030, 5, 2)]


# --- add_workdays ----------------------------------------------------------------------------------------------------

def test_three_workdays_across_national_day_2024(cal):
    # From Friday 2024-09-27: 09-28 Sat off; 09-29 Sun 调休 = 1; 09-30 Mon = 2; 10-01..07 off; 10-08 Tue = 3.
    assert cal.add_workdays(D(2024, 9, 27), 3) == D(2024, 10, 8)


def test_three_workdays_across_spring_festival_2025(cal):
    # From Friday 2025-01-24: 01-25 Sat off; 01-26 Sun 调休 = 1; 01-27 Mon = 2; 01-28..02-04 off; 02-05 Wed = 3.
    assert cal.add_workdays(D(2025, 1, 24), 3) == D(2025, 2, 5)
    # From 2025-02-05: 02-06 Thu = 1; 02-07 Fri = 2; 02-08 Sat 调休 = 3 — a deadline on a Saturday.
    assert cal.add_workdays(D(2025, 2, 5), 3) == D(2025, 2, 8)


def test_thirty_workdays_across_national_day_2024(cal):
    # From Friday 2024-09-20: 09-23..27 = 1–5; 09-29 Sun = 6; 09-30 = 7; 10-01..07 off; 10-08..11 = 8–11;
    # 10-12 Sat = 12; 10-14..18 = 13–17; 10-21..25 = 18–22; 10-28..11-01 = 23–27; 11-04, 05, 06 = 28–30.
    assert cal.add_workdays(D(2024, 9, 20), 30) == D(2024, 11, 6)


def test_thirty_workdays_across_spring_festival_2026(cal):
    # From Monday 2026-02-02: 02-03..06 = 1–4; 02-09..13 = 5–9; 02-14 Sat 调休 = 10; 02-15..23 off;
    # 02-24..27 = 11–14; 02-28 Sat 调休 = 15; 03-02..06 = 16–20; 03-09..13 = 21–25; 03-16..20 = 26–30.
    assert cal.add_workdays(D(2026, 2, 2), 30) == D(2026, 3, 20)


def test_n_zero_returns_start_even_on_a_holiday(cal):
    assert cal.add_workdays(D(2024, 10, 3), 0) == D(2024, 10, 3)
    assert cal.add_workdays(D(2024, 10, 3), 0, pauses=[(D(2024, 10, 1), D(2024, 10, 9))]) == D(2024, 10, 3)


def test_start_on_a_holiday(cal):
    # Received on 2024-10-03 (National Day): counting starts the next day; 10-04..07 off; 10-08, 09, 10 = 1–3.
    assert cal.add_workdays(D(2024, 10, 3), 3) == D(2024, 10, 10)


def test_crosses_years(cal):
    # From Wednesday 2025-12-31: 2026-01-01..03 off (元旦); 01-04 Sun 调休 = 1; 01-05 Mon = 2.
    assert cal.add_workdays(D(2025, 12, 31), 2) == D(2026, 1, 5)


def test_bad_arguments(cal):
    with pytest.raises(ValueError, match="n must be >= 0"):
        cal.add_workdays(D(2024, 1, 1), -1)
    with pytest.raises(TypeError):
        cal.add_workdays(D(2024, 1, 1), 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="start"):
        cal.add_workdays("2024-01-01", 1)  # type: ignore[arg-type]


def test_datetime_is_taken_as_its_date(cal):
    assert cal.add_workdays(datetime(2024, 9, 27, 16, 30), 3) == D(2024, 10, 8)
    assert cal.is_workday(datetime(2024, 9, 29, 9, 0))


# --- pauses (实施条例 第61条: 检验、检测、鉴定、专家评审 not counted) -------------------------------------------------------

# Accepted Friday 2024-03-01, 30 working days without pauses: 03-04..08 = 1–5, 03-11..15 = 6–10, 03-18..22 = 11–15,
# 03-25..29 = 16–20, 04-01..03 = 21–23, 04-04..06 off (清明), 04-07 Sun 调休 = 24, 04-08..12 = 25–29, 04-15 Mon = 30.
ACCEPTED = D(2024, 3, 1)
UNPAUSED_DUE = D(2024, 4, 15)


def test_decision_due_without_pauses(cal):
    assert cal.add_workdays(ACCEPTED, 30) == UNPAUSED_DUE


def test_pause_extends_by_its_working_days(cal):
    # Expert review Mon 03-11 .. Wed 03-13: 3 working days → 04-16, 17, 18.
    assert cal.add_workdays(ACCEPTED, 30, pauses=[(D(2024, 3, 11), D(2024, 3, 13))]) == D(2024, 4, 18)


def test_overlapping_pauses_counted_once(cal):
    # 03-11..13 and 03-12..15 overlap: their union 03-11..15 holds 5 working days, not 3 + 4 = 7.
    # 04-15 + 5 working days: 04-16, 17, 18, 19, 22.
    pauses = [(D(2024, 3, 12), D(2024, 3, 15)), (D(2024, 3, 11), D(2024, 3, 13))]
    assert cal.add_workdays(ACCEPTED, 30, pauses=pauses) == D(2024, 4, 22)
    # A pause listed twice is the same as once.
    once = cal.add_workdays(ACCEPTED, 30, pauses=[(D(2024, 3, 11), D(2024, 3, 13))])
    assert cal.add_workdays(ACCEPTED, 30, pauses=[(D(2024, 3, 11), D(2024, 3, 13))] * 2) == once


def test_weekend_pause_adds_nothing(cal):
    assert cal.add_workdays(ACCEPTED, 30, pauses=[(D(2024, 3, 16), D(2024, 3, 17))]) == UNPAUSED_DUE


def test_pause_across_a_holiday_counts_only_its_working_days(cal):
    # 04-03 Wed .. 04-08 Mon: working days 04-03, 04-07 (Sunday 调休), 04-08 = 3; 04-04..06 off anyway.
    # Then 04-15 + 3 working days = 04-18.
    assert cal.add_workdays(ACCEPTED, 30, pauses=[(D(2024, 4, 3), D(2024, 4, 8))]) == D(2024, 4, 18)


def test_pause_outside_the_period_has_no_effect(cal):
    before = (D(2024, 2, 20), D(2024, 3, 1))   # ends on the day of acceptance, which is not counted anyway
    after = (D(2024, 4, 16), D(2024, 4, 30))    # starts after the deadline
    assert cal.add_workdays(ACCEPTED, 30, pauses=[before, after]) == UNPAUSED_DUE


def test_pause_starting_before_start_counts_from_the_next_day(cal):
    # 02-26..03-05: only 03-04 and 03-05 lie in the period → +2 working days: 04-16, 04-17.
    assert cal.add_workdays(ACCEPTED, 30, pauses=[(D(2024, 2, 26), D(2024, 3, 5))]) == D(2024, 4, 17)


def test_result_is_never_a_paused_day(cal):
    # Without the pause the 3rd working day after 2024-09-27 is 10-08; pausing 10-08 moves it to 10-09.
    assert cal.add_workdays(D(2024, 9, 27), 3, pauses=[(D(2024, 10, 8), D(2024, 10, 8))]) == D(2024, 10, 9)


def test_pause_ending_before_it_starts_is_rejected(cal):
    with pytest.raises(ValueError, match=r"pauses\[1\]: ends before it starts"):
        cal.add_workdays(ACCEPTED, 30, pauses=[(D(2024, 3, 4), D(2024, 3, 4)), (D(2024, 3, 8), D(2024, 3, 7))])
    with pytest.raises(ValueError, match=r"pauses\[0\]: expected a pair"):
        cal.add_workdays(ACCEPTED, 30, pauses=[D(2024, 3, 4)])  # type: ignore[list-item]


# --- workdays_between --------------------------------------------------------------------------------------------------

def test_workdays_between(cal):
    # (09-27, 10-08]: 09-29 Sun 调休, 09-30, 10-08 = 3.
    assert cal.workdays_between(D(2024, 9, 27), D(2024, 10, 8)) == 3
    assert cal.workdays_between(D(2024, 10, 8), D(2024, 9, 27)) == -3     # end before start: negative
    assert cal.workdays_between(D(2024, 10, 8), D(2024, 10, 8)) == 0
    assert cal.workdays_between(D(2024, 10, 1), D(2024, 10, 7)) == 0      # all holiday
    # With the 03-11..13 / 03-12..15 pauses (5 working days, counted once) the 30 days run to 04-22.
    pauses = [(D(2024, 3, 11), D(2024, 3, 13)), (D(2024, 3, 12), D(2024, 3, 15))]
    assert cal.workdays_between(ACCEPTED, D(2024, 4, 22), pauses=pauses) == 30
    assert cal.workdays_between(D(2024, 4, 22), ACCEPTED, pauses=pauses) == -30
    assert cal.workdays_between(ACCEPTED, D(2024, 4, 22)) == 35


def test_workdays_between_inverts_add_workdays(cal):
    rng = random.Random(7)
    for _ in range(300):
        start = D(2004, 1, 1) + timedelta(days=rng.randrange(8000))
        n = rng.randrange(0, 60)
        due = cal.add_workdays(start, n)
        assert cal.workdays_between(start, due) == n


def test_matches_day_by_day_count_with_chinese_calendar(cal):
    """The cached tables agree with chinese_calendar.is_workday counted naively, day by day."""
    rng = random.Random(2024)
    for _ in range(300):
        start = D(2004, 1, 1) + timedelta(days=rng.randrange((D(2026, 10, 1) - D(2004, 1, 1)).days))
        n = rng.randrange(0, 45)
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            counted += chinese_calendar.is_workday(day)
        assert cal.add_workdays(start, n) == day, (start, n)


# --- calendar-day periods (民法典 第201、203条) --------------------------------------------------------------------------

def test_calendar_deadline_on_a_holiday_rolls_forward(cal):
    # 09-22 + 10 = 10-02 (National Day) → first working day after the holiday: 10-08.
    assert cal.calendar_deadline(D(2024, 9, 22), 10) == D(2024, 10, 8)


def test_calendar_deadline_on_a_weekend_rolls_forward(cal):
    # 11-06 + 10 = Saturday 11-16 → Monday 11-18.
    assert cal.calendar_deadline(D(2024, 11, 6), 10) == D(2024, 11, 18)


def test_calendar_deadline_on_a_make_up_working_day_stays(cal):
    # 09-19 + 10 = Sunday 09-29, a 调休 working day: not a rest day, the period ends there.
    assert cal.calendar_deadline(D(2024, 9, 19), 10) == D(2024, 9, 29)
    # 2025-01-15 + 10 = Saturday 01-25 (rest) → the next day, Sunday 01-26, is a 调休 working day.
    assert cal.calendar_deadline(D(2025, 1, 15), 10) == D(2025, 1, 26)


def test_calendar_deadline_zero_and_negative(cal):
    assert cal.calendar_deadline(D(2024, 10, 8), 0) == D(2024, 10, 8)
    assert cal.calendar_deadline(D(2024, 10, 5), 0) == D(2024, 10, 8)
    with pytest.raises(ValueError, match="days must be >= 0"):
        cal.calendar_deadline(D(2024, 10, 8), -1)


def test_roll_forward(cal):
    assert cal.roll_forward(D(2024, 10, 8)) == D(2024, 10, 8)
    assert cal.roll_forward(D(2025, 1, 28)) == D(2025, 2, 5)     # 春节 01-28..02-04


# --- the statutory helpers ------------------------------------------------------------------------------------------

def test_complaint_acceptance_due(cal):
    assert complaint_acceptance_due(D(2024, 9, 27), cal) == Deadline(D(2024, 10, 8), ())
    assert complaint_acceptance_due(D(2025, 1, 24), cal).due == D(2025, 2, 5)
    assert complaint_acceptance_due(D(2024, 10, 3), cal).exact


def test_complaint_decision_due(cal):
    assert complaint_decision_due(D(2024, 9, 20), cal).due == D(2024, 11, 6)
    assert complaint_decision_due(D(2026, 2, 2), cal).due == D(2026, 3, 20)
    # Expert review 10-14 (Mon) .. 10-15 (Tue): 2 working days → 11-07, 11-08.
    paused = complaint_decision_due(D(2024, 9, 20), cal, pauses=[(D(2024, 10, 14), D(2024, 10, 15))])
    assert paused == Deadline(D(2024, 11, 8), ())


def test_complaint_filing_limit(cal):
    assert complaint_filing_limit(D(2024, 9, 22), cal).due == D(2024, 10, 8)   # 10-02 holiday → 10-08
    assert complaint_filing_limit(D(2024, 9, 19), cal).due == D(2024, 9, 29)   # Sunday 调休 working day
    # Objection pending 5 days (第60条第2款): 09-12 + 10 + 5 = Friday 09-27.
    assert complaint_filing_limit(D(2024, 9, 12), cal, objection_days=5).due == D(2024, 9, 27)
    # 09-17 + 10 + 5 = 10-02 (holiday) → 10-08.
    assert complaint_filing_limit(D(2024, 9, 17), cal, objection_days=5).due == D(2024, 10, 8)
    with pytest.raises(ValueError, match="objection_days"):
        complaint_filing_limit(D(2024, 9, 17), cal, objection_days=-1)


# --- exact or estimated; user-supplied data for 2027 ------------------------------------------------------------------

# Hypothetical 2027 entries, as a deployment would copy them from the State Council's notice (not the real notice).
HOLIDAYS_2027 = [D(2027, 1, 1), D(2027, 1, 2), D(2027, 1, 3), D(2027, 1, 4)]
WORKDAYS_2027 = [D(2027, 1, 9)]   # a Saturday made a working day


def test_2027_without_data_is_estimated_and_names_the_year(cal):
    # Received Thursday 2026-12-31: for 2027 Monday–Friday less 元旦 assumed: 01-01 Fri off, 01-04 Mon = 1,
    # 01-05 Tue = 2, 01-06 Wed = 3.
    d = complaint_acceptance_due(D(2026, 12, 31), cal)
    assert d == Deadline(D(2027, 1, 6), (2027,))
    assert not d.exact and d.unknown_years == (2027,)
    assert not cal.covers(D(2026, 12, 31), D(2027, 1, 6))
    assert cal.unknown_years(D(2026, 1, 1), D(2028, 6, 1)) == (2027, 2028)
    assert cal.unknown_years(D(2027, 1, 2), D(2027, 1, 1)) == ()   # an empty range decides nothing


def test_2027_with_user_data_is_exact():
    cal = WorkCalendar(holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027)
    # 01-01..04 off (supplied), 01-05 Tue = 1, 01-06 Wed = 2, 01-07 Thu = 3.
    d = complaint_acceptance_due(D(2026, 12, 31), cal)
    assert d == Deadline(D(2027, 1, 7), ()) and d.exact
    assert cal.is_workday(D(2027, 1, 9)) and not cal.is_workday(D(2027, 1, 4))
    # 5 working days from 2027-01-06: 01-07 Thu, 01-08 Fri, 01-09 Sat (supplied 调休), 01-11 Mon, 01-12 Tue.
    assert cal.add_workdays(D(2027, 1, 6), 5) == D(2027, 1, 12)
    assert cal.covers(D(2027, 1, 1), D(2027, 12, 31)) and 2027 in cal.known_years
    assert not cal.covers(D(2027, 12, 1), D(2028, 1, 31))


def test_only_holidays_make_a_year_known():
    # A make-up working day may belong to the next year's notice (the 2012 notice made 2011-12-31 a working day),
    # so supplied workdays alone do not mark their year as known.
    cal = WorkCalendar(workdays=[D(2027, 1, 9)])
    assert cal.is_workday(D(2027, 1, 9)) and not cal.known(D(2027, 1, 9))


def test_exactness_only_looks_at_the_days_that_decide(cal):
    # Calendar-day period: only the nominal last day and the days it rolls over matter.
    # 2026-12-20 + 10 = Wednesday 2026-12-30: known, exact, although nothing about 2027 is known.
    assert calendar_day_deadline(D(2026, 12, 20), 10, cal) == Deadline(D(2026, 12, 30), ())
    # 2026-12-25 + 10 = 2027-01-04 (a Monday, assumed working): estimated.
    assert complaint_filing_limit(D(2026, 12, 25), cal) == Deadline(D(2027, 1, 4), (2027,))
    # Working-day period: the days after start up to the due date; a start in an unknown year does not matter.
    assert workday_deadline(D(2027, 1, 1), 0, cal) == Deadline(D(2027, 1, 1), ())
    assert workday_deadline(D(2026, 12, 28), 3, cal) == Deadline(D(2026, 12, 31), ())


def test_user_data_overrides_the_library():
    # A correction: a deployment declares a library working day a rest day and a library rest day a working day.
    cal = WorkCalendar(holidays=[D(2026, 12, 31)], workdays=[D(2026, 10, 7)])
    assert not cal.is_workday(D(2026, 12, 31)) and cal.is_workday(D(2026, 10, 7))
    assert WorkCalendar().is_workday(D(2026, 12, 31)) and not WorkCalendar().is_workday(D(2026, 10, 7))


def test_same_day_as_holiday_and_workday_is_rejected():
    with pytest.raises(ValueError, match="2027-01-09"):
        WorkCalendar(holidays=[D(2027, 1, 9)], workdays=[D(2027, 1, 9)])


# --- settings ---------------------------------------------------------------------------------------------------------

def test_from_settings_iso_strings_and_toml_dates():
    cal = WorkCalendar.from_settings({"holidays": ["2027-01-01", "2027-01-04", D(2027, 1, 2)],
                                      "workdays": ["2027-01-09"]})
    assert not cal.is_workday(D(2027, 1, 4)) and cal.is_workday(D(2027, 1, 9)) and cal.known(D(2027, 3, 1))
    assert WorkCalendar.from_settings({}).known_years == frozenset(range(2004, 2027))
    assert WorkCalendar.from_settings(None).known_years == frozenset(range(2004, 2027))


@pytest.mark.parametrize("section, message", [
    ({"holidays": ["2027-01-01", "2027-01-02", "2027-01-03", "2027-02-30"]},
     "workdays.holidays[3]: '2027-02-30' is not a date YYYY-MM-DD / 不是有效日期"),
    ({"workdays": ["2027/02/07"]}, "workdays.workdays[0]: '2027/02/07' is not a date YYYY-MM-DD / 不是有效日期"),
    ({"workdays": ["20270207"]}, "workdays.workdays[0]: '20270207' is not a date YYYY-MM-DD / 不是有效日期"),
    ({"holidays": [20270101]}, "workdays.holidays[0]: 20270101 is not a date YYYY-MM-DD / 不是有效日期"),
    ({"holidays": [datetime(2027, 1, 1, 8, 0)]}, "workdays.holidays[0]: datetime.datetime(2027, 1, 1, 8, 0)"),
    ({"holidays": "2027-01-01"}, "workdays.holidays: expected a list of dates"),
    ({"holiday": ["2027-01-01"]}, "workdays.holiday: unknown key"),
    ({"holidays": ["2027-01-01", "2027-01-09"], "workdays": ["2027-01-09"]},
     "workdays.workdays[0]: '2027-01-09' is also workdays.holidays[1]"),
])
def test_from_settings_errors_name_key_position_and_value(section, message):
    with pytest.raises(ValueError) as err:
        WorkCalendar.from_settings(section)
    assert str(err.value).startswith(message)


def test_packaged_settings_have_an_empty_workdays_section():
    settings = load_settings()
    assert settings["workdays"] == {"holidays": [], "workdays": []}
    assert WorkCalendar.from_settings(settings["workdays"]).known_years == frozenset(range(2004, 2027))


def test_deployment_settings_file_supplies_2027(tmp_path):
    path = tmp_path / "deploy.toml"
    path.write_text('[workdays]\nholidays = ["2027-01-01", 2027-01-04]\nworkdays = ["2027-01-09"]\n',
                    encoding="utf-8")
    section = load_settings(path)["workdays"]
    assert section == tomllib.loads(path.read_text(encoding="utf-8"))["workdays"]
    cal = WorkCalendar.from_settings(section)
    assert complaint_acceptance_due(D(2026, 12, 31), cal) == Deadline(D(2027, 1, 7), ())


# --- performance: tables built once per year, chinese_calendar not called per day --------------------------------------

def test_no_per_day_calls_into_chinese_calendar(monkeypatch):
    def forbidden(*args: object) -> bool:
        raise AssertionError("chinese_calendar called per day")

    monkeypatch.setattr(chinese_calendar, "is_workday", forbidden)
    monkeypatch.setattr(chinese_calendar, "is_holiday", forbidden)
    cal = WorkCalendar()
    for k in range(2000):
        start = D(2024, 1, 1) + timedelta(days=k % 700)
        complaint_decision_due(start, cal, pauses=[(start + timedelta(days=3), start + timedelta(days=9))])
        complaint_filing_limit(start, cal, objection_days=k % 7)
    assert set(cal._years) <= {2024, 2025, 2026}   # one table per year touched


def test_deadline_is_hashable_and_frozen():
    d = Deadline(D(2024, 10, 8))
    assert d.exact and hash(d) == hash(Deadline(D(2024, 10, 8), ()))
    with pytest.raises(AttributeError):
        d.due = D(2024, 10, 9)  # type: ignore[misc]


def test_repr():
    assert repr(WorkCalendar(holidays=HOLIDAYS_2027)) == "WorkCalendar(library 2004–2026, +4 holidays, +0 workdays)"


def test_roll_forward_table_is_the_scans_period_rule(cal):
    # The table the scan joins in SQL (indicators/periods.py): every day with the first working day on or after it.
    rows = {day: (due, exact) for day, due, exact in wd.roll_forward_table(D(2024, 9, 28), D(2024, 10, 9), cal)}
    assert len(rows) == 12
    assert rows[D(2024, 9, 29)] == (D(2024, 9, 29), True)      # Sunday 调休: a working day ends a period
    assert rows[D(2024, 10, 2)] == (D(2024, 10, 8), True)       # 民法典 第203条: holiday → next working day
    assert rows[D(2024, 10, 8)] == (D(2024, 10, 8), True)
    # same as calendar_deadline for every day: 30 days after the award of 2024-09-02 → 10-08
    assert rows[D(2024, 9, 2) + timedelta(days=30)][0] == cal.calendar_deadline(D(2024, 9, 2), 30) == D(2024, 10, 8)
    late = wd.roll_forward_table(D(2026, 12, 31), D(2027, 1, 1), cal)
    assert late[0] == (D(2026, 12, 31), D(2026, 12, 31), True)
    assert late[1] == (D(2027, 1, 1), D(2027, 1, 4), False)     # 元旦 and the weekend: estimated
