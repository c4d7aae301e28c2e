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


def _comprasnet() -> pd.DataFrame:
    """The layout of Comprasnet's file (rodrigovilela/collusion): ``Competitor`` (a CNPJ, leading zeros),
    ``Pre_Tender``, and reverse auctions: each firm bids down in lances."""
    rows = []
    lances = {"T1": [("05580800000142", [1500.0, 1390.0, 1311.08]), ("00301082000104", [1495.0, 1392.46, 1311.08]),
                     ("11111111000111", [1480.0])],
              "T2": [("05580800000142", [980.0, 950.0]), ("00301082000104", [990.0, 940.0])],
              # a unit price given as the PTE of a lot: no estimate of its bids
              "T3": [("05580800000142", [665_000.0]), ("00301082000104", [700_000.0])]}
    pte = {"T1": 1500.0, "T2": 1000.0, "T3": 7.5}
    for tender, firms in lances.items():
        for firm, prices in firms:
            for price in prices:
                rows.append({"Tender": tender, "Competitor": firm, "Bid_value": price, "Pre_Tender": pte[tender],
                             "Winner": 0, "Collusive_competitor": 0, "Date": 1_296_563_547})
    frame = pd.DataFrame(rows)
    # the winning lance: T1's lowest is tied between two firms (no winner), T2's is 00301082000104's 940
    frame.loc[(frame["Tender"] == "T2") & (frame["Bid_value"] == 940.0), "Winner"] = 1
    return frame


def test_a_reverse_auction_market_keeps_each_firms_lowest_lance_its_ids_and_its_estimates(tmp_path, capsys):
    bench = _bench()
    path = tmp_path / "DB_Collusion_Brazil_Comprasnet_processed.csv"
    _comprasnet().to_csv(path, index=False)
    folder, labels = bench.convert(path, tmp_path / "out")
    said = capsys.readouterr().err
    assert "Competitor → Competitors" in said and "Pre_Tender → Pre-Tender Estimate (PTE)" in said
    assert "each firm's lowest lance is its bid (13 rows → 7 bids)" in said
    bids = pd.read_csv(folder / "bids.csv", dtype=str)
    got = sorted(zip(bids["tender_id"], bids["company_id"], bids["price"].astype(float)))
    assert got == [("TT1", "F00301082000104", 1311.08), ("TT1", "F05580800000142", 1311.08),
                   ("TT1", "F11111111000111", 1480.0), ("TT2", "F00301082000104", 940.0),
                   ("TT2", "F05580800000142", 950.0), ("TT3", "F00301082000104", 700_000.0),
                   ("TT3", "F05580800000142", 665_000.0)]
    tenders = pd.read_csv(folder / "tenders.csv", dtype=str).set_index("tender_id")
    assert tenders.loc["TT2", "winner_id"] == "F00301082000104"
    assert float(tenders.loc["TT1", "estimate"]) == 1500.0 and pd.isna(tenders.loc["TT3", "estimate"])
    assert "1 tenders' bids sit outside" in said
    assert labels.sum() == 0


def test_a_firm_bidding_twice_in_a_few_tenders_is_no_auction(tmp_path, capsys):
    # near miss: Japan's file has a firm with two rows in 5 of 1,080 tenders; such rows stay bids (the loader notices
    # them), the market is not read as an auction
    bench = _bench()
    frame = _market()
    frame.loc[len(frame)] = {**frame.iloc[0].to_dict(), "Bid_value": frame.iloc[0]["Bid_value"] + 1000.0,
                             "Winner": 0}
    path = tmp_path / "DB_Collusion_Brazil_processed.csv"
    frame.to_csv(path, index=False)
    folder, _ = bench.convert(path, tmp_path / "out")
    assert len(pd.read_csv(folder / "bids.csv")) == 25
    assert "lance" not in capsys.readouterr().err


def test_a_market_without_a_collusive_tender_says_its_precision_is_not_measurable():
    bench = _bench()
    text = bench.markdown([{"market": "X", "tenders": 3, "bids": 9, "collusive": 0, "base_rate": 0.0,
                            "ml_model": "shipped", "seconds": 0.1, "collusion": []}])
    assert "No tender of this file is labelled collusive" in text
    assert "No tender" not in bench.markdown([{"market": "X", "tenders": 3, "bids": 9, "collusive": 1,
                                               "base_rate": 0.33, "ml_model": "shipped", "seconds": 0.1,
                                               "collusion": []}])


def test_the_pooled_file_keeps_each_markets_tenders_apart(tmp_path, capsys):
    # DB_Collusion_All_processed.csv: every market's tenders numbered from 1, a Dataset column, bids in euro
    bench = _bench()
    italy, japan = _market(n_tenders=2), _market(n_tenders=2)
    italy["Dataset"], japan["Dataset"] = "Italy", "Japan"
    japan["Collusive_competitor"] = 0
    pooled = pd.concat([italy, japan]).drop(columns=["Pre-Tender Estimate (PTE)"])
    path = tmp_path / "DB_Collusion_All_processed.csv"
    pooled.to_csv(path, index=False)
    folder, labels = bench.convert(path, tmp_path / "all")
    tenders = pd.read_csv(folder / "tenders.csv")
    assert sorted(tenders["tender_id"]) == ["TItaly-BR-000", "TItaly-BR-001", "TJapan-BR-000", "TJapan-BR-001"]
    assert labels.to_dict() == {"TItaly-BR-000": 1, "TItaly-BR-001": 1, "TJapan-BR-000": 0, "TJapan-BR-001": 0}
    assert len(pd.read_csv(folder / "bids.csv")) == 16
    assert "a pooled file of 2 markets" in capsys.readouterr().err
    # near miss: a market's own file (no Dataset column) keeps its tender ids as they were
    own = tmp_path / "own" / "DB_Collusion_Brazil_processed.csv"
    own.parent.mkdir()
    italy.drop(columns=["Dataset"]).to_csv(own, index=False)
    folder, _ = bench.convert(own, tmp_path / "own-out")
    assert sorted(pd.read_csv(folder / "tenders.csv")["tender_id"]) == ["TBR-000", "TBR-001"]
