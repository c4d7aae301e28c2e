"""One declared workflow per case model: its states, its steps (who, form, service), and the one
mechanism that takes a step — row lock, state and permission check, the service, the history entry
and the audit entry in one transaction — plus the clocks (working days, pauses) and the shared
views and templates. See ``core.py`` and docs/architecture.md ("The workflow core")."""

from bidwatch.web.workflow.clock import Clock
from bidwatch.web.workflow.core import Step, Workflow, anyone, by_number, office, own_unit, unit_only, visible_to

__all__ = ["Clock", "Step", "Workflow", "anyone", "by_number", "office", "own_unit", "unit_only", "visible_to"]
