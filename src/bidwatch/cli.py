"""The ``bidwatch`` command line.

Each area registers its own sub-commands through a ``register(subparsers)`` function so that this
module stays a thin dispatcher: ``bidwatch.commands`` (check, scan, synth, evaluate),
``bidwatch.model.cli`` (model benchmark/train), ``bidwatch.ocds.cli`` (ocds indicators) and
``bidwatch.web.cli`` (serve, web).

Only the module that owns the command being run is imported (``COMMAND_OWNERS``): some packages'
``__init__`` import pandas or scikit-learn (≈1–2.5 s), which ``bidwatch ocds indicators`` must not
pay. The full parser (all modules) is built for ``bidwatch``, ``bidwatch --help`` and unknown commands.
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
}


def _requested_command(argv: list[str]) -> str | None:
    """The sub-command named on the command line (the first argument, as there are no top-level
    options besides -h and --version), or None."""
    if argv and not argv[0].startswith("-"):
        return argv[0]
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``command``, only the module that owns it is imported."""
    parser = argparse.ArgumentParser(
        prog="bidwatch",
        description="招投标突出问题专项整治 — 风险扫描与线索管理 (tender risk scanning for regulators)",
    )
    parser.add_argument("--version", action="version", version=f"bidwatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    owner = COMMAND_OWNERS.get(command) if command else None
    for name in (owner,) if owner else COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(sub)
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
        print("已中断 / interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
