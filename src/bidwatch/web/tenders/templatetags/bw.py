"""The site-wide filters moved to the core app (``bidwatch.web.core.templatetags.bw``, loaded as ``{% load bw %}``).
This module keeps the evidence helpers' old import path; it has no ``register``, so it is not a second ``bw``
template library."""

from bidwatch.web.core.templatetags.bw import EVIDENCE_ROWS, evidence_entries, evidence_items  # noqa: F401
