"""Timing of Cardinal's indicators (``bidwatch.ocds.cardinal.compute``) before vs after a change, on
100,000 synthetic compiled releases (``bench/ocds_gen.py``), in fresh processes, alternately.

    python bench/cardinal_bench.py [--before REV] [--n 100000] [--file F] [--runs 5] [--jobs 1] [--map]
    python bench/cardinal_bench.py --instructions 5000 [--before REV]

``--before`` is a git revision whose ``src/`` is extracted to a temporary folder (default: ``main``);
"after" is this checkout's ``src/``. Each run imports one of them in a new process and times
``compute(FILE, eleven indicators, jobs=N)`` (the import excluded): wall time and CPU time of the
process (with ``--jobs 1``, the whole fold; with 2, the forked worker's CPU is not counted). The
runs alternate before/after so that both see the same load; the medians are printed with the load
average, and the outputs of the two versions are checked to be byte-identical (same hash seed).

On a shared machine the load swamps a few per cent of difference. ``--instructions K`` counts CPU
instructions instead (valgrind's callgrind, independent of the load): each version runs on the
first K and the first 2 K releases of the file, and the difference, divided by K, is the cost of
one release (reading and all eleven indicators), start-up and imports cancelled out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ELEVEN = ("R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058")

RUN = r"""
import hashlib, json, sys, time
from bidwatch.ocds.cardinal import compute, dumps
from bidwatch.ocds.settings import Settings
path, jobs, map_ = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
settings = Settings(indicators={code: {} for code in %r})
t0, c0 = time.perf_counter(), time.process_time()
out = compute(path, settings, map=map_, jobs=jobs)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"wall": wall, "cpu": cpu, "sha": hashlib.sha256(dumps(out)).hexdigest()}))
""" % (ELEVEN,)


def extract(rev: str, dest: Path) -> Path:
    git = ["git", "-C", str(REPO), "archive", rev, "src"]
    data = subprocess.run(git, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "src"


def run_once(src: Path, data: Path, jobs: int, map_: bool) -> dict:
    # A fixed hash seed: R028 flags the tenderers of a frozenset union, whose order (hence the
    # output's key order) depends on the seed.
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0"}
    load = os.getloadavg()[0]
    p = subprocess.run([sys.executable, "-c", RUN, str(data), str(jobs), "1" if map_ else "0"],
                       env=env, check=True, capture_output=True, text=True)
    r = json.loads(p.stdout)
    r["load"] = load
    return r


def instructions(src: Path, data: Path) -> int:
    """Instructions executed by one ``compute`` run over ``data`` (callgrind's total)."""
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0"}
    # Compile first, so that the counted run loads .pyc files like the other version.
    subprocess.run([sys.executable, "-c", "import bidwatch.ocds.cardinal"], env=env, check=True)
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", RUN,
           str(data), "1", "0"]
    p = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    for line in p.stderr.splitlines():
        if "Collected" in line:
            return int(line.split()[-1])
    raise SystemExit(f"no instruction count from valgrind: {p.stderr[-500:]}")


def count_instructions(versions: dict[str, Path], data: Path, k: int, rev: str) -> int:
    lines = data.read_bytes().splitlines(keepends=True)
    per = {}
    with tempfile.TemporaryDirectory() as d:
        files = []
        for n in (k, 2 * k):
            f = Path(d) / f"first-{n}.jsonl"
            f.write_bytes(b"".join(lines[:n]))
            files.append(f)
        for name, src in versions.items():
            small, big = (instructions(src, f) for f in files)
            per[name] = (big - small) / k
            print(f"{name}: {small:,} instructions ({k} releases), {big:,} ({2 * k})", file=sys.stderr)
    print(f"\nInstructions per release (callgrind; first {k} vs {2 * k} releases of {data.name}, "
          f"eleven indicators, jobs=1); before = `{rev}`\n")
    print("| | instructions per release | ratio |")
    print("|---|---|---|")
    for name, v in per.items():
        print(f"| {name} | {v:,.0f} | {v / per['before']:.3f} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--before", default="main", help="git revision of the 'before' code (default: main)")
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--file", default=None, help="the JSON lines file (generated if missing)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--map", action="store_true", help="also build Cardinal's --map tables")
    p.add_argument("--instructions", type=int, default=None, metavar="K",
                   help="count instructions (valgrind) on the first K and 2K releases instead of timing")
    a = p.parse_args(argv)

    tmp = Path(tempfile.gettempdir())
    data = Path(a.file) if a.file else tmp / f"ocds-{a.n // 1000}k.jsonl"
    if not data.exists():
        print(f"generating {data} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(HERE / "ocds_gen.py"), str(a.n), str(data)], check=True)
    with tempfile.TemporaryDirectory() as d:
        versions = {"before": extract(a.before, Path(d)), "after": REPO / "src"}
        if a.instructions:
            return count_instructions(versions, data, a.instructions, a.before)
        runs: dict[str, list[dict]] = {"before": [], "after": []}
        for i in range(a.runs):
            for name, src in versions.items():
                r = run_once(src, data, a.jobs, a.map)
                runs[name].append(r)
                print(f"run {i + 1} {name}: wall {r['wall']:.2f} s, cpu {r['cpu']:.2f} s, "
                      f"load {r['load']:.1f}", file=sys.stderr)
    shas = {name: {r["sha"] for r in rs} for name, rs in runs.items()}
    same = len(shas["before"] | shas["after"]) == 1
    print(f"\n`compute` on {data.name} ({data.stat().st_size / 1e6:.0f} MB), eleven indicators, jobs={a.jobs}"
          f"{', map' if a.map else ''}, median of {a.runs} alternating runs; before = `{a.before}`\n")
    print("| | wall | CPU | load avg (1 min) |")
    print("|---|---|---|---|")
    for name, rs in runs.items():
        print(f"| {name} | {statistics.median(r['wall'] for r in rs):.2f} s "
              f"| {statistics.median(r['cpu'] for r in rs):.2f} s "
              f"| {min(r['load'] for r in rs):.1f}–{max(r['load'] for r in rs):.1f} |")
    print(f"\noutputs byte-identical: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
