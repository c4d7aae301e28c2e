"""A case's statutory clock: which date field is due in which state, how many working days ahead is
"due soon", and what stops the clock. One definition answers the page (:meth:`Clock.state`), the
list filters (:meth:`overdue_q`, :meth:`due_soon_q`) and the dashboard reminders (:meth:`reminders`).
Working days come from :mod:`bidwatch.workdays` through :func:`bidwatch.web.deadlines.calendar`."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from bidwatch.web.deadlines import calendar, today


@dataclass(frozen=True)
class Clock:
    #: state -> the date field due in that state
    due: dict[str, str]
    soon_workdays: int
    state_field: str = "status"
    #: objects whose clock is stopped (a Q over the case model; a join may repeat rows: counts use distinct)
    paused_q: Q | None = None
    #: the same for one object (it may use prefetched rows)
    paused: Callable[[Any], bool] = lambda obj: False
    #: whether the due date is exact (the holiday schedule of every year it spans was known); None: the
    #: calendar covers today .. due
    exact: Callable[[Any], bool] | None = None

    def due_on(self, obj: Any) -> dt.date | None:
        name = self.due.get(str(getattr(obj, self.state_field)))
        return getattr(obj, name) if name else None

    def state(self, obj: Any, on: dt.date | None = None) -> dict[str, Any]:
        """What a page says about the current deadline (``workflow/_deadline.html``)."""
        on = on or today()
        due = self.due_on(obj)
        if due is None:
            return {"due": None}
        cal = calendar()
        paused = self.paused(obj)
        left = cal.workdays_between(on, due) if due >= on else -cal.workdays_between(due, on)
        exact = self.exact(obj) if self.exact else cal.covers(min(on, due), max(on, due))
        return {"due": due, "left": left, "late_by": max(-left, 0), "overdue": due < on and not paused,
                "paused": paused, "soon": not paused and on <= due and left <= self.soon_workdays, "exact": exact}

    def _by_state(self, lookups: Callable[[str], dict[str, Any]]) -> Q:
        """OR over the states: the state, and the lookups on the field due in it."""
        return functools.reduce(operator.or_, (Q(**{self.state_field: s}, **lookups(f)) for s, f in self.due.items()))

    def overdue_q(self, on: dt.date) -> Q:
        q = self._by_state(lambda f: {f"{f}__lt": on})
        return q & ~self.paused_q if self.paused_q is not None else q

    def due_soon_q(self, on: dt.date) -> Q:
        limit = calendar().add_workdays(on, self.soon_workdays)
        return self._by_state(lambda f: {f"{f}__gte": on, f"{f}__lte": limit})

    def overdue(self, qs: QuerySet[Any], on: dt.date) -> QuerySet[Any]:
        qs = qs.filter(self.overdue_q(on))
        return qs.distinct() if self.paused_q is not None else qs

    def due_soon(self, qs: QuerySet[Any], on: dt.date) -> QuerySet[Any]:
        return qs.filter(self.due_soon_q(on)).exclude(self.overdue_q(on)).distinct()

    def filter(self, qs: QuerySet[Any], state: str, on: dt.date) -> QuerySet[Any]:
        """A list's deadline filter: "open" (a clock runs), "overdue", "soon"; anything else leaves ``qs``."""
        if state == "open":
            return qs.filter(**{f"{self.state_field}__in": list(self.due)})
        if state == "overdue":
            return self.overdue(qs, on)
        if state == "soon":
            return self.due_soon(qs, on)
        return qs

    def reminders(self, qs: QuerySet[Any], on: dt.date | None = None, *, with_open: bool = False) -> dict[str, int]:
        """Open cases of ``qs`` past their deadline, and due soon; ``with_open``: first, the cases whose clock
        runs ("open", the list filter's)."""
        on = on or today()
        opened = {"open": self.filter(qs, "open", on).count()} if with_open else {}
        return {**opened, "overdue": self.overdue(qs, on).count(), "soon": self.due_soon(qs, on).count()}
