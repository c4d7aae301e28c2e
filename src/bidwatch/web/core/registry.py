"""Where apps contribute to pages they do not own. An app registers in its ``AppConfig.ready``::

    from bidwatch.web.core.registry import Reminder, register_reminder
    register_reminder(Reminder("complaints", Cap.VIEW_COMPLAINTS, services.reminders, "complaints/_reminder.html"))

The dashboard (``core.views.dashboard``) then shows every reminder and card the user's role may see, without
importing the apps. A reminder's template gets ``r`` (its counts); a card's context is merged into the page's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bidwatch.web.accounts.roles import Cap, can


@dataclass(frozen=True)
class Reminder:
    key: str
    cap: Cap  #: who sees it
    counts: Callable[[Any], dict[str, int]]  #: the user's counts (overdue, soon, ...)
    template: str
    order: int = 100


@dataclass(frozen=True)
class Card:
    key: str
    cap: Cap
    context: Callable[[Any], dict[str, Any]]  #: from the request
    template: str
    order: int = 100
    scripts: tuple[str, ...] = field(default=())  #: static files the card needs


REMINDERS: dict[str, Reminder] = {}
CARDS: dict[str, Card] = {}


def register_reminder(reminder: Reminder) -> None:
    REMINDERS[reminder.key] = reminder


def register_card(card: Card) -> None:
    CARDS[card.key] = card


def reminders_for(user: Any) -> list[tuple[Reminder, dict[str, int]]]:
    """Not cached: a deadline passes at midnight, not when the data changes."""
    mine = sorted((r for r in REMINDERS.values() if can(user, r.cap)), key=lambda r: (r.order, r.key))
    return [(r, r.counts(user)) for r in mine]


def cards_for(request: Any) -> list[Card]:
    return sorted((c for c in CARDS.values() if can(request.user, c.cap)), key=lambda c: (c.order, c.key))
