"""The sanctions registry's workflow (信用惩戒名录), declared: an entry is in force or its period has ended
until it is revoked (撤销); the campaign office and the discipline commission enter and revoke; everybody with
``Cap.VIEW_REGISTRY`` reads every entry (a joint punishment binds every sector)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.roles import Cap
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.credit.models import RegistryEntry, RegistryEvent
from bidwatch.web.workflow import Step, Workflow, visible_to

S = RegistryEntry.State


visible = visible_to(RegistryEntry, Cap.VIEW_REGISTRY)


WORKFLOW = Workflow(
    key="registry_entry", model=RegistryEntry, visible=visible, history=RegistryEvent, history_fk="entry",
    audit_action=AuditEntry.Action.REGISTRY, namespace="credit", default_step="revoke",
    state_of=lambda e: e.state(timezone.localdate()), states=S,
    audit_detail=lambda e: {"sanction_id": e.public_id},
    saved_message=_("Saved. Scans from the next import or rescan see the change."),
    steps=[Step("revoke", (S.ACTIVE, S.EXPIRED), Cap.MANAGE_REGISTRY, form="RevokeForm"),
           # credit repair (信用修复): the subject's application is registered, reviewed, and approved removes the
           # entry early; one application at a time
           Step("apply_repair", (S.ACTIVE,), Cap.MANAGE_REGISTRY, form="RepairApplicationForm",
                shown=lambda e: e.pending_repair() is None),
           Step("approve_repair", (S.ACTIVE,), Cap.MANAGE_REGISTRY, form="RepairReviewForm",
                shown=lambda e: e.pending_repair() is not None),
           Step("refuse_repair", (S.ACTIVE,), Cap.MANAGE_REGISTRY, form="RepairReviewForm",
                shown=lambda e: e.pending_repair() is not None)],
)
