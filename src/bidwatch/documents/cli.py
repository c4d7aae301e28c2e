"""``bidwatch docs``: the bid-file comparison of one tender from the command line (issue 17).

``bidwatch docs compare BIDS.zip [--tender 招标文件.docx] --out DIR`` reads every bid file of the zip
(one folder or file per bidder) in worker processes, compares each pair of bidders and writes
findings.csv, findings.json, files.csv and summary.txt (Chinese). Exit 0 when it ran (findings or not),
2 when the archive is refused whole (unsafe path, zip bomb, too large).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bidwatch.i18n import chinese_first as _

HELP = "投标文件比对（同一编辑来源、相同错误、图片、正文、表格）/ compare the bid files of one tender"

#: what ``bidwatch docs --help`` says (the module's docstring is for developers)
DESCRIPTION = """\
投标文件比对（招标投标法实施条例 第40条(一)(四)）：把一个标段全部投标文件打包为一个 zip（每家投标人一个文件夹或一个文件，
DOCX / PDF），比对每两家投标人的文件：同一编辑来源（作者、电脑、模板）、相同的非常见错误、相同图片、正文与表格雷同；
招标文件（--tender）中本有的内容不计为雷同。结果写入 --out 文件夹：findings.csv、findings.json、files.csv、summary.txt。
比对结果是线索，不是结论。

Bid-file comparison (条例 第40条(一)(四)): put every bid file of one tender in a zip (one folder or file per bidder,
DOCX / PDF); each pair of bidders is compared for a common editing source (author, computer, template), identical
uncommon errors, identical images, and copied text and tables; what the tender's own documents (--tender) contain
does not count. Results go to the --out folder: findings.csv, findings.json, files.csv, summary.txt. Findings are
leads for a human decision, not a finding by themselves.

示例 / example:  bidwatch docs compare 投标文件.zip --tender 招标文件.docx --out 比对结果
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    docs = subparsers.add_parser("docs", help=HELP, description=DESCRIPTION,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = docs.add_subparsers(dest="docs_command", metavar="SUBCOMMAND")
    p = sub.add_parser("compare", help="比对一个标段的投标文件 / compare one tender's bid files (zip)")
    p.add_argument("archive", metavar="BIDS.zip", help="每家投标人一个文件夹（或一个文件）的zip / one folder or file per bidder")
    p.add_argument("--tender", action="append", default=[], metavar="TENDER",
                   help="招标文件（DOCX/PDF，可重复），其内容不计为雷同 / the tender's own document(s), subtracted")
    p.add_argument("--out", required=True, metavar="DIR", help="输出目录 / output folder")
    p.add_argument("--settings", metavar="FILE.toml", help="部署参数 / settings overriding the defaults")
    p.add_argument("--timeout", type=float, default=None, metavar="S", help="每个文件的解析时限（秒）/ per-file time limit")
    p.add_argument("--workers", type=int, default=None, help="解析进程数 / parser processes (default: up to 2)")
    p.set_defaults(func=_compare)
    docs.set_defaults(func=lambda args: (docs.print_help(), 1)[1])


def _compare(args: argparse.Namespace) -> int:
    import dataclasses

    from bidwatch.config import load_settings
    from bidwatch.documents.batch import compare_archive, summary_zh, write_outputs
    from bidwatch.documents.safety import DEFAULT_LIMITS, UnsafeFile

    for path in [args.archive, *args.tender]:
        if Path(path).is_dir():
            print(_("error") + ": " + _("%(path)s is a folder, not a file: give the .zip of the bid files (or the "
                                        "tender document's file)", path=path), file=sys.stderr)
            return 2
        if not Path(path).exists():
            print(_("error") + ": " + _("file not found: %(path)s", path=path), file=sys.stderr)
            return 2
    limits = DEFAULT_LIMITS if args.timeout is None else dataclasses.replace(DEFAULT_LIMITS, timeout_s=args.timeout)
    settings = load_settings(args.settings)
    try:
        result = compare_archive(Path(args.archive), [Path(t) for t in args.tender], settings, limits,
                                 workers=args.workers)
    except (UnsafeFile, OSError) as exc:
        print(_("archive refused") + f": {exc}", file=sys.stderr)
        return 2
    write_outputs(result, Path(args.out))
    print(summary_zh(result), end="")
    print(f"结果 / written: {Path(args.out) / 'findings.csv'}")
    return 0
