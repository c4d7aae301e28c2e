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
