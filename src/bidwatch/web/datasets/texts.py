"""The texts of an import's problems and notices, as they are stored.

The loader writes its messages "中文 / English" (the command line shows both); the import's page shows the
half of its own language (``in_page_language``). So the import's own problems are stored the same way
(``chinese_first``, from the web's catalogue: the page of either language shows its half), and a message is
cut, where it must be, half by half at a word's end, never in the middle of the English (QA 2026-12:
"... and l").
"""

from __future__ import annotations

import re

from bidwatch.i18n import chinese_first as _

#: how long a stored problem's or notice's text may be (each half of a two-language one), and its other
#: cells
EXPECTED_LIMIT = 1000
CELL_LIMIT = 300

_HALVES = re.compile(r"\s*/\s+(?=[A-Za-z])")
_DETAIL = re.compile(r"([^\u4e00-\u9fff]+?):\s*(.+)$", re.S)


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def halves(text: str) -> tuple[str, str] | None:
    """The Chinese and the English of a loader message, or None where it is not one. A message with a
    bilingual detail, "无法读取 Excel 工作簿 / unreadable workbook: 文件内容不是… / the file is not…" (a heading
    and the reason it quotes), gives "无法读取 Excel 工作簿：文件内容不是…" and "unreadable workbook: the file
    is not…"."""
    parts = _HALVES.split(text, maxsplit=1)
    if len(parts) != 2 or not _cjk(parts[0]):
        return None
    zh, en = parts
    if not _cjk(en[:40]):
        return zh, en
    detail = _DETAIL.match(en)
    inner = halves(detail.group(2)) if detail else None
    if detail is None or inner is None:
        return None
    return f"{zh.rstrip()}：{inner[0]}", f"{detail.group(1)}: {inner[1]}"


def clip(text: str, limit: int) -> str:
    """``text`` up to ``limit`` characters, cut after a word or a Chinese character, with "…"."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = max(head.rfind(" "), head.rfind(","), head.rfind("，"), head.rfind("、"))
    if cut >= limit // 2 and not _cjk(head[-1]):  # English: end at the last word; Chinese is cut anywhere
        head = head[:cut]
    return head.rstrip(" ,，、;；:：") + "…"


def expected(text: str) -> str:
    """A problem's or notice's text as stored: one Chinese and one English half where it has both, each cut to
    :data:`EXPECTED_LIMIT`."""
    both = halves(text)
    if both is None:
        return clip(text, 2 * EXPECTED_LIMIT)
    return f"{clip(both[0], EXPECTED_LIMIT)} / {clip(both[1], EXPECTED_LIMIT)}"


def notices_export(name: str) -> str:
    """A file of a zip that is a platform notices export: what to do with it (the command line's hint, for the
    web)."""
    return _("%(name)s is a platform notices export (candidates notices, result notices or bid opening "
             "records), not a dataset: convert it first with bidwatch notices %(name)s --out FOLDER, then "
             "zip that folder and upload the .zip", name=name)
