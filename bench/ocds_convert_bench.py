"""Benchmark of the OCDS conversion to the contract tables (``read_ocds_tables``, what ``bidwatch scan
FILE.jsonl`` does before its indicators) on 100,000 releases: compiled releases (``bench/ocds_gen.py``)
and the same kind of data published stage by stage (``--stages``: tender, award and contract releases of
each ocid, each stage of the whole file written after the previous one, so that every ocid is merged with
``ocdsmerge`` and waits for its last release until the last third of the file).

    python bench/ocds_convert_bench.py [--file F ...] [--runs 3] [--src SRC_DIR]

Each run is a fresh process (``PYTHONPATH=SRC_DIR``, default this checkout's ``src``, so that another
checkout's code can be measured the same way); wall time, CPU (user + sys) and peak RSS. Prints a
Markdown table with the load average before and after each run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODE = """
import json, resource, sys, time
from bidwatch.ocds.tables import read_ocds_tables
t0 = time.perf_counter()
tables, problems = read_ocds_tables(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t0, "tenders": len(tables["tenders"]),
                  "bids": len(tables["bids"]), "contracts": len(tables["contracts"]), "problems": len(problems),
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_once(src: Path, data: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", CODE, str(data)], env=env, capture_output=True, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(out.stdout.decode().strip().splitlines()[-1])
    return {"wall": wall, "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            **result}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--file", action="append", help="JSON lines files (default: generate both kinds in /tmp)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--src", default=str(HERE.parent / "src"), help="the checkout's src folder to measure")
    a = p.parse_args(argv)
    files = [Path(f) for f in a.file] if a.file else []
    if not files:
        for name, extra in (("ocds-100k.jsonl", []), ("ocds-100k-stages.jsonl", ["--stages"])):
            path = Path("/tmp") / name
            if not path.exists():
                subprocess.run([sys.executable, str(HERE / "ocds_gen.py"), "100000", str(path), *extra], check=True)
            files.append(path)
    print("| file | wall | CPU | peak RSS | tenders | bids | contracts | load before→after |")
    print("|---|---|---|---|---|---|---|---|")
    for data in files:
        runs = []
        for _ in range(a.runs):
            load = os.getloadavg()[0]
            r = run_once(Path(a.src), data)
            r["load"] = (load, os.getloadavg()[0])
            runs.append(r)
            print(f"{data.name}: wall {r['wall']:.2f} s, cpu {r['cpu']:.2f} s, rss {r['rss']:.0f} MiB, "
                  f"load {load:.1f}", file=sys.stderr)
        med = {k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu", "rss")}
        loads = ", ".join(f"{x:.1f}→{y:.1f}" for x, y in (r["load"] for r in runs))
        last = runs[-1]
        print(f"| {data.name} ({data.stat().st_size / 1e6:.0f} MB) | {med['wall']:.2f} s | {med['cpu']:.2f} s | "
              f"{med['rss']:.0f} MiB | {last['tenders']:,} | {last['bids']:,} | {last['contracts']:,} | {loads} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
