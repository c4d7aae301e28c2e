"""The dataset app's background tasks, found by the queue (``tasks/queue.py``) as every app's ``tasks`` module.
The import-and-scan task lives with the services it runs; importing them registers it."""

from bidwatch.web.datasets.services import import_scan, import_scan_lost  # noqa: F401
