"""``bidwatch model benchmark`` and ``bidwatch model train`` (串通识别模型的基准测试与训练)."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

from bidwatch.i18n import chinese_first as _


def register(subparsers: argparse._SubParsersAction) -> None:
    model = subparsers.add_parser(
        "model",
        help="串通投标识别模型：基准测试与训练 (collusion classifier: benchmark, train)",
        description="串通投标识别模型 — collusion classifier on bid prices.",
    )
    sub = model.add_subparsers(dest="model_command", metavar="SUBCOMMAND")

    bench = sub.add_parser(
        "benchmark",
        help="在带标签的卡特尔数据上评估模型 (evaluate on labelled cartel files)",
        description=(
            "按市场评估模型：标段级分层5折交叉验证重复5次，输出准确率、平衡准确率、F1和ROC-AUC。\n"
            "Per market (one FILE = one market): tender-level stratified 5-fold cross-validation x 5 "
            "repeats; prints accuracy, balanced accuracy, F1 (collusive) and ROC-AUC, mean ± sd.\n"
            "FILE columns: Tender, Bid_value, Collusive_competitor (others optional; "
            "'Pre-Tender Estimate (PTE)' is used as the estimate). A contract dataset folder with "
            "labels.csv is also accepted."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bench.add_argument("files", nargs="+", metavar="FILE", help="卡特尔格式的CSV文件 (cartel-format CSV files)")
    bench.add_argument("--transfer", action="store_true",
                       help="跨市场迁移：用其余市场训练、在该市场测试 (train on the other markets, test on each)")
    bench.add_argument("--json", metavar="OUT", help='结果写入JSON {"MARKET": {"accuracy": ...}} (write results as JSON)')
    bench.add_argument("--folds", type=int, default=5, help="折数 (folds, default 5)")
    bench.add_argument("--repeats", type=int, default=5,
                       help="重复次数；迁移模式下为模型种子数 (repeats; model seeds with --transfer; default 5)")
    bench.add_argument("--seed", type=int, default=0, help="随机种子 (seed, default 0)")
    bench.add_argument("--jobs", type=int, default=2, help="并行进程数，不超过2 (parallel processes, default 2)")
    bench.set_defaults(func=run_benchmark)

    train = sub.add_parser(
        "train",
        help="用已确认的案例训练模型 (train on confirmed cases)",
        description=(
            "用已确认的串通案例训练模型并写出模型说明书。\n"
            "Train on confirmed cases and write a model card. INPUT: a contract dataset folder "
            "(bids.csv, tenders.csv, labels.csv; scheme 'collusion' = positive, every other tender "
            "negative) or a file in the cartel format. Each INPUT is one market."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("inputs", nargs="+", metavar="INPUT", help="数据集目录或卡特尔格式文件 (dataset folders or files)")
    train.add_argument("--out", default="collusion_model.joblib", help="模型文件 (model file, default collusion_model.joblib)")
    train.add_argument("--card", help="模型说明书 Markdown (model card; default: OUT with .md)")
    train.add_argument("--repeats", type=int, default=1,
                       help="评估时交叉验证重复次数 (cross-validation repeats of the evaluation, default 1)")
    train.add_argument("--no-eval", action="store_true",
                       help="跳过评估，只训练；阈值取0.9 (skip evaluation; the threshold stays 0.9)")
    train.add_argument("--notes", help="附加到说明书的Markdown文件 (Markdown file appended to the card)")
    train.add_argument("--jobs", type=int, default=2, help="并行进程数，不超过2 (parallel processes, default 2)")
    train.add_argument("--standardise", choices=("market", "none", "both", "all"), default="market",
                       help="按市场标准化特征 (per-market standardised features: market = n + Z_ features, "
                            "none = raw screens only, both = raw + Z_ of n and the 9 screens, "
                            "all = raw + Z_ of every feature; default market)")
    train.add_argument("--no-estimate", action="store_true",
                       help="不使用报价/估算价比 (leave the bid/estimate ratios out)")
    train.add_argument("--balance", action="store_true",
                       help="每个市场、每个类别权重相同 (weight every market and class equally)")
    train.set_defaults(func=run_train)

    level = sub.add_parser(
        "level",
        help="跨市场验证模型单独预警的概率水平 (the level at which the model may alert alone, leave one market out)",
        description=(
            "留一市场验证：每个市场由未见过它的模型评分，求在每个被留出市场中至多5%的非串通标段达到的最低概率。\n"
            "Leave one market out: each FILE is scored by a model of the scan configuration trained on the other "
            "FILEs (--test-only files by the model trained on all FILEs); prints the lowest probability at which "
            "at most 5% of every held-out market's clean tenders (with at least 4 bids) are alerted and its "
            "collusive tenders at least twice as often (the value of [ml] standalone_level), or 'none'."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    level.add_argument("files", nargs="+", metavar="FILE", help="训练市场 (training markets, cartel format)")
    level.add_argument("--test-only", nargs="*", default=[], metavar="FILE",
                       help="只作测试的市场 (markets kept out of training, e.g. Italy)")
    level.add_argument("--max-clean-share", type=float, default=0.05,
                       help="每个留出市场非串通标段的最大预警比例 (default 0.05)")
    level.add_argument("--min-ratio", type=float, default=2.0,
                       help="留出市场中串通标段的预警比例至少为非串通标段的倍数 (collusive alerted ≥ this × clean alerted; default 2)")
    level.add_argument("--save-models", metavar="DIR", help="保存留出模型 (save each held-out model as DIR/without-NAME.joblib)")
    level.add_argument("--json", metavar="OUT", help="结果写入JSON (write the level and the table as JSON)")
    level.set_defaults(func=run_level)

    model.set_defaults(func=lambda args: (model.print_help(), 1)[1])


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _check_paths(paths: list[str]) -> list[Path] | None:
    """The paths, or None after saying which are missing."""
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        _log(_("error") + ": " + _("not found: %(files)s", files=", ".join(missing)))
        return None
    return [Path(p) for p in paths]


#: the columns each input needs: a file in the cartel format, and the tables of a contract dataset folder
CARTEL_COLUMNS = ("Tender", "Bid_value", "Collusive_competitor")
DATASET_COLUMNS = {"bids": ("tender_id", "price"), "labels": ("tender_id", "scheme")}


def _text_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a CSV file (a .gz one decompressed), or its first ``limit`` bytes."""
    import gzip

    if path.name.lower().endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            return fh.read(-1 if limit is None else limit)
    with path.open("rb") as fh:
        return fh.read(-1 if limit is None else limit)


def _header(path: Path, encodings: tuple[str, ...]) -> tuple[list[str] | None, str | None]:
    """The CSV header of ``path`` (None for an empty file), or a message: the file is not in one of ``encodings``
    (naming the first line that is not, for UTF-8)."""
    import csv
    import gzip
    import zlib

    try:
        data = _text_bytes(path)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        return None, _("%(path)s cannot be read", path=path) + f" ({exc})"
    text = None
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            if encoding == encodings[0]:
                line = data[:exc.start].count(b"\n") + 1
                first_error = (line, exc)
    if text is None:
        line, _exc = first_error
        return None, _("%(path)s (line %(line)s) is not UTF-8 text (a file saved as GBK/ANSI?): save it as UTF-8 CSV "
                       "(Excel: 另存为 \"CSV UTF-8\"; WPS: 编码 UTF-8) and run again", path=path, line=line)
    rows = [r for r in csv.reader(text.lstrip("\ufeff").splitlines()[:1]) if any(c.strip() for c in r)]
    return (rows[0] if rows else None), None


def _input_problem(path: Path) -> str | None:
    """Why ``path`` is no labelled market, in Chinese first, before any model work: a cartel file that is empty, not
    UTF-8 or without the columns Tender, Bid_value, Collusive_competitor; a dataset folder without bids or labels
    or their columns. None when it may be read (:func:`bidwatch.model.benchmark.read_labelled` says the rest)."""
    if path.is_dir():
        found = {t: next((f for f in (path / f"{t}.parquet", path / f"{t}.csv") if f.is_file()), None)
                 for t in DATASET_COLUMNS}
        if any(f is None for f in found.values()):
            return _("%(folder)s: a contract dataset needs bids and labels", folder=path)
        for table, file in found.items():
            if file.suffix == ".parquet":
                import pyarrow.parquet as pq

                try:
                    columns = list(pq.read_schema(file).names)
                except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds for a damaged file
                    return _("%(path)s cannot be read", path=file) + f" ({exc})"
            else:
                columns, problem = _header(file, ("utf-8-sig", "gb18030"))
                if problem:
                    return problem
                if columns is None:
                    return _("%(path)s is empty: it needs the header %(columns)s", path=file,
                             columns=",".join(DATASET_COLUMNS[table]))
            missing = [c for c in DATASET_COLUMNS[table] if c not in [str(x).strip() for x in columns]]
            if missing:
                return _("%(file)s: missing column(s) %(columns)s", file=f"{path}/{table}", columns=missing)
        return None
    columns, problem = _header(path, ("utf-8-sig",))
    if problem:
        return problem
    if columns is None:
        return _("%(path)s is empty: it needs the header %(columns)s", path=path, columns=",".join(CARTEL_COLUMNS))
    missing = [c for c in CARTEL_COLUMNS if c not in columns]
    if missing:
        return _("%(file)s: missing column(s) %(columns)s", file=path.name, columns=missing)
    return None


def _checked_inputs(paths: list[str]) -> list[Path] | None:
    """The inputs as paths, or None after saying (Chinese first, exit 2) why one cannot be a labelled market."""
    checked = _check_paths(paths)
    if checked is None:
        return None
    for path in checked:
        problem = _input_problem(path)
        if problem:
            _log(_("error") + ": " + problem)
            return None
    return checked


def _read_markets(names: list[str], paths: list[Path]) -> list[tuple[str, object]] | None:
    """``(name, bids)`` of each input, or None after saying which one could not be read and why."""
    import pandas as pd

    from bidwatch.model.benchmark import read_labelled

    markets = []
    for name, path in zip(names, paths, strict=True):
        try:
            markets.append((name, read_labelled(path)))
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError, OSError) as exc:
            _log(_("error") + ": " + _("%(path)s cannot be read", path=path) + f" ({exc})")
            return None
    return markets


def run_benchmark(args: argparse.Namespace) -> int:
    from bidwatch.model.benchmark import benchmark, format_table, json_summary

    paths = _checked_inputs(args.files)
    if paths is None:
        return 2
    jobs = max(1, min(args.jobs, 2))
    try:
        results = benchmark(paths, transfer=args.transfer, n_splits=args.folds, n_repeats=args.repeats,
                            seed=args.seed, n_jobs=jobs)
    except ValueError as exc:
        _log(_("error") + f": {exc}")
        return 2
    if not results["markets"]:
        _log(_("no market could be evaluated"))
        return 1
    title = (
        "跨市场迁移（用其余市场训练）/ transfer: trained on the other markets, tested on this one"
        if args.transfer
        else f"市场内交叉验证 / within-market cross-validation: {args.folds}-fold x {args.repeats}, mean ± sd"
    )
    print(title)
    print(format_table(results["markets"], reference=not args.transfer))
    print(f"用时 / runtime: {results['meta']['runtime_seconds']:.0f} s")
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(json_summary(results), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        _log(f"已写入 / written: {out}")
    return 0


def run_train(args: argparse.Namespace) -> int:
    from bidwatch.model.benchmark import benchmark, format_table, market_names
    from bidwatch.model.card import render_card
    from bidwatch.model.features import FeatureBuilder
    from bidwatch.model.scoring import DEFAULT_THRESHOLD, recommend_threshold, train_model

    start = time.perf_counter()
    paths = _checked_inputs(args.inputs)
    if paths is None:
        return 2
    jobs = max(1, min(args.jobs, 2))
    markets = _read_markets(market_names(paths), paths)
    if markets is None:
        return 2
    for name, bids in markets:
        labels = bids.groupby("tender_id")["label"].max()
        _log(f"[{name}] {len(bids)} 条投标 bids, {len(labels)} 个标段 tenders, {int(labels.sum())} 串通 collusive")
        if labels.nunique() < 2 and len(markets) == 1:
            _log(_("error: need both collusive and clean tenders") + f" ({name})")
            return 2

    def builder() -> FeatureBuilder:
        return FeatureBuilder(standardise=args.standardise, estimate=not args.no_estimate)

    within = transfer = None
    threshold = DEFAULT_THRESHOLD
    if not args.no_eval:
        _log("评估 / evaluating ...")
        within = benchmark(paths, n_repeats=args.repeats, n_jobs=jobs, builder=builder(),
                           balance=args.balance)
        print("市场内交叉验证 / within-market cross-validation")
        print(format_table(within["markets"]))
        if len(markets) > 1:
            transfer = benchmark(paths, transfer=True, n_repeats=1, n_jobs=jobs, builder=builder(),
                                 balance=args.balance)
            print("跨市场迁移 / transfer")
            print(format_table(transfer["markets"], with_sd=False, reference=False))
        if within["predictions"]:
            # Held-out predictions of models trained on the same market: the situation of a model
            # scoring the market it was trained on (the transfer table shows how levels shift).
            threshold = recommend_threshold(within["predictions"])
    _log("训练最终模型 / fitting the final model on all tenders ...")
    command = "bidwatch model train " + " ".join(shlex.quote(str(p)) for p in args.inputs)
    command += f" --out {shlex.quote(args.out)} --repeats {args.repeats} --standardise {args.standardise}"
    command += " --no-estimate" * args.no_estimate + " --balance" * args.balance
    model = train_model(markets, builder=builder(), threshold=threshold, balance=args.balance,
                        metadata={"command": command})
    out = model.save(args.out)
    card_path = Path(args.card) if args.card else out.with_suffix(".md")
    notes = Path(args.notes).read_text(encoding="utf-8") if args.notes else ""
    card_path.write_text(render_card(model, within=within, transfer=transfer, notes=notes), encoding="utf-8")
    size = out.stat().st_size / 1e6
    print(f"模型 / model: {out} ({size:.1f} MB); 说明书 / card: {card_path}; "
          f"推荐阈值 / threshold: {model.threshold:.3f}; 用时 / runtime: {time.perf_counter() - start:.0f} s")
    return 0


def run_level(args: argparse.Namespace) -> int:
    from bidwatch.model.benchmark import market_names
    from bidwatch.model.levels import leave_one_market_out, level_curve, level_table, standalone_level

    start = time.perf_counter()
    if len(args.files) < 2:
        # each market is scored by a model trained on the others: one market leaves nothing to train on
        _log(_("error") + ": " + _("model level needs at least two training markets (FILE FILE ...): each is scored by "
                                   "a model trained on the others; a market kept out of training goes after "
                                   "--test-only"))
        return 2
    paths = _checked_inputs(args.files)
    extra = _checked_inputs(args.test_only) if paths is not None else None
    if paths is None or extra is None:
        return 2
    names = market_names([*paths, *extra])
    markets = _read_markets(names, [*paths, *extra])
    if markets is None:
        return 2
    train, test_only = markets[:len(paths)], markets[len(paths):]
    for name, _bids in [*train, *test_only]:
        # the model that scores a market is trained on the others: they need both classes between them
        others = {int(v) for n, b in train if n != name for v in b["label"].unique()}
        if len(others) < 2:
            _log(_("error: need both collusive and clean tenders") + " ("
                 + ", ".join(n for n, _b in train if n != name) + ")")
            return 2
    held = leave_one_market_out(train, test_only, progress=_log)
    level = standalone_level(held, args.max_clean_share, args.min_ratio)
    rows = level_table(held, level)
    grid = [0.5, 0.6, 0.691, 0.75, 0.8, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9]
    curve = level_curve(held, grid)
    print("Share of each held-out market's clean / collusive tenders (≥ 4 bids) at or above each probability:\n")
    print("| probability | " + " | ".join(held) + " |")
    print("|---|" + "---|" * len(held))
    for g in grid:
        cells = [f"{c['clean_alerted']:.3f} / {c['collusive_alerted']:.3f}" for c in curve if c["level"] == g]
        print(f"| {g:.3f} | " + " | ".join(cells) + " |")
    print()
    print("| held-out market | trained on | clean | collusive | clean p95 | clean max | clean alerted | "
          "collusive alerted |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['market']} | {r['trained_on']} | {r['clean']} | {r['collusive']} | {r['clean_p95']} | "
              f"{r['clean_max']} | {r['clean_alerted']} | {r['collusive_alerted']} |")
    print(f"单独预警水平 / standalone level: {'none' if level is None else f'{level:.3f}'} "
          f"(≤ {args.max_clean_share:.0%} of every held-out market's clean tenders, collusive ones alerted "
          f"≥ {args.min_ratio:g}× as often); "
          f"用时 / runtime: {time.perf_counter() - start:.0f} s")
    if args.save_models:
        folder = Path(args.save_models)
        for name, h in held.items():
            h.model.save(folder / f"without-{name}.joblib")
    if args.json:
        Path(args.json).write_text(json.dumps({"level": level, "max_clean_share": args.max_clean_share,
                                               "min_ratio": args.min_ratio, "markets": rows, "curve": curve},
                                              indent=2), encoding="utf-8")
    return 0
