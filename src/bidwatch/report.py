"""The self-contained Chinese HTML report of a scan (no script, font or style from outside the file)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from bidwatch.evidence_labels import EVIDENCE_VALUES, label_zh
from bidwatch.indicators import CATALOGUE, FAMILIES, SEVERITY_ZH

MAX_ALERTS_IN_REPORT = 500
#: items of one evidence list shown in the report (alerts.csv keeps them all)
MAX_LIST_ITEMS = 20


def _number(value: float | int) -> str:
    """A figure as a Chinese official reads it: amounts with thousands separators, small numbers to four significant
    digits (0.0040000000000000036 is 0.004), whole numbers as such."""
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if value != value:  # NaN
        return "—"
    if float(value).is_integer():
        return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:.0f}"
    if abs(value) >= 1_000:
        return f"{value:,.2f}"
    return f"{value:.4g}"


def _evidence_text(value: Any, indicator: str | None = None) -> str:
    """A value of an alert's evidence in Chinese words: codes named (EVIDENCE_VALUES), records as 标签：值, lists
    joined with 、 (at most :data:`MAX_LIST_ITEMS`)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, str):
        return EVIDENCE_VALUES[value][0] if value in EVIDENCE_VALUES else value
    if isinstance(value, dict):
        return "；".join(f"{label_zh(k, indicator)}：{_evidence_text(v, indicator)}" for k, v in value.items())
    if isinstance(value, list):
        shown = [_evidence_text(v, indicator) for v in value[:MAX_LIST_ITEMS]]
        more = f"……（共{len(value)}项）" if len(value) > MAX_LIST_ITEMS else ""
        # records one to a line (the template splits the lines), plain values in a row
        joiner = "\n" if any(isinstance(v, dict) for v in value[:MAX_LIST_ITEMS]) else "、"
        return joiner.join(shown) + more
    return str(value)


def evidence_rows(evidence: Any, indicator: str | None = None) -> list[tuple[str, str]]:
    """An alert's evidence (JSON text or a mapping) as (Chinese label, text) rows for the report, in place of the JSON
    with English keys and float artefacts (QA, 2026-12-07); alerts.csv keeps the JSON itself."""
    import orjson

    if isinstance(evidence, str):
        try:
            evidence = orjson.loads(evidence)
        except orjson.JSONDecodeError:
            return [("", evidence)]
    if not isinstance(evidence, dict):
        return [("", _evidence_text(evidence, indicator))]
    return [(label_zh(k, indicator), _evidence_text(v, indicator)) for k, v in evidence.items()]


_BASIS_RE = re.compile(r"inferred from the currency (\w+) \((\d+) of (\d+) amounts(?:; the other \d+ in (.+))?\)")


def timezone_basis_zh(basis: str | None) -> str:
    """summary.json's ``ocds_timezone_basis`` in Chinese for the report's OCDS line."""
    if not basis or basis.startswith("default"):
        return "默认时区：无法从文件推断，可用 --timezone 指定"
    if basis == "given":
        return "按指定时区"
    m = _BASIS_RE.fullmatch(basis)
    if m:
        others = f"，其余为 {m.group(4)}" if m.group(4) else ""
        return f"按文件中的币种 {m.group(1)} 推断：{m.group(2)}/{m.group(3)} 个金额为该币种{others}"
    return f"按文件推断：{basis}"


def missing_zh(item: str) -> str:
    """A skipped indicator's missing data (``tenders.docs_from/bid_deadline``) in the contract's Chinese names."""
    from bidwatch.contract.schema import TABLES

    table, _, columns = item.partition(".")
    t = TABLES.get(table)
    if t is None:
        return item
    if not columns:
        return f"{t.zh}表（{item}）"
    names = [t.column(c).zh if c in t else c for c in columns.split("/")]
    return f"{t.zh}表的{'或'.join(names)}（{item}）"


def render_report(result: Any, summary: Mapping[str, Any]) -> str:
    env = Environment(loader=PackageLoader("bidwatch", "templates"), autoescape=select_autoescape(["html"]))
    alerts = result.alerts
    by_family = summary.get("by_family", {})
    families = [
        {"f": fam, "n": int(by_family.get(code, 0)),
         "indicators": [i for i in CATALOGUE.values() if i.family == code]}
        for code, fam in FAMILIES.items()
    ]
    top_alerts = alerts.head(MAX_ALERTS_IN_REPORT).to_dict("records") if len(alerts) else []
    max_family = max([f["n"] for f in families] + [1])
    return env.get_template("report.html").render(
        summary=summary,
        families=families,
        max_family=max_family,
        alerts=top_alerts,
        n_alerts=len(alerts),
        max_alerts=MAX_ALERTS_IN_REPORT,
        tenders=result.tenders[result.tenders["n_alerts"] > 0].head(50).to_dict("records"),
        companies=result.companies[result.companies["n_alerts"] > 0].head(30).to_dict("records"),
        severity_zh=SEVERITY_ZH,
        evidence_rows=evidence_rows,
        timezone_basis_zh=timezone_basis_zh,
        missing_zh=missing_zh,
        catalogue=CATALOGUE,
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
    )
