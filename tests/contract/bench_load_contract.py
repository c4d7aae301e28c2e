"""Load-time benchmark of the contract loader (not part of the test suite).

    .venv/bin/python tests/contract/bench_load_contract.py [--bids 1000000] [--items-per-bid 0] [--dir D]

Generates a dataset with DuckDB (fast, no pandas) in the default English/UTF-8/yuan form, then
times ``load_dataset`` (read + type + validate, all in one transaction).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from bidwatch.contract import load_dataset


def generate(out: Path, n_bids: int, items_per_bid: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    n_tenders = max(n_bids // 10, 1)
    n_companies = max(n_bids // 50, 10)
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT 'C' || i AS company_id, '公司' || i AS name, '11010' || (i % 10) AS region_code,
        DATE '2000-01-01' + (i % 7000)::INT AS founded_on, 1000000 + i AS registered_capital
        FROM range({n_companies}) t(i)) TO '{out}/companies.csv' (HEADER)""")
    con.execute(f"""COPY (SELECT 'T' || i AS tender_id, '标段' || i AS title, 'works' AS category, 'open' AS procedure,
        'C' || (i % {n_companies}) AS tenderer_id, round(1e6 + (i % 1000) * 1000.5, 2) AS ceiling_price,
        DATE '2023-01-01' + (i % 700)::INT AS announced_on,
        TIMESTAMP '2023-02-01 09:30:00' + to_days((i % 700)::INT) AS bid_deadline,
        'C' || ((i * 7) % {n_companies}) AS winner_id FROM range({n_tenders}) t(i)) TO '{out}/tenders.csv' (HEADER)""")
    con.execute(f"""COPY (SELECT 'B' || i AS bid_id, 'T' || (i // 10) AS tender_id, 'C' || ((i * 13) % {n_companies}) AS company_id,
        round(900000 + random() * 200000, 2) AS price,
        TIMESTAMP '2023-02-01 08:00:00' + to_seconds(i % 86400) AS submitted_at,
        CASE WHEN i % 97 = 0 THEN 'disqualified' ELSE 'valid' END AS status,
        (i % 10) + 1 AS rank, round(60 + random() * 40, 2) AS score, 'P' || (i % 50000) AS project_manager_id
        FROM range({n_bids}) t(i)) TO '{out}/bids.csv' (HEADER)""")
    if items_per_bid:
        con.execute(f"""COPY (SELECT 'B' || (i // {items_per_bid}) AS bid_id, '0101010' || lpad((i % {items_per_bid})::VARCHAR, 5, '0') AS item_code,
            round(10 + random() * 1000, 2) AS unit_price, round(random() * 100, 3) AS quantity
            FROM range({n_bids * items_per_bid}) t(i)) TO '{out}/bid_items.csv' (HEADER)""")
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bids", type=int, default=1_000_000)
    ap.add_argument("--items-per-bid", type=int, default=0)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.dir or Path(tmp) / "ds"
        t0 = time.perf_counter()
        generate(out, args.bids, args.items_per_bid)
        print(f"generated in {time.perf_counter() - t0:.1f}s: "
              + ", ".join(f"{p.name} {p.stat().st_size / 1e6:.0f}MB" for p in sorted(out.iterdir())))
        for _ in range(args.repeat):
            # Baseline: DuckDB only reading the same CSVs as text (no typing, no checks), to tell
            # the loader's own cost from the machine's load at the time.
            con = duckdb.connect()
            t0, c0 = time.perf_counter(), time.process_time()
            for f in sorted(out.glob("*.csv")):
                con.execute(f"CREATE TABLE {f.stem} AS SELECT * FROM read_csv('{f}', all_varchar=true)")
            base = time.perf_counter() - t0, time.process_time() - c0
            con.close()
            t0, c0 = time.perf_counter(), time.process_time()
            ds = load_dataset(out)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(f"load_dataset: {wall:.2f}s wall, {cpu:.2f}s CPU | plain read_csv: {base[0]:.2f}s wall, "
                  f"{base[1]:.2f}s CPU | rows={ds.row_counts}")
            ds.con.close()


if __name__ == "__main__":
    main()
