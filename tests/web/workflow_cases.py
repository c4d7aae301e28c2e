"""The role × step suite every declared workflow inherits (after NetBox's ``ViewTestCases``).

A workflow's test module declares, in a few lines, what the suite cannot know on its own::

    class TestComplaintSteps(WorkflowStepCases):
        workflow = WORKFLOW
        allowed = {step: {"office", "housing"} for step in WORKFLOW.by_name}   # who may, written out by hand
        data = {"accept": {"on": "2024-10-08"}, ...}                            # a valid form per step

        def make(self, users, step):            # a case on which ``step`` is open (and would succeed)
            ...

and gets, for every step and every role, a POST to the step's own URL that must succeed (302, the state
moved or the history grew, one history and one audit entry) for the roles in ``allowed`` and be refused
(403, nothing written) for every other role; every step tried on every other case it is not open on (400: its
state, or its own condition, ``Step.when``);
and the case page offering exactly the steps the role may take. A suite whose workflow tells the office head
(专治办主任, user "head") apart from the rest of the office sets ``extra_roles = ("head",)``; elsewhere the head
is an office user like any other (``test_office_head.py`` checks that its capabilities only add to the office's).
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.urls import reverse

from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.workflow import Workflow

ROLES = ("admin", "office", "discipline", "housing", "transport", "police", "auditor")
#: users a suite may add to ``ROLES`` (``extra_roles``): "head" is an office user who heads the office (专治办主任)
EXTRA_ROLES = ("head",)


class WorkflowStepCases:
    workflow: ClassVar[Workflow]
    #: step -> the user names that may take it on the case ``make`` builds (declared by hand, not derived)
    allowed: ClassVar[dict[str, set[str]]]
    #: step -> a valid form for it (field names without the step prefix)
    data: ClassVar[dict[str, dict[str, str]]]
    #: further users (of ``EXTRA_ROLES``) tried on every step besides ``ROLES``, where a workflow tells them apart
    extra_roles: ClassVar[tuple[str, ...]] = ()

    def make(self, users: dict[str, Any], step: str) -> Any:
        """A case on which ``step`` is open and, with ``data[step]``, would succeed."""
        raise NotImplementedError

    def form_data(self, step: str) -> dict[str, Any]:
        """``data[step]``; override where a value is only known at run time (a row's id)."""
        return self.data[step]

    # --- helpers ---------------------------------------------------------------------------------

    def post(self, client: Any, obj: Any, step: str) -> Any:
        wf = self.workflow
        prefix = f"{step}-" if wf.by_name[step].prefix else ""
        fields = {f"{prefix}{k}": v for k, v in self.form_data(step).items()}
        return client.post(reverse(f"{wf.namespace}:{wf.step_url}", args=[obj.pk, step]), fields)

    def written(self, obj: Any) -> tuple[int, int]:
        wf = self.workflow
        history = wf.history._default_manager.filter(**{wf.history_fk: obj}).count()
        audit = AuditEntry.objects.filter(action=wf.audit_action, object_id=str(obj.pk),
                                          object_type=obj._meta.label_lower).count()
        return history, audit

    @classmethod
    def pytest_generate_tests(cls, metafunc: Any) -> None:
        if "step" in metafunc.fixturenames:
            metafunc.parametrize("step", list(cls.workflow.by_name))
        if "role" in metafunc.fixturenames:
            assert set(cls.extra_roles) <= set(EXTRA_ROLES), cls.extra_roles
            metafunc.parametrize("role", (*ROLES, *cls.extra_roles))

    # --- the suite -------------------------------------------------------------------------------

    def test_declaration_covers_every_step(self) -> None:
        steps = set(self.workflow.by_name)
        assert set(self.allowed) == steps and set(self.data) == steps

    @pytest.mark.django_db
    def test_step_as_role(self, users: Any, client_for: Any, step: str, role: str) -> None:
        obj = self.make(users, step)
        state = self.workflow.state(obj)
        before = self.written(obj)
        response = self.post(client_for(role), obj, step)
        obj.refresh_from_db()
        if role in self.allowed[step]:
            assert response.status_code == 302, response.content.decode()[:3000]
            assert self.written(obj) == (before[0] + 1, before[1] + 1)
            event = self.workflow.history._default_manager.filter(**{self.workflow.history_fk: obj}).last()
            assert event.step == step and event.actor == users[role]
        else:
            assert response.status_code == 403
            assert self.written(obj) == before and self.workflow.state(obj) == state

    @pytest.mark.django_db
    def test_step_refused_where_not_open(self, users: Any, client_for: Any, step: str) -> None:
        who = sorted(self.allowed[step])
        if not who:
            pytest.skip("nobody may take this step")
        tried = 0
        for other in self.workflow.by_name:
            obj = self.make(users, other)
            if self.workflow.is_open(obj, step):  # its state, and the step's own condition (``Step.when``)
                continue
            before = self.written(obj)
            assert self.post(client_for(who[0]), obj, step).status_code == 400, (step, other)
            assert self.written(obj) == before
            tried += 1
        if not tried:
            pytest.skip(f"every case built for this workflow has {step} open")

    @pytest.mark.django_db
    def test_page_offers_the_roles_steps(self, users: Any, client_for: Any, role: str) -> None:
        for step in self.workflow.by_name:
            obj = self.make(users, step)
            response = client_for(role).get(reverse(f"{self.workflow.namespace}:{self.workflow.detail_url}", args=[obj.pk]))
            if response.status_code == 403:
                assert role not in self.allowed[step]
                continue
            assert response.status_code == 200
            offered = f'data-testid="step-{step}"' in response.content.decode()
            assert offered == (role in self.allowed[step]), (step, role)
