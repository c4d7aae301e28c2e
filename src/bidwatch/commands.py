"""Core sub-commands: check, scan, synth, evaluate."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # noqa: SLF001
    return None
