"""Shared test fixtures: small datasets built in the test, and the backend parametrisation."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO.parent / "shared").resolve()

SPARK_AVAILABLE = importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None

#: the engines every indicator test runs on. Spark starts a JVM and takes seconds a query, so the
#: per-indicator tests run on it only with BIDWATCH_TEST_SPARK=1; tests/test_spark_parity.py runs the
#: whole catalogue on both engines in every CI run.
BACKENDS = ["duckdb"]
if SPARK_AVAILABLE and os.environ.get("BIDWATCH_TEST_SPARK") == "1":
    BACKENDS.append("spark")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def needs_shared(*parts: str) -> pytest.MarkDecorator:
    path = SHARED.joinpath(*parts)
    return pytest.mark.skipif(not path.exists(), reason=f"needs {path} (the project's shared folder), absent here")


@pytest.fixture
def make_dataset(tmp_path: Path) -> Callable[..., Any]:
    """Write tables (dicts of row dicts or DataFrames) as a contract dataset and load it."""
    from bidwatch.contract import load_dataset, save_dataset

    counter = {"n": 0}

    def build(tables: dict[str, Any], texts: dict[str, str] | None = None, **save_options: Any) -> Any:
        counter["n"] += 1
        out = tmp_path / f"ds{counter['n']}"
        frames = {k: v if isinstance(v, pd.DataFrame) else pd.DataFrame(v) for k, v in tables.items()}
        save_dataset(frames, out, **save_options)
        for rel, text in (texts or {}).items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_text(text, encoding="utf-8")
        return load_dataset(out)

    return build
