"""Which objects take attachments, who sees them (and so their files) and who may add to them. One table: the
download and the upload ask it, never the object's app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from bidwatch.web.accounts.roles import Cap, can


@dataclass(frozen=True)
class Kind:
    visible: Callable[[Any], QuerySet[Any]]  #: the user's visible objects of this kind
    may_add: Callable[[Any, Any], bool]  #: may the user attach a file to this object (which they see)


def _kinds() -> dict[str, Kind]:
    from bidwatch.web.alerts import workflow as clues
    from bidwatch.web.alerts.models import CaseRecord
    from bidwatch.web.tipoffs import workflow as tipoffs

    def clue_handler(user: Any, clue: Any) -> bool:
        return bool(clues.handles(user, clue) and can(user, Cap.HANDLE_CLUE))

    return {
        "tipoffs.tipoff": Kind(tipoffs.visible, lambda u, t: can(u, Cap.HANDLE_TIPOFF)),
        "alerts.clue": Kind(clues.visible, clue_handler),
        "alerts.caserecord": Kind(lambda u: CaseRecord.objects.filter(clue__in=clues.visible(u)),
                                  lambda u, c: clue_handler(u, c.clue)),
        "alerts.decision": Kind(clues.visible_decisions, lambda u, d: clue_handler(u, d.clue)),
    }


def kind_of(obj: Model) -> str:
    return obj._meta.label_lower


def get(object_type: str) -> Kind | None:
    return _kinds().get(object_type)


def find(user: Any, object_type: str, object_id: Any) -> Any | None:
    """The object if the user may see it, else None."""
    kind = get(object_type)
    if kind is None:
        return None
    return kind.visible(user).filter(pk=object_id).first()
