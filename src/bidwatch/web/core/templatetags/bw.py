"""Template filters for money, percentages, codes and evidence."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bidwatch.web import labels

register = template.Library()


def _figure(*, lenient: bool) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Registers a filter of a figure: "—" for none (None or ""); ``lenient``: a value that is no number is shown
    as it is (else the page fails, as on any bad value)."""

    def decorate(show: Callable[..., str]) -> Callable[..., str]:
        @functools.wraps(show)
        def figure(value: Any, *args: Any) -> str:
            if value is None or value == "":
                return "—"
            if not lenient:
                return show(value, *args)
            try:
                return show(value, *args)
            except (ValueError, ArithmeticError, TypeError):
                return str(value)

        return register.filter(show.__name__, figure)

    return decorate


@_figure(lenient=True)
def yuan(value: Any) -> str:
    return f"{Decimal(value):,.2f}"


@_figure(lenient=True)
def wan(value: Any) -> str:
    """Yuan shown in 万元, the unit tender notices use."""
    return _("%(amount)s 10k yuan") % {"amount": f"{Decimal(value) / 10000:,.2f}"}


@_figure(lenient=True)
def money(value: Any, currency: Any = "") -> str:
    """An amount in its currency: yuan (no currency given, or CNY, RMB, 人民币) in 万元 as :func:`wan`;
    another currency's amount as it is, with its code ("14,598.60 MXN"): 万元 is the yuan's unit."""
    code = labels.foreign_currency(currency)
    if not code:
        return wan(value)
    return f"{Decimal(value):,.2f} {code}"


@_figure(lenient=False)
def pct(value: Any, digits: int = 0) -> str:
    return f"{float(value) * 100:.{int(digits)}f}%"


@_figure(lenient=False)
def score100(value: Any) -> str:
    return f"{float(value):.0f}"


@register.filter
def family(code: str) -> str:
    return labels.family_label(code)


@register.filter
def region(code: str) -> str:
    """A district: a name as it is, a 行政区划代码 said to be one (:func:`bidwatch.web.labels.region_label`)."""
    return labels.region_label(code)


@register.filter
def indicator_label(code: str) -> str:
    """An indicator's code named in the page's language (:func:`bidwatch.web.labels.indicator_name`)."""
    return labels.indicator_name(code)


def _label(table: dict[str, Any]) -> Callable[[str], str]:
    """A filter naming a code from one of :mod:`bidwatch.web.labels`' tables: the code itself when the table
    does not know it, "—" for none."""

    def label(code: str) -> str:
        return str(table.get(code, code or "—"))

    return label


category = register.filter("category", _label(labels.CATEGORIES))
procedure = register.filter("procedure", _label(labels.PROCEDURES))
risk_level = register.filter("risk_level", _label(labels.RISK_LEVELS))
measure = register.filter("measure", _label(labels.MEASURES))


#: How much of a long evidence value the page shows; the rest is counted ("另有 N 项").
EVIDENCE_ROWS = 50  # records in a top-level table (a company list, the bids of a tender)
EVIDENCE_ITEMS = 100  # values in a top-level list, entries of a top-level mapping
NESTED_ROWS = 10  # the same inside a table cell
NESTED_ITEMS = 30
EVIDENCE_TEXT = 2000  # characters of one text value (a quoted clause or passage)
_MAX_DEPTH = 8  # below this, values are listed without their structure (evidence is never that deep)


@dataclass(frozen=True)
class EvidenceEntry:
    """One evidence key: its label in the page's language, its rendering (escaped HTML), and whether
    the rendering is a block (a table or list, shown across the whole evidence box)."""

    label: str
    html: SafeString
    block: bool


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@register.filter
def in_page_language(text: Any) -> str:
    """A loader message written "中文 / English" (the command line shows both) in the page's language only: the
    part before the first " / " on a Chinese page, after it on another; other text as it is."""
    text = "" if text is None else str(text)
    parts = re.split(r"\s*/\s+(?=[A-Za-z])", text, maxsplit=1)
    if len(parts) != 2 or not _cjk(parts[0]) or _cjk(parts[1][:40]):
        return text
    return parts[0] if _zh() else parts[1]


@register.filter
def scan_text(text: Any) -> str:
    """A text the scan writes in Chinese only (a finding, a legal basis, a tender's risk explanation): as it
    is on a Chinese page; on another, marked as the scan's Chinese text (a label, ``lang="zh-Hans"``), not
    translated."""
    text = "" if text is None else str(text)
    if _zh() or not _cjk(text):
        return escape(text)
    return format_html('<span class="muted small">{}</span> <span lang="zh-Hans">{}</span>',
                       _("(the scan's text, in Chinese)"), text)


@register.simple_tag
def scan_text_note() -> str:
    """Above a list of findings on a page not in Chinese: they are the scan's Chinese text (each row too short
    to label)."""
    if _zh():
        return ""
    return format_html('<p class="muted small" data-testid="scan-text-note">{}</p>',
                       _("The findings are the scan's text, in Chinese."))


@register.filter
def evidence_entries(evidence: Any, indicator: str | None = None) -> list[EvidenceEntry]:
    """Evidence JSON as labelled entries for the alert page's definition list. Scalars and lists of
    scalars read as text (floats rounded, 是/否, — for none, lists joined with 、); lists of records as
    tables headed by the keys' labels, records inside records as nested tables or 标签：值 pairs; long
    lists show their first rows and how many more there are. Every value is escaped. ``indicator`` (the alert's
    code) picks a key's meaning where one indicator uses it differently (``labels.EVIDENCE_ZH_BY_INDICATOR``)."""
    if isinstance(evidence, str):
        try:
            evidence = json.loads(evidence)
        except ValueError:
            return [EvidenceEntry("", escape(_clip(evidence)), False)]
    if isinstance(evidence, dict):
        evidence = {str(k): v for k, v in evidence.items()}
        return [EvidenceEntry(labels.evidence_label(key, indicator), _field_html(evidence, key, id_key, 0),
                              _is_block(evidence.get(key)))
                for key, id_key in _fields(list(evidence))]
    return [EvidenceEntry("", _evidence_html(evidence, 0), _is_block(evidence))]


@register.filter
def evidence_items(evidence: Any) -> list[tuple[str, SafeString]]:
    """Evidence as (label, escaped HTML) pairs: :func:`evidence_entries` without the block flag."""
    return [(e.label, e.html) for e in evidence_entries(evidence)]


def _zh() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def _is_scalar(val: Any) -> bool:
    return not isinstance(val, (dict, list, tuple))


def _is_block(val: Any) -> bool:
    """Whether a top-level value renders as a table or a list rather than a line of text."""
    if isinstance(val, (list, tuple)):
        return not all(_is_scalar(v) for v in val) or _long_texts(val)
    if isinstance(val, dict):
        values = list(val.values())
        return (len(values) >= 2 and all(isinstance(v, dict) for v in values)) or not all(map(_plain, values))
    return False


def _plain(val: Any) -> bool:
    """A value that reads as a line of text: a scalar or a list of scalars."""
    return _is_scalar(val) or (isinstance(val, (list, tuple)) and all(_is_scalar(x) for x in val))


def _long_texts(values: Any) -> bool:
    return any(isinstance(v, str) and len(v) > 40 for v in values)


def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= EVIDENCE_TEXT else text[:EVIDENCE_TEXT] + "…"


def _scalar_text(val: Any) -> str:
    if val is None or val == "":
        return "—"
    if isinstance(val, bool):
        return ("是" if val else "否") if _zh() else ("yes" if val else "no")
    if isinstance(val, float):
        return f"{val:,.2f}" if abs(val) >= 1000 else f"{val:.4g}"
    if isinstance(val, str):  # a code of the scan (a relation, a sector, a measure ...) in the page's language
        return _clip(labels.evidence_value(val))
    return _clip(str(val))


def _is_number(val: Any) -> bool:
    return isinstance(val, (int, float)) and not isinstance(val, bool)


def _more(n: int, tag: str = "span", cls: str = "ev-more") -> SafeString:
    text = f"另有 {n} 项" if _zh() else f"{n} more"
    return format_html('<{0} class="{1}">{2}</{0}>', tag, cls, text)


def _fields(keys: list[str]) -> list[tuple[str, str | None]]:
    """The keys to show, as (key, id_key) in the page's language. In Chinese two keys with one label
    become one field: ``kind`` is left out when ``kind_zh`` (its value in Chinese) is there, and an
    ``…_id`` with its ``…_name`` (中标人, 中标人) reads as 名称（编号）; other languages show every key."""
    if not _zh():
        return [(k, None) for k in keys]
    label = labels.evidence_label
    present = set(keys)
    keys = [k for k in keys if not (f"{k}_zh" in present and label(k) == label(f"{k}_zh"))]
    id_of: dict[str, str] = {}  # name key -> its id key
    for name in keys:
        if name.endswith("_name"):
            ident = next((k for k in keys if k.endswith("_id") and k not in id_of.values()
                          and label(k) == label(name)), None)
            if ident is not None:
                id_of[name] = ident
    name_of = {ident: name for name, ident in id_of.items()}
    out: list[tuple[str, str | None]] = []
    for k in keys:
        if k in name_of:  # the pair where the id came
            out.append((name_of[k], k))
        elif k not in id_of:
            out.append((k, None))
    return out


def _field_html(record: dict[Any, Any], key: str, id_key: str | None, depth: int) -> SafeString:
    val = record.get(key)
    if id_key is None:
        return _evidence_html(val, depth)
    ident = record.get(id_key)
    if val is None or val == "":
        return _evidence_html(ident, depth)
    if _is_scalar(val) and _is_scalar(ident) and ident not in (None, "") and str(ident) != str(val):
        return format_html("{}（{}）", _scalar_text(val), _scalar_text(ident))
    return _evidence_html(val, depth)


def _evidence_html(val: Any, depth: int) -> SafeString:
    """One value as escaped HTML (see :func:`evidence_entries`)."""
    if _is_scalar(val):
        return escape(_scalar_text(val))
    if depth >= _MAX_DEPTH:  # flattened, still without JSON syntax
        return escape("、".join(_scalar_text(v) for v in _leaves(val)))
    rows, items = (EVIDENCE_ROWS, EVIDENCE_ITEMS) if depth == 0 else (NESTED_ROWS, NESTED_ITEMS)
    if isinstance(val, dict):
        if not val:
            return escape("—")
        values = list(val.values())
        if len(values) >= 2 and all(isinstance(v, dict) for v in values):  # records by id: a table
            return _table([(k, v) for k, v in val.items()], depth, rows, keyed=True)
        return _record(val, depth, items)
    values = list(val)
    if not values:
        return escape("—")
    if all(isinstance(v, dict) for v in values):
        return _table([(None, v) for v in values], depth, rows, keyed=False)
    if all(_is_scalar(v) for v in values) and not _long_texts(values):
        shown = format_html_join("、", "{}", ((_scalar_text(v),) for v in values[:items]))
        if len(values) > items:
            return format_html("{}{}", shown, _more(len(values) - items))
        return shown
    limit = items if all(_is_scalar(v) for v in values) else rows
    lis = format_html_join("", "<li>{}</li>", ((_evidence_html(v, depth + 1),) for v in values[:limit]))
    more = _more(len(values) - limit, "li") if len(values) > limit else ""
    return format_html('<ul class="ev-list">{}{}</ul>', lis, more)


def _record(record: dict[Any, Any], depth: int, items: int) -> SafeString:
    """A mapping: 标签：值 pairs on one line when the values are plain, else a small definition list."""
    record = {str(k): v for k, v in record.items()}
    fields = _fields(list(record))
    shown, rest = fields[:items], len(fields) - items
    pairs = [(labels.evidence_label(k), _field_html(record, k, i, depth + 1)) for k, i in shown]
    if all(_plain(record.get(k)) for k, _ in shown):
        text = format_html_join("，", "{}：{}", pairs)
        return format_html("{}{}", text, _more(rest) if rest > 0 else "")
    body = format_html_join("", "<dt>{}</dt><dd>{}</dd>", pairs)
    return format_html('<dl class="ev-record">{}</dl>{}', body, _more(rest) if rest > 0 else "")


def _table(rows: list[tuple[Any, dict[Any, Any]]], depth: int, limit: int, keyed: bool) -> SafeString:
    """Records as a table: one column per key (in order of first appearance, labelled in the page's
    language), one row per record; ``keyed`` records (a mapping id -> record) get the id as first column."""
    keys: dict[str, None] = {}
    for _, rec in rows:
        keys.update((str(k), None) for k in rec)
    fields = _fields(list(keys))
    columns = [k for k, _ in fields]
    shown = [(key, {str(k): v for k, v in rec.items()}) for key, rec in rows[:limit]]
    numeric = {c: all(_is_number(rec.get(c)) for _, rec in shown if rec.get(c) is not None)
               and any(_is_number(rec.get(c)) for _, rec in shown) for c in columns}
    head = format_html_join("", "<th{}>{}</th>",
                            ((_num_class(numeric[c]), labels.evidence_label(c)) for c in columns))
    if keyed:
        head = format_html("<th></th>{}", head)
    body = []
    for key, rec in shown:
        cells = format_html_join("", "<td{}>{}</td>",
                                 ((_num_class(numeric[c]), _field_html(rec, c, i, depth + 1))
                                  for c, i in fields))
        if keyed:
            cells = format_html("<th>{}</th>{}", _scalar_text(key), cells)
        body.append(format_html("<tr>{}</tr>", cells))
    if len(rows) > limit:
        n_cols = len(columns) + (1 if keyed else 0)
        body.append(format_html('<tr class="ev-more-row"><td colspan="{}">{}</td></tr>', n_cols,
                                _more(len(rows) - limit)))
    cls = "ev-table" if depth == 0 else "ev-table ev-nested"
    return format_html('<table class="{}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
                       cls, head, format_html_join("", "{}", ((b,) for b in body)))


def _num_class(numeric: bool) -> SafeString:
    return mark_safe(' class="num"') if numeric else mark_safe("")  # constant markup, no data


def _leaves(val: Any) -> list[Any]:
    if isinstance(val, dict):
        return [x for v in val.values() for x in _leaves(v)]
    if isinstance(val, (list, tuple)):
        return [x for v in val for x in _leaves(v)]
    return [val]


@register.filter
def split_semicolon(value: str) -> list[str]:
    return [v for v in (value or "").split(";") if v]
