"""The ``bidwatch`` command line.

Each area registers its own sub-commands through a ``register(subparsers)`` function so that this
module stays a thin dispatcher: ``bidwatch.commands`` (check, scan, synth, evaluate),
``bidwatch.model.cli`` (model benchmark/train), ``bidwatch.ocds.cli`` (ocds indicators) and
``bidwatch.web.cli`` (serve, web).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from bidwatch import __version__

COMMAND_MODULES = (
    "bidwatch.commands",
    "bidwatch.synth.cli",
    "bidwatch.model.cli",
    "bidwatch.ocds.cli",
    "bidwatch.web.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bidwatch",
        description="招投标突出问题专项整治 — 风险扫描与线索管理 (tender risk scanning for regulators)",
    )
    parser.add_argument("--version", action="version", version=f"bidwatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
