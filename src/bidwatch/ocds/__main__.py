"""``python -m bidwatch.ocds indicators|convert|init ...``: the ``bidwatch ocds`` commands without
loading the rest of bidwatch (quicker start for scripted Cardinal replacements)."""

from __future__ import annotations

import argparse
import sys

from bidwatch.ocds.cli import register


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bidwatch", add_help=False)
    sub = parser.add_subparsers(dest="command")
    register(sub)
    args = parser.parse_args(["ocds", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
