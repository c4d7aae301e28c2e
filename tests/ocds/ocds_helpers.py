"""Shared helpers for the OCDS tests: where ../shared/cardinal-fixtures is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def fixtures_dir() -> Path | None:
    """shared/cardinal-fixtures: $BIDWATCH_SHARED, else the `shared` folder beside the clone."""
    candidates = []
    if os.environ.get("BIDWATCH_SHARED"):
        candidates.append(Path(os.environ["BIDWATCH_SHARED"]))
    candidates += [REPO.parent / "shared", REPO / "shared"]
    for base in candidates:
        if (base / "cardinal-fixtures" / "indicators").is_dir():
            return base / "cardinal-fixtures"
    return None


FIXTURES = fixtures_dir()
needs_fixtures = pytest.mark.skipif(
    FIXTURES is None,
    reason="../shared/cardinal-fixtures not found (the `shared` folder beside the clone, or $BIDWATCH_SHARED)",
)


def write_lines(path: Path, releases) -> Path:
    import orjson

    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in releases))
    return path
