"""The analyst's baseline (issue 19): the statutory pair checks of 条例 第40条, written in pandas in an afternoon.

    python bench/pandas_pairs.py DATASET OUT.csv

Within each tender, pairs of different companies whose bids share a machine code, MAC address, document author
(bid_files), a bond payer account (bonds) or a project manager (bids). It reads the contract's CSV files the way
such a script does (pandas, pyarrow engine), normalises the values lightly, and writes one row per finding. It
checks nothing else: no chance, no generic values, no coverage, no report — the comparison is of wall time only.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd


def _read(ds: Path, table: str, cols: list[str]) -> pd.DataFrame | None:
    path = ds / f"{table}.csv"
    if not path.exists():
        return None
    with path.open(encoding="utf-8-sig") as f:
        header = f.readline().rstrip("\r\n").split(",")
    # the pyarrow engine takes only a list for usecols (not a callable): the columns this file has
    return pd.read_csv(path, usecols=[c for c in header if c in cols], dtype=str, engine="pyarrow")


def shared_pairs(bids: pd.DataFrame, values: pd.DataFrame, field: str) -> pd.DataFrame:
    """Pairs of companies of one tender whose bids carry the same ``field`` value."""
    v = values.merge(bids[["bid_id", "tender_id", "company_id"]], on="bid_id")
    v = v[v["value"].notna() & (v["value"] != "")]
    dup = v.duplicated(["tender_id", "value"], keep=False)
    v = v[dup]
    pairs = v.merge(v, on=["tender_id", "value"], suffixes=("_a", "_b"))
    pairs = pairs[pairs["company_id_a"] < pairs["company_id_b"]]
    pairs = pairs.assign(field=field)
    return pairs[["tender_id", "field", "value", "company_id_a", "company_id_b"]].drop_duplicates()


def main(ds: Path, out: Path) -> int:
    started = time.perf_counter()
    bids = _read(ds, "bids", ["bid_id", "tender_id", "company_id", "project_manager_id"])
    assert bids is not None, "bids.csv missing"
    found = []
    files = _read(ds, "bid_files", ["bid_id", "machine_code", "mac", "author"])
    if files is not None:
        if "machine_code" in files:
            found.append(shared_pairs(bids, files.assign(value=files["machine_code"].str.upper()), "machine_code"))
        if "mac" in files:
            mac = files["mac"].str.replace(r"[^0-9A-Fa-f]", "", regex=True).str.upper()
            found.append(shared_pairs(bids, files.assign(value=mac), "mac"))
        if "author" in files:
            found.append(shared_pairs(bids, files.assign(value=files["author"].str.strip()), "author"))
    bonds = _read(ds, "bonds", ["bid_id", "payer_account"])
    if bonds is not None:
        acct = bonds["payer_account"].str.replace(r"[\s-]", "", regex=True)
        found.append(shared_pairs(bids, bonds.assign(value=acct), "bond_account"))
    if "project_manager_id" in bids:
        found.append(shared_pairs(bids, bids[["bid_id"]].assign(value=bids["project_manager_id"]), "project_manager"))
    result = pd.concat(found, ignore_index=True) if found else pd.DataFrame()
    result.to_csv(out, index=False)
    print(f"{len(result)} pairs in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
