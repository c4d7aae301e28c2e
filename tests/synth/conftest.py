"""One generated dataset shared by the synth tests (generation takes a few seconds)."""

from __future__ import annotations

import pytest

from bidwatch.synth import generate

N_TENDERS = 300
SEED = 11


@pytest.fixture(scope="session")
def synth():
    tables, labels = generate(N_TENDERS, SEED, texts=True)
    return tables, labels
