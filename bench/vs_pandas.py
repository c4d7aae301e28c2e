"""bidwatch's whole scan against the analyst's pandas pair script, side by side (issue 19).

    .venv/bin/python bench/vs_pandas.py [--tenders 10000,100000] [--runs 3]

Both run as fresh processes on the same generated dataset (the synthetic generator, no document texts), best
of ``--runs`` wall times each, alternating so that machine load hits both alike; the ratio is scan / pandas.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _time(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenders", default="10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", default=str(HERE / "out"))
    args = parser.parse_args()
    root = Path(args.root)
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in (int(x) for x in args.tenders.split(",")):
        ds = root / f"vs-pandas-{n}"
        if not (ds / "bids.csv").exists():
            from bidwatch.synth import write_synthetic

            write_synthetic(ds, n, 1, texts=False)
        scan_cmd = [sys.executable, "-m", "bidwatch.cli", "scan", str(ds), "--out", str(root / f"vs-scan-{n}"),
                    "--quiet"]
        pandas_cmd = [sys.executable, str(HERE / "pandas_pairs.py"), str(ds), str(root / f"vs-pandas-{n}.csv")]
        scan_t, pandas_t = [], []
        for _ in range(args.runs):
            pandas_t.append(_time(pandas_cmd))
            scan_t.append(_time(scan_cmd))
        counts = json.loads((root / f"vs-scan-{n}" / "summary.json").read_text())["rows"]
        rows.append({"tenders": n, "bids": counts.get("bids"), "bid_items": counts.get("bid_items"),
                     "pandas_s": round(min(pandas_t), 2), "scan_s": round(min(scan_t), 2),
                     "ratio": round(min(scan_t) / min(pandas_t), 2)})
        print(json.dumps(rows[-1]), file=sys.stderr)
    print("| tenders | bids | bid_items | pandas pairs s | bidwatch scan s | ratio |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['tenders']:,} | {r['bids']:,} | {r['bid_items']:,} | {r['pandas_s']} | {r['scan_s']} | {r['ratio']} |")
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
