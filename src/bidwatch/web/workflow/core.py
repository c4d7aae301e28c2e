"""The declaration of a case workflow and the one way a step is taken.

A :class:`Workflow` names the case model, the field that holds its state, the user's visible queryset,
its history model and audit action, and its :class:`Step` s. A step names the states it is open in, who
may take it (a capability and a scope on the object), the form it needs and the service that performs
it. The service is an ordinary function ``service(obj, user, <form fields...>, request=None)``: it checks
the facts of its own step (dates, texts), changes the object and calls :meth:`Workflow.log`; it starts
with :meth:`Workflow.begin`, which locks the row and refuses a step the user may not take or the state
does not allow. So the view (``views.py``), a test and the command line all go through the same gate.

Why not django-fsm-2 or viewflow's FSM (both in the package list): they declare transitions as model
methods (source → target, a permission) and leave forms, history, audit, row locks, clocks and views to
each app — exactly the parts that were written four times here. Our steps are also not all transitions
(a pause, an extension keep the state) and the permission depends on the object (the user's own unit).
The table below is the whole state machine; see docs/dependencies.md.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404

from bidwatch.web.accounts.models import Role
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.audit.services import record

Scope = Callable[[Any, Any], bool]


# --- scopes: who, among the holders of the capability, may act on this object ----------------------

def anyone(user: Any, obj: Any) -> bool:
    return True


def office(user: Any, obj: Any) -> bool:
    """The campaign office only."""
    return bool(user.role == Role.OFFICE)


def own_unit(unit_field: str) -> Scope:
    """The campaign office on every object; anyone else on the objects of their own unit."""

    def scope(user: Any, obj: Any) -> bool:
        if user.role == Role.OFFICE:
            return True
        return user.agency_id is not None and getattr(obj, unit_field) == user.agency_id

    scope.__name__ = f"own_unit({unit_field})"
    return scope


def unit_only(unit_field: str) -> Scope:
    """Department staff of the object's own unit only (not the office)."""

    def scope(user: Any, obj: Any) -> bool:
        return bool(user.role == Role.DEPARTMENT and user.agency_id is not None
                    and getattr(obj, unit_field) == user.agency_id)

    scope.__name__ = f"unit_only({unit_field})"
    return scope


Narrowing = Callable[[Any, QuerySet[Any]], QuerySet[Any]]


def visible_to(model: type[models.Model], cap: Cap, unit_field: str | None = None, *,
               department: Narrowing | None = None) -> Callable[..., QuerySet[Any]]:
    """The usual visible queryset: holders of ``cap`` see every case, except department staff, who see those
    of their own unit (``unit_field``) or those ``department(user, qs)`` leaves them; anyone else none."""

    def visible(user: Any, qs: QuerySet[Any] | None = None) -> QuerySet[Any]:
        qs = model._default_manager.all() if qs is None else qs
        if not can(user, cap):
            return qs.none()
        if user.role == Role.DEPARTMENT and department is not None:
            return department(user, qs)
        if unit_field and user.role == Role.DEPARTMENT:
            return qs.filter(**{unit_field: user.agency_id})
        return qs

    return visible


def by_number(obj: Any) -> dict[str, Any]:
    """The audit detail of a numbered case (:class:`bidwatch.web.cases.Numbered`): its number."""
    return {"number": obj.number}


# --- the declaration ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    name: str
    sources: tuple[str, ...]  #: the states the step is open in
    cap: Cap  #: the capability it needs ...
    #: the form it needs, by its name in the workflow's forms module (its fields are the service's arguments)
    form: str
    #: the function that performs it, by its name in the workflow's services module (default: the step's name)
    service: str = ""
    scope: Scope = anyone  #: ... and who among the holders, on this object
    #: shown only when this holds (e.g. "resume" while the clock is stopped); a POST still reaches the service,
    #: which says why not
    shown: Callable[[Any], bool] = lambda obj: True
    initial: Callable[[Any], dict[str, Any] | None] = lambda obj: None  #: what the form starts with
    #: further keyword arguments of the form, from the case and the user (e.g. choices narrowed to the case)
    form_kwargs: Callable[[Any, Any], dict[str, Any]] = lambda obj, user: {}
    prefix: bool = True  #: form fields are named ``<step>-<field>``
    #: why the step is closed on this object now, whoever asks (None: open), beside its ``sources``: a condition on
    #: the case that is not its state (e.g. a clue's transfer awaiting its answer). The user who may take the step
    #: then reads the reason (400), not a refusal (403); ``scope`` stays about who
    when: Callable[[Any], Any] = lambda obj: None


@dataclass
class Workflow:
    key: str  #: e.g. "complaint"
    model: type[models.Model]
    visible: Callable[..., QuerySet[Any]]  #: (user, qs=None) -> the user's own queryset: the only way cases are fetched
    history: type[models.Model]  #: the HistoryEvent subclass
    history_fk: str  #: its foreign key to the case
    audit_action: str
    namespace: str  #: the app's URL namespace (``<namespace>:detail``, ``<namespace>:step``)
    #: the modules that hold the steps' services and forms (named, not imported: services import the workflow);
    #: default: ``services`` and ``forms`` beside the model's module
    services: str = ""
    forms: str = ""
    steps: list[Step] = field(default_factory=list)
    state_field: str = "status"
    #: the state where it is computed rather than stored (e.g. a registry entry in force, ended, revoked) ...
    state_of: Callable[[Any], str] | None = None
    #: ... and its labels (a TextChoices class)
    states: Any = None
    #: extra audit detail every entry carries (e.g. the case number)
    audit_detail: Callable[[Any], dict[str, Any]] = lambda obj: {}
    detail_url: str = "detail"  #: URL names in the namespace: the case page ...
    step_url: str = "step"  #: ... and the POST URL of a step
    default_step: str = ""  #: the step a POST to the case page takes when it names none
    saved_message: Any = None  #: what the page says after a step (default "Saved.")

    def __post_init__(self) -> None:
        package = self.model.__module__.rpartition(".")[0]
        self.services = self.services or f"{package}.services"
        self.forms = self.forms or f"{package}.forms"
        self.by_name = {s.name: s for s in self.steps}
        REGISTRY[self.key] = self

    # --- questions ---------------------------------------------------------------------------

    def state(self, obj: Any) -> str:
        return self.state_of(obj) if self.state_of else str(getattr(obj, self.state_field))

    def state_label(self, obj: Any) -> str:
        if self.states is not None:
            return str(self.states(self.state(obj)).label)
        return str(getattr(obj, f"get_{self.state_field}_display", lambda: self.state(obj))())

    def closed_message(self, obj: Any, name: str = "") -> str:
        step = self.by_name.get(name)
        reason = step.when(obj) if step is not None else None
        if reason:
            return str(reason)
        from django.utils.translation import gettext

        return gettext("%(case)s · %(state)s: the present state does not allow this step") % {
            "case": obj, "state": self.state_label(obj)}

    def step(self, name: str) -> Step | None:
        return self.by_name.get(name)

    def may(self, user: Any, obj: Any, name: str) -> bool:
        """May ``user`` take the step on ``obj`` (whatever its state)?"""
        step = self.by_name.get(name)
        return step is not None and can(user, step.cap) and step.scope(user, obj)

    def is_open(self, obj: Any, name: str) -> bool:
        step = self.by_name.get(name)
        return step is not None and self.state(obj) in step.sources and not step.when(obj)

    def can_take(self, user: Any, obj: Any, name: str) -> bool:
        """May ``user`` take the step on ``obj`` now (open and in the user's hands)?"""
        return self.is_open(obj, name) and self.may(user, obj, name)

    def steps_for(self, user: Any, obj: Any) -> list[Step]:
        """The steps the object's state allows, the user may take and the page shows now."""
        return [s for s in self.steps if self.can_take(user, obj, s.name) and s.shown(obj)]

    def get_for(self, user: Any, pk: Any, qs: QuerySet[Any] | None = None) -> Any:
        """The object through the user's visible queryset: 403 when it exists outside it, 404 when not at all."""
        base = self.model._default_manager.all() if qs is None else qs
        obj = self.visible(user, base).filter(pk=pk).first()  # type: ignore[call-arg]
        if obj is None:
            if self.model._default_manager.filter(pk=pk).exists():
                raise PermissionDenied(f"{self.key}:view")
            raise Http404(self.key)
        return obj

    # --- taking a step -----------------------------------------------------------------------

    def begin(self, obj: Any, user: Any, name: str) -> Any:
        """Inside the step's transaction: refuse a user who may not take it (PermissionDenied), lock the
        row and reload it, refuse a state that does not allow it (ValueError). Returns ``obj``, reloaded."""
        if not self.may(user, obj, name):
            raise PermissionDenied(f"{self.key}:{name}")
        if obj.pk is not None:
            obj.refresh_from_db(from_queryset=self.model._base_manager.select_for_update())
            if not self.may(user, obj, name):  # the case moved out of the user's hands meanwhile
                raise PermissionDenied(f"{self.key}:{name}")
        if not self.is_open(obj, name):
            raise ValueError(self.closed_message(obj, name))
        return obj

    def log(self, obj: Any, user: Any, step: str, note: str = "", request: Any = None, *,
            history: dict[str, Any] | None = None, action: str = "", audit_step: str = "",
            extra: dict[str, Any] | None = None, **detail: Any) -> None:
        """The history entry and the audit entry of one step (call inside the step's transaction).
        ``history``: further fields of the history entry; ``action`` and ``audit_step`` where the audit log has
        long named them otherwise; ``extra``: audit detail under names this signature takes (``note``)."""
        self.history._default_manager.create(**{self.history_fk: obj}, actor=user, step=step, note=note,
                                             **(history or {}))
        record(user, action or self.audit_action, obj, request=request, step=audit_step or step,
               **self.audit_detail(obj), **detail, **(extra or {}))

    def history_of(self, obj: Any) -> Any:
        """The case's history entries (the history model's order), with their actors: the case page's ``events``."""
        return self.history._default_manager.filter(**{self.history_fk: obj}).select_related("actor")

    def finish(self, obj: Any, user: Any, step: str, note: str = "", request: Any = None, *,
               fields: list[str] | None = None, **log: Any) -> Any:
        """The end of most steps: save ``obj`` (only ``fields`` when given: ``save(update_fields=...)``), write the
        step's history and audit entries (:meth:`log`, which takes the rest), and return ``obj``."""
        obj.save(update_fields=fields)
        self.log(obj, user, step, note, request, **log)
        return obj

    def service(self, name: str) -> Callable[..., Any]:
        step = self.by_name[name]
        return getattr(importlib.import_module(self.services), step.service or step.name)  # type: ignore[no-any-return]

    def form_class(self, name: str) -> type[forms.Form]:
        return getattr(importlib.import_module(self.forms), self.by_name[name].form)  # type: ignore[no-any-return]

    def run(self, name: str, obj: Any, user: Any, data: dict[str, Any], request: Any = None) -> Any:
        """Take the step with a form's cleaned data: the service gets the fields its signature names."""
        service = self.service(name)
        params = inspect.signature(service).parameters
        kwargs = {k: v for k, v in data.items() if k in params}
        with transaction.atomic():
            return service(obj, user, request=request, **kwargs)

    def form(self, name: str, obj: Any, data: Any = None, user: Any = None) -> forms.Form:
        step = self.by_name[name]
        kwargs = {"initial": step.initial(obj), **step.form_kwargs(obj, user)}
        return self.form_class(name)(data, prefix=name if step.prefix else None, **kwargs)


#: Every declared workflow by key (the role × step test suite and the docs walk it).
REGISTRY: dict[str, Workflow] = {}


def workflows() -> Iterable[Workflow]:
    return REGISTRY.values()
