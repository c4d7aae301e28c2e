"""Every change to a user is audited (who, from where, what changed), and a password set by someone
else — an administrator's reset, or a new account — must be replaced by the user at the next login.

Separation of duties: an administrator who resets a password and logs in with it leaves two entries
(the reset, by the administrator; then the forced change, by the user's session), both in the log the
auditor reads. A password set from the command line (``seed``, ``changepassword``: whoever runs them
owns the server) is audited without forcing a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import current_actor, record

#: The fields that say who a user is and what they may do.
TRACKED = ("username", "role", "office_head", "agency_id", "is_active", "is_staff", "is_superuser",
           "must_change_password")


@dataclass
class Pending:
    created: bool
    changes: dict[str, list[Any]] = field(default_factory=dict)
    password: str = ""  # "", "reset" (by someone else), "changed" (by the user), "set" (command line)
    actor: Any = None
    request: Any = None


def _agency_code(pk: Any) -> Any:
    from bidwatch.web.accounts.models import Agency

    return Agency.objects.filter(pk=pk).values_list("code", flat=True).first() if pk else None


def before_save(user: Any, kwargs: dict[str, Any]) -> Pending | None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return None
    if update_fields is not None and list(update_fields) == ["password"]:
        return None  # the hash upgraded at login (check_password): the same password
    old = type(user).objects.filter(pk=user.pk).values(*TRACKED, "password").first() if user.pk else None
    actor, request = current_actor()
    pending = Pending(created=old is None, actor=actor, request=request)
    if (old is None and user.password) or (old is not None and old["password"] != user.password):
        by_other = actor is not None and actor.pk != user.pk
        pending.password = "reset" if by_other else "changed" if actor is not None else "set"
        user.must_change_password = by_other and user.has_usable_password()
        if update_fields is not None and "must_change_password" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "must_change_password"]
    for name in TRACKED:
        before, after = (old or {}).get(name), getattr(user, name)
        if old is None or before != after:
            if name == "agency_id":
                name, before, after = "agency", _agency_code(before), _agency_code(after)
            if old is not None or after not in (None, "", False):
                pending.changes[name] = [before, after]
    return pending


def after_save(user: Any, pending: Pending | None) -> None:
    if pending is None or not (pending.created or pending.changes or pending.password):
        return
    op = "create" if pending.created else "change"
    record(pending.actor, AuditEntry.Action.USER, user, request=pending.request, op=op, user=user.username,
           changes=pending.changes or None, password=pending.password or None,
           must_change_password=user.must_change_password or None)


def deleted(user: Any) -> None:
    actor, request = current_actor()
    record(actor, AuditEntry.Action.USER, user, request=request, op="delete", user=user.username,
           role=user.role, agency=_agency_code(user.agency_id))
