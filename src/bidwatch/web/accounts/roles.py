"""What each role may do, in one table, and the row-level scope of department staff.

Every view checks a capability with :func:`can` (or ``@requires``) and narrows its querysets with
the ``scope_*`` helpers, so that the refusal and the filtering come from the same definition.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from bidwatch.web.accounts.models import Role

if TYPE_CHECKING:
    from bidwatch.web.accounts.models import User


class Cap(enum.StrEnum):
    VIEW = "view"  # dashboard, tenders, companies, alerts (department: own sector only)
    IMPORT = "import"  # upload datasets, start scans
    VIEW_IMPORTS = "view_imports"
    TRIAGE = "triage"  # confirm / dismiss alerts (department: own sector only)
    RAISE_CLUE = "raise_clue"
    VIEW_CLUES = "view_clues"  # department: clues of its own unit only
    HANDLE_CLUE = "handle_clue"  # change a clue's status (the assigned unit, or the office)
    VIEW_COMPLAINTS = "view_complaints"  # department: complaints its own unit handles
    HANDLE_COMPLAINT = "handle_complaint"  # register, accept, decide (department: its own unit's)
    VIEW_REGISTRY = "view_registry"  # the sanctions registry (信用惩戒名录), every sector
    MANAGE_REGISTRY = "manage_registry"  # enter and revoke registry entries (联合惩戒 decisions)
    VIEW_REPORTS = "view_reports"  # the campaign report (department: its own sector and unit)
    VIEW_LEDGER = "view_ledger"  # problem and rectification ledger (department: its own unit's problems)
    MANAGE_LEDGER = "manage_ledger"  # list problems; office: close, return, extend; department: start, report done
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"


# Separation of duties: the administrator runs the system (users, imports) but takes no decision
# on alerts; the auditor reads everything and changes nothing. The sanctions registry is kept by
# the campaign office and the discipline commission, who decide on joint punishment; departments
# read it (their own penalty decisions reach it through the office). In the rectification ledger
# the responsible department rectifies and asks for closure (销号); the campaign office verifies,
# closes, returns and extends — nobody closes its own rectification.
ROLE_CAPS: dict[str, frozenset[Cap]] = {
    Role.ADMIN: frozenset({Cap.VIEW, Cap.IMPORT, Cap.VIEW_IMPORTS, Cap.VIEW_AUDIT, Cap.MANAGE_USERS}),
    Role.OFFICE: frozenset(
        {Cap.VIEW, Cap.IMPORT, Cap.VIEW_IMPORTS, Cap.TRIAGE, Cap.RAISE_CLUE, Cap.VIEW_CLUES, Cap.HANDLE_CLUE,
         Cap.VIEW_COMPLAINTS, Cap.HANDLE_COMPLAINT, Cap.VIEW_REGISTRY, Cap.MANAGE_REGISTRY, Cap.VIEW_REPORTS,
         Cap.VIEW_LEDGER, Cap.MANAGE_LEDGER}
    ),
    Role.DISCIPLINE: frozenset(
        {Cap.VIEW, Cap.VIEW_IMPORTS, Cap.RAISE_CLUE, Cap.VIEW_CLUES, Cap.HANDLE_CLUE, Cap.VIEW_AUDIT,
         Cap.VIEW_COMPLAINTS, Cap.VIEW_REGISTRY, Cap.MANAGE_REGISTRY, Cap.VIEW_REPORTS, Cap.VIEW_LEDGER}
    ),
    Role.DEPARTMENT: frozenset({Cap.VIEW, Cap.TRIAGE, Cap.RAISE_CLUE, Cap.VIEW_CLUES, Cap.HANDLE_CLUE,
                                Cap.VIEW_COMPLAINTS, Cap.HANDLE_COMPLAINT, Cap.VIEW_REGISTRY, Cap.VIEW_REPORTS,
                                Cap.VIEW_LEDGER, Cap.MANAGE_LEDGER}),
    Role.AUDITOR: frozenset({Cap.VIEW, Cap.VIEW_IMPORTS, Cap.VIEW_CLUES, Cap.VIEW_AUDIT, Cap.VIEW_COMPLAINTS,
                             Cap.VIEW_REGISTRY, Cap.VIEW_REPORTS, Cap.VIEW_LEDGER}),
}


def caps(user: User) -> frozenset[Cap]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return ROLE_CAPS.get(user.role, frozenset())


def can(user: User, cap: Cap) -> bool:
    return cap in caps(user)


def is_sector_scoped(user: User) -> bool:
    """Department staff only see their own sector's tenders and alerts."""
    return user.role == Role.DEPARTMENT


def sector_allowed(user: User, sector: str | None) -> bool:
    if not is_sector_scoped(user):
        return True
    return bool(user.sector) and (sector or "other") == user.sector
