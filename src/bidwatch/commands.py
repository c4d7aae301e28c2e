"""Core sub-commands: check, scan, evaluate."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

MAX_PROBLEMS_ON_SCREEN = 50


def _progress(message: str, fraction: float) -> None:
    print(f"[{fraction:5.0%}] {message}", file=sys.stderr, flush=True)


def _report_problems(problems: list[Any], out_dir: Path | None) -> None:
    from bidwatch.contract import write_problems_csv

    print(f"数据集无效，共 {len(problems)} 个问题 / dataset rejected, {len(problems)} problem(s):", file=sys.stderr)
    for p in problems[:MAX_PROBLEMS_ON_SCREEN]:
        where = f"{p.table}" + (f" 第{p.row}行" if p.row else "") + (f" 列 {p.column}" if p.column else "")
        value = f" 值 {p.value!r}" if p.value is not None else ""
        print(f"  {where}{value}：应为 {p.expected}", file=sys.stderr)
    if len(problems) > MAX_PROBLEMS_ON_SCREEN:
        print(f"  …… 另有 {len(problems) - MAX_PROBLEMS_ON_SCREEN} 个问题", file=sys.stderr)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_problems_csv(problems, out_dir / "problems.csv")
        print(f"问题清单 / problem list: {out_dir / 'problems.csv'}", file=sys.stderr)


def load(path: str, out_dir: Path | None = None) -> Any:
    """Load a dataset or return None after reporting its problems."""
    from bidwatch.contract import DatasetInvalid, load_dataset

    if not Path(path).exists():
        print(f"找不到数据集 / dataset not found: {path}", file=sys.stderr)
        return None
    try:
        return load_dataset(path)
    except DatasetInvalid as exc:
        _report_problems(exc.problems, out_dir)
        return None


def cmd_check(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    ds = load(args.dataset)
    if ds is None:
        return 2
    print(f"数据集有效 / dataset valid ({time.perf_counter() - started:.1f} s)")
    for table, n in sorted(ds.row_counts.items()):
        print(f"  {table:<12} {n:>10} 行")
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    from bidwatch.config import load_settings
    from bidwatch.scan import run_scan, write_outputs

    out = Path(args.out)
    settings = load_settings(args.settings)
    started = time.perf_counter()
    _progress(f"读取数据集 / loading {args.dataset}", 0.0)
    ds = load(args.dataset, out)
    if ds is None:
        return 2
    load_seconds = round(time.perf_counter() - started, 3)
    only = args.only.split(",") if args.only else None
    result = run_scan(ds, settings=settings, engine=args.engine, only=only,
                      progress=None if args.quiet else _progress,
                      engine_options={"master": args.master} if args.master else None)
    result.summary["timings"]["load_seconds"] = load_seconds
    result.summary["dataset"] = str(args.dataset)
    write_outputs(result, out)
    s = result.summary
    print(f"扫描完成 / scan done: {s['alerts']} 条预警（高 {s['by_severity'].get('high', 0)}，"
          f"中 {s['by_severity'].get('medium', 0)}，低 {s['by_severity'].get('low', 0)}），"
          f"{s['tenders_flagged']} 个标段；用时 {time.perf_counter() - started:.1f} 秒")
    if s["skipped"]:
        print("未运行（缺少数据）/ skipped: " + "，".join(f"{x['indicator']}" for x in s["skipped"]))
    print(f"结果 / output: {out}/report.html")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    import orjson

    from bidwatch.config import load_settings
    from bidwatch.evaluate import evaluate_alerts, format_evaluation, read_labels
    from bidwatch.scan import run_scan

    labels_path = Path(args.labels) if args.labels else Path(args.dataset) / "labels.csv"
    if not labels_path.exists():
        print(f"缺少标注文件 / labels not found: {labels_path}", file=sys.stderr)
        return 2
    ds = load(args.dataset)
    if ds is None:
        return 2
    result = run_scan(ds, settings=load_settings(args.settings), engine=args.engine)
    ev = evaluate_alerts(result.alerts, read_labels(labels_path))
    print(format_evaluation(ev))
    if args.json:
        Path(args.json).write_bytes(orjson.dumps(ev, option=orjson.OPT_INDENT_2))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # noqa: SLF001
    p = subparsers.add_parser("check", help="校验数据集 / validate a dataset against the data contract")
    p.add_argument("dataset", help="数据集文件夹或 .xlsx 工作簿 / dataset folder or .xlsx workbook")
    p.set_defaults(func=cmd_check)

    p = subparsers.add_parser("scan", help="扫描数据集 / scan a dataset and write the report")
    p.add_argument("dataset", help="数据集文件夹、.xlsx 工作簿 / dataset folder or .xlsx workbook")
    p.add_argument("--out", required=True, help="输出文件夹 / output folder")
    p.add_argument("--settings", help="参数文件（TOML），覆盖默认阈值 / settings file overriding the defaults")
    p.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"], help="分析引擎 / engine")
    p.add_argument("--master", help="Spark master URL（默认 local[*]）")
    p.add_argument("--only", help="只运行这些指标（逗号分隔）/ only these indicator codes")
    p.add_argument("--quiet", action="store_true", help="不显示进度 / no progress")
    p.set_defaults(func=cmd_scan)

    p = subparsers.add_parser("evaluate", help="对照标注评估召回率与精确率 / recall and precision against labels.csv")
    p.add_argument("dataset")
    p.add_argument("--labels", help="标注文件（默认 DATASET/labels.csv）")
    p.add_argument("--settings")
    p.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    p.add_argument("--json", help="把结果写入 JSON 文件 / write the metrics as JSON")
    p.set_defaults(func=cmd_evaluate)
