"""``bidwatch ocds`` sub-commands: indicators (Cardinal-compatible), convert, init."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator

from bidwatch.i18n import chinese_first as _

MAX_PROBLEMS_SHOWN = 100


def _missing_input(file: str) -> str | None:
    """Why FILE cannot be read, said before any work: not found, or a folder; None for ``-`` (standard input) and a
    file."""
    from pathlib import Path

    if file == "-" or Path(file).is_file():
        return None
    if Path(file).is_dir():
        return _("%(path)s is a folder, not a file: give an OCDS file (.jsonl, .json, .gz)", path=file)
    return _("file not found: %(path)s", path=file)

_INDICATORS_HELP = """\
Calculate procurement indicators from OCDS compiled releases in a line-delimited JSON file
(Cardinal-compatible: same settings file, same JSON output).

The result is a JSON object whose keys are "OCID", "Buyer", "ProcuringEntity" or "Tenderer"; their
values map identifiers to the results of the indicators that returned one. Unless --no-meta is set,
a "Meta" key gives the quartiles and fences used. With --map, a "Maps" key maps contracting
processes to organizations.

Indicators: R003 R018 R024 R025 R028 R030 R035 R036 R038 R044 R048 R058. A section [CODE] in the
settings file enables one; without -s, all run with their defaults.

Cardinal's known defects are reproduced by default; --corrected (all) or --corrected R025|R030|R038
switches on the corrected behaviour (also settable in a [bidwatch] section: r030_dates = instant,
r025_count = bids, r038_minimum_contracting_processes = processes).

Lines that are not valid JSON or UTF-8, or not releases, are reported on standard error with their
line number and skipped; fields of the wrong type are reported and ignored.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    ocds = subparsers.add_parser("ocds", help="OCDS 数据：Cardinal 兼容的风险指标，转换为数据集 / OCDS data: Cardinal-compatible red flags, conversion to the contract tables",
                                 description="开放合同数据标准（OCDS）数据 / OCDS (Open Contracting Data Standard) input.")
    sub = ocds.add_subparsers(dest="ocds_command", metavar="SUBCOMMAND")

    p = sub.add_parser("indicators", help="计算 Cardinal 的风险指标 / compute Cardinal's red-flag indicators on OCDS JSON lines",
                       description=_INDICATORS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE", help='OCDS JSON lines (or a package document); "-" for standard input')
    p.add_argument("-s", "--settings", metavar="SETTINGS", help="Cardinal settings file (.ini)")
    p.add_argument("--map", action="store_true", help='include the "Maps" key')
    p.add_argument("--no-meta", action="store_true", help='leave out the "Meta" key')
    p.add_argument("-c", "--count", action="store_true", help="print the number of results per group to stderr")
    p.add_argument("--corrected", nargs="?", const="all", action="append", metavar="R025|R030|R038|all",
                   help="use the corrected behaviour of Cardinal's known defects (repeatable; alone: all)")
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="accepted for compatibility with Cardinal (problems are always reported)")
    p.add_argument("-j", "--jobs", type=int, default=None,
                   help="worker processes for large files (default: up to 2)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the JSON here instead of standard output")
    p.set_defaults(func=_indicators)

    p = sub.add_parser("convert", help="将 OCDS 转换为数据集（CSV 文件）/ convert OCDS to the contract tables (CSV files)",
                       description="将 OCDS JSON lines / 数据包转换为 bidwatch 数据集（企业、项目、标段、投标、合同）的 CSV 文件 / "
                                   "Convert OCDS JSON lines / packages into the bidwatch contract tables "
                                   "(companies, projects, tenders, bids, contracts, awards, items) as CSV.")
    p.add_argument("file", metavar="FILE", help='OCDS JSON lines (or a package document); "-" for standard input')
    p.add_argument("out_dir", metavar="OUT_DIR")
    p.add_argument("--timezone", help="the publisher's time zone (IANA name) in which dates are judged "
                                      "(default auto: the zone of the file's currency, else Asia/Shanghai)")
    p.set_defaults(func=_convert)

    p = sub.add_parser("init", help="写出默认设置文件 / write a default settings file (as `ocdscardinal init`)")
    p.add_argument("file", metavar="FILE", help='path of the settings file, "-" for standard output')
    p.add_argument("-f", "--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=_init)

    ocds.set_defaults(func=lambda args: (ocds.print_help(), 1)[1])


def _report(problems, stream=None) -> None:
    stream = stream or sys.stderr
    for p in problems[:MAX_PROBLEMS_SHOWN]:
        print(f"warning: {p}", file=stream)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        print(f"warning: … and {len(problems) - MAX_PROBLEMS_SHOWN} more problems", file=stream)


def _indicators(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bidwatch.ocds.cardinal import GROUPS, compute, dumps
    from bidwatch.ocds.settings import SettingsError, load_settings

    try:
        settings = load_settings(args.settings)
        for which in args.corrected or []:
            settings.correct(which)
    except SettingsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    missing = _missing_input(args.file)
    if missing:
        print(_("error") + ": " + missing, file=sys.stderr)
        return 2
    problems: list = []
    stats: dict = {}
    result = compute(args.file, settings, map=args.map, meta=not args.no_meta, problems=problems, jobs=args.jobs,
                     stats=stats)
    data = dumps(result) + b"\n"
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        except BrokenPipeError:
            return 0
    _report(problems)
    skipped = sum(1 for p in problems if p.skipped)
    if not stats.get("lines"):
        print("OCDS 文件为空（0 行）/ the OCDS file is empty (0 lines)", file=sys.stderr)
    else:
        print(f"读取 {stats['lines']} 行、{stats['releases']} 条发布，跳过 {skipped} 行/条 / read {stats['lines']} "
              f"line(s), {stats['releases']} release(s), {skipped} skipped (each line-level release is read as a "
              "compiled release, as Cardinal reads it)", file=sys.stderr)
    if args.count:
        for group in GROUPS:
            if group in result:
                print(f"{group}: {len(result[group])}", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _spooled(file: str) -> Iterator[str]:
    """``file`` itself; for ``-``, standard input copied to a temporary file named ``stdin`` (read twice: once to
    infer the time zone from the currencies, once for the releases; problems name ``stdin``)."""
    if file != "-":
        yield file
        return
    import shutil
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="bidwatch-ocds-") as folder:
        path = Path(folder) / "stdin"
        with open(path, "wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out)
        yield str(path)


def _convert(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bidwatch.ocds.tables import read_ocds_tables, write_tables

    missing = _missing_input(args.file)
    if missing:
        print(_("error") + ": " + missing, file=sys.stderr)
        return 2
    from bidwatch.ocds.reader import ReadStats

    stats = ReadStats()
    try:
        with _spooled(args.file) as path:
            tables, problems = read_ocds_tables(path, timezone=args.timezone, stats=stats)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    _report(problems)
    print(stats.text(), file=sys.stderr)
    print(f"dates judged in {stats.timezone} ({stats.timezone_basis})", file=sys.stderr)
    if not len(tables.get("tenders", ())):
        # as `bidwatch scan` refuses it: no tables of nothing that a later step would take for a dataset
        what = "the OCDS file is empty" if not stats.lines else "no readable OCDS release in the file"
        print(f"error: {args.file}: {what}; nothing written", file=sys.stderr)
        return 2
    for path in write_tables(tables, args.out_dir):
        print(f"{path} ({len(tables[path.stem])} rows)")
    return 0


DEFAULT_SETTINGS = """\
; currency = USD
; no_price_comparison_procurement_methods = Random Selection
; price_comparison_procurement_methods = Reverse Auction

; `bidwatch ocds indicators` (Cardinal-compatible). A section enables its indicator.

[exclusions]
; procurement_method_details = Random Selection

[R003]
; threshold = 15
; procurement_methods = open|selective|limited

[R003.procurement_method_details]
; emergency = 10
; international = 25

[R018]
; procurement_methods = open|selective

[R024]
; threshold = 0.05

[R025]
; percentile = 75
; threshold = 0.05

[R028]

[R030]

[R035]
; threshold = 1

[R036]

[R038]
; threshold = 0.5
; minimum_submitted_bids = 2
; minimum_contracting_processes = 2

[R044]

[R048]
; digits = 2
; threshold = 10
; minimum_contracting_processes = 20

[R058]
; threshold = 0.5

; bidwatch only (Cardinal rejects this section): corrected behaviour of Cardinal's known defects.
; [bidwatch]
; r030_dates = instant
; r025_count = bids
; r038_minimum_contracting_processes = processes
"""


def _init(args: argparse.Namespace) -> int:
    from pathlib import Path

    if args.file == "-":
        sys.stdout.write(DEFAULT_SETTINGS)
        return 0
    path = Path(args.file)
    if path.exists() and not args.force:
        print(f"{path} exists (use --force to overwrite)", file=sys.stderr)
        return 1
    path.write_text(DEFAULT_SETTINGS, encoding="utf-8")
    print(f"Settings written to {path}.")
    return 0
