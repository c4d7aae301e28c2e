"""Core sub-commands: check, scan, evaluate."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from bidwatch.i18n import chinese_first as _
from bidwatch.remote import is_remote

MAX_PROBLEMS_ON_SCREEN = 50


def _progress(message: str, fraction: float) -> None:
    print(f"[{fraction:5.0%}] {message}", file=sys.stderr, flush=True)


def _report_problems(problems: list[Any], out_dir: Path | None) -> None:
    from bidwatch.contract import write_problems_csv

    from bidwatch.contract.schema import TABLES
    from bidwatch.contract.sources import table_for_name
    from bidwatch.contract.validate import states_expectation

    def label(table: str, column: str) -> str:
        # the clerk's header is most often the Chinese name: both are shown, 列 bid_deadline（投标截止时间）; a
        # workbook's problems name the sheet
        t = TABLES.get(table) or table_for_name(table)
        zh = [t.column(c).zh if t is not None and c in t else "" for c in column.split(",")]
        return f"{column}（{'、'.join(zh)}）" if all(zh) else column

    print(f"数据集无效，共 {len(problems)} 个问题 / dataset rejected, {len(problems)} problem(s):", file=sys.stderr)
    for p in problems[:MAX_PROBLEMS_ON_SCREEN]:
        table = TABLES[p.table].zh + f"（{p.table}）" if p.table in TABLES else p.table
        where = table + (f" 第{p.row}行" if p.row else "") + (f" 列 {label(p.table, p.column)}" if p.column else "")
        if p.value is None and p.row is None:  # a table- or column-level problem: the text says what is wrong
            print(f"  {where}：{p.expected}", file=sys.stderr)
            continue
        value = f" 值 {p.value!r}" if p.value is not None else ""
        # 应为 only before what the cell should be (日期 YYYY-MM-DD): not before a diagnosis (在 … 中找不到, 主键重复…)
        should = "应为 " if states_expectation(p.expected) else ""
        print(f"  {where}{value}：{should}{p.expected}", file=sys.stderr)
    if len(problems) > MAX_PROBLEMS_ON_SCREEN:
        print(f"  …… 另有 {len(problems) - MAX_PROBLEMS_ON_SCREEN} 个问题", file=sys.stderr)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_problems_csv(problems, out_dir / "problems.csv")
        print(f"问题清单 / problem list: {out_dir / 'problems.csv'}", file=sys.stderr)


def _report_notices(notices: list[Any], out_dir: Path | None) -> None:
    """What the loader read differently from a plain table (title rows, totals and signature rows
    skipped, …): on screen, and as notices.csv next to the results (removed when there are none)."""
    from bidwatch.contract import write_notices_csv

    if out_dir is not None:
        if notices:
            write_notices_csv(notices, out_dir / "notices.csv")
        elif (out_dir / "notices.csv").exists():
            (out_dir / "notices.csv").unlink()
    if not notices:
        return
    print(f"读取说明 {len(notices)} 条（非错误）/ {len(notices)} notice(s), not errors:", file=sys.stderr)
    for p in notices[:MAX_PROBLEMS_ON_SCREEN]:
        print(f"  {p}", file=sys.stderr)
    if len(notices) > MAX_PROBLEMS_ON_SCREEN:
        print(f"  …… 另有 {len(notices) - MAX_PROBLEMS_ON_SCREEN} 条", file=sys.stderr)


def load(path: str, out_dir: Path | None = None, timezone: str | None = None) -> Any:
    """Load a dataset or return None after reporting its problems.

    DATASET is a contract folder, an ``.xlsx`` workbook, or an OCDS file (``.json``, ``.jsonl``,
    ``.ndjson``, optionally ``.gz``: releases, release or record packages), which is converted to the
    contract tables first (``bidwatch.ocds.read_ocds_tables``, dates judged in ``timezone``).
    """
    from bidwatch.ocds.reader import looks_like_ocds

    if is_remote(path):
        print(_("%(path)s: a URL path is read on Spark only: use --engine spark", path=path), file=sys.stderr)
        return None
    if not Path(path).exists():
        print(_("dataset not found: %(path)s", path=path), file=sys.stderr)
        return None
    if looks_like_ocds(path):
        return _load_ocds(path, out_dir, timezone)
    if Path(path).is_file() and Path(path).name.lower().removesuffix(".gz").endswith((".json", ".jsonl", ".ndjson")):
        # a platform API's JSON (剑鱼, a crawler's output) is no dataset: say what is read, not four missing tables
        print(f"{Path(path).name} 不是 OCDS 文件（开头没有 ocid、releases 或 records）：JSON 只读取 OCDS 格式；其他数据请整理为"
              "数据集文件夹（CSV，见 docs/data-contract.md）或 .xlsx 工作簿，平台公告可用 bidwatch notices 导入 / "
              f"{Path(path).name} is not OCDS (no ocid, releases or records at its start): JSON is read as OCDS only; "
              "other data goes in a dataset folder (CSV) or an .xlsx workbook, platform notices through bidwatch notices",
              file=sys.stderr)
        return None
    from bidwatch.contract import DatasetInvalid, load_dataset

    try:
        ds = load_dataset(path)
    except DatasetInvalid as exc:
        _report_notices(exc.notices, out_dir)
        _report_problems(exc.problems, out_dir)
        return None
    _report_notices(ds.notices, out_dir)
    return ds


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
    """The OCDS conversion's problems (bad lines, wrong types, repairs, rows dropped because the contract
    would refuse them), with their line numbers; the scan goes on with the rest."""
    from collections import Counter

    what = Counter(p.what for p in problems)
    counts = "，".join(f"{_WHAT_ZH.get(k, k)} {n}" for k, n in sorted(what.items()))
    print(f"OCDS 输入有 {len(problems)} 个问题（{counts}）/ {len(problems)} OCDS problem(s): "
          + ", ".join(f"{n} {k}" for k, n in sorted(what.items())), file=sys.stderr)
    for p in problems[:MAX_PROBLEMS_ON_SCREEN]:
        print(f"  第{p.line}行 / {p}", file=sys.stderr)
    if len(problems) > MAX_PROBLEMS_ON_SCREEN:
        print(f"  …… 另有 {len(problems) - MAX_PROBLEMS_ON_SCREEN} 个问题 / … and "
              f"{len(problems) - MAX_PROBLEMS_ON_SCREEN} more (ocds_problems.csv)", file=sys.stderr)


_WHAT_ZH = {"skipped": "跳过", "dropped": "剔除", "repaired": "修复", "cleared": "置空", "ignored": "忽略字段"}

#: Rounds of the contract's checks on the converted tables (a dropped tender orphans its bids: next round).
_CONTRACT_ROUNDS = 4


def _load_ocds(path: str, out_dir: Path | None, timezone: str | None = None) -> Any:
    """Convert an OCDS file and load it as a dataset. The publisher's gaps never reject the file: what
    the contract would still refuse after the conversion's own repairs (a date it cannot read, a key
    repeated...) is dropped row by row (an optional cell is cleared instead), each listed with its line
    and ocid in ``ocds_problems.csv``; only a file with no readable release is rejected."""
    import atexit
    import shutil
    import tempfile

    from bidwatch.contract import DatasetInvalid, load_dataset
    from bidwatch.contract import Problem as ContractProblem
    from bidwatch.ocds.reader import ReadStats
    from bidwatch.ocds.tables import read_ocds_tables

    stats = ReadStats()
    lines: dict[str, int] = {}
    try:
        tables, problems = read_ocds_tables(path, timezone=timezone, stats=stats, lines=lines)
    except ValueError as e:  # an unknown time zone
        print(f"{e}", file=sys.stderr)
        return None
    print(stats.text(), file=sys.stderr)
    basis = stats.timezone_basis
    zh = "指定" if basis == "given" else "按文件中的币种推断" if basis.startswith("inferred") else "默认，文件中无法推断"
    print(f"日期按时区 {stats.timezone} 判断（{zh}）/ dates judged in {stats.timezone} ({basis})", file=sys.stderr)
    if not len(tables.get("tenders", ())):
        message = ("OCDS 文件为空 / the OCDS file is empty" if not stats.lines else
                   "OCDS 文件中没有可读的发布 / no readable OCDS release in the file")
        if problems:
            _report_ocds_problems(problems)
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            _write_ocds_problems(problems, out_dir / "ocds_problems.csv", Path(path).name)
        _report_problems([ContractProblem(Path(path).name, None, None, None, message)], out_dir)
        return None
    # The converted tables go through the same contract validation as any dataset; the folder
    # lives as long as the process (the scan may read dataset files after loading).
    folder = Path(tempfile.mkdtemp(prefix="bidwatch-ocds-"))
    atexit.register(shutil.rmtree, folder, True)
    tables = {name: df for name, df in tables.items() if name not in ("awards", "items")}
    ds, refused = fit_ocds_tables(tables, problems, lines, folder,
                                  lambda f: load_dataset(f, max_problems_per_check=None))
    if ds is None:  # a refusal that names no row, or still refused after the rounds: rejected, said why
        _report_ocds_problems(problems)
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            _write_ocds_problems(problems, out_dir / "ocds_problems.csv", Path(path).name)
        _report_problems(refused, out_dir)
        return None
    if problems:
        _report_ocds_problems(problems)
    ds.ocds_problems = problems
    ds.ocds_stats = stats
    return ds


def fit_ocds_tables(tables: dict, problems: list[Any], lines: dict[str, int], folder: Path,
                    load: Any) -> tuple[Any | None, list[Any]]:
    """Write the converted OCDS tables to ``folder`` and ``load(folder)`` them, dropping what the contract refuses
    (:func:`_fit_to_contract`, each drop added to ``problems``) for up to ``_CONTRACT_ROUNDS`` rounds: (the loaded
    dataset, []) or (None, the last refusal). The command line's ``scan FILE`` and the web's OCDS import share it."""
    from bidwatch.contract import DatasetInvalid

    refused: list[Any] = []
    for _ in range(_CONTRACT_ROUNDS):
        # Parquet, not CSV: its row numbers are the frames' rows (+2) even when a title holds a line break.
        for name, df in tables.items():
            df.to_parquet(folder / f"{name}.parquet", index=False)
        try:
            return load(folder), []
        except DatasetInvalid as exc:
            refused = exc.problems
            if not _fit_to_contract(tables, refused, problems, lines):
                break
    return None, refused


def _fit_to_contract(tables: dict, refused: list[Any], problems: list[Any], lines: dict[str, int]) -> bool:
    """Drop the rows (or clear the optional cells) of the converted tables that the contract refused;
    False when a refusal names no row (nothing to drop: the file is rejected)."""
    from bidwatch.contract import TABLES
    from bidwatch.ocds.reader import Problem

    drop: dict[str, set[int]] = {}
    changed = False
    for c in refused:
        df = tables.get(c.table)
        if df is None or c.row is None or not 2 <= c.row < len(df) + 2:
            continue
        i = c.row - 2
        row = df.iloc[i]
        ocid = row.get("ocid") if "ocid" in df.columns else row.get("project_id")
        ocid = ocid if isinstance(ocid, str) else None
        column = (TABLES[c.table].column(c.column)
                  if c.column and c.table in TABLES and c.column in TABLES[c.table] else None)
        optional = column is not None and not column.required and c.column not in ("tender_id", "bid_id",
                                                                                  "company_id", "contract_id")
        what = f"{c.table} row for {ocid or '?'}: {c.column} {c.value!r}: {c.expected}"
        if optional:
            df.iat[i, df.columns.get_loc(c.column)] = None
            problems.append(Problem(lines.get(ocid or "", 0), f"{what} — value left empty", skipped=False,
                                    ocid=ocid, path=f"{c.table}.{c.column}", action="cleared"))
        elif i not in drop.setdefault(c.table, set()):
            drop[c.table].add(i)
            problems.append(Problem(lines.get(ocid or "", 0), f"{what} — row dropped", skipped=False,
                                    ocid=ocid, path=f"{c.table}.{c.column or ''}", action="dropped"))
        changed = True
    for name, rows in drop.items():
        tables[name] = tables[name].drop(tables[name].index[sorted(rows)]).reset_index(drop=True)
    return changed


def _ocds_timezone(args: argparse.Namespace, settings: dict[str, Any] | None = None) -> str | None:
    """The publisher's time zone for OCDS dates: ``--timezone``, else the settings' ``[ocds] timezone``."""
    if getattr(args, "timezone", None):
        return args.timezone
    if settings is None:
        from bidwatch.config import load_settings

        settings = load_settings(getattr(args, "settings", None))
    return (settings.get("ocds") or {}).get("timezone")


def cmd_check(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    ds = load(args.dataset, timezone=args.timezone)
    if ds is None:
        return 2
    print(f"数据集有效 / dataset valid ({time.perf_counter() - started:.1f} s)")
    for table, n in sorted(ds.row_counts.items()):
        print(f"  {table:<12} {n:>10} 行")
    return 0


def _write_ocds_problems(problems: list[Any], path: Path, file: str) -> None:
    """``ocds_problems.csv``: file, line, ocid, path, what was done (``action``: skipped / dropped / repaired
    / cleared / ignored, and in Chinese, ``处理``) and the message; written for every OCDS input, also when
    it is empty."""
    import csv

    from bidwatch.exports import neutralise_row

    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "line", "ocid", "path", "action", "处理", "message"])
        for p in problems:
            w.writerow(neutralise_row([file, p.line or "", p.ocid or "", p.path or "", p.what,
                                       _WHAT_ZH.get(p.what, p.what), p.message]))


#: what a scan writes into its output folder (a folder holding only these, or nothing, may be written again)
SCAN_OUTPUTS = ("alerts.csv", "tenders.csv", "companies.csv", "summary.json", "report.html", "problems.csv",
                "ocds_problems.csv")


def _clear_results(out: Path) -> None:
    """A rejected dataset leaves in ``out`` its problem lists only: an earlier scan's report beside them would be read
    as this dataset's result (QA, 2026-12-07)."""
    old = [out / name for name in SCAN_OUTPUTS[:5] if (out / name).is_file()]
    for path in old:
        path.unlink()
    if old:
        print(_("the earlier scan's results in %(path)s were removed, so that they are not read as this dataset's",
                path=out), file=sys.stderr)


def _unusable_out(out: Path, dataset: str) -> str | None:
    """Why ``--out`` cannot take the scan's files, said before the scan: a file, the dataset's own folder, or a
    folder holding data tables rather than an earlier scan's results (its tenders.csv would be replaced)."""
    if out.exists() and not out.is_dir():
        return _("--out %(path)s is a file, not a folder", path=out)
    if not is_remote(dataset):
        src = Path(dataset)
        src_dir = src if src.is_dir() else src.parent
        if out.exists() and out.resolve() == src_dir.resolve():
            return _("--out %(path)s is the dataset's own folder: its tables would be replaced by the results; "
                     "choose another folder", path=out)
    if out.is_dir() and not (out / "summary.json").exists():
        tables = sorted(p.name for p in out.iterdir() if p.suffix.lower() in (".csv", ".parquet", ".xlsx")
                        and p.name not in SCAN_OUTPUTS[3:])
        if tables:
            return _("--out %(path)s holds data files (%(files)s), not an earlier scan's results: choose an empty or "
                     "new folder", path=out, files="、".join(tables[:5]))
    return None


def _only_codes(text: str) -> list[str] | str:
    """``--only``'s indicators: codes or Chinese names, comma-separated (spaces and ，allowed); an unknown one is an
    error that lists the codes, said before the dataset is read."""
    from bidwatch.indicators import CATALOGUE

    by_name = {ind.name_zh: code for code, ind in CATALOGUE.items()}
    codes, unknown = [], []
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        if not part:
            continue
        code = part if part in CATALOGUE else by_name.get(part)
        (codes if code else unknown).append(code or part)
    if unknown or not codes:
        listing = "\n".join(f"  {code:<32} {ind.name_zh}" for code, ind in CATALOGUE.items())
        return _("unknown indicator in --only: %(names)s; the indicators are:", names="、".join(unknown) or text) \
            + "\n" + listing
    return codes


def cmd_scan(args: argparse.Namespace) -> int:
    if not is_remote(args.dataset) and not Path(args.dataset).exists():
        # said before the imports and the classifier's pre-warm, which the exit would otherwise wait for (≈ 3 s)
        print(_("dataset not found: %(path)s", path=args.dataset), file=sys.stderr)
        return 2
    from bidwatch.config import load_settings
    from bidwatch.scan import run_scan, write_outputs

    out = Path(args.out)
    refused = _unusable_out(out, args.dataset)
    if refused:
        print(refused, file=sys.stderr)
        return 2
    only_codes = _only_codes(args.only) if args.only else None
    if isinstance(only_codes, str):
        print(only_codes, file=sys.stderr)
        return 2
    settings = load_settings(args.settings)
    started = time.perf_counter()
    if not args.quiet:
        _progress(f"读取数据集 / loading {args.dataset}", 0.0)
    warming = None
    if not only_codes or "ml_collusion" in only_codes:
        from bidwatch.indicators.ml import prewarm

        warming = prewarm(settings)  # the classifier's imports and model load overlap the dataset's
    if args.engine == "spark" and is_remote(args.dataset):
        ds = load_on_spark(args.dataset, out, args.master)  # hdfs://, s3a://, file://: read by Spark itself
    else:
        ds = load(args.dataset, out, timezone=_ocds_timezone(args, settings))
    if ds is None:
        _clear_results(out)
        if warming is not None:
            warming.join()  # not interrupted half-way through an import at exit
        return 2
    if getattr(ds, "ocds_problems", None) is None and (out / "ocds_problems.csv").exists():
        (out / "ocds_problems.csv").unlink()  # an earlier OCDS scan's, not this dataset's
    load_seconds = round(time.perf_counter() - started, 3)
    result = run_scan(ds, settings=settings, engine=args.engine, only=only_codes,
                      progress=None if args.quiet else _progress,
                      engine_options={k: v for k, v in (("master", args.master), ("spark_dir", args.spark_dir))
                                      if v} or None)
    result.summary["timings"]["load_seconds"] = load_seconds
    result.summary["dataset"] = str(args.dataset)
    ocds_problems = getattr(ds, "ocds_problems", None)
    if ocds_problems is not None:
        from collections import Counter

        result.summary["ocds_problems"] = len(ocds_problems)
        result.summary["ocds_problems_by_action"] = dict(Counter(p.what for p in ocds_problems))
        result.summary["ocds_read"] = ds.ocds_stats.as_dict()
        result.summary["ocds_timezone"] = ds.ocds_stats.timezone
        result.summary["ocds_timezone_basis"] = ds.ocds_stats.timezone_basis
    write_outputs(result, out)
    if ocds_problems is not None:
        _write_ocds_problems(ocds_problems, out / "ocds_problems.csv", Path(args.dataset).name)
        print(f"OCDS 问题清单 / OCDS problem list: {out / 'ocds_problems.csv'} ({len(ocds_problems)})",
              file=sys.stderr)
    s = result.summary
    print(f"扫描完成 / scan done: {s['alerts']} 条预警（高 {s['by_severity'].get('high', 0)}，"
          f"中 {s['by_severity'].get('medium', 0)}，低 {s['by_severity'].get('low', 0)}），"
          f"涉及 {s['tenders_flagged']} 个标段（共扫描 {s['rows'].get('tenders', 0)} 个）；用时 {time.perf_counter() - started:.1f} 秒")
    for line in skipped_lines(s["skipped"]):
        print(line)
    lists = s.get("bid_lists") or {}
    if lists.get("inferred"):
        print(f"投标人名单 / bid lists: {lists['tenders']}/{lists['of']} 个已定标标段只有中标人一条投标记录，按“仅中标候选人”"
              "处理（未判断投标人数量）；如为全部投标人请注明 tenders.bid_list = all / the bids look like the winners only: "
              "those tenders are not judged on their number of bidders")
    print(f"结果 / output: {out}/report.html")
    return 0


def _unusable_json(path: Path) -> str | None:
    """Why ``--json`` cannot be written, said before the evaluation runs: a folder, or below a file."""
    if path.is_dir():
        return _("--json %(path)s is a folder: give a file name, e.g. %(example)s", path=path,
                 example=path / "evaluation.json")
    parent = next((p for p in path.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        return _("--json %(path)s: %(parent)s is a file, not a folder", path=path, parent=parent)
    return None


def cmd_evaluate(args: argparse.Namespace) -> int:
    import orjson

    from bidwatch.config import load_settings
    from bidwatch.evaluate import LabelsError, evaluate_alerts, format_evaluation, read_labels, unknown_tenders
    from bidwatch.scan import run_scan

    labels_path = Path(args.labels) if args.labels else Path(args.dataset) / "labels.csv"
    if not labels_path.exists():
        print(_("labels not found: %(path)s", path=labels_path), file=sys.stderr)
        return 2
    json_path = Path(args.json) if args.json else None
    refused = _unusable_json(json_path) if json_path is not None else None
    if refused:
        print(refused, file=sys.stderr)
        return 2
    try:
        labels = read_labels(labels_path)
    except LabelsError as exc:
        print(f"{exc}", file=sys.stderr)
        return 2
    settings = load_settings(args.settings)
    ds = load(args.dataset)
    if ds is None:
        return 2
    tenders = [r[0] for r in ds.con.execute("SELECT tender_id FROM tenders").fetchall()]
    unknown = unknown_tenders(labels, tenders)
    if unknown:
        listed = "、".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        print(_("%(count)s tender(s) of %(path)s are not in the dataset and are left out of the evaluation: %(ids)s",
                count=len(unknown), path=labels_path, ids=listed), file=sys.stderr)
        labels = labels[~labels["tender_id"].isin(set(unknown))]
    result = run_scan(ds, settings=settings, engine=args.engine)
    ev = evaluate_alerts(result.alerts, labels, tenders=tenders)
    if unknown:
        ev["labels_unknown_tenders"] = unknown
    print(format_evaluation(ev))
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_bytes(orjson.dumps(ev, option=orjson.OPT_INDENT_2))
    return 0


_TIMEZONE_HELP = ("OCDS 发布方所在时区（IANA 名称；默认 auto：按文件中的币种推断，推断不出时为 Asia/Shanghai；或设置 "
                  "[ocds] timezone）/ the OCDS publisher's time zone for dates, e.g. America/Mexico_City (default auto: "
                  "inferred from the file's currency, else Asia/Shanghai)")


def register(subparsers: argparse._SubParsersAction) -> None:  # noqa: SLF001
    p = subparsers.add_parser("check", help="校验数据集 / validate a dataset against the data contract")
    p.add_argument("dataset", help="数据集文件夹、.xlsx 工作簿或 OCDS 文件 / dataset folder, .xlsx workbook "
                                   "or OCDS file (.jsonl/.json, .gz)")
    p.add_argument("--timezone", help=_TIMEZONE_HELP)
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
    p.add_argument("--timezone", help=_TIMEZONE_HELP)
    p.add_argument("--only", help="只运行这些指标（逗号分隔）/ only these indicator codes")
    p.add_argument("--quiet", action="store_true", help="不显示进度 / no progress")
    p.set_defaults(func=cmd_scan)

    p = subparsers.add_parser(
        "evaluate", help="对照标注评估召回率与精确率 / recall and precision against labels.csv",
        description="扫描数据集，并对照标注（labels.csv：tender_id 或 project_id、scheme，可选 company_ids、mechanism）计算"
                    "各类别与指标的召回率、精确率、高风险精确率、串通企业对召回率和误报率 / scan the dataset and measure "
                    "the alerts against labels.csv: recall, precision, high-severity precision, collusion pair recall "
                    "and the false-alarm rate")
    p.add_argument("dataset", help="带 labels.csv 的数据集文件夹（如 bidwatch synth 的输出）/ dataset folder with its "
                                   "labels.csv (e.g. the output of bidwatch synth)")
    p.add_argument("--labels", help="标注文件（默认 DATASET/labels.csv）/ labels file (default DATASET/labels.csv)")
    p.add_argument("--settings", help="参数文件（TOML），覆盖默认阈值 / settings file overriding the defaults")
    p.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"], help="分析引擎 / engine")
    p.add_argument("--json", metavar="OUT", help="把结果写入 JSON 文件 / write the metrics as JSON")
    p.set_defaults(func=cmd_evaluate)


#: how many groups of skipped indicators the terminal shows (the report lists all)
_SKIPPED_GROUPS_SHOWN = 5


def skipped_lines(skipped: list[dict[str, Any]]) -> list[str]:
    """What the scan did not run, for the terminal: by the table whose data was missing (its Chinese name, how many
    indicators, the first few by name), then those that do not apply; report.html lists every one with its reason."""
    from bidwatch.contract.schema import TABLES

    lines, by_table = [], {}
    for x in skipped:
        if x.get("not_applicable"):
            continue
        tables = sorted({str(m).split(".")[0] for m in x.get("missing") or []}) or ["?"]
        by_table.setdefault("、".join(tables), []).append(x)
    if by_table:
        total = sum(len(v) for v in by_table.values())
        lines.append(f"未运行 {total} 项指标（缺少数据，详见报告“未运行的指标”）/ {total} indicators skipped for lack of data:")
        groups = sorted(by_table.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        rest = groups[_SKIPPED_GROUPS_SHOWN:]
        for key, items in groups[:_SKIPPED_GROUPS_SHOWN]:
            names = "、".join(TABLES[t].zh if t in TABLES else t for t in key.split("、"))
            fields = sorted({m for x in items for m in x.get("missing") or []})
            shown = "，".join(f"{x['name_zh']}（{x['indicator']}）" for x in items[:3])
            more = f" 等 {len(items)} 项" if len(items) > 3 else ""
            lines.append(f"  缺{names}（{', '.join(fields[:4])}{' …' if len(fields) > 4 else ''}）：{shown}{more}")
        if rest:
            n_more = sum(len(v) for _, v in rest)
            lines.append(f"  另有 {n_more} 项缺其他数据（{len(rest)} 组），详见报告 / {n_more} more indicators in "
                         f"{len(rest)} more groups: see report.html")
    foreign = [x for x in skipped if x.get("not_applicable")]
    if foreign:
        lines.append(f"未运行 {len(foreign)} 项（{foreign[0]['not_applicable']}）: "
                     + "，".join(f"{x['name_zh']}（{x['indicator']}）" for x in foreign))
    return lines
