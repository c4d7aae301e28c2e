"""Bid-file comparison timings (issue 17 item 5; a benchmark, not a test).

Two sizes, as the issue asks:

- ``tender``: one tender, 20 bidders, each a 200-page PDF (the tender's boilerplate on every other
  page, the bidder's own text, a priced bill of quantities on every tenth page, a picture every twenty
  pages); bidders 1 and 2 collude (the same own text and prices).
- ``across``: 1,000 files across 100 tenders of 10 bidders, alternately a DOCX (20 paragraphs, a priced
  table, a picture, Word's rsids) and a 5-page PDF; in each tender two bidders share an editing session.

The files are generated once into ``--dir`` (WeasyPrint, two processes; not timed) and reused. Each
size runs as ``bidwatch docs compare`` does (``compare_tenders``: the files read by 2 worker processes with
the per-file time limit, then every pair of bidders of each tender compared; the 100 tenders share one
pool of workers). Reported: wall time of reading and comparing, CPU seconds
of this process and of its workers, peak memory, pages per second, findings, and the load average
before and after (the machine is shared: wall times at a high load overstate a quiet machine's).

    PYTHONPATH=src python bench/docs_bench.py --dir /tmp/bidwatch-docs-bench
    PYTHONPATH=src python bench/docs_bench.py --only across --tenders 10   # a quicker look
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.documents.fixtures

from tests.documents.fixtures import POOL, make_docx, picture  # noqa: E402


def text(rnd: random.Random, n: int) -> str:
    chars = [rnd.choice(POOL) for _ in range(n)]
    for i in range(15, n, 16):
        chars[i] = "，"
    return "".join(chars) + "。"


def boq_html(rnd: random.Random, start: int) -> str:
    rows = "".join(f"<tr><td>{start + i}</td><td>0101{start + i:05d}</td><td>分项工程{start + i}</td><td>m3</td>"
                   f"<td>{100 + i}</td><td>{rnd.uniform(50, 900):.2f}</td></tr>" for i in range(10))
    return f"<table>{rows}</table>"


def big_pdf(args: tuple[Path, int, int, int]) -> Path:
    """One bidder's 200-page PDF; ``own_seed`` decides its own text and prices (colluders share one)."""
    from weasyprint import HTML
    import base64

    path, own_seed, pages, tender_seed = args
    if path.exists():
        return path
    tender = random.Random(tender_seed)
    own = random.Random(own_seed)
    prices = random.Random(own_seed + 1)
    body = []
    for p in range(pages):
        if p % 2 == 0:
            body.append("".join(f"<p>{text(tender, 150)}</p>" for _ in range(4)))
        else:
            body.append("".join(f"<p>{text(own, 150)}</p>" for _ in range(4)))
        if p % 10 == 5:
            body.append(boq_html(prices, p))
        if p % 20 == 7:
            img = base64.b64encode(picture(own_seed * 1000 + p, fmt="JPEG")).decode()  # p < 1000: one seed per picture
            body.append(f"<p><img style='width:5cm' src='data:image/jpeg;base64,{img}'></p>")
        body.append("<div style='break-after: page'></div>")
    html = ("<html><head><style>@page { size: A4; margin: 1.5cm } body { font-family: 'Noto Sans CJK SC'; "
            "font-size: 10pt } table { border-collapse: collapse } td { border: 1px solid black }</style></head>"
            f"<body>{''.join(body)}</body></html>")
    HTML(string=html).write_pdf(str(path))
    return path


def small_pdf(args: tuple[Path, int, int]) -> Path:
    from weasyprint import HTML

    path, own_seed, tender_seed = args
    if path.exists():
        return path
    tender, own = random.Random(tender_seed), random.Random(own_seed)
    body = []
    for p in range(5):
        body.append(f"<p>{text(tender, 300)}</p><p>{text(own, 600)}</p>")
        if p == 2:
            body.append(boq_html(own, 1))
        body.append("<div style='break-after: page'></div>")
    HTML(string="<html><head><style>body { font-family: 'Noto Sans CJK SC' } td { border: 1px solid black }"
                f"</style></head><body>{''.join(body)}</body></html>").write_pdf(str(path))
    return path


def generate_tender(root: Path, bidders: int, pages: int) -> dict[str, Path]:
    folder = root / f"tender-{bidders}x{pages}"
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(folder / f"bidder{b:02d}.pdf", 1 if b == 2 else b, pages, 999) for b in range(1, bidders + 1)]
    with ProcessPoolExecutor(2) as pool:
        paths = list(pool.map(big_pdf, jobs))
    return {f"投标人{b:02d}/投标文件.pdf": p for b, p in zip(range(1, bidders + 1), paths, strict=True)}


def generate_across(root: Path, tenders: int, bidders: int) -> list[dict[str, Path]]:
    folder = root / f"across-{tenders}x{bidders}"
    folder.mkdir(parents=True, exist_ok=True)
    pdf_jobs, out = [], []
    for t in range(tenders):
        files = {}
        for b in range(bidders):
            seed = 10_000 + t * 100 + b
            if b % 2 == 0:
                path = folder / f"t{t:03d}-b{b:02d}.docx"
                if not path.exists():
                    rnd = random.Random(seed)
                    paragraphs = [text(random.Random(t * 7 + i), 120) for i in range(8)]
                    paragraphs += [text(rnd, 120) for _ in range(12)]
                    rows = [["序号", "编码", "名称", "单位", "单价"]] + [
                        [str(i), f"0101{i:05d}", f"分项{i}", "m3", f"{rnd.uniform(50, 900):.2f}"] for i in range(15)]
                    rsids = [f"{rnd.randrange(1 << 24):08X}" for _ in range(4)] + (["00C0FFEE"] if b in (0, 2) else [])
                    make_docx(path, paragraphs, tables=[rows], images=[picture(seed, fmt="JPEG")], rsids=rsids,
                              author=f"编制人{seed}")
            else:
                path = folder / f"t{t:03d}-b{b:02d}.pdf"
                pdf_jobs.append((path, seed, t * 7))
            files[f"投标人{b:02d}/投标文件{path.suffix}"] = path
        out.append(files)
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(small_pdf, pdf_jobs, chunksize=8))
    return out


def cpu() -> tuple[float, float]:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def measure(batches: list[dict[str, Path]]) -> dict[str, Any]:
    from bidwatch.documents.batch import compare_tenders

    load0 = os.getloadavg()[0]
    c0 = cpu()
    start = time.perf_counter()
    compare = 0.0
    files = pages = findings = errors = 0
    by_code: dict[str, int] = {}
    results = compare_tenders([(b, []) for b in batches], workers=2)
    read = results[0].timings["read_s"]
    for result in results:
        compare += result.timings["compare_s"]
        files += len(result.files)
        pages += sum(int(f["pages"] or 0) for f in result.files)
        errors += len(result.errors)
        findings += len(result.findings)
        for f in result.findings:
            by_code[f["indicator"]] = by_code.get(f["indicator"], 0) + 1
    wall = time.perf_counter() - start
    c1 = cpu()
    return {"files": files, "pdf_pages": pages, "errors": errors, "wall_s": round(wall, 1), "read_s": round(read, 1),
            "compare_s": round(compare, 1), "cpu_main_s": round(c1[0] - c0[0], 1),
            "cpu_workers_s": round(c1[1] - c0[1], 1), "peak_rss_main_mib": resource.getrusage(
                resource.RUSAGE_SELF).ru_maxrss // 1024, "peak_rss_worker_mib": resource.getrusage(
                resource.RUSAGE_CHILDREN).ru_maxrss // 1024, "findings": findings, "by_indicator": by_code,
            "load_before": round(load0, 1), "load_after": round(os.getloadavg()[0], 1)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dir", type=Path, default=Path("/tmp/bidwatch-docs-bench"))
    p.add_argument("--only", choices=["tender", "across"])
    p.add_argument("--bidders", type=int, default=20)
    p.add_argument("--pages", type=int, default=200)
    p.add_argument("--tenders", type=int, default=100)
    args = p.parse_args()
    if args.only in (None, "tender"):
        t = time.perf_counter()
        batch = generate_tender(args.dir, args.bidders, args.pages)
        print(f"generated {len(batch)} PDFs in {time.perf_counter() - t:.0f} s (not timed below)", flush=True)
        print("tender:", measure([batch]), flush=True)
    if args.only in (None, "across"):
        t = time.perf_counter()
        batches = generate_across(args.dir, args.tenders, 10)
        print(f"generated {sum(map(len, batches))} files in {time.perf_counter() - t:.0f} s (not timed below)", flush=True)
        print("across:", measure(batches), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
