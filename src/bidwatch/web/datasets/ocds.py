"""OCDS files imported as they are: ``.json``, ``.jsonl``, ``.ndjson`` (also ``.gz``), alone or zipped.

The web took no OCDS: a user had to run ``bidwatch ocds convert`` and zip the folder, and the page said
nothing of it (QA 2026-12: "请上传 .zip…" for a .jsonl, three "缺少必需的表" for it zipped). The file is now
converted with the code ``bidwatch scan FILE`` uses (``bidwatch.ocds.tables.read_ocds_tables``, then the
command line's rounds of the contract's checks that drop or clear, row by row, what the contract would
still refuse: ``commands._fit_to_contract``) and loaded as any dataset, with the import's own options; so
the import stays one step that takes the file whole or refuses it. What the conversion skipped, repaired,
cleared or dropped, and the time zone its dates were judged in, become the import's notices, each with its
line and ocid.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bidwatch.i18n import chinese_first as _

#: the names of a JSON file the command line reads as OCDS (``bidwatch.ocds.reader.looks_like_ocds``)
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def is_json(path: str | Path) -> bool:
    """Whether ``path`` is named as a JSON (lines) file, also gzipped: OCDS, or a JSON that is none."""
    p = Path(path)
    return p.is_file() and p.name.lower().removesuffix(".gz").endswith(JSON_SUFFIXES)


def _timezone() -> str | None:
    """The publisher's time zone as the command line takes it without ``--timezone``: the settings'
    ``[ocds]`` one."""
    import argparse

    from bidwatch.commands import _ocds_timezone

    try:
        return _ocds_timezone(argparse.Namespace())
    except Exception:  # noqa: BLE001 - a settings file that does not load: the reader's own inference
        return None


def _notice(name: str, p: Any) -> Any:
    """An OCDS problem as a load notice: the file, the line, the JSON path, the ocid, and what was done."""
    from bidwatch.commands import _WHAT_ZH
    from bidwatch.contract import Problem

    what = p.what
    return Problem(name, p.line or None, p.path or None, p.ocid or None,
                   f"{_WHAT_ZH.get(what, what)}：{p.message} / {what}: {p.message}")


def load(path: Path, load_dataset: Callable[..., Any], **options: Any) -> Any:
    """Convert the OCDS file ``path`` and load the tables with ``load_dataset(folder, **options)``; raises
    the contract's ``DatasetInvalid`` for a JSON that is no OCDS, a file without a readable release, or tables
    the contract still refuses after the rounds (as the command line rejects them)."""
    from bidwatch.commands import fit_ocds_tables
    from bidwatch.contract import DatasetInvalid, Problem
    from bidwatch.contract import load_dataset as contract_load
    from bidwatch.ocds.reader import ReadStats, looks_like_ocds
    from bidwatch.ocds.tables import read_ocds_tables

    name = path.name
    if not looks_like_ocds(path):
        raise DatasetInvalid([Problem(name, None, None, None, _(
            "the file is JSON but not OCDS (no ocid, releases or records at its start): JSON is read as OCDS "
            "only; other data goes in a .zip of contract tables (CSV) or an .xlsx workbook, platform notices "
            "through bidwatch notices"))])
    stats = ReadStats()
    lines: dict[str, int] = {}
    tables, problems = read_ocds_tables(path, timezone=_timezone(), stats=stats, lines=lines)
    notices = [_notice(name, p) for p in problems]
    if not len(tables.get("tenders", ())):
        # the command line's words (commands._load_ocds)
        message = ("OCDS 文件为空 / the OCDS file is empty" if not stats.lines else
                   "OCDS 文件中没有可读的发布 / no readable OCDS release in the file")
        raise DatasetInvalid([Problem(name, None, None, None, message), *notices])
    tables = {t: df for t, df in tables.items() if t not in ("awards", "items")}
    with tempfile.TemporaryDirectory(prefix="bidwatch-ocds-") as tmp:
        folder = Path(tmp)
        # the command line's rounds (commands.fit_ocds_tables): drop what the contract refuses, then load again
        trial, refused = fit_ocds_tables(tables, problems, lines, folder,
                                         lambda f: contract_load(f, max_problems_per_check=None))
        notices = [_notice(name, p) for p in problems]  # the rounds' drops and clears too
        if trial is None:
            raise DatasetInvalid([*refused, *notices])
        trial.close()
        # the converted tables as the import takes any dataset: its options (an id longer than the platform
        # keeps refuses it); the tables are read into the loader's database, the folder may go
        ds = load_dataset(folder, **options)
    basis = stats.timezone_basis
    zh = "指定" if basis == "given" else "按文件中的币种推断" if basis.startswith("inferred") else "默认，文件中无法推断"
    read_zh, _sep, read_en = stats.text().partition("/ ")
    ds.notices = [Problem(name, None, None, stats.timezone,
                          f"OCDS 文件已转换为数据集：{read_zh.strip()}；日期按时区 {stats.timezone} 判断（{zh}） / "
                          f"the OCDS file was converted to a dataset: {read_en}; dates judged in "
                          f"{stats.timezone} ({basis})"),
                  *notices, *(getattr(ds, "notices", None) or [])]
    return ds
