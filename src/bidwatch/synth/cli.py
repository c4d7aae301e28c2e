"""``bidwatch synth OUT --tenders N --seed S [--format csv|parquet|xlsx] [--texts FRACTION]
[--background real|none]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bidwatch.i18n import chinese_first as _


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "synth",
        help="生成带预置问题的合成数据集 / generate a synthetic dataset with planted cases",
        description="生成合成招投标数据集（含 labels.csv 标注） / write a synthetic tender dataset with "
                    "planted schemes, labels.csv, near_misses.csv and bid document texts.",
    )
    p.add_argument("out", metavar="OUT", help="输出目录 / output folder")
    p.add_argument("--tenders", type=int, default=400, help="标段数，至少 100 / number of tenders, at least 100 (default 400)")
    p.add_argument("--seed", type=int, default=7, help="随机种子 / random seed (default 7)")
    p.add_argument("--format", dest="fmt", choices=["csv", "parquet", "xlsx"], default="csv",
                   help="文件格式 / file format (default csv)")
    p.add_argument("--texts", type=_fraction, default=None, metavar="FRACTION",
                   help="生成投标文件正文的标段比例 0..1 / share of tenders whose bids get document texts "
                        "(default: all up to 2,000 tenders, else 0.02; planted text cases always get texts)")
    p.add_argument("--background", choices=["real", "none"], default="real",
                   help="真实数据中的合法巧合 / the lawful coincidences of real exports (default real: default "
                        "document authors, virtual adapters, shared network exits, bids at the ceiling and "
                        "rounded, fixed fees, county expert pools, candidates-only and missing bid lists); "
                        "none = the clean world where nothing coincides unless planted")
    p.set_defaults(func=run)


def _fraction(value: str) -> float:
    f = float(value)
    if not 0.0 <= f <= 1.0:
        raise argparse.ArgumentTypeError("FRACTION must be between 0 and 1")
    return f


def run(args: argparse.Namespace) -> int:
    from bidwatch.synth import write_synthetic

    if args.tenders < 100:
        print(_("error: --tenders must be at least 100"), file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.is_dir() and not (out / "labels.csv").exists() and any(
            p.suffix.lower() in (".csv", ".parquet", ".xlsx") for p in out.iterdir()):
        # a folder of the user's own tables (no labels.csv: not an earlier synthetic dataset) is not overwritten
        print(_("error: %(path)s holds data files that are not a synthetic dataset: choose an empty or new folder",
                path=out), file=sys.stderr)
        return 2
    texts: bool | float = args.texts if args.texts is not None else (True if args.tenders <= 2000 else 0.02)
    if texts == 1.0:
        texts = True

    def say(msg: str) -> None:
        print(msg, flush=True)

    counts = write_synthetic(args.out, args.tenders, args.seed, texts=texts, fmt=args.fmt, progress=say,
                             background=args.background)
    say(f"完成 / done: {args.out}")
    for key in ("companies", "people", "projects", "tenders", "bids", "bid_files", "bid_items", "bonds",
                "evaluations", "experts", "contracts", "sanctions", "labels", "near_misses", "texts"):
        if key in counts:
            say(f"  {key:<12} {counts[key]:>10,}")
    say(f"  用时 / seconds: generate {counts['seconds_generate']}, total {counts['seconds_total']}")
    return 0
