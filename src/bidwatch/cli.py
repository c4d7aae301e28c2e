"""The ``bidwatch`` command line.

Each area registers its own sub-commands through a ``register(subparsers)`` function so that this
module stays a thin dispatcher: ``bidwatch.commands`` (check, scan, synth, evaluate),
``bidwatch.model.cli`` (model benchmark/train), ``bidwatch.ocds.cli`` (ocds indicators) and
``bidwatch.web.cli`` (serve, web), ``bidwatch.contract.notices`` (notices) and ``bidwatch.documents.cli`` (docs).

Only the module that owns the command being run is imported (``COMMAND_OWNERS``): some packages'
``__init__`` import pandas, scikit-learn or Django (≈1–6 s on a busy machine), which ``bidwatch ocds
indicators`` must not pay. ``bidwatch``, ``bidwatch --help`` and an unknown command import none of them: the
top-level list is built from ``COMMAND_SUMMARY`` (a test checks it against each module's own help).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from typing import NoReturn

from bidwatch import __version__
from bidwatch.i18n import chinese_first as _

COMMAND_MODULES = (
    "bidwatch.commands",
    "bidwatch.synth.cli",
    "bidwatch.model.cli",
    "bidwatch.ocds.cli",
    "bidwatch.web.cli",
    "bidwatch.contract.notices",
    "bidwatch.documents.cli",
)

#: sub-command -> the module whose ``register()`` adds it (tests check this against the full parser).
COMMAND_OWNERS = {
    "check": "bidwatch.commands",
    "scan": "bidwatch.commands",
    "evaluate": "bidwatch.commands",
    "synth": "bidwatch.synth.cli",
    "model": "bidwatch.model.cli",
    "ocds": "bidwatch.ocds.cli",
    "serve": "bidwatch.web.cli",
    "web": "bidwatch.web.cli",
    "notices": "bidwatch.contract.notices",
    "docs": "bidwatch.documents.cli",
}


#: sub-command -> its one-line help, as the owning module registers it (tests/test_scan_cli.py keeps them equal)
COMMAND_SUMMARY = {
    "check": "校验数据集 / validate a dataset against the data contract",
    "scan": "扫描数据集 / scan a dataset and write the report",
    "evaluate": "对照标注评估召回率与精确率 / recall and precision against labels.csv",
    "synth": "生成带预置问题的合成数据集 / generate a synthetic dataset with planted cases",
    "model": "串通投标识别模型：基准测试与训练 (collusion classifier: benchmark, train)",
    "ocds": "OCDS 数据：Cardinal 兼容的风险指标，转换为数据集 / OCDS data: Cardinal-compatible red flags, conversion to the contract tables",
    "serve": "网页应用 / run the web application",
    "web": "网页应用管理 / web application administration",
    "notices": "导入平台公告（中标候选人公示/中标结果公告）为数据集 / import platform notices as a dataset",
    "docs": "投标文件比对（同一编辑来源、相同错误、图片、正文、表格）/ compare the bid files of one tender",
}


def gettext_noop(message: str) -> str:
    """Marks ``message`` for makemessages (its ``gettext_noop`` keyword) where it is translated later."""
    return message


#: argparse's own error sentences (Python 3.11–3.13) -> the msgid whose translation says it first in Chinese; each
#: pattern names the parts it keeps (the argument, the value, the choices)
_ARGPARSE_ERRORS = (
    (re.compile(r"^the following arguments are required: (?P<args>.+)$"),
     gettext_noop("the following arguments are required: %(args)s")),
    (re.compile(r"^argument (?P<arg>[^:]+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)$"),
     gettext_noop("argument %(arg)s: invalid choice: %(value)s (choose from %(choices)s)")),
    (re.compile(r"^argument (?P<arg>[^:]+): invalid int value: (?P<value>.+)$"),
     gettext_noop("argument %(arg)s: invalid int value: %(value)s")),
    (re.compile(r"^argument (?P<arg>[^:]+): invalid float value: (?P<value>.+)$"),
     gettext_noop("argument %(arg)s: invalid float value: %(value)s")),
    (re.compile(r"^argument (?P<arg>[^:]+): expected one argument$"),
     gettext_noop("argument %(arg)s: expected one argument")),
    (re.compile(r"^argument (?P<arg>[^:]+): expected at least one argument$"),
     gettext_noop("argument %(arg)s: expected at least one argument")),
    (re.compile(r"^unrecognized arguments: (?P<args>.+)$"),
     gettext_noop("unrecognized arguments: %(args)s")),
    (re.compile(r"^ambiguous option: (?P<arg>\S+) could match (?P<choices>.+)$"),
     gettext_noop("ambiguous option: %(arg)s could match %(choices)s")),
    (re.compile(r"^argument (?P<arg>[^:]+): not allowed with argument (?P<other>.+)$"),
     gettext_noop("argument %(arg)s: not allowed with argument %(other)s")),
    (re.compile(r"^one of the arguments (?P<args>.+) is required$"),
     gettext_noop("one of the arguments %(args)s is required")),
)


def argparse_message(message: str) -> str:
    """argparse's English error ``message`` as ``中文 / english`` for the common cases (the English alone otherwise);
    an unknown command or choice adds the nearest one (scann → scan)."""
    for pattern, msgid in _ARGPARSE_ERRORS:
        match = pattern.match(message)
        if match is None:
            continue
        parts = match.groupdict()
        text = _(msgid, **parts)
        if "choices" in parts and "value" in parts:
            import difflib

            choices = [c.strip(" '\"") for c in parts["choices"].split(",")]
            near = difflib.get_close_matches(parts["value"].strip("'\""), choices, n=1)
            if near:
                text += "\n" + _("did you mean %(choice)s?", choice=near[0])
        return text
    return message


class ChineseFirstParser(argparse.ArgumentParser):
    """An argument parser whose errors are Chinese first, then argparse's English (exit code 2, after the usage)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误 / error: {argparse_message(message)}\n")


def _requested_command(argv: list[str]) -> str | None:
    """The sub-command named on the command line (the first argument, as there are no top-level
    options besides -h and --version), or None."""
    if argv and not argv[0].startswith("-"):
        return argv[0]
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``command``, only the module that owns it is imported."""
    parser = ChineseFirstParser(
        prog="bidwatch",
        description="招投标突出问题专项整治 — 风险扫描与线索管理 (tender risk scanning for regulators)",
    )
    parser.add_argument("--version", action="version", version=f"bidwatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    owner = COMMAND_OWNERS.get(command) if command else None
    if owner is None:
        # the top-level list only: each command's own options are parsed once it is named
        for name, summary in COMMAND_SUMMARY.items():
            sub.add_parser(name, help=summary, add_help=False)
        return parser
    importlib.import_module(owner).register(sub)
    return parser


def full_parser() -> argparse.ArgumentParser:
    """The parser with every module's commands registered (imports them all: tests and documentation)."""
    parser = ChineseFirstParser(prog="bidwatch")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_requested_command(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - only the two kinds below are told as such; the rest propagate
        from bidwatch.config import SettingsError

        if isinstance(e, SettingsError):
            print(f"错误 / error: {e}", file=sys.stderr)
            return 2
        if type(e).__name__ == "InterruptException" or str(e) == "Query interrupted":
            # Ctrl-C inside a DuckDB query arrives as DuckDB's interrupt, not as KeyboardInterrupt
            print(_("interrupted"), file=sys.stderr)
            return 130
        raise


if __name__ == "__main__":
    sys.exit(main())
