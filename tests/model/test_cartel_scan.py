"""``bench/cartel_scan.py``: a labelled cartel file becomes a loadable contract dataset (labels kept out)."""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

from tests.conftest import REPO, SHARED, needs_shared

pytestmark = [needs_shared("datasets", "cartels"), pytest.mark.shared]


def _bench():
    spec = importlib.util.spec_from_file_location("cartel_scan", REPO / "bench" / "cartel_scan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_ticino_converts_to_a_loadable_dataset_with_every_tender_and_bid(tmp_path):
    from bidwatch.contract import load_dataset

    bench = _bench()
    path = SHARED / "datasets" / "cartels" / bench.MARKETS["Ticino"]
    raw = pd.read_csv(path)
    folder, labels = bench.convert(path, tmp_path / "ticino")
    ds = load_dataset(folder)
    assert ds.row_counts["tenders"] == raw["Tender"].nunique() == 224
    # a consortium's members, listed once each with its one price, are one bid
    members = raw[raw["Consortium"] > 0]
    extra = len(members) - len(members.drop_duplicates(["Tender", "Bid_value"]))
    assert extra > 0 and ds.row_counts["bids"] == len(raw) - extra
    raw = raw[~((raw["Consortium"] > 0) & raw.duplicated(["Tender", "Bid_value", "Consortium"]))]
    assert not (folder / "labels.csv").exists()                 # the labels never enter the dataset
    assert int(labels.sum()) == int(raw.groupby("Tender")["Collusive_competitor"].max().sum()) == 184
    bids = pd.read_csv(folder / "bids.csv")
    tenders = pd.read_csv(folder / "tenders.csv")
    # prices as given, per tender
    got = bids.groupby("tender_id")["price"].apply(sorted).to_dict()
    want = raw.groupby("Tender")["Bid_value"].apply(lambda s: sorted(round(float(v), 2) for v in s))
    assert all(got[f"T{t}"] == pytest.approx(v) for t, v in want.items())
    assert set(tenders["bid_list"]) == {"all"}
    # a single winner names the company; several winners (ties, consortia) leave it empty
    winners = raw.groupby("Tender")["Winner"].sum()
    assert tenders["winner_id"].notna().sum() == int((winners == 1).sum())


def test_japan_keeps_its_firms_and_its_estimate(tmp_path):
    """Japan names its firms (Competitors) and gives a pre-tender estimate: the same firm is one company across
    its tenders, and the estimate is the tender's ``estimate`` (the bids sit around 0.8–1.0 of it)."""
    bench = _bench()
    path = SHARED / "datasets" / "cartels" / bench.MARKETS["Japan"]
    raw = pd.read_csv(path)
    folder, labels = bench.convert(path, tmp_path / "japan")
    bids = pd.read_csv(folder / "bids.csv")
    tenders = pd.read_csv(folder / "tenders.csv").set_index("tender_id")
    companies = pd.read_csv(folder / "companies.csv")
    assert len(bids) == len(raw) and len(tenders) == raw["Tender"].nunique() == len(labels) == 1080
    assert len(companies) == raw["Competitors"].nunique()
    assert bids["company_id"].value_counts().max() > 1                 # firms recur across tenders
    ratio = bids["price"] / bids["tender_id"].map(tenders["estimate"])
    assert 0.7 < ratio.median() < 1.05
    assert "ceiling_price" not in tenders.columns or tenders["ceiling_price"].isna().all()
