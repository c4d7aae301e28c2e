"""Scan benchmark: wall time and peak memory of `bidwatch scan` at 10k, 100k and 1M bids.

    .venv/bin/python bench/scan_bench.py [--sizes 10000,100000,1000000] [--texts 0.02]

Each size is generated once with the synthetic generator (≈ 8 bids per tender, with bid_files,
bonds, people and ~10 bill-of-quantities lines per bid), then scanned in a fresh process so that the
peak RSS is the scan's own. Results are printed as a Markdown table and appended to bench/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: the default synthetic world (lawful background: candidates-only and bid-less tenders) has ≈ 6.6 bids a tender;
#: the clean world (--background none) of the earlier runs had 7.5
BIDS_PER_TENDER = 6.6
#: the whole-dataset network indicators, whose time must grow linearly with the bids (issue 3)
NETWORK = ("cobidding_group", "bid_rotation", "serial_loser", "related_company_community")


def generate(n_bids: int, texts: float, root: Path) -> Path:
    out = root / f"synth-{n_bids}"
    if (out / "bids.csv").exists() or (out / "bids.parquet").exists():
        return out
    from bidwatch.synth import write_synthetic

    t0 = time.perf_counter()
    counts = write_synthetic(out, max(50, int(n_bids / BIDS_PER_TENDER)), 1, texts=texts)
    print(f"generated {out} in {time.perf_counter() - t0:.1f} s: {counts}", file=sys.stderr)
    return out


def scan(dataset: Path, root: Path) -> dict[str, float]:
    out = root / f"scan-{dataset.name}"
    cmd = [sys.executable, "-m", "bidwatch.cli", "scan", str(dataset), "--out", str(out), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = json.loads((out / "summary.json").read_text())
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
        "peak_rss_gib": round(after.ru_maxrss / 1024 / 1024, 2),  # max over children so far
        "load_s": summary["timings"].get("load_seconds"),
        "scan_s": summary["timings"]["scan_seconds"],
        "bids": summary["rows"].get("bids"),
        "bid_items": summary["rows"].get("bid_items"),
        "tenders": summary["rows"].get("tenders"),
        "alerts": summary["alerts"],
        "indicators": summary["timings"]["indicators"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--texts", type=float, default=0.02, help="share of bids with a document text")
    parser.add_argument("--root", default=str(HERE / "out"))
    args = parser.parse_args()
    root = Path(args.root)
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        ds = generate(size, args.texts, root)
        # sizes run smallest first, so RUSAGE_CHILDREN's max is this run's peak
        rows.append({"target_bids": size, **scan(ds, root)})
        print(json.dumps(rows[-1]), file=sys.stderr)
    print("| bids | bid_items | tenders | load s | scan s | wall s | CPU s | peak RSS GiB | alerts |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['bids']:,} | {r['bid_items']:,} | {r['tenders']:,} | {r['load_s']} | {r['scan_s']} | "
              f"{r['wall_s']} | {r['cpu_s']} | {r['peak_rss_gib']} | {r['alerts']:,} |")
    print()
    print("| bids | " + " | ".join(f"{c} s" for c in NETWORK) + " | network s per 100k bids |")
    print("|---|" + "---|" * (len(NETWORK) + 1))
    for r in rows:
        t = [r["indicators"].get(c, 0.0) for c in NETWORK]
        print(f"| {r['bids']:,} | " + " | ".join(f"{x:.2f}" for x in t) +
              f" | {sum(t) / r['bids'] * 1e5:.2f} |")
    print()
    print("Slowest indicators of the largest size:")
    for code, sec in sorted(rows[-1]["indicators"].items(), key=lambda kv: -kv[1])[:8]:
        print(f"- {code}: {sec:.2f} s")
    print(f"load average: {os.getloadavg()[0]:.2f}")
    (root / f"scan-bench-{int(time.time())}.json").write_text(json.dumps(rows, indent=2))
    os.sync()


if __name__ == "__main__":
    main()
