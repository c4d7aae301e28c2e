"""``bench/cartel_scan.py`` on a cartel market it was not written for (other real data, kept back, is scanned the
same way): any ``*.csv`` in the folder, ids that are text, the estimate's unit and the dates inferred."""

from __future__ import annotations

import importlib.util
import json

import pandas as pd

from tests.conftest import REPO


def _bench():
    spec = importlib.util.spec_from_file_location("cartel_scan", REPO / "bench" / "cartel_scan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _market(n_tenders: int = 6, pte_unit: float = 1000.0, dates: list[float] | None = None) -> pd.DataFrame:
    rows = []
    for t in range(n_tenders):
        pte = 2_000_000.0 + 100_000.0 * t
        for k, share in enumerate((0.81, 0.86, 0.90, 0.95)):
            rows.append({"Tender": f"BR-{t:03d}", "Competitors": f"CNPJ-{(t + k) % 7}", "Winner": int(k == 0),
                         "Bid_value": round(pte * share, 2), "Pre-Tender Estimate (PTE)": pte / pte_unit,
                         "Collusive_competitor": int(t < 2),
                         "Date": (dates or [1_400_000_000.0 + 86_400.0 * i for i in range(n_tenders)])[t]})
    return pd.DataFrame(rows)


def test_an_unknown_market_converts_with_text_ids_its_estimate_unit_and_epoch_dates(tmp_path):
    from bidwatch.contract import load_dataset

    bench = _bench()
    path = tmp_path / "DB_Collusion_Brazil_processed.csv"
    _market().to_csv(path, index=False)
    assert bench.market_name(path) == "Brazil"
    folder, labels = bench.convert(path, tmp_path / "brazil")
    ds = load_dataset(folder)
    assert ds.row_counts["tenders"] == 6 and ds.row_counts["bids"] == 24 and labels.sum() == 2
    tenders = pd.read_csv(folder / "tenders.csv").set_index("tender_id")
    # the PTE was recorded in thousands: the bids sit at 0.81–0.95 of 1,000 × PTE
    assert tenders.loc["TBR-000", "estimate"] == 2_000_000.0
    assert tenders.loc["TBR-000", "winner_id"] == "FCNPJ-0"
    assert tenders["bid_deadline"].str.startswith("2014-05").all()        # 1.4e9 s since 1970: May 2014
    assert set(pd.read_csv(folder / "companies.csv")["company_id"]) == {f"FCNPJ-{i}" for i in range(7)}


def test_a_day_count_is_no_date_and_bids_in_no_known_unit_leave_the_estimate_out(tmp_path):
    bench = _bench()
    path = tmp_path / "DB_Collusion_America_processed.csv"
    _market(pte_unit=1e-6, dates=[float(41_000 + i) for i in range(6)]).to_csv(path, index=False)
    folder, _ = bench.convert(path, tmp_path / "america")
    tenders = pd.read_csv(folder / "tenders.csv")
    assert "estimate" not in tenders.columns and "bid_deadline" not in tenders.columns


def test_the_scan_takes_every_csv_of_the_folder_by_default(tmp_path, capsys):
    bench = _bench()
    _market().to_csv(tmp_path / "DB_Collusion_Brazil_processed.csv", index=False)
    _market(n_tenders=4).to_csv(tmp_path / "Other_market.csv", index=False)
    assert bench.main(["--cartels", str(tmp_path), "--json", str(tmp_path / "out.json")]) == 0
    results = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["markets"]
    assert [(r["market"], r["ml_model"]) for r in results] == [
        ("Brazil", "shipped (not trained on this market)"), ("Other market", "shipped (not trained on this market)")]
    assert "**Brazil**: 6 tenders, 24 bids, 2 collusive" in capsys.readouterr().out


def test_school_milk_bids_keep_their_decimals_and_the_nominal_bid_is_used(tmp_path):
    # the USA file: bids per carton in dollars with four decimals, and a deflated Bid_value beside the nominal one
    from bidwatch.contract import load_dataset
    from bidwatch.scan import run_scan

    rows = []
    for t in range(8):
        for k, nominal in enumerate((0.1325, 0.1349, 0.1351, 0.1402)):
            rows.append({"Tender": t, "Competitors": k + 1, "Winner": int(k == 0), "Collusive_competitor": int(t < 2),
                         "Bid_value_without_inflation": nominal, "Bid_value": nominal / 1.0371 ** t,
                         "Date": 600_000_000 + 86_400 * t})
    path = tmp_path / "DB_Collusion_America_processed.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    folder, _ = _bench().convert(path, tmp_path / "america")
    bids = pd.read_csv(folder / "bids.csv")
    assert sorted(bids.loc[bids["tender_id"] == "T3", "price"]) == [13.25, 13.49, 13.51, 14.02]  # × 100, nominal
    # no two bids of a tender tie once their decimals are kept (rounded to the fen, 0.1349 and 0.1351 would)
    result = run_scan(load_dataset(folder), only=["identical_bid_prices"])
    assert result.alerts.empty


def test_the_price_scale_counts_decimals_beyond_the_fen_only():
    bench = _bench()
    assert bench.price_scale(pd.Series([235254.7, 210899.15])) == 1.0       # Swiss francs to the rappen
    assert bench.price_scale(pd.Series([11169000.0, 11427370.0])) == 1.0    # yen
    assert bench.price_scale(pd.Series([0.1325, 0.1349])) == 100.0          # dollars a carton
    # deflated prices have no last decimal: kept to a millionth of their value (0.13254987623 → 132.55)
    assert bench.price_scale(pd.Series([0.13254987623])) == 1000.0
