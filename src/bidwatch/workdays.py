"""Working-day arithmetic for statutory deadlines (法定期限、工作日) under Chinese law.

The official schedule of rest days and make-up working days (调休上班) comes from the State Council's yearly
notice (国务院办公厅关于节假日安排的通知), as bundled in ``chinese_calendar`` (1.11.0 covers 2004–2026), plus
any dates a deployment adds itself (settings section ``[workdays]``) for a year the library does not know yet.

Counting rules
--------------
* 民法典 第201条: a period counted in days starts the day after the event; the day of the event is not counted.
  The same rule is applied to working-day periods: "within N working days of D" ends on the N-th working day
  after D (:meth:`WorkCalendar.add_workdays`).
* 民法典 第203条: if the last day of a period is a statutory rest day (法定休假日: a holiday or a weekend day that
  is not a make-up working day), the period ends on the first working day after it
  (:meth:`WorkCalendar.calendar_deadline`, :meth:`WorkCalendar.roll_forward`).
* 招标投标法实施条例 第61条: time for 检验、检测、鉴定、专家评审 is not counted in the 30 working days: pass it as
  ``pauses``.

Exact and estimated results
---------------------------
:class:`WorkCalendar` methods return plain :class:`datetime.date` values. For a year for which neither the library
nor the deployment has the official schedule, the calendar falls back to Monday–Friday working days less the
fixed-date holidays of 《全国年节及纪念日放假办法》 (1 January; 1 May, with 2 May from 2025 and 2–3 May before 2008;
1–3 October): :func:`fixed_date_holidays`. The lunar holidays (春节、端午、中秋), 清明 and the make-up working days
are only known from the yearly notice, so such a result stays an *estimate*. :meth:`WorkCalendar.known`, :meth:`WorkCalendar.covers` and
:meth:`WorkCalendar.unknown_years` tell whether the schedule was known; the deadline functions
(:func:`workday_deadline`, :func:`calendar_day_deadline` and the statutory helpers such as
:func:`complaint_acceptance_due`) return a :class:`Deadline` that carries this information, naming the years that
were estimated.

Performance
-----------
Each calendar builds, once per year and lazily, a flag per day and the sorted list of the year's working days
(ordinals); the library's own data is read once per year for the whole process. A deadline is then a few bisections
— cheap enough for every row of a list page. Build one calendar per process (e.g. from the settings) and reuse it.

This module is pure Python (no Django).
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import MAXYEAR, date, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

import chinese_calendar  # type: ignore[import-untyped]  # no py.typed in 1.11.0

from bidwatch.i18n import bilingual as _

__all__ = [
    "COMPLAINT_ACCEPTANCE_WORKDAYS",
    "COMPLAINT_DECISION_WORKDAYS",
    "COMPLAINT_FILING_DAYS",
    "LIBRARY_YEARS",
    "Deadline",
    "Pause",
    "WorkCalendar",
    "calendar_day_deadline",
    "complaint_acceptance_due",
    "complaint_decision_due",
    "complaint_filing_limit",
    "fixed_date_holidays",
    "roll_forward_table",
    "workday_deadline",
]

# 招标投标法实施条例 第60条第1款: 投诉 "自知道或者应当知道之日起10日内" — calendar days (日, not 工作日); 第2款: for
# matters that need an objection first (第22、44、54条), 异议答复期间不计算在前款规定的期限内.
COMPLAINT_FILING_DAYS = 10
# 招标投标法实施条例 第61条第2款: 行政监督部门应当自收到投诉之日起3个工作日内决定是否受理投诉.
COMPLAINT_ACCEPTANCE_WORKDAYS = 3
# 招标投标法实施条例 第61条第2款: 并自受理投诉之日起30个工作日内作出书面处理决定; 需要检验、检测、鉴定、专家评审的,
# 所需时间不计算在内.
COMPLAINT_DECISION_WORKDAYS = 30

_LIB_HOLIDAYS: Mapping[date, Any] = chinese_calendar.holidays
_LIB_WORKDAYS: Mapping[date, Any] = chinese_calendar.workdays
# The years chinese_calendar has official data for (the same bounds as its own check, which raises
# NotImplementedError outside them): 2004–2026 for chinese-calendar 1.11.0.
LIBRARY_YEARS: range = range(min(_LIB_HOLIDAYS).year, max(_LIB_HOLIDAYS).year + 1)

Pause = tuple[date, date]
"""A period excluded from a working-day count: ``(first, last)``, both days included."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Deadline:
    """The last day of a statutory period and whether the official holiday schedule was known for it.

    Parameters
    ----------
    due : datetime.date
        The last day of the period (the act is timely if done on or before it).
    unknown_years : tuple of int
        Years whose holiday schedule was not known (neither in ``chinese_calendar`` nor supplied by the
        deployment) for a day that decided the result; for those days Monday–Friday less the fixed-date holidays was
        assumed. Empty when the
        result is exact.

    Examples
    --------
    >>> Deadline(date(2027, 1, 5), (2027,)).exact
    False
    >>> Deadline(date(2024, 10, 8)).exact
    True
    """

    due: date
    unknown_years: tuple[int, ...] = ()

    @property
    def exact(self) -> bool:
        """True when every day that decided ``due`` follows the official schedule (no estimate)."""
        return not self.unknown_years


class _Year(NamedTuple):
    first: int  # ordinal of 1 January
    flags: bytes  # flags[ordinal - first] == 1 for a working day
    ords: tuple[int, ...]  # sorted ordinals of the working days


def _as_date(value: object, what: str = "day") -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"{what}: expected datetime.date, got {type(value).__name__} {value!r}")


def _year_days(year: int) -> tuple[int, int]:
    first = date(year, 1, 1).toordinal()
    return first, date(year, 12, 31).toordinal() - first + 1


def fixed_date_holidays(year: int) -> tuple[date, ...]:
    """The holidays of ``year`` that fall on a fixed Gregorian date under 《全国年节及纪念日放假办法》.

    元旦 1 January; 劳动节 1–3 May (1999 text), 1 May (2007 revision, in force 2008-01-01), 1–2 May (2024 revision,
    国务院令第795号, in force 2025-01-01); 国庆节 1–3 October (every text). 春节、清明、端午、中秋 follow the lunar
    calendar or the solar terms and the make-up working days (调休) are set each year by the State Council's notice,
    so a year known only by these dates is still an estimate.

    Examples
    --------
    >>> [d.isoformat() for d in fixed_date_holidays(2027)]
    ['2027-01-01', '2027-05-01', '2027-05-02', '2027-10-01', '2027-10-02', '2027-10-03']
    """
    may = 3 if year < 2008 else 1 if year < 2025 else 2
    return (date(year, 1, 1), *(date(year, 5, d) for d in range(1, may + 1)),
            *(date(year, 10, d) for d in (1, 2, 3)))


@cache
def _library_flags(year: int) -> bytes:
    """Working-day flags of ``year``: the library's schedule, or for a year it does not cover Monday–Friday less
    the fixed-date holidays (:func:`fixed_date_holidays`)."""
    first, ndays = _year_days(year)
    # date.fromordinal(first).weekday() is 0 for Monday; ordinal 1 (0001-01-01) is a Monday.
    flags = bytearray(1 if (first + i - 1) % 7 < 5 else 0 for i in range(ndays))
    if year not in LIBRARY_YEARS:
        for day in fixed_date_holidays(year):
            flags[day.toordinal() - first] = 0
    else:
        for day in _LIB_HOLIDAYS:
            if day.year == year:
                flags[day.toordinal() - first] = 0
        for day in _LIB_WORKDAYS:
            if day.year == year:
                flags[day.toordinal() - first] = 1
    return bytes(flags)


def _merge_pauses(pauses: Iterable[Pause]) -> list[tuple[int, int]]:
    """Pauses as sorted, disjoint ``(first, last)`` ordinal ranges; overlapping or adjacent ones are merged."""
    spans: list[tuple[int, int]] = []
    for i, pause in enumerate(pauses):
        try:
            first, last = pause
        except (TypeError, ValueError):
            raise ValueError(f"pauses[{i}]: expected a pair (first, last) of dates, got {pause!r}") from None
        a = _as_date(first, f"pauses[{i}][0]").toordinal()
        b = _as_date(last, f"pauses[{i}][1]").toordinal()
        if b < a:
            raise ValueError(_("pauses[%(i)s]: ends before it starts (%(first)s > %(last)s)",
                               i=i, first=first, last=last))
        spans.append((a, b))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1] + 1:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


class WorkCalendar:
    """Working days (工作日) in mainland China: the official schedule plus a deployment's own additions.

    Parameters
    ----------
    holidays : iterable of datetime.date, optional
        Extra rest days (放假), e.g. those of a State Council notice for a year ``chinese_calendar`` does not cover.
    workdays : iterable of datetime.date, optional
        Extra working days, usually weekend days made working days (调休上班).

    Notes
    -----
    * A day is a working day if it is in ``workdays``; else not if it is in ``holidays``; else as the library's
      schedule says; else (a year the library does not cover) if it is Monday–Friday and not a fixed-date holiday
      (:func:`fixed_date_holidays`). Supplied dates thus also
      override the library, so a deployment can correct it. A date in both ``holidays`` and ``workdays`` is a
      ``ValueError``.
    * A year's schedule is *known* when ``chinese_calendar`` covers it (:data:`LIBRARY_YEARS`) or when
      ``holidays`` names at least one day of it. Every notice lists rest days of its own year, whereas one of its
      make-up working days may fall in the previous year (the 2012 notice made Saturday 2011-12-31 a working day),
      so ``workdays`` alone do not make a year known. Enter the whole notice: a partly entered year counts as known.
    * The calendar is immutable; per-year tables are built lazily and cached, so one instance can serve a whole
      process (threads may at worst build a year twice).

    Examples
    --------
    2024 National Day: 10-01..07 off, Sunday 09-29 and Saturday 10-12 were working days.

    >>> cal = WorkCalendar()
    >>> cal.is_workday(date(2024, 9, 29)), cal.is_workday(date(2024, 10, 2))
    (True, False)
    >>> cal.add_workdays(date(2024, 9, 27), 3)
    datetime.date(2024, 10, 8)
    >>> cal.known(date(2026, 12, 31)), cal.known(date(2027, 1, 1))
    (True, False)
    """

    __slots__ = ("_holidays", "_known_years", "_overrides", "_workdays", "_years")

    def __init__(self, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> None:
        extra_holidays = frozenset(_as_date(d, "holidays") for d in holidays)
        extra_workdays = frozenset(_as_date(d, "workdays") for d in workdays)
        both = sorted(extra_holidays & extra_workdays)
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise ValueError(_("both a holiday and a working day: %(days)s", days=listed))
        self._holidays = extra_holidays
        self._workdays = extra_workdays
        overrides: dict[int, list[tuple[date, int]]] = {}
        for d in extra_holidays:
            overrides.setdefault(d.year, []).append((d, 0))
        for d in extra_workdays:
            overrides.setdefault(d.year, []).append((d, 1))
        self._overrides = overrides
        self._known_years = frozenset(LIBRARY_YEARS) | {d.year for d in extra_holidays}
        self._years: dict[int, _Year] = {}

    @classmethod
    def from_settings(cls, section: Mapping[str, Any] | None, *, name: str = "workdays") -> WorkCalendar:
        """Build a calendar from a settings section (``[workdays]`` of ``settings.toml``).

        Parameters
        ----------
        section : mapping or None
            ``{"holidays": [...], "workdays": [...]}``; each item an ISO date string ``"YYYY-MM-DD"`` or a
            :class:`datetime.date` (a TOML date literal). Missing keys mean no extra dates; ``None`` means none.
        name : str
            The section's name, used in error messages.

        Returns
        -------
        WorkCalendar

        Raises
        ------
        ValueError
            For an unknown key, a value that is not a list, an item that is not a valid date, or a date listed
            both as a holiday and as a working day. The message names the key, the position and the value.

        Examples
        --------
        >>> cal = WorkCalendar.from_settings({"holidays": ["2027-01-01"], "workdays": []})
        >>> cal.is_workday(date(2027, 1, 1)), cal.known(date(2027, 6, 1))
        (False, True)
        >>> WorkCalendar.from_settings({"holidays": ["2027-01-01", "2027-02-30"]})
        Traceback (most recent call last):
        ...
        ValueError: workdays.holidays[1]: '2027-02-30' is not a date YYYY-MM-DD / 不是有效日期：workdays.holidays[1] ...
        """
        if section is None:
            return cls()
        if not isinstance(section, Mapping):  # a settings error: ValueError like bidwatch.config
            raise ValueError(  # noqa: TRY004
                _("%(name)s: expected a table with keys holidays, workdays, got %(value)r",
                  name=name, value=section))
        unknown = sorted(set(section) - {"holidays", "workdays"})
        if unknown:
            raise ValueError(_("%(name)s.%(key)s: unknown key (expected holidays, workdays)",
                               name=name, key=unknown[0]))
        lists: dict[str, list[date]] = {}
        for key in ("holidays", "workdays"):
            values = section.get(key, [])
            if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)):
                raise ValueError(  # noqa: TRY004
                    _("%(name)s.%(key)s: expected a list of dates YYYY-MM-DD, got %(value)r",
                      name=name, key=key, value=values))
            days: list[date] = []
            for i, value in enumerate(values):
                day = _parse_setting_date(value)
                if day is None:
                    raise ValueError(_("%(name)s.%(key)s[%(i)s]: %(value)r is not a date YYYY-MM-DD",
                                       name=name, key=key, i=i, value=value))
                days.append(day)
            lists[key] = days
        holiday_at = {day: i for i, day in reversed(list(enumerate(lists["holidays"])))}
        for i, day in enumerate(lists["workdays"]):
            if day in holiday_at:
                raise ValueError(_("%(name)s.workdays[%(i)s]: %(value)r is also %(name)s.holidays[%(j)s]",
                                   name=name, i=i, value=section["workdays"][i], j=holiday_at[day]))
        return cls(holidays=lists["holidays"], workdays=lists["workdays"])

    def __repr__(self) -> str:
        return (f"WorkCalendar(library {LIBRARY_YEARS.start}–{LIBRARY_YEARS.stop - 1}, "
                f"+{len(self._holidays)} holidays, +{len(self._workdays)} workdays)")

    # --- the per-year tables -------------------------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            first, _ = _year_days(year)
            flags = _library_flags(year)
            changes = self._overrides.get(year)
            if changes:
                mutable = bytearray(flags)
                for day, flag in changes:
                    mutable[day.toordinal() - first] = flag
                flags = bytes(mutable)
            ords = tuple(first + i for i, flag in enumerate(flags) if flag)
            table = self._years[year] = _Year(first, flags, ords)
        return table

    def _nth_after(self, o: int, n: int) -> int:
        """Ordinal of the n-th (n >= 1) working day after ordinal ``o``."""
        year = date.fromordinal(o).year
        while True:
            ords = self._year(year).ords
            i = bisect_right(ords, o)
            available = len(ords) - i
            if n <= available:
                return ords[i + n - 1]
            n -= available
            year += 1
            if year > MAXYEAR:
                raise OverflowError("working-day deadline beyond year 9999")

    def _count(self, o1: int, o2: int) -> int:
        """Working days with ordinal in (o1, o2]; requires o1 <= o2."""
        total = 0
        for year in range(date.fromordinal(o1).year, date.fromordinal(o2).year + 1):
            ords = self._year(year).ords
            total += bisect_right(ords, o2) - bisect_right(ords, o1)
        return total

    def _count_unpaused(self, o1: int, o2: int, merged: list[tuple[int, int]]) -> int:
        """Working days in (o1, o2] outside the merged pauses; requires o1 <= o2."""
        total = self._count(o1, o2)
        for a, b in merged:
            lo, hi = max(a - 1, o1), min(b, o2)
            if lo < hi:
                total -= self._count(lo, hi)
        return total

    def _first_on_or_after(self, o: int) -> int:
        year = date.fromordinal(o).year
        while True:
            ords = self._year(year).ords
            i = bisect_left(ords, o)
            if i < len(ords):
                return ords[i]
            year += 1
            if year > MAXYEAR:
                raise OverflowError("no working day before year 10000")

    # --- public API ----------------------------------------------------------------------------------------------

    @property
    def known_years(self) -> frozenset[int]:
        """Years whose official schedule is known: :data:`LIBRARY_YEARS` and the years of supplied holidays."""
        return self._known_years

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day (Monday–Friday less the fixed-date holidays for a year whose schedule is
        unknown).

        Examples
        --------
        >>> cal = WorkCalendar()
        >>> cal.is_workday(date(2025, 1, 26)), cal.is_workday(date(2025, 1, 28))  # 调休上班 Sunday; 春节
        (True, False)
        """
        day = _as_date(day)
        table = self._year(day.year)
        return bool(table.flags[day.toordinal() - table.first])

    def known(self, day: date) -> bool:
        """Whether the official schedule of ``day``'s year is known (else ``is_workday`` is an estimate).

        Examples
        --------
        >>> WorkCalendar().known(date(2026, 5, 1)), WorkCalendar().known(date(2003, 5, 1))
        (True, False)
        """
        return _as_date(day).year in self._known_years

    def unknown_years(self, first: date, last: date) -> tuple[int, ...]:
        """The years of the days in ``[first, last]`` whose schedule is not known, ascending; ``()`` if none.

        An empty range (``last < first``) has no unknown years.

        Examples
        --------
        >>> WorkCalendar().unknown_years(date(2026, 12, 1), date(2028, 1, 2))
        (2027, 2028)
        """
        first, last = _as_date(first, "first"), _as_date(last, "last")
        if last < first:
            return ()
        return tuple(y for y in range(first.year, last.year + 1) if y not in self._known_years)

    def covers(self, first: date, last: date) -> bool:
        """Whether the official schedule is known for every day in ``[first, last]`` (both included).

        Examples
        --------
        >>> WorkCalendar().covers(date(2026, 12, 1), date(2026, 12, 31))
        True
        >>> WorkCalendar().covers(date(2026, 12, 1), date(2027, 1, 31))
        False
        """
        return not self.unknown_years(first, last)

    def add_workdays(self, start: date, n: int, *, pauses: Iterable[Pause] = ()) -> date:
        """The date of the ``n``-th working day after ``start`` ("within n working days of start").

        ``start`` itself is never counted (民法典 第201条), so it may be a holiday; ``n == 0`` returns ``start``.

        Parameters
        ----------
        start : datetime.date
            The event (receipt, acceptance ...).
        n : int
            Number of working days, ``n >= 0``.
        pauses : iterable of (date, date), optional
            Periods not counted (实施条例 第61条: 检验、检测、鉴定、专家评审), each ``(first, last)`` with both days
            included. The working days inside them do not count, which extends the deadline by exactly that many
            working days; rest days inside them change nothing (a weekend pause adds nothing). Overlapping or
            adjacent pauses are merged first, so a day covered by several pauses is excluded once. Parts of a pause
            on or before ``start`` or after the resulting deadline have no effect. The result is never a paused day.

        Returns
        -------
        datetime.date
            A working day (unless ``n == 0``).

        Raises
        ------
        ValueError
            If ``n < 0`` or a pause ends before it starts.

        Examples
        --------
        Spring Festival 2025: 01-28..02-04 off; Sunday 01-26 and Saturday 02-08 working days.

        >>> cal = WorkCalendar()
        >>> cal.add_workdays(date(2025, 1, 24), 3)  # 01-26 Sun, 01-27 Mon, 02-05 Wed
        datetime.date(2025, 2, 5)
        >>> cal.add_workdays(date(2024, 3, 1), 30)
        datetime.date(2024, 4, 15)
        >>> cal.add_workdays(date(2024, 3, 1), 30, pauses=[(date(2024, 3, 11), date(2024, 3, 13))])
        datetime.date(2024, 4, 18)
        """
        start = _as_date(start, "start")
        n = operator.index(n)
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        merged = _merge_pauses(pauses)
        if n == 0:
            return start
        pos, remaining = start.toordinal(), n
        for a, b in merged:
            if b <= pos:
                continue
            a = max(a, pos + 1)
            due = self._nth_after(pos, remaining)
            if due < a:
                return date.fromordinal(due)
            # Fewer than `remaining` working days lie in (pos, a - 1]: count them and skip the pause.
            remaining -= self._count(pos, a - 1)
            pos = b
        return date.fromordinal(self._nth_after(pos, remaining))

    def workdays_between(self, start: date, end: date, *, pauses: Iterable[Pause] = ()) -> int:
        """Working days in ``(start, end]``: ``start`` excluded, ``end`` included.

        It is 0 when ``end == start`` and negative when ``end < start`` (``-workdays_between(end, start)``), so
        ``add_workdays(start, workdays_between(start, d)) == d`` for every working day ``d > start``. Useful as
        "working days used so far" of a running deadline.

        Parameters
        ----------
        start, end : datetime.date
        pauses : iterable of (date, date), optional
            Periods whose working days are not counted (as in :meth:`add_workdays`; overlaps counted once).

        Examples
        --------
        >>> cal = WorkCalendar()
        >>> cal.workdays_between(date(2024, 9, 27), date(2024, 10, 8))  # 09-29 Sun, 09-30, 10-08
        3
        >>> cal.workdays_between(date(2024, 10, 8), date(2024, 9, 27))
        -3
        """
        start, end = _as_date(start, "start"), _as_date(end, "end")
        merged = _merge_pauses(pauses)
        if end < start:
            return -self._count_unpaused(end.toordinal(), start.toordinal(), merged)
        return self._count_unpaused(start.toordinal(), end.toordinal(), merged)

    def roll_forward(self, day: date) -> date:
        """``day`` if it is a working day, else the first working day after it (民法典 第203条).

        Examples
        --------
        >>> WorkCalendar().roll_forward(date(2024, 10, 2))
        datetime.date(2024, 10, 8)
        """
        return date.fromordinal(self._first_on_or_after(_as_date(day).toordinal()))

    def calendar_deadline(self, start: date, days: int) -> date:
        """The last day of a period of ``days`` calendar days (日) after ``start``.

        The period starts the day after ``start`` (民法典 第201条), so its last day is ``start + days``; if that is
        a rest day (holiday or weekend not made a working day) the period ends on the first working day after it
        (民法典 第203条). A weekend day made a working day (调休上班) is not a rest day and ends the period.
        ``days == 0`` gives ``start`` rolled forward the same way.

        Raises
        ------
        ValueError
            If ``days < 0``.

        Examples
        --------
        >>> cal = WorkCalendar()
        >>> cal.calendar_deadline(date(2024, 9, 22), 10)  # 10-02 is National Day → 10-08
        datetime.date(2024, 10, 8)
        >>> cal.calendar_deadline(date(2024, 9, 19), 10)  # Sunday 09-29 was a working day
        datetime.date(2024, 9, 29)
        """
        start = _as_date(start, "start")
        days = operator.index(days)
        if days < 0:
            raise ValueError(f"days must be >= 0, got {days}")
        return self.roll_forward(start + timedelta(days=days))


def _parse_setting_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return None  # a TOML date-time: only plain dates are meant
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- deadlines with their exactness ---------------------------------------------------------------------------------


def workday_deadline(start: date, n: int, cal: WorkCalendar, *, pauses: Iterable[Pause] = ()) -> Deadline:
    """The ``n``-th working day after ``start`` (see :meth:`WorkCalendar.add_workdays`) with its exactness.

    The result is exact when the schedule is known for every day in ``(start, due]`` — the days that were
    counted or skipped; ``start`` itself plays no part.

    Examples
    --------
    >>> cal = WorkCalendar()
    >>> workday_deadline(date(2024, 9, 27), 3, cal)
    Deadline(due=datetime.date(2024, 10, 8), unknown_years=())
    >>> workday_deadline(date(2026, 12, 31), 3, cal)  # 2027 not in the library: 1 January off, then Monday–Friday
    Deadline(due=datetime.date(2027, 1, 6), unknown_years=(2027,))
    """
    start = _as_date(start, "start")
    due = cal.add_workdays(start, n, pauses=pauses)
    return Deadline(due, cal.unknown_years(start + timedelta(days=1), due))


def calendar_day_deadline(start: date, days: int, cal: WorkCalendar) -> Deadline:
    """The last day of ``days`` calendar days after ``start``, rolled forward per 民法典 第203条, with exactness.

    Only the nominal last day ``start + days`` and the days it is rolled forward over decide the result, so
    only their years count for exactness.

    Examples
    --------
    >>> calendar_day_deadline(date(2024, 11, 6), 10, WorkCalendar())  # Saturday 11-16 → Monday 11-18
    Deadline(due=datetime.date(2024, 11, 18), unknown_years=())
    """
    start = _as_date(start, "start")
    due = cal.calendar_deadline(start, days)
    return Deadline(due, cal.unknown_years(start + timedelta(days=operator.index(days)), due))


def complaint_acceptance_due(received_on: date, cal: WorkCalendar) -> Deadline:
    """Last day to decide whether to accept a complaint: 3 working days after receipt (实施条例 第61条第2款).

    Examples
    --------
    >>> complaint_acceptance_due(date(2024, 9, 27), WorkCalendar()).due  # 09-29 Sun 调休, 09-30, 10-08
    datetime.date(2024, 10, 8)
    """
    return workday_deadline(received_on, COMPLAINT_ACCEPTANCE_WORKDAYS, cal)


def complaint_decision_due(accepted_on: date, cal: WorkCalendar, pauses: Iterable[Pause] = ()) -> Deadline:
    """Last day of the written decision on a complaint: 30 working days after acceptance (实施条例 第61条第2款).

    Parameters
    ----------
    accepted_on : datetime.date
        Day the complaint was accepted (受理).
    cal : WorkCalendar
    pauses : iterable of (date, date), optional
        Time for 检验、检测、鉴定、专家评审, which is not counted: each ``(first, last)`` inclusive; the working days
        inside them extend the deadline, overlapping pauses counted once (see :meth:`WorkCalendar.add_workdays`).

    Examples
    --------
    >>> cal = WorkCalendar()
    >>> complaint_decision_due(date(2024, 9, 20), cal).due  # across National Day 2024
    datetime.date(2024, 11, 6)
    >>> complaint_decision_due(date(2024, 9, 20), cal, pauses=[(date(2024, 10, 14), date(2024, 10, 15))]).due
    datetime.date(2024, 11, 8)
    """
    return workday_deadline(accepted_on, COMPLAINT_DECISION_WORKDAYS, cal, pauses=pauses)


def complaint_filing_limit(knew_on: date, cal: WorkCalendar, objection_days: int = 0) -> Deadline:
    """Last day to file a complaint: 10 calendar days after the complainant knew or should have known
    (实施条例 第60条第1款), extended by the days spent waiting for the reply to an objection (异议, 第60条第2款),
    and rolled forward to the next working day if it falls on a rest day (民法典 第203条).

    Parameters
    ----------
    knew_on : datetime.date
        Day the complainant knew or should have known (知道或者应当知道之日); not counted itself.
    cal : WorkCalendar
    objection_days : int, optional
        Calendar days of 异议答复期间 to leave out, ``>= 0``; e.g. ``(reply_received_on - objection_filed_on).days``
        as the case officer determines it.

    Examples
    --------
    >>> cal = WorkCalendar()
    >>> complaint_filing_limit(date(2024, 9, 22), cal).due  # 10-02 National Day → 10-08
    datetime.date(2024, 10, 8)
    >>> complaint_filing_limit(date(2024, 9, 12), cal, objection_days=5).due  # 09-22 + 5 = 09-27 Friday
    datetime.date(2024, 9, 27)
    """
    objection_days = operator.index(objection_days)
    if objection_days < 0:
        raise ValueError(f"objection_days must be >= 0, got {objection_days}")
    return calendar_day_deadline(knew_on, COMPLAINT_FILING_DAYS + objection_days, cal)


def roll_forward_table(first: date, last: date, cal: WorkCalendar) -> list[tuple[date, date, bool]]:
    """``(day, due, exact)`` for every day in ``[first, last]``: ``due`` is ``day`` rolled forward to a working day
    (民法典 第203条, :meth:`WorkCalendar.roll_forward`), ``exact`` whether the schedule of both was known.

    This is the one rule of every calendar-day period in the scan (30 days to the contract, 20 days of bid period,
    5 days of document sale, 3 days of publicity, 5 days to refund the bid bonds): the indicators are SQL, so the
    scan registers this table on the engine for the dates of the dataset and joins the nominal last day
    (``start + days``) to it (:mod:`bidwatch.indicators.periods`). A day's row costs a bisection; ten years are
    3,653 rows.

    Examples
    --------
    >>> roll_forward_table(date(2024, 10, 1), date(2024, 10, 2), WorkCalendar())[0]
    (datetime.date(2024, 10, 1), datetime.date(2024, 10, 8), True)
    """
    first, last = _as_date(first, "first"), _as_date(last, "last")
    rows = []
    for o in range(first.toordinal(), last.toordinal() + 1):
        day = date.fromordinal(o)
        due = date.fromordinal(cal._first_on_or_after(o))  # noqa: SLF001 - same module
        rows.append((day, due, cal.known(day) and cal.known(due)))
    return rows
