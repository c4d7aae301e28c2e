"""Report (举报) steps — register, submit (the reporter's own intake), accept, refuse, extend, answer, make a
clue, make a complaint, close — each writing the report, its history and the audit entry in one transaction;
and the reporter's identity, decrypted only for ``Cap.VIEW_REPORTER`` with an audit entry per view."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from bidwatch.web.accounts.models import Agency
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.alerts.models import Clue
from bidwatch.web.audit.services import record
from bidwatch.web.deadlines import calendar, today
from bidwatch.web.tipoffs import crypto
from bidwatch.web.tipoffs.models import ACCEPT_DAYS, ANSWER_DAYS, EXTENSION_DAYS, Channel, Tipoff
from bidwatch.web.tipoffs.workflow import CLOCK, REPORTER_VIEW_ACTION, WORKFLOW, visible
from bidwatch.web.workflow.checks import not_before, required

#: 16 characters from an alphabet without look-alikes (0/O, 1/I/L): about 80 bits, read out over the phone
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16

REPORTER_FIELDS = ("reporter_name", "reporter_contact", "reporter_id")


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def find_by_code(code: str) -> Tipoff | None:
    return Tipoff.objects.filter(query_hash=code_hash(code)).first() if normalise_code(code) else None


def reminders(user: Any, on: dt.date | None = None) -> dict[str, int]:
    return CLOCK.reminders(visible(user), on or today(), with_open=True)


def can_view(user: Any, t: Tipoff) -> bool:
    return visible(user).filter(pk=t.pk).exists()


def _channel(fields: dict[str, Any]) -> None:
    """The channel the report came through and the campaign it belongs to (issue 16 item 1): a published channel
    of the current campaign (``channel_ref``), whose kind the report takes; given a kind alone, the campaign's one
    published channel of that kind when there is exactly one. The report belongs to its channel's campaign, else
    to the current one."""
    from bidwatch.web.supervision.models import Campaign

    current = Campaign.get_current()
    ref: Channel | None = fields.get("channel_ref")
    kind = fields.get("channel") or (ref.kind if ref else "")
    if kind not in Channel.Kind.values:
        raise ValueError(_("say which channel the report came through"))
    if ref is None:
        matches = list(Channel.published(current).filter(kind=kind)[:2])
        ref = matches[0] if len(matches) == 1 else None
    elif not Channel.published(current).filter(pk=ref.pk).exists():
        raise ValueError(_("the channel “%(channel)s” is not published by the current campaign")
                         % {"channel": ref.name})
    elif ref.kind != kind:
        raise ValueError(_("the channel “%(channel)s” is not of the kind given") % {"channel": ref.name})
    fields.update(channel=kind, channel_ref=ref, campaign=ref.campaign if ref else current)


def _create(user: Any, step: str, request: Any, reporter: dict[str, str], fields: dict[str, Any]) -> tuple[Tipoff, str]:
    _channel(fields)
    anonymous = not any((reporter.get(k) or "").strip() for k in REPORTER_FIELDS)
    t = Tipoff(created_by=user if getattr(user, "is_authenticated", False) else None, anonymous=anonymous,
               **{f"{k}_enc": crypto.encrypt(reporter.get(k, "")) for k in REPORTER_FIELDS}, **fields)
    if not t.subject.strip() or not t.facts.strip():
        raise ValueError(_("name who is reported and what happened"))
    if t.received_on > today():
        raise ValueError(_("received in the future"))
    t.accept_due = calendar().calendar_deadline(t.received_on, ACCEPT_DAYS)
    code = new_code()
    t.query_hash = code_hash(code)
    t.save()
    # the history and the audit say whether there is a reporter, never who
    WORKFLOW.log(t, user, step, "", request, channel=t.channel, channel_ref=t.channel_ref_id,
                 campaign=t.campaign_id, anonymous=anonymous,
                 received_on=str(t.received_on), accept_due=str(t.accept_due))
    return t, code


@transaction.atomic
def register(user: Any, *, request: Any = None, reporter: dict[str, str] | None = None,
             **fields: Any) -> tuple[Tipoff, str]:
    """Staff register a report from a channel; returns the report and its query code (shown once)."""
    if not can(user, Cap.HANDLE_TIPOFF):
        raise PermissionDenied("handle_tipoff")
    return _create(user, "register", request, reporter or {}, fields)


@transaction.atomic
def submit(*, request: Any = None, reporter: dict[str, str] | None = None, **fields: Any) -> tuple[Tipoff, str]:
    """The reporter's own submission on the intake page (no account): channel "online" (the current campaign's
    published online channel when it has one), received today."""
    fields.update(channel="online", received_on=today())
    return _create(None, "submit", request, reporter or {}, fields)


@transaction.atomic
def reveal_reporter(t: Tipoff, user: Any, *, request: Any = None) -> dict[str, str]:
    """The reporter's identity, decrypted, for ``Cap.VIEW_REPORTER`` only; every view is in the audit log."""
    if not (can(user, Cap.VIEW_REPORTER) and can_view(user, t)):
        raise PermissionDenied("view_reporter")
    record(user, REPORTER_VIEW_ACTION, t, request=request, number=t.number)
    return {k: crypto.decrypt(getattr(t, f"{k}_enc")) for k in REPORTER_FIELDS}


#: a channel's fields the campaign office sets (and the audit entry of a change compares)
CHANNEL_FIELDS = ("kind", "name", "address", "active")


@transaction.atomic
def save_channel(user: Any, channel: Channel, *, request: Any = None) -> Channel:
    """The campaign office publishes a channel of its campaign, or changes or withdraws one (``active`` off: the
    reports that came through it keep it); each an audit entry (action ``campaign``) with what changed."""
    if not can(user, Cap.RUN_CAMPAIGN):
        raise PermissionDenied("run_campaign")
    old = Channel.objects.filter(pk=channel.pk).values(*CHANNEL_FIELDS).first() if channel.pk else None
    channel.save()
    changes = {f: [old[f] if old else None, getattr(channel, f)] for f in CHANNEL_FIELDS
               if old is None or old[f] != getattr(channel, f)}
    record(user, "campaign", channel, request=request, step="channel_add" if old is None else "channel_change",
           campaign=channel.campaign_id, changes=changes)
    return channel


def copy_channels(user: Any, source: Any, target: Any, *, request: Any = None) -> list[Channel]:
    """Next year's campaign publishes last year's channels again (the hotline usually stays): ``source``'s published
    channels that ``target`` does not publish yet, copied to it, each audited as a new channel."""
    have = set(Channel.objects.filter(campaign=target).values_list("kind", "address"))
    return [save_channel(user, Channel(campaign=target, **{f: getattr(c, f) for f in CHANNEL_FIELDS}),
                         request=request) for c in Channel.published(source) if (c.kind, c.address) not in have]


def rotate_keys() -> int:
    """Re-encrypt every reporter token with the first configured key; returns the number of reports."""
    n = 0
    with transaction.atomic():
        for t in Tipoff.objects.select_for_update().exclude(reporter_name_enc="", reporter_contact_enc="",
                                                               reporter_id_enc=""):
            for k in REPORTER_FIELDS:
                setattr(t, f"{k}_enc", crypto.rotate(getattr(t, f"{k}_enc")))
            t.save(update_fields=[f"{k}_enc" for k in REPORTER_FIELDS])
            n += 1
        record(None, REPORTER_VIEW_ACTION, object_type="tipoffs.tipoff", object_id="*", op="rotate_keys", reports=n)
    return n


# --- workflow steps ----------------------------------------------------------------------------

@transaction.atomic
def accept(t: Tipoff, user: Any, on: dt.date, note: str = "", *, request: Any = None) -> Tipoff:
    WORKFLOW.begin(t, user, "accept")
    not_before(on, t.received_on, _("accepted before it was received"), dates=False)
    t.status, t.accepted_on = Tipoff.Status.ACCEPTED, on
    t.answer_due = calendar().calendar_deadline(on, ANSWER_DAYS)
    return WORKFLOW.finish(t, user, "accept", note, request, accepted_on=str(on),
                           answer_due=str(t.answer_due), late=on > t.accept_due if t.accept_due else None)


def _reply(t: Tipoff, user: Any, step: str, on: dt.date, text: str, request: Any, *, status: str,
           missing: str, since: str, early: str, due: str) -> Tipoff:
    """The reporter is told the outcome (refused, answered): the text is the answer, ``on`` closes the report
    and may not come before the date in the field ``since``; late is past the date in the field ``due``."""
    WORKFLOW.begin(t, user, step)
    text = required(text, missing)
    not_before(on, getattr(t, since), early, dates=False)
    t.status, t.closed_on, t.answer = status, on, text
    deadline = getattr(t, due)
    late = on > deadline if deadline else None
    return WORKFLOW.finish(t, user, step, text[:200], request, on=str(on), late=late)


@transaction.atomic
def refuse(t: Tipoff, user: Any, on: dt.date, notice: str, *, request: Any = None) -> Tipoff:
    return _reply(t, user, "refuse", on, notice, request, status=Tipoff.Status.NOT_ACCEPTED,
                  missing=_("tell the reporter why"), since="received_on",
                  early=_("decided before it was received"), due="accept_due")


@transaction.atomic
def extend(t: Tipoff, user: Any, on: dt.date, reason: str, *, request: Any = None) -> Tipoff:
    """Once, by at most 30 days, with the head's approval (信访工作条例); the reporter is told why."""
    WORKFLOW.begin(t, user, "extend")
    if t.extended:
        raise ValueError(_("the period was extended already"))
    reason = required(reason, _("say why"))
    old = t.answer_due
    t.answer_due = calendar().calendar_deadline(old, EXTENSION_DAYS) if old else None
    t.extended = True
    return WORKFLOW.finish(t, user, "extend", reason, request, old_due=str(old), new_due=str(t.answer_due),
                           on=str(on))


@transaction.atomic
def answer(t: Tipoff, user: Any, on: dt.date, text: str, *, request: Any = None) -> Tipoff:
    return _reply(t, user, "answer", on, text, request, status=Tipoff.Status.ANSWERED,
                  missing=_("an answer needs its text"), since="accepted_on",
                  early=_("answered before acceptance"), due="answer_due")


def _not_before_receipt(t: Tipoff, on: dt.date) -> None:
    """A step that ends the report (办结, 转为问题线索, 按投诉处理) is not dated before the report was received."""
    not_before(on, t.received_on, _("the report cannot be closed or passed on before it was received (%(day)s)")
               % {"day": t.received_on}, dates=False)


@transaction.atomic
def to_clue(t: Tipoff, user: Any, on: dt.date, unit: Agency, summary: str, *, request: Any = None) -> Clue:
    """The report becomes a problem clue (source: report by the public) assigned to ``unit``; the clue carries
    the facts, never the reporter."""
    from bidwatch.web.alerts import services as clues

    WORKFLOW.begin(t, user, "to_clue")
    _not_before_receipt(t, on)
    clue = clues.raise_clue(None, user, unit, summary.strip() or t.facts, source=Clue.Source.REPORT,
                            tender_id=t.tender_id, request=request)
    t.status, t.closed_on, t.clue = Tipoff.Status.CLUE, on, clue
    WORKFLOW.finish(t, user, "to_clue", f"{clue.number} → {unit.name}", request, clue=clue.pk, unit=unit.code)
    return clue


@transaction.atomic
def to_complaint(t: Tipoff, user: Any, on: dt.date, handling_unit: Agency, knew_on: dt.date,
                 complainant_kind: str, *, request: Any = None) -> Any:
    """条例 第60条: a bidder's or interested party's complaint about the tendering is a complaint, with its own
    clock. A complaint is made under a real name (办法 第12条第(三)项): the complainant's name and contact pass to
    the complaint (which is not confidential); an anonymous one is registered as 匿名 and will not be accepted."""
    from bidwatch.web.complaints import services as complaints

    WORKFLOW.begin(t, user, "to_complaint")
    _not_before_receipt(t, on)
    name = crypto.decrypt(t.reporter_name_enc) or "匿名"
    contact = crypto.decrypt(t.reporter_contact_enc)
    c = complaints.register(user, request=request, project_name=t.project_name or t.subject, sector=t.sector,
                            handling_unit=handling_unit, complainant=name, complainant_kind=complainant_kind,
                            complainant_contact=contact, respondent=t.subject, channel="transferred",
                            facts=t.facts, knew_on=knew_on, received_on=on)
    t.status, t.closed_on, t.complaint = Tipoff.Status.COMPLAINT, on, c
    WORKFLOW.finish(t, user, "to_complaint", c.number, request, complaint=c.pk, unit=handling_unit.code)
    record(user, REPORTER_VIEW_ACTION, t, request=request, number=t.number, op="passed_to_complaint",
           complaint=c.pk)
    return c


@transaction.atomic
def close(t: Tipoff, user: Any, on: dt.date, reason: str, *, request: Any = None) -> Tipoff:
    WORKFLOW.begin(t, user, "close")
    reason = required(reason, _("say why"))
    _not_before_receipt(t, on)
    t.status, t.closed_on, t.reason = Tipoff.Status.CLOSED, on, reason
    return WORKFLOW.finish(t, user, "close", reason[:200], request, on=str(on))
