"""What each role may do, in one table, and the row-level scope of department staff.

Every view checks a capability with :func:`can` (or ``@requires``) and narrows its querysets with
the ``scope_*`` helpers, so that the refusal and the filtering come from the same definition.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

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
    VIEW_SUPERVISION = "view_supervision"  # campaigns, orders, talks, assessment (department: what concerns its unit)
    SUPERVISE = "supervise"  # issue supervision orders (督办) and hold talks (约谈): office, discipline commission
    ANSWER_SUPERVISION = "answer_supervision"  # a unit answers the orders addressed to it
    RUN_CAMPAIGN = "run_campaign"  # campaigns, stages, assessment scheme and adjustments: the office alone
    APPROVE_BULLETIN = "approve_bulletin"  # approve or return a bulletin (通报): the office head (专治办主任) alone
    VIEW_TIPOFFS = "view_tipoffs"  # reports from the public (举报), without the reporter's identity
    HANDLE_TIPOFF = "handle_tipoff"  # register, accept, answer, make a clue or a complaint, close
    VIEW_REPORTER = "view_reporter"  # decrypt a reporter's name and contact (each view audited)
    VIEW_INTERFERENCE = "view_interference"  # the interference register (干预插手记录): department: own unit's
    RECORD_INTERFERENCE = "record_interference"  # record an intervention (reported to the commission at once)
    VIEW_REVIEWS = "view_reviews"  # pre-tender reviews (标前审查); department: its own unit's
    SUBMIT_REVIEW = "submit_review"  # department: upload draft tender documents and their revisions
    DECIDE_REVIEW = "decide_review"  # office: review, record opinions, decide, file (备案)
    VIEW_AUDIT = "view_audit"
    VIEW_BID_FILES = "view_bid_files"  # bid-file comparisons (department: tenders of its own sector)
    COMPARE_BID_FILES = "compare_bid_files"  # upload a tender's bid files for comparison (department: own sector)
    MANAGE_USERS = "manage_users"


#: What each capability lets a user do, as the profile page says it
CAP_LABELS: dict[Cap, Any] = {
    Cap.VIEW: _("See the dashboard, tenders, companies and alerts"),
    Cap.IMPORT: _("Upload datasets and start scans"),
    Cap.VIEW_IMPORTS: _("See the imports and scans"),
    Cap.TRIAGE: _("Confirm or dismiss alerts"),
    Cap.RAISE_CLUE: _("Raise problem clues"),
    Cap.VIEW_CLUES: _("See problem clues"),
    Cap.HANDLE_CLUE: _("Handle clues: transfer, consult, dispose"),
    Cap.VIEW_COMPLAINTS: _("See complaints"),
    Cap.HANDLE_COMPLAINT: _("Register and decide complaints"),
    Cap.VIEW_REGISTRY: _("See the sanctions registry"),
    Cap.MANAGE_REGISTRY: _("Enter and revoke registry entries"),
    Cap.VIEW_REPORTS: _("See the campaign reports"),
    Cap.VIEW_LEDGER: _("See the problem and rectification ledger"),
    Cap.MANAGE_LEDGER: _("List problems and report their rectification"),
    Cap.VIEW_SUPERVISION: _("See campaigns, supervision orders, talks and assessment"),
    Cap.SUPERVISE: _("Issue supervision orders and hold talks"),
    Cap.ANSWER_SUPERVISION: _("Answer the supervision orders addressed to the unit"),
    Cap.RUN_CAMPAIGN: _("Run the campaign: stages, assessment scheme"),
    Cap.APPROVE_BULLETIN: _("Approve bulletins"),
    Cap.VIEW_TIPOFFS: _("See reports from the public"),
    Cap.HANDLE_TIPOFF: _("Handle reports from the public"),
    Cap.VIEW_REPORTER: _("See a reporter's identity (each view recorded)"),
    Cap.VIEW_INTERFERENCE: _("See the interference register"),
    Cap.RECORD_INTERFERENCE: _("Record an interference"),
    Cap.VIEW_REVIEWS: _("See pre-tender reviews"),
    Cap.SUBMIT_REVIEW: _("Submit draft tender documents for review"),
    Cap.DECIDE_REVIEW: _("Review and decide on tender documents"),
    Cap.VIEW_AUDIT: _("See the audit log"),
    Cap.VIEW_BID_FILES: _("See bid-file comparisons"),
    Cap.COMPARE_BID_FILES: _("Compare a tender's bid files"),
    Cap.MANAGE_USERS: _("Manage users"),
}


# Separation of duties: the administrator runs the system (users, imports) but takes no decision
# on alerts; the auditor reads everything and changes nothing. The sanctions registry is kept by
# the campaign office and the discipline commission, who decide on joint punishment; departments
# read it (their own penalty decisions reach it through the office). In the rectification ledger
# the responsible department rectifies and asks for closure (销号); the campaign office verifies,
# closes, returns and extends — nobody closes its own rectification. Bidders' files (their business
# secrets and the evidence of a collusion case) are compared by the office, the discipline commission
# and the sector's department; the auditor reads the comparisons; the administrator sees none. Reports
# from the public (举报) are handled by the office and the discipline commission, who alone may see who
# reported (each view audited); the auditors read the reports without the reporter; departments see only
# what is made a clue or complaint. Pre-tender review (标前审查):
# the department uploads its sector's draft tender documents, the office reviews and files them, the auditor reads.
ROLE_CAPS: dict[str, frozenset[Cap]] = {
    Role.ADMIN: frozenset({Cap.VIEW, Cap.IMPORT, Cap.VIEW_IMPORTS, Cap.VIEW_AUDIT, Cap.MANAGE_USERS}),
    Role.OFFICE: frozenset(
        {Cap.VIEW, Cap.IMPORT, Cap.VIEW_IMPORTS, Cap.TRIAGE, Cap.RAISE_CLUE, Cap.VIEW_CLUES, Cap.HANDLE_CLUE,
         Cap.VIEW_COMPLAINTS, Cap.HANDLE_COMPLAINT, Cap.VIEW_REGISTRY, Cap.MANAGE_REGISTRY, Cap.VIEW_REPORTS,
         Cap.VIEW_LEDGER, Cap.MANAGE_LEDGER, Cap.VIEW_BID_FILES, Cap.COMPARE_BID_FILES, Cap.VIEW_SUPERVISION,
         Cap.SUPERVISE, Cap.RUN_CAMPAIGN, Cap.VIEW_TIPOFFS, Cap.HANDLE_TIPOFF, Cap.VIEW_REPORTER,
         Cap.VIEW_INTERFERENCE, Cap.RECORD_INTERFERENCE, Cap.VIEW_REVIEWS, Cap.DECIDE_REVIEW}
    ),
    Role.DISCIPLINE: frozenset(
        {Cap.VIEW, Cap.VIEW_IMPORTS, Cap.RAISE_CLUE, Cap.VIEW_CLUES, Cap.HANDLE_CLUE, Cap.VIEW_AUDIT,
         Cap.VIEW_COMPLAINTS, Cap.VIEW_REGISTRY, Cap.MANAGE_REGISTRY, Cap.VIEW_REPORTS, Cap.VIEW_LEDGER,
         Cap.VIEW_BID_FILES, Cap.COMPARE_BID_FILES, Cap.VIEW_SUPERVISION, Cap.SUPERVISE, Cap.VIEW_TIPOFFS,
         Cap.HANDLE_TIPOFF, Cap.VIEW_REPORTER, Cap.VIEW_INTERFERENCE, Cap.RECORD_INTERFERENCE}
    ),
    Role.DEPARTMENT: frozenset({Cap.VIEW, Cap.TRIAGE, Cap.RAISE_CLUE, Cap.VIEW_CLUES, Cap.HANDLE_CLUE,
                                Cap.VIEW_COMPLAINTS, Cap.HANDLE_COMPLAINT, Cap.VIEW_REGISTRY, Cap.VIEW_REPORTS,
                                Cap.VIEW_LEDGER, Cap.MANAGE_LEDGER, Cap.VIEW_BID_FILES, Cap.COMPARE_BID_FILES,
                                Cap.VIEW_SUPERVISION, Cap.ANSWER_SUPERVISION, Cap.VIEW_INTERFERENCE,
                                Cap.RECORD_INTERFERENCE, Cap.VIEW_REVIEWS, Cap.SUBMIT_REVIEW}),
    Role.AUDITOR: frozenset({Cap.VIEW, Cap.VIEW_IMPORTS, Cap.VIEW_CLUES, Cap.VIEW_AUDIT, Cap.VIEW_COMPLAINTS,
                             Cap.VIEW_REGISTRY, Cap.VIEW_REPORTS, Cap.VIEW_LEDGER, Cap.VIEW_BID_FILES,
                             Cap.VIEW_SUPERVISION, Cap.VIEW_TIPOFFS, Cap.VIEW_REVIEWS}),
}


#: What the head of the campaign office (专治办主任: an office user with ``User.office_head``) may do on top of
#: the office's capabilities: approve the bulletins (通报) the office drafts (issue 15 item 6).
HEAD_CAPS: frozenset[Cap] = frozenset({Cap.APPROVE_BULLETIN})


def caps(user: User) -> frozenset[Cap]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    have = ROLE_CAPS.get(user.role, frozenset())
    if user.role == Role.OFFICE and getattr(user, "office_head", False):
        have = have | HEAD_CAPS
    return have


def can(user: User, cap: Cap) -> bool:
    return cap in caps(user)


def is_sector_scoped(user: User) -> bool:
    """Department staff only see their own sector's tenders and alerts."""
    return user.role == Role.DEPARTMENT


def sector_allowed(user: User, sector: str | None) -> bool:
    if not is_sector_scoped(user):
        return True
    return bool(user.sector) and (sector or "other") == user.sector
