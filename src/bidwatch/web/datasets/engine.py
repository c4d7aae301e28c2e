"""The seam between the web application and the analytics (``bidwatch.contract``, ``bidwatch.scan`` and
``bidwatch.engine``).

``settings.BIDWATCH_ENGINE`` may name another module with the same four names (tests use a small
fake while developing against the real interfaces); by default the real ones are used. The web reads a
loaded dataset only through :func:`dataset_engine` (``bidwatch.engine``), never by SQL on the
dataset's own connection: the web does not know which backend holds the data.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

from django.conf import settings


def _module() -> ModuleType | None:
    name = getattr(settings, "BIDWATCH_ENGINE", "")
    return importlib.import_module(name) if name else None


def load_dataset(path: str, **options: Any) -> Any:
    """Load the dataset at ``path``; ``options``: the contract loader's (``max_lengths``, ``cut_lengths``,
    ``absent_texts``: what the import stores). An OCDS file is converted first (:mod:`.ocds`)."""
    mod = _module()
    if mod is not None:
        load = mod.load_dataset
    else:
        from bidwatch.contract import load_dataset as load
    from bidwatch.web.datasets import ocds

    if ocds.is_json(path):
        return ocds.load(Path(path), load, **options)
    return load(path, **options)


def dataset_invalid_error() -> type[Exception]:
    mod = _module()
    if mod is not None:
        return mod.DatasetInvalid  # type: ignore[no-any-return]
    from bidwatch.contract import DatasetInvalid

    return DatasetInvalid  # type: ignore[no-any-return]


def run_scan(ds: Any, progress: Any) -> Any:
    mod = _module()
    if mod is not None:
        return mod.run_scan(ds, progress=progress)
    from bidwatch.scan import run_scan as real

    return real(ds, progress=progress)


def add_sanctions(ds: Any, rows: list[dict[str, Any]]) -> int:
    """Append sanction records (the sanctions registry's) to a loaded dataset, with the loader's checks."""
    mod = _module()
    if mod is not None:
        return int(mod.add_sanctions(ds, rows))
    from bidwatch.contract import add_sanctions as real

    return real(ds, rows)


def dataset_engine(ds: Any) -> Any:
    """The analytics engine over a loaded dataset (``bidwatch.engine.connect``), for
    :mod:`bidwatch.engine.reads`. A ``BIDWATCH_ENGINE`` module may provide its own ``connect``."""
    mod = _module()
    if mod is not None and hasattr(mod, "connect"):
        return mod.connect(ds)
    from bidwatch.engine import connect

    return connect(ds)
