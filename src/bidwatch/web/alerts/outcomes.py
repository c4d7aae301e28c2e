"""Case outcomes (issue 16 item 4): a clue's disposition (了结, 暂存待查, 初步核实, 立案 with the case's record), the
decisions taken on its case (administrative penalties, party-discipline and government sanctions, measures on
evaluation experts) with their document number and date, and a decision's joint-punishment proposal, which the
registry's keepers approve into the sanctions registry (:mod:`bidwatch.web.credit`) — and from there into the
next import or rescan (:mod:`bidwatch.web.credit.feed`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bidwatch.web.accounts.models import Agency
from bidwatch.web.alerts.models import CaseRecord, Clue, Decision, Disposition
from bidwatch.web.alerts.workflow import DECISION_WORKFLOW, WORKFLOW, has_case
from bidwatch.web.workflow.checks import not_before, required

#: the registry measure a decision's measure proposes by default (the data contract's enumeration)
REGISTRY_MEASURE = {
    Decision.Measure.SUSPENSION: "debarment", Decision.Measure.FINE: "penalty",
    Decision.Measure.CONFISCATION: "penalty", Decision.Measure.LICENCE: "penalty",
    Decision.Measure.EXPERT_SUSPENDED: "expert_suspended", Decision.Measure.EXPERT_REMOVED: "expert_removed",
}
#: the decision's measures that only a decision on an evaluation expert takes
EXPERT_ONLY = (Decision.Measure.EXPERT_SUSPENDED, Decision.Measure.EXPERT_REMOVED)


def _check_expert(kind: str, measure: str, company_id: str, uscc: str, person_id: str, end_on: dt.date | None,
                  start_on: dt.date | None, registry_measure: str) -> None:
    """A decision on an evaluation expert (实施条例 第71–72条) names the expert by the ID the datasets give the expert
    (``experts.expert_id``, the registry's person ID), not a company; a suspension runs for a period, a removal
    has no end."""
    from bidwatch.web.credit.models import RegistryEntry

    if (measure in EXPERT_ONLY or registry_measure in RegistryEntry.EXPERT_MEASURES) and kind != Decision.Kind.EXPERT:
        raise ValueError(_("a suspension or removal of an evaluation expert is a decision on an evaluation expert"))
    if kind != Decision.Kind.EXPERT:
        return
    if not person_id.strip():
        raise ValueError(_("a decision on an evaluation expert needs the expert's ID (person ID)"))
    if company_id.strip() or uscc.strip():
        raise ValueError(_("a decision on an evaluation expert names the expert, not a company"))
    if measure == Decision.Measure.EXPERT_SUSPENDED and not (start_on and end_on):
        raise ValueError(_("a suspension from evaluating needs its period"))
    if measure == Decision.Measure.EXPERT_REMOVED and end_on:
        raise ValueError(_("a removal from the evaluation-expert pool has no end date"))


def _log(clue: Clue, user: Any, step: str, note: str, request: Any, **detail: Any) -> None:
    from bidwatch.web.alerts.services import _log as log_clue

    log_clue(clue, user, step, note, request, **detail)


def _taken_over_on(clue: Clue) -> dt.date | None:
    """The day the clue's assigned unit took it over from the last transfer it accepted (None: raised with it)."""
    from bidwatch.web.alerts.models import Transfer

    return (clue.transfers.filter(status=Transfer.Status.ACCEPTED, to_unit=clue.assigned_unit_id)
            .order_by("-answered_on").values_list("answered_on", flat=True).first())


def check_uscc(uscc: str) -> None:
    """A unified social credit code given is a valid one (GB 32100-2015), as the registry's own form requires: a
    proposal with a wrong code could never be approved into the registry."""
    from bidwatch.contract.values import uscc_valid

    code = uscc.strip().upper()
    if code and not uscc_valid(code):
        raise ValueError(_("Not a valid unified social credit code: 18 characters with a correct check "
                           "character (GB 32100-2015)."))


@transaction.atomic
def dispose(clue: Clue, user: Any, on: dt.date, disposition: str, note: str = "", case_kind: str = "",
            case_number: str = "", authority: Agency | None = None, summary: str = "", *,
            request: Any = None) -> Clue:
    WORKFLOW.begin(clue, user, "dispose")
    if disposition not in Disposition.values:
        raise ValueError(f"unknown disposition {disposition!r}")
    if has_case(clue):
        raise ValueError(_("a case is open on this clue"))
    taken_over = _taken_over_on(clue)
    not_before(on, taken_over, _("the clue cannot be disposed of before the assigned unit took it over from the "
                                 "transfer (%(day)s)") % {"day": taken_over}, dates=False)
    if disposition == Disposition.CASE:
        if not (case_kind and case_number.strip() and authority is not None):
            raise ValueError(_("a case needs its kind, number and authority"))
        CaseRecord.objects.create(clue=clue, kind=case_kind, number=case_number.strip(), opened_on=on,
                                  authority=authority, summary=summary.strip())
    previous = clue.status
    clue.disposition = disposition
    if disposition == Disposition.CLOSED:
        clue.status = Clue.Status.CLOSED
    elif disposition in (Disposition.PRELIMINARY, Disposition.CASE):
        clue.status = Clue.Status.IN_PROGRESS
    clue.save(update_fields=["disposition", "status", "updated_at"])
    _log(clue, user, "dispose", note.strip() or str(Disposition(disposition).label), request, previous=previous,
         status=clue.status, disposition=disposition, on=str(on),
         case=case_number.strip() if disposition == Disposition.CASE else None)
    return clue


@transaction.atomic
def record_decision(clue: Clue, user: Any, on: dt.date, kind: str, measure: str, number: str, authority: str,
                    subject_name: str, text: str, company_id: str = "", uscc: str = "", person_id: str = "",
                    amount: Decimal | None = None, start_on: dt.date | None = None, end_on: dt.date | None = None,
                    legal_basis: str = "", propose: bool = False, registry_measure: str = "", *,
                    request: Any = None) -> Decision:
    """A decision on the clue's case (立案 first); ``propose`` asks for a joint-punishment registry entry."""
    WORKFLOW.begin(clue, user, "decide")
    if not has_case(clue):
        raise ValueError(_("open a case first"))
    if not (number.strip() and text.strip() and subject_name.strip()):
        raise ValueError(_("a decision needs its number, subject and text"))
    opened = clue.case.opened_on
    not_before(on, opened, _("the decision cannot be dated before the case was opened (%(day)s)") % {"day": opened},
               dates=False)
    if amount is not None and amount < 0:
        raise ValueError(_("the amount cannot be negative"))
    check_uscc(uscc)
    if clue.decisions.filter(number=number.strip()).exists():
        raise ValueError(_("a decision with the number %(number)s is already recorded on this clue")
                         % {"number": number.strip()})
    if start_on and end_on and end_on < start_on:
        raise ValueError(_("the measure ends before it starts"))
    if measure == Decision.Measure.SUSPENSION and not (start_on and end_on):
        raise ValueError(_("a suspension of bidding eligibility needs its period"))
    _check_expert(kind, measure, company_id, uscc, person_id, end_on, start_on, registry_measure)
    if propose and not (company_id.strip() or uscc.strip() or person_id.strip()):
        raise ValueError(_("a registry entry needs a company ID, a credit code or a person ID"))
    d = Decision.objects.create(
        clue=clue, kind=kind, measure=measure, number=number.strip(), decided_on=on, authority=authority.strip(),
        company_id=company_id.strip(), uscc=uscc.strip().upper(), person_id=person_id.strip(),
        subject_name=subject_name.strip(), amount=amount, start_on=start_on, end_on=end_on, text=text.strip(),
        legal_basis=legal_basis.strip(), recorded_by=user,
        proposal=Decision.Proposal.PROPOSED if propose else Decision.Proposal.NONE,
        registry_measure=(registry_measure or REGISTRY_MEASURE.get(Decision.Measure(measure), "other")) if propose else "",
    )
    _log(clue, user, "decide", f"{d.number} {d.subject_name}：{d.get_measure_display()}", request,
         decision=d.pk, kind=kind, measure=measure, proposed=propose)
    DECISION_WORKFLOW.log(d, user, "record", d.text[:200], request, clue=clue.pk, kind=kind, measure=measure,
                          proposal=d.proposal)
    return d


@transaction.atomic
def tag_organised_crime(clue: Clue, user: Any, on: dt.date, organised_crime: bool, note: str = "", *,
                        request: Any = None) -> Clue:
    WORKFLOW.begin(clue, user, "tag")
    if clue.organised_crime == organised_crime:
        raise ValueError(_("the tag is already so"))
    clue.organised_crime = organised_crime
    clue.save(update_fields=["organised_crime", "updated_at"])
    _log(clue, user, "tag", note.strip(), request, organised_crime=organised_crime, on=str(on))
    return clue


@transaction.atomic
def approve_proposal(d: Decision, user: Any, on: dt.date, note: str = "", *, request: Any = None) -> Decision:
    """Enter the proposed joint punishment in the sanctions registry (its own history and audit entry too)."""
    from bidwatch.web.credit import services as registry

    DECISION_WORKFLOW.begin(d, user, "approve")
    not_before(on, d.decided_on, _("the proposal cannot be approved before the decision was taken (%(day)s)")
               % {"day": d.decided_on}, dates=False)
    try:
        entry = registry.record_entry(
            user, request=request, company_id=d.company_id, uscc=d.uscc, person_id=d.person_id,
            company_name=d.subject_name if (d.company_id or d.uscc) else "",
            person_name=d.subject_name if d.person_id and not (d.company_id or d.uscc) else "",
            measure=d.registry_measure,
            authority=d.authority, document_number=d.number, reason=d.text, legal_basis=d.legal_basis,
            start_on=d.start_on or d.decided_on, end_on=d.end_on, source=f"处理决定 {d.number}")
    except ValidationError as exc:
        raise ValueError("; ".join(str(m) for ms in exc.message_dict.values() for m in ms)) from exc
    d.proposal, d.registry_entry = Decision.Proposal.APPROVED, entry
    return DECISION_WORKFLOW.finish(d, user, "approve", note.strip(), request, fields=["proposal", "registry_entry"],
                                    sanction_id=entry.public_id, on=str(on))


@transaction.atomic
def reject_proposal(d: Decision, user: Any, on: dt.date, reason: str, *, request: Any = None) -> Decision:
    DECISION_WORKFLOW.begin(d, user, "reject")
    reason = required(reason, _("say why"))
    not_before(on, d.decided_on, _("the proposal cannot be decided on before the decision was taken (%(day)s)")
               % {"day": d.decided_on}, dates=False)
    d.proposal = Decision.Proposal.REJECTED
    return DECISION_WORKFLOW.finish(d, user, "reject", reason, request, fields=["proposal"], on=str(on))
