"""Benchmark of `bidwatch ocds indicators` on 100,000 synthetic compiled releases (about 110 MB,
1–10 bids each), against Cardinal 0.0.8's figures on this machine kind: 4.3 s wall, 3.3 s CPU,
86 MiB peak memory (median of three runs, all eleven Cardinal indicators).

    python bench/ocds_bench.py [--n 100000] [--file /tmp/ocds-100k.jsonl] [--runs 3] [--jobs N]

Each run starts the real command in a fresh process and measures wall time, CPU (user + sys of
the process and its worker processes) and peak memory: the largest single process (ru_maxrss) and
the peak of the whole process tree's PSS (proportional set size: pages shared after fork counted
once; sampled every 10 ms with psutil). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CARDINAL = {"wall": 4.3, "cpu": 3.3, "rss": 86.0}
ELEVEN = ("R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058")


def _tree_rss_sampler(pid: int, stop: threading.Event, peak: list) -> None:
    try:
        import psutil
    except ImportError:  # pragma: no cover
        return
    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    def pss(p) -> int:
        try:
            return p.memory_full_info().pss  # shared pages counted once across the tree
        except (psutil.Error, AttributeError):
            return p.memory_info().rss

    while not stop.is_set():
        try:
            total = pss(root)
            for child in root.children(recursive=True):
                try:
                    total += pss(child)
                except psutil.Error:
                    pass
        except psutil.Error:
            break
        peak[0] = max(peak[0], total)
        time.sleep(0.01)


def run_once(cmd: list[str], out: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    stop = threading.Event()
    peak = [0]
    t0 = time.perf_counter()
    with open(out, "wb") as f:
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.PIPE)
        sampler = threading.Thread(target=_tree_rss_sampler, args=(proc.pid, stop, peak), daemon=True)
        sampler.start()
        _, err = proc.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "rss": after.ru_maxrss / 1024,  # largest single process, MiB (Linux: KiB)
        "tree": peak[0] / 2**20,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--file", default=None, help="the JSON lines file (generated if missing)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--jobs", type=int, default=None)
    p.add_argument("--entry", choices=("bidwatch", "module"), default="bidwatch",
                   help="`bidwatch ocds indicators` (default) or `python -m bidwatch.ocds indicators`")
    a = p.parse_args(argv)

    tmp = Path(tempfile.gettempdir())
    data = Path(a.file) if a.file else tmp / f"ocds-{a.n // 1000}k.jsonl"
    if not data.exists():
        print(f"generating {data} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(HERE / "ocds_gen.py"), str(a.n), str(data)], check=True)
    settings = tmp / "ocds-bench-settings.ini"
    settings.write_text("".join(f"[{code}]\n" for code in ELEVEN))
    exe = Path(sys.executable).with_name("bidwatch")
    if a.entry == "bidwatch" and exe.exists():
        cmd = [str(exe), "ocds", "indicators"]
    else:
        cmd = [sys.executable, "-m", "bidwatch.ocds", "indicators"]
    cmd += [str(data), "-s", str(settings)]
    if a.jobs:
        cmd += ["--jobs", str(a.jobs)]

    runs = []
    for i in range(a.runs):
        load_before = os.getloadavg()[0]
        r = run_once(cmd, tmp / "ocds-bench-out.json")
        r["load"] = os.getloadavg()[0]
        r["load_before"] = load_before
        runs.append(r)
        print(f"run {i + 1}: wall {r['wall']:.2f} s, cpu {r['cpu']:.2f} s, max rss {r['rss']:.0f} MiB, "
              f"tree pss {r['tree']:.0f} MiB, load {load_before:.1f} before, {r['load']:.1f} after",
              file=sys.stderr)
    med = {k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu", "rss", "tree")}
    size = data.stat().st_size / 1e6
    print(f"\n`{' '.join(Path(c).name if j == 0 else c for j, c in enumerate(cmd))}` — {a.n:,} releases, "
          f"{size:.0f} MB, median of {a.runs}\n")
    print("| | bidwatch | Cardinal 0.0.8 | ratio |")
    print("|---|---|---|---|")
    print(f"| wall | {med['wall']:.2f} s | {CARDINAL['wall']} s | {med['wall'] / CARDINAL['wall']:.2f} |")
    print(f"| CPU (user+sys) | {med['cpu']:.2f} s | {CARDINAL['cpu']} s | {med['cpu'] / CARDINAL['cpu']:.2f} |")
    print(f"| peak RSS, largest process | {med['rss']:.0f} MiB | {CARDINAL['rss']:.0f} MiB | "
          f"{med['rss'] / CARDINAL['rss']:.2f} |")
    print(f"| peak PSS, all processes | {med['tree']:.0f} MiB | {CARDINAL['rss']:.0f} MiB | "
          f"{med['tree'] / CARDINAL['rss']:.2f} |")
    loads = ", ".join(f"{r['load_before']:.1f}→{r['load']:.1f}" for r in runs)
    print(f"\nload average (1 min) before→after each run: {loads} (on {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
