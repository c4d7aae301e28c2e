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
    """Load a dataset or return None after reporting its problems.

    DATASET is a contract folder, an ``.xlsx`` workbook, or an OCDS file (``.json``, ``.jsonl``,
    ``.ndjson``, optionally ``.gz``: compiled releases, release or record packages), which is
    converted to the contract tables first (``bidwatch.ocds.read_ocds_tables``).
    """
    from bidwatch.ocds.reader import looks_like_ocds

    from bidwatch.engine.spark_load import is_remote

    if is_remote(path):
        print(f"{path} 只能由 Spark 读取，请使用 bidwatch scan {path} --engine spark / "
              f"a URL path is read on Spark only: use --engine spark", file=sys.stderr)
        return None
    if not Path(path).exists():
        print(f"找不到数据集 / dataset not found: {path}", file=sys.stderr)
        return None
    if looks_like_ocds(path):
        return _load_ocds(path, out_dir)
    from bidwatch.contract import DatasetInvalid, load_dataset

    try:
        return load_dataset(path)
    except DatasetInvalid as exc:
        _report_problems(exc.problems, out_dir)
        return None


def load_on_spark(path: str, out_dir: Path | None = None, master: str | None = None) -> Any:
    """Read and validate a dataset on Spark from a path only Spark reads (``hdfs://``, ``s3a://``,
    ``file://``); None after reporting its problems."""
    from bidwatch.contract import DatasetInvalid
    from bidwatch.engine.spark import spark_session
    from bidwatch.engine.spark_load import load_on_spark as read_on_spark

    try:
        return read_on_spark(spark_session(master), path)
    except DatasetInvalid as exc:
        _report_problems(exc.problems, out_dir)
        return None


def _report_ocds_problems(problems: list[Any]) -> None:
    """Malformed OCDS lines (invalid JSON / UTF-8, wrong types): reported with their line numbers,
    skipped (or the field ignored); the scan goes on with the rest."""
    skipped = sum(1 for p in problems if p.skipped)
    print(f"OCDS 输入有 {len(problems)} 个问题（跳过 {skipped} 行/条发布）/ {len(problems)} OCDS problem(s), "
          f"{skipped} line(s) or release(s) skipped:", file=sys.stderr)
    for p in problems[:MAX_PROBLEMS_ON_SCREEN]:
        print(f"  第{p.line}行 / {p}", file=sys.stderr)
    if len(problems) > MAX_PROBLEMS_ON_SCREEN:
        print(f"  …… 另有 {len(problems) - MAX_PROBLEMS_ON_SCREEN} 个问题", file=sys.stderr)


def _load_ocds(path: str, out_dir: Path | None) -> Any:
    import atexit
    import shutil
    import tempfile

    from bidwatch.contract import DatasetInvalid, load_dataset
    from bidwatch.contract import Problem as ContractProblem
    from bidwatch.ocds.tables import read_ocds_tables, write_tables

    tables, problems = read_ocds_tables(path)
    if problems:
        _report_ocds_problems(problems)
    if not len(tables.get("tenders", ())):
        bad = [ContractProblem(Path(path).name, None, None, None,
                               "OCDS 文件中没有可读的发布 / no readable OCDS release in the file")]
        _report_problems(bad, out_dir)
        return None
    # The converted tables go through the same contract validation as any dataset; the folder
    # lives as long as the process (the scan may read dataset files after loading).
    folder = Path(tempfile.mkdtemp(prefix="bidwatch-ocds-"))
    atexit.register(shutil.rmtree, folder, True)
    write_tables({name: df for name, df in tables.items() if name not in ("awards", "items")}, folder)
    try:
        ds = load_dataset(folder)
    except DatasetInvalid as exc:
        _report_problems(exc.problems, out_dir)
        return None
    ds.ocds_problems = problems
    return ds


def cmd_check(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    ds = load(args.dataset)
    if ds is None:
        return 2
    print(f"数据集有效 / dataset valid ({time.perf_counter() - started:.1f} s)")
    for table, n in sorted(ds.row_counts.items()):
        print(f"  {table:<12} {n:>10} 行")
    return 0


def _write_ocds_problems(problems: list[Any], path: Path) -> None:
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["line", "skipped", "message"])
        for p in problems:
            w.writerow([p.line, "yes" if p.skipped else "field ignored", p.message])


def cmd_scan(args: argparse.Namespace) -> int:
    from bidwatch.config import load_settings
    from bidwatch.scan import run_scan, write_outputs

    out = Path(args.out)
    settings = load_settings(args.settings)
    started = time.perf_counter()
    _progress(f"读取数据集 / loading {args.dataset}", 0.0)
    from bidwatch.engine.spark_load import is_remote

    if args.engine == "spark" and is_remote(args.dataset):
        ds = load_on_spark(args.dataset, out, args.master)  # hdfs://, s3a://, file://: read by Spark itself
    else:
        ds = load(args.dataset, out)
    if ds is None:
        return 2
    load_seconds = round(time.perf_counter() - started, 3)
    only = args.only.split(",") if args.only else None
    result = run_scan(ds, settings=settings, engine=args.engine, only=only,
                      progress=None if args.quiet else _progress,
                      engine_options={k: v for k, v in (("master", args.master), ("spark_dir", args.spark_dir))
                                      if v} or None)
    result.summary["timings"]["load_seconds"] = load_seconds
    result.summary["dataset"] = str(args.dataset)
    ocds_problems = getattr(ds, "ocds_problems", None)
    if ocds_problems is not None:
        result.summary["ocds_problems"] = len(ocds_problems)
    write_outputs(result, out)
    if ocds_problems:
        _write_ocds_problems(ocds_problems, out / "ocds_problems.csv")
        print(f"OCDS 问题清单 / OCDS problem list: {out / 'ocds_problems.csv'}", file=sys.stderr)
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
    p.add_argument("dataset", help="数据集文件夹、.xlsx 工作簿或 OCDS 文件 / dataset folder, .xlsx workbook "
                                   "or OCDS file (.jsonl/.json, .gz)")
    p.set_defaults(func=cmd_check)

    p = subparsers.add_parser("scan", help="扫描数据集 / scan a dataset and write the report")
    p.add_argument("dataset", help="数据集文件夹、.xlsx 工作簿或 OCDS 文件 / dataset folder, .xlsx workbook "
                                   "or OCDS file (.jsonl/.json, .gz)")
    p.add_argument("--out", required=True, help="输出文件夹 / output folder")
    p.add_argument("--settings", help="参数文件（TOML），覆盖默认阈值 / settings file overriding the defaults")
    p.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"], help="分析引擎 / engine")
    p.add_argument("--master", help="Spark master URL（默认 local[2]，或环境变量 SPARK_MASTER）/ Spark master URL "
                                    "(default local[2] or $SPARK_MASTER)")
    p.add_argument("--spark-dir", help="Spark 读取的 Parquet 中转目录：各节点同一路径的共享目录，或 hdfs:// / s3a:// URL "
                                       "（集群必需，见 docs/spark.md）/ where the contract tables are staged as Parquet "
                                       "for Spark: a folder shared by every node, or an hdfs:// or s3a:// URL")
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
