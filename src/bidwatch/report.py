"""The self-contained Chinese HTML report of a scan (no script, font or style from outside the file)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from bidwatch.indicators import CATALOGUE, FAMILIES, SEVERITY_ZH

MAX_ALERTS_IN_REPORT = 500


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
        catalogue=CATALOGUE,
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
    )
