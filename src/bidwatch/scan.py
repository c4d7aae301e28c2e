"""Runs the indicator catalogue over a loaded dataset and writes the scan's files.

``run_scan`` is the one public entry: the command line, the web platform and the benchmarks call it.
"""

from __future__ import annotations

import codecs
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from bidwatch import __version__
from bidwatch.config import load_settings
from bidwatch.engine import connect
from bidwatch.indicators import CATALOGUE, FAMILIES, Indicator, ScanContext
from bidwatch.indicators.base import Coverage, tender_coverage
from bidwatch.indicators.ml import corroborate
from bidwatch.scoring import risk_table

Progress = Callable[[str, float], None]

ALERT_FILE_COLUMNS = [
    "alert_id", "indicator", "family", "severity", "tender_id", "project_id", "company_ids", "score",
    "legal_basis", "evidence", "message", "name_zh",
]
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass
class ScanResult:
    alerts: pd.DataFrame
    tenders: pd.DataFrame
    companies: pd.DataFrame
    summary: dict[str, Any]
    skipped: list[dict[str, Any]] = field(default_factory=list)


def _normalise(frame: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    frame = frame.copy()
    frame["severity"] = frame["severity"].where(frame["severity"].notna(), ind.severity)
    frame["company_ids"] = frame["company_ids"].map(lambda v: [str(x) for x in v] if v is not None else [])
    frame["score"] = frame["score"].astype(float).clip(0, 1)
    frame["indicator"] = ind.code
    frame["family"] = ind.family
    frame["legal_basis"] = ind.legal_basis
    frame["name_zh"] = ind.name_zh
    return frame


def _build(ctx: ScanContext, ind: Indicator) -> tuple[pd.DataFrame, float]:
    started = time.perf_counter()
    built = ind.build(ctx)
    frame = ctx.engine.query(built) if isinstance(built, str) else built
    return frame, round(time.perf_counter() - started, 3)


#: currency values that say the money is China's (a contract dataset's currency column may say it in words)
CN_CURRENCIES = frozenset({"CNY", "RMB", "人民币", "元"})


#: how the parties' country is written where it is China (OCDS ``address.countryName``; a contract's ``country``)
CN_COUNTRIES = frozenset({"CN", "CHN", "CHINA", "中国", "中华人民共和国", "PEOPLE'S REPUBLIC OF CHINA", "P.R. CHINA", "PRC"})


def _without_currency(ctx: ScanContext) -> tuple[bool, str]:
    """No amount names a currency. The parties' country decides where more than half of those that name one name
    another country (ChileCompra's parties: "Chile"); else a contract dataset is taken as the PRC's (a clerk's
    workbook names no currency), while OCDS input (``tenders.ocid``) is not: every OCDS publisher so far is foreign,
    and a release without any currency or country says nothing of the PRC."""
    if ctx.has("companies", "country"):
        counts = ctx.engine.query("SELECT upper(trim(country)) AS c, count(*) AS n FROM companies "
                                  "WHERE country IS NOT NULL AND trim(country) <> '' GROUP BY 1")
        total = int(counts["n"].sum()) if len(counts) else 0
        cn = int(counts.loc[counts["c"].isin(CN_COUNTRIES), "n"].sum()) if total else 0
        if total and cn * 2 < total:
            top = counts.sort_values(["n", "c"], ascending=[False, True]).iloc[0]
            return False, (f"数据未载明币种，参与方所在国为{top['c']}（{int(top['n'])}/{total}），非中国境内项目，中国法律的"
                           f"法定期限、金额和家数标准不适用 / no amount names a currency and the parties' country is "
                           f"{top['c']} ({int(top['n'])} of {total}): PRC statutory periods, thresholds and counts do "
                           "not apply")
        if total:
            return True, ""
    if ctx.has("tenders", "ocid"):
        return False, ("OCDS 数据既未载明币种也未载明参与方国别，无法认定为中国境内项目，中国法律的法定标准未适用；如确为境内"
                       "项目，请在设置中写 [law] jurisdiction = \"CN\" / OCDS input naming no currency and no country: "
                       "not taken as the PRC's, statutory standards not applied (set [law] jurisdiction = \"CN\" if it is)")
    return True, ""


def jurisdiction(ctx: ScanContext) -> tuple[bool, str]:
    """Whether PRC law's standards (the ``statutory`` indicators) apply to the dataset, and why not.

    ``[law] jurisdiction``: "CN" (always), "other" (never), "auto" (the default): they apply unless the amounts
    carry a currency (``currency`` of tenders, bids, contracts and awards: OCDS input does, a contract dataset rarely) and
    more than half of those with one name a currency other than the yuan — a Mexican or Ukrainian publisher's
    tenders are not judged by 招标投标法's 20 days. Where no amount names one, :func:`_without_currency` decides."""
    setting = str(ctx.settings.get("law", {}).get("jurisdiction", "auto")).strip()
    if setting.upper() == "CN":
        return True, ""
    if setting.lower() == "other":
        return False, "设置 [law] jurisdiction = \"other\" / settings say the data is not of the PRC"
    # awards too: a publisher may give the currency on its awards alone (Moldova, Montréal), or on its items and
    # planning alone (Uruguay's ARCE: an award's value only in items[].unit.value)
    tables = [t for t in ("tenders", "bids", "contracts", "awards", "projects", "items") if ctx.has(t, "currency")]
    total = cn = 0
    if tables:
        union = " UNION ALL ".join(f"SELECT upper(trim(currency)) AS c FROM {t} WHERE currency IS NOT NULL "
                                   "AND trim(currency) <> ''" for t in tables)
        counts = ctx.engine.query(f"SELECT c, count(*) AS n FROM ({union}) x GROUP BY c")
        total = int(counts["n"].sum()) if len(counts) else 0
        cn = int(counts.loc[counts["c"].isin(CN_CURRENCIES), "n"].sum()) if total else 0
    if total == 0:
        return _without_currency(ctx)
    if cn * 2 >= total:
        return True, ""
    top = counts.sort_values(["n", "c"], ascending=[False, True]).iloc[0]
    return False, (f"数据币种为{top['c']}（{int(top['n'])}/{total}个金额），非中国境内项目，中国法律的法定期限、金额和"
                   f"家数标准不适用 / the data's currency is {top['c']} ({int(top['n'])} of {total} amounts): "
                   "PRC statutory periods, thresholds and counts do not apply")


def run_indicators(
    ctx: ScanContext, indicators: Iterable[Indicator], progress: Progress | None = None,
    meanwhile: Callable[[list[Indicator], list[dict[str, Any]]], None] | None = None,
) -> tuple[pd.DataFrame, list[dict[str, Any]], dict[str, float]]:
    """Run ``indicators``; the alerts come out in catalogue order. On DuckDB the ``background`` ones (Python
    work such as the classifier) start first on a second thread and overlap the SQL ones: DuckDB releases the
    GIL while it runs a query, each query has its own cursor, and the alerts are gathered in catalogue order,
    so the result is the same as a sequential run. The SQL ones all run before the scan waits for a background
    one (``ml_collusion`` stands before ``similar_documents`` in the catalogue: waiting for it there left the
    later SQL indicators idle meanwhile). ``meanwhile(runnable, skipped)`` (the scan's coverage query) runs on the
    second thread after the background ones, beside the later SQL indicators (at 1M bids the classifier is done
    half-way through them, and the coverage query then cost 3.4 s of a wait at the end), else after them."""
    chosen = list(indicators)
    frames, skipped, timings = [], [], {}
    runnable = []
    applies, why_not = jurisdiction(ctx) if any(ind.statutory for ind in chosen) else (True, "")
    for ind in chosen:
        lacking = ind.missing(ctx.dataset)
        if lacking:
            skipped.append({"indicator": ind.code, "name_zh": ind.name_zh, "family": ind.family,
                            "missing": lacking})
        elif ind.statutory and not applies:
            skipped.append({"indicator": ind.code, "name_zh": ind.name_zh, "family": ind.family,
                            "missing": [], "not_applicable": why_not})
        else:
            runnable.append(ind)
    concurrent = ctx.engine.kind == "duckdb" and os.environ.get("BIDWATCH_SEQUENTIAL", "") != "1"
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bidwatch-indicator") if concurrent else None
    futures: dict[str, Future[tuple[pd.DataFrame, float]]] = {}
    built: dict[str, tuple[pd.DataFrame, float]] = {}
    after: Future[None] | None = None
    try:
        if pool is not None:
            futures = {ind.code: pool.submit(_build, ctx, ind) for ind in runnable if ind.background}
            if meanwhile is not None:
                # on the second thread once the background indicators are done, beside the later SQL ones
                after = pool.submit(meanwhile, runnable, skipped)
        # foreground first, then the background ones: the order of the progress messages
        ordered = [ind for ind in runnable if ind.code not in futures] + [
            ind for ind in runnable if ind.code in futures]
        for i, ind in enumerate(ordered):
            if progress:
                progress(f"指标 {ind.code} {ind.name_zh}", i / max(1, len(runnable)))
            built[ind.code] = futures[ind.code].result() if ind.code in futures else _build(ctx, ind)
        if after is not None:
            after.result()
        elif meanwhile is not None:
            meanwhile(runnable, skipped)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    for ind in runnable:
        frame, timings[ind.code] = built[ind.code]
        if len(frame):
            frames.append(_normalise(frame, ind))
    alerts = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["tender_id", "project_id", "company_ids", "score", "severity", "evidence", "indicator",
                 "family", "legal_basis", "name_zh"]
    )
    return alerts, skipped, timings


_ALL_TENDERS = tender_coverage("true")


def indicator_coverage(ctx: ScanContext, ran: Iterable[Indicator], skipped: Iterable[Mapping[str, Any]]
                       ) -> dict[str, dict[str, Any]]:
    """Per indicator: the unit, how many are in its scope and how many it could check (one engine query).

    A skipped indicator checked nothing: its scope is reported as the dataset's tenders (with ``not_applicable``,
    the reason, where PRC law's standard does not apply to the data: :func:`jurisdiction`)."""
    ran = list(ran)
    declared: list[tuple[str, Coverage]] = [(ind.code, (ind.coverage or _ALL_TENDERS)(ctx)) for ind in ran]
    # indicators that declare the same scope and checked set (8 of 39 on a full dataset) are counted once
    distinct = list(dict.fromkeys((cov.scope, cov.checked) for _, cov in declared))
    parts = [
        f"SELECT {k} AS k, "
        f"(SELECT count(DISTINCT s.id) FROM ({scope}) s) AS in_scope, "
        f"(SELECT count(DISTINCT c.id) FROM ({checked}) c WHERE c.id IN (SELECT s2.id FROM ({scope}) s2))"
        " AS checked"
        for k, (scope, checked) in enumerate(distinct)
    ]
    out: dict[str, dict[str, Any]] = {}
    if parts:
        counts = {int(row["k"]): (int(row["in_scope"]), int(row["checked"]))
                  for row in ctx.engine.query(" UNION ALL ".join(parts)).to_dict("records")}
        for code, cov in declared:
            in_scope, checked = counts[distinct.index((cov.scope, cov.checked))]
            out[code] = {"unit": cov.unit, "in_scope": in_scope, "checked": checked,
                         "share": round(checked / in_scope, 4) if in_scope else None}
    n_tenders = int(getattr(ctx.dataset, "row_counts", {}).get("tenders", 0))
    for s in skipped:
        out[s["indicator"]] = {"unit": "tenders", "in_scope": n_tenders, "checked": 0,
                               "share": 0.0 if n_tenders else None}
        if s.get("not_applicable"):
            out[s["indicator"]]["not_applicable"] = s["not_applicable"]
    return {code: out[code] for code in CATALOGUE if code in out}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")``, built from whole columns: a third of its time on 45k alerts. Missing values
    are what ``to_dict`` gives (NaN in float and string columns, None in object and other nullable ones)."""
    columns = list(frame.columns)
    values = []
    for c in columns:
        col = frame[c]
        items = col.tolist()
        if isinstance(col.dtype, pd.api.extensions.ExtensionDtype) and not isinstance(col.dtype, pd.StringDtype):
            items = [None if v is pd.NA else v for v in items]
        values.append(items)
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _finish_alerts(alerts: pd.DataFrame, ctx: ScanContext) -> pd.DataFrame:
    """Fill project ids, company names and the Chinese message; give stable ids in a stable order."""
    if alerts.empty:
        return pd.DataFrame(columns=ALERT_FILE_COLUMNS)
    tenders = ctx.engine.query("SELECT tender_id, project_id FROM tenders").set_index("tender_id")["project_id"]
    alerts["project_id"] = alerts["project_id"].where(alerts["project_id"].notna(), alerts["tender_id"].map(tenders))
    names = ctx.engine.query("SELECT company_id, name FROM companies").set_index("company_id")["name"].to_dict()
    alerts["evidence_obj"] = [orjson.loads(e) if isinstance(e, str) else (e or {})
                              for e in alerts["evidence"].tolist()]
    alerts["company_names"] = [[names.get(c) or c for c in ids] for ids in alerts["company_ids"].tolist()]
    messages = []
    for row in _records(alerts):
        ind = CATALOGUE[row["indicator"]]
        messages.append(ind.message({**row, "evidence": row["evidence_obj"]}))
    alerts["message"] = messages
    alerts["evidence"] = [orjson.dumps(e).decode() for e in alerts["evidence_obj"]]
    alerts["_sev"] = alerts["severity"].map(SEVERITY_ORDER)
    alerts["_companies"] = alerts["company_ids"].map(";".join)
    # the project and the evidence break the last ties: alerts of a project (contract_splitting, no tender) of the
    # same companies came in the query's order, so their ids changed from one run to the next
    alerts = alerts.sort_values(
        ["_sev", "score", "indicator", "tender_id", "_companies", "project_id", "evidence"],
        ascending=[True, False, True, True, True, True, True], na_position="last", kind="stable",
    ).reset_index(drop=True)
    alerts["alert_id"] = [f"A{i + 1:07d}" for i in range(len(alerts))]
    return alerts.drop(columns=["_sev", "_companies", "evidence_obj"])


def _with_risk(base: pd.DataFrame, risk: pd.DataFrame, key: str) -> pd.DataFrame:
    """``base`` with its risk columns; rows without an alert get score 0, level none and zero counts."""
    out = base.merge(risk, on=key, how="left")
    out["risk_score"] = out["risk_score"].fillna(0.0)
    out["risk_level"] = out["risk_level"].fillna("none")
    out["risk_level_zh"] = out["risk_level_zh"].fillna("无")
    for c in ("n_alerts", "n_high", "n_medium", "n_low"):
        out[c] = out[c].fillna(0).astype(int)
    if "network_risk" in out:
        out["network_risk"] = out["network_risk"].fillna(0.0)
    return out


def _company_table(alerts: pd.DataFrame, ctx: ScanContext, settings: Mapping[str, Any]) -> pd.DataFrame:
    activity = ctx.engine.query(
        """
        SELECT c.company_id, c.name, count(b.bid_id) AS n_bids,
               count(b.bid_id) FILTER (WHERE t.winner_id = c.company_id) AS n_wins
        FROM companies c
        LEFT JOIN bids b ON b.company_id = c.company_id
        LEFT JOIN tenders t ON t.tender_id = b.tender_id
        GROUP BY c.company_id, c.name
        """
    )
    activity["win_rate"] = (activity["n_wins"] / activity["n_bids"].where(activity["n_bids"] > 0)).round(4)
    # only the columns risk_table reads: exploding the messages and evidence too took 0.7 s on 45k alerts
    used = alerts[["company_ids", "indicator", "severity", "score", "name_zh", "family"]] if len(alerts) else alerts
    exploded = used.explode("company_ids").rename(columns={"company_ids": "company_id"}) if len(used) else used
    if len(exploded):
        # alerts that name no company (contract-level, or none at all) explode to NaN: a float column that
        # pandas refuses to merge with the string ids
        exploded = exploded[exploded["company_id"].notna()].astype({"company_id": str})
    risk = risk_table(exploded, "company_id", settings)
    out = _with_risk(activity, risk, "company_id")
    return out.sort_values(["risk_score", "n_alerts", "company_id"], ascending=[False, False, True]).reset_index(
        drop=True
    )


def _tender_table(alerts: pd.DataFrame, ctx: ScanContext, settings: Mapping[str, Any]) -> pd.DataFrame:
    title = ctx.column_or_null("t", "tenders", "title")
    base = ctx.engine.query(
        f"""
        SELECT t.tender_id, t.project_id, {title} AS title, count(b.bid_id) AS n_bids, t.winner_id
        FROM tenders t LEFT JOIN bids b ON b.tender_id = t.tender_id
        GROUP BY t.tender_id, t.project_id, title, t.winner_id
        """
    )
    tender_alerts = alerts[alerts["tender_id"].notna()] if len(alerts) else alerts
    risk = risk_table(tender_alerts, "tender_id", settings)
    out = _with_risk(base, risk, "tender_id")
    return out.sort_values(["risk_score", "n_alerts", "tender_id"], ascending=[False, False, True]).reset_index(
        drop=True
    )


def run_scan(
    dataset: Any,
    *,
    settings: Mapping[str, Any] | None = None,
    engine: str = "duckdb",
    only: Iterable[str] | None = None,
    progress: Progress | None = None,
    engine_options: Mapping[str, Any] | None = None,
) -> ScanResult:
    """Scan a loaded dataset (see :func:`bidwatch.contract.load_dataset`) with the whole catalogue."""
    started = time.perf_counter()
    settings = dict(settings or load_settings())
    eng = connect(dataset, engine, **dict(engine_options or {}))
    ctx = ScanContext(engine=eng, dataset=dataset, settings=settings)
    chosen = [CATALOGUE[c] for c in only] if only else list(CATALOGUE.values())
    covered: dict[str, dict[str, dict[str, Any]]] = {}

    def cover(ran: list[Indicator], skipped: list[dict[str, Any]]) -> None:
        # while the classifier may still run on the second thread
        covered["coverage"] = indicator_coverage(ctx, ran, skipped)

    raw, skipped, timings = run_indicators(ctx, chosen, progress, meanwhile=cover)
    # ml_collusion's low ranking lead becomes medium only where another collusion indicator's medium/high
    # alert stands on the same tender: needs every indicator's alerts, so it runs here (pure pandas).
    raw = corroborate(raw, settings)
    coverage = covered["coverage"]
    if progress:
        progress("计算风险评分 / scoring", 0.95)
    alerts = _finish_alerts(raw, ctx)
    tenders = _tender_table(alerts, ctx, settings)
    companies = _company_table(alerts, ctx, settings)
    summary = {
        "version": __version__,
        "engine": eng.kind,
        "rows": dict(getattr(dataset, "row_counts", {})),
        "alerts": int(len(alerts)),
        "by_severity": {k: int(v) for k, v in alerts["severity"].value_counts().items()},
        "by_family": {k: int(v) for k, v in alerts["family"].value_counts().items()},
        "by_indicator": {k: int(v) for k, v in alerts["indicator"].value_counts().items()},
        "tenders_flagged": int((tenders["n_alerts"] > 0).sum()),
        "indicators_run": sorted(timings),
        "skipped": skipped,
        "coverage": coverage,
        "bid_lists": dict(ctx.cache["winners_only"]) if "winners_only" in ctx.cache else None,
        "timings": {"indicators": timings, "scan_seconds": round(time.perf_counter() - started, 3)},
    }
    if progress:
        progress("完成 / done", 1.0)
    return ScanResult(alerts=alerts, tenders=tenders, companies=companies, summary=summary, skipped=skipped)


def _csv(frame: pd.DataFrame, path: Path) -> None:
    """``frame`` as CSV through DuckDB's writer: byte for byte what ``to_csv(index=False, encoding="utf-8-sig")``
    writes, but 1.2 s faster on the 1M-bid scan's three files (tests/test_scan_outputs.py compares the two on
    awkward values). One difference: a field holding a lone carriage return is quoted (pandas leaves it bare, which
    some readers take for a line end). UTF-8 with BOM: Excel on a Chinese Windows desktop opens it without
    mojibake; imported text beginning with = + - @ must not become a live formula in Excel (OWASP CSV injection)."""
    import duckdb

    from bidwatch.contract.sqltext import lit
    from bidwatch.exports import neutralise_frame

    frame = neutralise_frame(frame)
    # pandas writes an empty string as an empty field, DuckDB as "" (to tell it from NULL): make them NULL
    for c in [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)]:
        empty = frame[c] == ""
        if empty.any():
            frame = frame.assign(**{c: frame[c].mask(empty)})
    body = path.with_name(path.name + ".body")
    con = duckdb.connect()  # a writer of its own: it needs nothing of the dataset
    try:
        con.register("frame", frame)
        con.execute(f"COPY frame TO {lit(str(body))} (FORMAT csv, HEADER, DELIMITER ',', QUOTE '\"', ESCAPE '\"')")
    except duckdb.Error:
        # a column DuckDB cannot type (Python objects of mixed kinds): pandas' writer takes anything
        body.unlink(missing_ok=True)
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        return
    finally:
        con.close()
    with open(path, "wb") as out, open(body, "rb") as src:
        out.write(codecs.BOM_UTF8)
        shutil.copyfileobj(src, out, 1 << 20)
    body.unlink()


def write_outputs(result: ScanResult, out_dir: str | Path, *, extra: Mapping[str, Any] | None = None) -> Path:
    """Write alerts.csv, tenders.csv, companies.csv, summary.json and report.html, all or nothing."""
    from bidwatch.report import render_report

    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        alerts = result.alerts.copy()
        if len(alerts):
            alerts["company_ids"] = alerts["company_ids"].map(";".join)
        _csv(alerts.reindex(columns=ALERT_FILE_COLUMNS), tmp / "alerts.csv")
        _csv(result.tenders, tmp / "tenders.csv")
        _csv(result.companies, tmp / "companies.csv")
        summary = {**result.summary, **dict(extra or {})}
        (tmp / "summary.json").write_bytes(orjson.dumps(summary, option=orjson.OPT_INDENT_2))
        (tmp / "report.html").write_text(render_report(result, summary), encoding="utf-8")
        out.mkdir(exist_ok=True)
        stale = out / "problems.csv"
        if stale.exists():
            stale.unlink()
        for f in tmp.iterdir():
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def families_used() -> dict[str, str]:
    return {code: fam.name_zh for code, fam in FAMILIES.items()}
