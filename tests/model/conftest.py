"""Small labelled markets generated in the test: collusive tenders have tight cover bids."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest


def cartel_frame(n_tenders: int = 40, seed: int = 0, *, estimate: bool = True) -> pd.DataFrame:
    """Bids in the format of ../shared/datasets/cartels (plus a Date column that must be ignored)."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(n_tenders):
        collusive = t % 2
        n = int(rng.integers(3, 9))
        base = float(rng.uniform(1e5, 1e6))
        if collusive:  # a winner well below a tight cluster of cover bids
            bids = base * np.r_[0.96, 1 + np.abs(rng.normal(0, 0.004, n - 1))]
        else:
            bids = base * (1 + rng.normal(0, 0.05, n))
        if t == 7:
            bids = bids[:1]  # one bid: no screen, left out
        for b in bids:
            row = {"Tender": 1000 + t, "Bid_value": round(float(b), 2), "Collusive_competitor": collusive,
                   "Date": 1_000_000 + t}
            if estimate:
                row["Pre-Tender Estimate (PTE)"] = round(base * 1.05, 2)
            rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture
def cartel_file(tmp_path: Path) -> Path:
    path = tmp_path / "Synthetic_market.csv"
    cartel_frame().to_csv(path, index=False)
    return path


@pytest.fixture
def second_cartel_file(tmp_path: Path) -> Path:
    path = tmp_path / "Other_market.csv"
    cartel_frame(30, seed=5, estimate=False).to_csv(path, index=False)
    return path


@pytest.fixture
def contract_dataset(tmp_path: Path) -> Path:
    """bids.csv / tenders.csv / labels.csv of the data contract, from the same generator."""
    frame = cartel_frame(40, seed=2)
    out = tmp_path / "my_cases"
    out.mkdir()
    bids = pd.DataFrame({
        "bid_id": [f"B{i}" for i in range(len(frame))],
        "tender_id": "T" + frame["Tender"].astype(str),
        "company_id": [f"C{i % 9}" for i in range(len(frame))],
        "price": frame["Bid_value"].map(lambda v: f"{v / 10_000:.6f}万元"),
        "status": "valid",
    })
    bids.loc[0, "status"] = "withdrawn"
    tenders = frame.groupby("Tender")["Pre-Tender Estimate (PTE)"].first().reset_index()
    tenders = pd.DataFrame({"tender_id": "T" + tenders["Tender"].astype(str),
                            "estimate": tenders["Pre-Tender Estimate (PTE)"], "ceiling_price": ""})
    lab = frame.groupby("Tender")["Collusive_competitor"].first()
    labels = pd.DataFrame({
        "tender_id": ["T" + str(t) for t in lab.index],
        "scheme": ["collusion" if v else ("evasion" if i % 3 == 0 else "none") for i, v in enumerate(lab)],
        "company_ids": "",
    })
    labels = labels[labels["scheme"] != "none"]  # tenders absent from labels.csv are negatives
    bids.to_csv(out / "bids.csv", index=False)
    tenders.to_csv(out / "tenders.csv", index=False)
    labels.to_csv(out / "labels.csv", index=False)
    return out
