"""Generated datasets shared by the synth tests (generation takes about a second each).

``synth`` is the clean world (``background="none"``): nothing coincides unless planted, so the
reference detectors can assert "found iff planted". ``synth_real`` is the default world, with the
lawful background of real exports; ``any_world`` runs a test on both.
"""

from __future__ import annotations

import pytest

from bidwatch.synth import generate

N_TENDERS = 300
SEED = 11


@pytest.fixture(scope="session")
def synth():
    return generate(N_TENDERS, SEED, texts=True, background="none")


@pytest.fixture(scope="session")
def synth_real():
    return generate(N_TENDERS, SEED, texts=True, background="real")


@pytest.fixture(params=["none", "real"])
def any_world(request):
    return request.getfixturevalue("synth" if request.param == "none" else "synth_real")
