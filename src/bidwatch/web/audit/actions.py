"""The audit log's actions: a registry, not an enum every feature migrates.

``AuditEntry.action`` is a plain string; :func:`record` refuses one nobody registered, so a typo cannot
slip into the tamper-evident log. An app registers its own actions in its ``AppConfig.ready``::

    from bidwatch.web.audit import actions
    actions.register("supervision", _("Handled a supervision order"))

The actions of the first releases are ``AuditEntry.Action`` (kept as constants; it gains no new members).
"""

from __future__ import annotations

from django.utils.functional import Promise

_ACTIONS: dict[str, Promise | str] = {}


def register(code: str, label: Promise | str) -> str:
    if len(code) > 30:
        raise ValueError(f"audit action {code!r} is longer than 30 characters")
    if code in _ACTIONS and str(_ACTIONS[code]) != str(label):
        raise ValueError(f"audit action {code!r} is registered already as {_ACTIONS[code]!r}")
    _ACTIONS[code] = label
    return code


def is_registered(code: str) -> bool:
    return code in _ACTIONS


def label(code: str) -> str:
    return str(_ACTIONS.get(code, code))


def choices() -> list[tuple[str, str]]:
    """Every registered action with its label, for the log's filter."""
    return [(code, str(text)) for code, text in _ACTIONS.items()]
