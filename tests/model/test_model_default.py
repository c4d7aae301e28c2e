"""The shipped default model, and the screens on the real cartel files (when ../shared is here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bidwatch.model import load_default_model, score_tenders
from bidwatch.model.features import FeatureBuilder
from bidwatch.model.scoring import DEFAULT_MODEL_PATH, TrainedModel
from bidwatch.model.screens import screens_by_tender
from tests.conftest import SHARED

CARTELS = SHARED / "datasets" / "cartels"
needs_cartels = pytest.mark.skipif(not CARTELS.exists(), reason=f"needs {CARTELS} (labelled cartel data), absent here")


def test_default_model_is_small_and_loads_offline():
    assert DEFAULT_MODEL_PATH.exists()
    assert DEFAULT_MODEL_PATH.stat().st_size < 5_000_000
    assert DEFAULT_MODEL_PATH.with_name("MODEL_CARD.md").exists()
    model = load_default_model()
    assert isinstance(model, TrainedModel)
    assert 0.5 <= model.threshold < 1 and 0 < model.alert_share <= 1
    # Trained on the first-price cartel markets (Japan, GR/See-Gaster, Ticino), not on Italy's
    # average-bid auctions; raw and market-standardised screens, no bid/estimate ratio, markets and
    # classes balanced.
    assert len(model.metadata["markets"]) == 3 and not any("Italy" in m for m in model.metadata["markets"])
    assert model.builder.standardise == "all" and not model.builder.estimate and model.metadata["balance"]
    assert not any(name.endswith(("BE_MIN", "BE_MEDIAN")) for name in model.feature_names)


def test_score_tenders_for_the_scan():
    rng = np.random.default_rng(1)
    rows = []
    for t in range(40):
        n = 2 + t % 9
        base = rng.uniform(1e6, 5e6)
        spread = 0.003 if t % 4 == 0 else 0.06
        rows += [{"tender_id": f"T{t:02d}", "price": base * (1 + abs(rng.normal(0, spread))),
                  "estimate": base * 1.1} for _ in range(n)]
    rows.append({"tender_id": "ONE", "price": 1e6, "estimate": np.nan})
    bids = pd.DataFrame(rows)
    out = score_tenders(bids)
    assert list(out.columns) == ["tender_id", "n_bids", "probability", "above_threshold", "top_features"]
    assert len(out) == 41
    scored = out[out["tender_id"] != "ONE"]
    assert scored["probability"].between(0, 1).all()
    assert np.isnan(out.set_index("tender_id").loc["ONE", "probability"])
    assert scored["above_threshold"].sum() <= 4  # at most the top 10 % of the market
    for evidence in scored["top_features"]:
        assert len(evidence) <= 3
        for feature, value, contribution in evidence:
            assert feature in {"n", "BE", "CV", "SPD", "DIFFP", "RD", "RDNOR", "RDALT", "KURT", "SKEW", "KSTEST"}
            assert np.isfinite(value) and contribution > 0
    only_alerts = score_tenders(bids, explain="alerts")
    assert (only_alerts["top_features"].map(len) > 0).sum() <= only_alerts["above_threshold"].sum()
    np.testing.assert_allclose(only_alerts["probability"], out["probability"])
    # Works without an estimate column too.
    assert score_tenders(bids.drop(columns="estimate"))["probability"].notna().sum() == 40


@needs_cartels
def test_screens_match_the_stored_ones_where_those_are_not_defective():
    raw = pd.read_csv(CARTELS / "DB_Collusion_Switzerland_Ticino_processed.csv")
    ours = screens_by_tender(raw, "Tender", "Bid_value").set_index("Tender")
    stored = raw.groupby("Tender")[["CV", "SPD", "KURT", "SKEW", "KSTEST"]].first()
    both = ours.join(stored.add_suffix("_stored"))
    for col in ("CV", "SPD", "KURT", "SKEW", "KSTEST"):
        ok = both[col].notna()
        np.testing.assert_allclose(both.loc[ok, col], both.loc[ok, f"{col}_stored"], atol=2e-4, rtol=1e-3)


def test_small_market_uses_the_training_reference_and_drops_estimate_ratios():
    rng = np.random.default_rng(3)
    training = pd.DataFrame({"tender_id": np.repeat(np.arange(60), 5), "price": rng.uniform(90, 110, 300),
                             "estimate": 120.0})
    builder = FeatureBuilder(max_subsets=None)
    builder.fit_reference(builder.raw(training), np.repeat(["M1", "M2"], 30))
    bids = pd.DataFrame({"tender_id": ["A"] * 6 + ["B"] * 4,
                         "price": [100, 101, 101.5, 102, 103, 110, 90, 95, 99, 120.0], "estimate": 105.0})
    raw = builder.raw(bids)
    X = builder.complete(raw, None)  # 2 tenders < 30: reference statistics
    assert X["Z_BE_MIN"].isna().all() and X["Z_CV"].notna().all()
    expected = (raw["CV"] - builder.reference.median["CV"]) / builder.reference.iqr["CV"]
    np.testing.assert_allclose(X["Z_CV"], expected)
    assert score_tenders(bids)["probability"].between(0, 1).all()
