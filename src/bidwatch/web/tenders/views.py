from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.models import Sector
from bidwatch.web.accounts.roles import Cap, can, is_sector_scoped
from bidwatch.web.alerts.models import SEVERITY_ORDER, Alert, Clue, Severity
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record
from bidwatch.web.core.cache import get_or_compute
from bidwatch.web.credit.services import for_company as registry_for_company
from bidwatch.web.labels import family_label, foreign_currency, region_label
from bidwatch.web.scoping import scope_by_sector
from bidwatch.web.tenders.models import Bid, BidderLink, Company, Sanction, Tender

SEVERITY_LABELS = dict(Severity.choices)
SECTOR_LABELS = dict(Sector.choices)


def data_version() -> str:
    """Changes whenever a scan finishes, anyone triages, a clue changes or an alert is written outside a scan
    (a bid-file comparison's): the key of the cached dashboard card and alert list. One query."""
    from django.db import connection

    from bidwatch.web.alerts.models import TriageAction
    from bidwatch.web.datasets.models import ScanRun

    scan, action, clue, alert = (m._meta.db_table for m in (ScanRun, TriageAction, Clue, Alert))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT (SELECT MAX(id) FROM {scan} WHERE status = %s), (SELECT MAX(id) FROM {action}), "
            f"(SELECT MAX(id) FROM {clue}), (SELECT MAX(updated_at) FROM {clue}), "
            f"(SELECT MAX(last_seen) FROM {alert})",
            [ScanRun.Status.DONE],
        )
        row = cur.fetchone()
    return "-".join(str(v) for v in row).replace(" ", "T")  # no spaces in a cache key


#: the longest trend the chart fills month by month (a stray date decades off would otherwise draw centuries)
MAX_TREND_MONTHS = 240


def month_range(months: list[str]) -> list[str]:
    """Every month from the first to the last of ``months`` ("YYYY-MM"), those without alerts too (a line that
    skipped them joined March to June as if April and May had been months like them); past
    :data:`MAX_TREND_MONTHS`, the months given, in order."""
    if not months:
        return []
    first, last = min(months), max(months)
    y, m = int(first[:4]), int(first[5:7])
    end_y, end_m = int(last[:4]), int(last[5:7])
    if (end_y - y) * 12 + end_m - m >= MAX_TREND_MONTHS:
        return sorted(months)
    out = []
    while (y, m) <= (end_y, end_m):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def dashboard_figures(user: Any) -> dict[str, Any]:
    """Every number on the dashboard from two grouped scans of the active alerts (in the user's scope)."""
    alerts = scope_by_sector(Alert.objects.filter(active=True), user).order_by()
    by_family: dict[str, int] = {}
    by_severity: dict[str, int] = {}
    by_sector: dict[str, int] = {}
    kpis = {"total": 0, "high": 0, "open": 0}
    for r in alerts.values("family", "severity", "sector", "status").annotate(n=Count("alert_id")):
        n = r["n"]
        by_family[r["family"]] = by_family.get(r["family"], 0) + n
        by_severity[r["severity"]] = by_severity.get(r["severity"], 0) + n
        by_sector[r["sector"]] = by_sector.get(r["sector"], 0) + n
        kpis["total"] += n
        kpis["high"] += n if r["severity"] == Severity.HIGH else 0
        kpis["open"] += n if r["status"] == Alert.Status.NEW else 0
    by_district: dict[str, int] = {}
    months: list[str] = []
    series: dict[str, dict[str, int]] = {s: {} for s in SEVERITY_ORDER}
    rows = (
        alerts.annotate(month=TruncMonth("detected_on")).values("region_code", "month", "severity")
        .annotate(n=Count("alert_id")).order_by("month")
    )
    for r in rows:
        by_district[r["region_code"]] = by_district.get(r["region_code"], 0) + r["n"]
        if r["month"] is None:
            continue
        label = r["month"].strftime("%Y-%m")
        if label not in months:
            months.append(label)
        bucket = series.setdefault(r["severity"], {})
        bucket[label] = bucket.get(label, 0) + r["n"]
    months = month_range(months)
    family_rows = sorted(((family_label(k), v) for k, v in by_family.items()), key=lambda x: -x[1])
    severity_rows = [(str(SEVERITY_LABELS.get(s, s)), by_severity.get(s, 0)) for s in sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.get)]
    sector_rows = sorted(((str(SECTOR_LABELS.get(k, k)), v) for k, v in by_sector.items()), key=lambda x: -x[1])
    district_rows = sorted(((region_label(k), v) for k, v in by_district.items()), key=lambda x: -x[1])[:12]
    kpis["tenders"] = scope_by_sector(Tender.objects.all(), user).count()
    kpis["clues"] = (
        Clue.objects.filter(assigned_unit=user.agency_id).count() if is_sector_scoped(user) else Clue.objects.count()
    )
    return {
        "kpis": kpis,
        "charts": {
            "family": {"type": "bar", "labels": [x[0] for x in family_rows], "data": [x[1] for x in family_rows], "label": _("Alerts")},
            "severity": {"type": "doughnut", "labels": [x[0] for x in severity_rows], "data": [x[1] for x in severity_rows]},
            "sector": {"type": "bar", "labels": [x[0] for x in sector_rows], "data": [x[1] for x in sector_rows], "label": _("Alerts")},
            "district": {"type": "bar", "labels": [x[0] for x in district_rows], "data": [x[1] for x in district_rows], "label": _("Alerts")},
            "trend": {
                "type": "line", "labels": months,
                "datasets": [
                    {"label": str(SEVERITY_LABELS[s]), "data": [series.get(s, {}).get(m, 0) for m in months], "severity": s}
                    for s in sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.get)
                ],
            },
        },
    }


def dashboard_card(request: HttpRequest) -> dict[str, Any]:
    """The alerts card of the dashboard (registered in ``apps.py``): figures, riskiest tenders and companies,
    computed once per scope and data version (:func:`data_version`) and cached."""
    user = request.user
    scope = user.sector if is_sector_scoped(user) else "*"  # type: ignore[union-attr]
    key = f"bw:dashboard:{get_language()}:{scope}:{user.agency_id}:{data_version()}"  # type: ignore[union-attr]
    return get_or_compute(key, lambda: {**dashboard_figures(user), "top_tenders": list(top_tenders(user)),
                                        "top_companies": list(top_companies(user))}, 600)


def top_tenders(user: Any) -> Any:
    tenders = scope_by_sector(Tender.objects.all(), user).exclude(risk_score=None)
    return tenders.order_by("-risk_score", "tender_id")[:10]


def top_companies(user: Any) -> Any:
    companies = Company.objects.exclude(risk_score=None)
    if is_sector_scoped(user):
        # Companies named in this sector's active alerts: a semi-join walked down the risk index stops at the
        # tenth match (a DISTINCT over the alert join read every alert of the sector: 160 ms at 1M bids).
        named = Alert.companies.through.objects.filter(
            company_id=OuterRef("pk"), alert__sector=user.sector, alert__active=True)
        companies = companies.filter(Exists(named)) if user.sector else companies.none()
    top = list(companies.order_by("-risk_score", "company_id")[:10])
    if is_sector_scoped(user):
        # the bids and wins beside each are the sector's, as the company page shows them to this user (the stored
        # n_bids / n_wins count every sector's tenders)
        bids = scope_by_sector(Bid.objects.filter(company_id__in=[c.pk for c in top]), user, "tender__sector")
        counts = {r["company_id"]: r for r in bids.values("company_id").annotate(
            n=Count("bid_id"), wins=Count("bid_id", filter=Q(tender__winner_id=F("company_id"))))}
        for c in top:
            c.n_bids, c.n_wins = counts.get(c.pk, {}).get("n", 0), counts.get(c.pk, {}).get("wins", 0)
    return top


@requires(Cap.VIEW)
def tender_list(request: HttpRequest) -> HttpResponse:
    qs = scope_by_sector(Tender.objects.all(), request.user).select_related("winner")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(tender_id__icontains=q) | Q(title__icontains=q) | Q(winner__name__icontains=q))
    sector = request.GET.get("sector", "")
    if sector:
        qs = qs.filter(sector=sector)
    qs = qs.order_by("-risk_score", "tender_id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "tenders/list.html", {"page": page, "q": q, "sector": sector, "sectors": Sector.choices})


def _timeline(t: Tender) -> list[dict[str, Any]]:
    p = t.project
    events = [
        (_("Project approved"), p.approved_on if p else None),
        (_("Announcement"), t.announced_on),
        (_("Bid deadline"), t.bid_deadline),
        (_("Candidates published"), t.candidates_published_on),
        (_("Award notice"), t.awarded_on),
        (_("Contract signed"), t.contract_signed_on),
        (_("Construction permit"), p.permit_on if p else None),
        (_("Works started"), p.works_started_on if p else None),
    ]
    out = []
    for label, when in events:
        if when is None:
            continue
        day = when.date() if hasattr(when, "date") and callable(when.date) else when
        out.append({"label": label, "when": when, "day": day})
    out.sort(key=lambda e: e["day"])
    # Works or a contract before the award are what the campaign looks for (先建设后招标).
    award = t.awarded_on
    for e in out:
        e["early"] = bool(award and e["label"] in (_("Works started"), _("Contract signed"), _("Construction permit")) and e["day"] < award)
    return out


#: the dataset's tables that give bidder links the web does not store (the bidders' people, bond accounts,
#: bid-file traces: ``bidwatch.engine.reads.bidder_links_sql``); whether the dataset had them is in its scan's
#: row counts
LINK_TABLES = ("people", "bonds", "bid_files")


def _scan_rows(tender: Tender) -> dict[str, Any] | None:
    """The rows per table of the dataset that last wrote ``tender``, as its latest finished scan counted them
    (``summary["rows"]``); None where no scan of it is on record or it did not count them."""
    from bidwatch.web.datasets.models import ScanRun

    if tender.dataset_import_id is None:
        return None
    scans = ScanRun.objects.filter(dataset_id=tender.dataset_import_id, status=ScanRun.Status.DONE)
    summary = scans.order_by("-id").values_list("summary", flat=True).first()
    rows = (summary or {}).get("rows") if isinstance(summary, dict) else None
    return rows if isinstance(rows, dict) else None


def links_not_checked(tender: Tender, bids: list[Bid]) -> str:
    """Why the bidders of ``tender`` could not be looked at for a shared person, device, account or phone
    ("" where they could, and "none found" is a finding): fewer than two bidders on record ("bidders": a
    results notice or an award names the winner alone), or no data to link them by ("data": no bid names a
    project manager or an agent, no bidder a phone, and the tender's dataset has no people, bonds or bid
    files). Unknown (no scan on record): "", as before."""
    if len({b.company_id for b in bids if b.company_id}) < 2:
        return "bidders"
    if any(b.project_manager_id or b.agent_id or (b.company_id and b.company.phone) for b in bids):
        return ""
    rows = _scan_rows(tender)
    if rows is None:
        return ""
    return "" if any(rows.get(t) for t in LINK_TABLES) else "data"


def explanation_en(tender: Tender, alerts: list[Alert]) -> str:
    """The tender's risk in English, from its figures and the scan catalogue's English names (the scan
    writes its explanation, 中风险（66.5分）：…, in Chinese only): "" on a Chinese page, or where the scan
    gave no indicators."""
    from bidwatch.web.labels import RISK_LEVELS, indicator_name

    top = [c for c in (tender.top_indicators or "").split(";") if c]
    if (get_language() or "zh-hans").startswith("zh") or not top or tender.risk_score is None:
        return ""
    counts: dict[str, int] = {}
    for a in alerts:
        counts[a.indicator] = counts.get(a.indicator, 0) + 1
    listed = "; ".join(f"{indicator_name(c)} ({counts[c]})" if counts.get(c) else indicator_name(c)
                       for c in top)
    text = _("%(level)s risk (%(score)s points): %(indicators)s") % {
        "level": RISK_LEVELS.get(tender.risk_level, tender.risk_level or "—"),
        "score": f"{tender.risk_score:.1f}", "indicators": listed}
    more = len(set(counts) - set(top))
    if more:
        text += _("; %(n)s more kinds of alert") % {"n": more}
    return text


@requires(Cap.VIEW)
def tender_detail(request: HttpRequest, tender_id: str) -> HttpResponse:
    tender = get_object_or_404(Tender.objects.select_related("project", "winner", "tenderer"), pk=tender_id)
    from bidwatch.web.alerts.services import can_view_tender

    if not can_view_tender(request.user, tender):  # another sector's, and no clue of the user's unit on it
        raise PermissionDenied("sector")
    bids = list(Bid.objects.filter(tender=tender).select_related("company").order_by("price", "bid_id"))
    alerts = list(tender.alerts.filter(active=True).select_related("department"))
    alerts.sort(key=lambda a: (SEVERITY_ORDER.get(a.severity, 9), -a.score))
    links = list(BidderLink.objects.filter(tender=tender).select_related("company_a", "company_b"))
    if alerts:
        record(request.user, AuditEntry.Action.VIEW_EVIDENCE, tender, request=request, alerts=len(alerts))
    # the amounts' currency where the data gives one other than the yuan (OCDS: MXN, AMD ...); "" for the yuan
    currency = foreign_currency(getattr(tender, "currency", ""))
    # the tendering agency: its name where the agency column holds the id of a company the data names
    agency = (Company.objects.filter(pk=tender.agency).only("company_id", "name").first()
              if tender.agency else None)
    price_chart = {
        "type": "bar",
        "labels": [b.company.name if b.company_id else b.bid_id for b in bids],
        "data": [float(b.price) if b.price is not None else None for b in bids],
        "winner": [b.company_id == tender.winner_id for b in bids],
        "ceiling": float(tender.ceiling_price) if tender.ceiling_price is not None else None,
        "label": (_("Bid price (%(currency)s)") % {"currency": currency} if currency
                  else _("Bid price (yuan)")),
        "ceilingLabel": _("Price ceiling"),
    }
    bidders = {b.company_id: b.company.name for b in bids if b.company_id}
    graph = {
        "nodes": [{"id": cid, "label": name, "winner": cid == tender.winner_id} for cid, name in bidders.items()],
        "edges": [
            {"source": link.company_a_id, "target": link.company_b_id, "kind": link.kind,
             "label": f"{link.get_kind_display()}: {link.value}"}
            for link in links if link.company_a_id in bidders and link.company_b_id in bidders
        ],
    }
    return render(
        request, "tenders/detail.html",
        {"tender": tender, "bids": bids, "alerts": alerts, "links": links, "timeline": _timeline(tender),
         "price_chart": price_chart, "graph": graph, "currency": currency, "agency": agency,
         "links_not_checked": "" if links else links_not_checked(tender, bids),
         "explanation_en": explanation_en(tender, alerts)},
    )


@requires(Cap.VIEW)
def company_detail(request: HttpRequest, company_id: str) -> HttpResponse:
    company = get_object_or_404(Company, pk=company_id)
    bids_qs = scope_by_sector(Bid.objects.filter(company=company), request.user, "tender__sector")
    bids = list(bids_qs.select_related("tender").order_by("-tender__announced_on", "bid_id")[:200])
    # wins are the tenders that name the company their winner, with a bid on record or without one (a
    # results notice, an OCDS award: the winner alone); bids are its bids. Counted from its bids alone, the
    # named winner of a tender had 0 wins.
    won_qs = scope_by_sector(Tender.objects.filter(winner=company), request.user)
    monthly_bids = bids_qs.annotate(month=TruncMonth("tender__announced_on")).values("month").annotate(
        n=Count("bid_id"), wins=Count("bid_id", filter=Q(tender__winner_id=F("company_id")))
    ).order_by("month")
    monthly_wins = won_qs.annotate(month=TruncMonth("announced_on")).values("month").annotate(
        n=Count("tender_id")).order_by("month")
    by_month: dict[Any, dict[str, int]] = {}
    for r in monthly_bids:
        by_month.setdefault(r["month"], {"bids": 0, "wins": 0})["bids"] = r["n"]
    for r in monthly_wins:
        by_month.setdefault(r["month"], {"bids": 0, "wins": 0})["wins"] = r["n"]
    months = sorted(by_month, key=lambda m: (m is None, m or dt.date.min))
    periods = [m.strftime("%Y-%m") if m else _("unknown") for m in months]
    history_chart = {
        "type": "bar", "labels": periods,
        "datasets": [
            {"label": _("Bids"), "data": [by_month[m]["bids"] for m in months]},
            {"label": _("Wins"), "data": [by_month[m]["wins"] for m in months]},
        ],
    }
    co_bidders = (
        Bid.objects.filter(tender_id__in=bids_qs.values("tender_id")).exclude(company=company)
        .values("company_id", "company__name").annotate(n=Count("bid_id")).order_by("-n")[:15]
    )
    alerts = scope_by_sector(company.alerts.filter(active=True), request.user).select_related("tender").order_by("-score")[:100]
    sanctions = Sanction.objects.filter(Q(company_key=company.company_id) | (Q(uscc=company.uscc) & ~Q(uscc="")))
    # the sanctions registry's entries (名录登记), for the roles that may read the registry
    registry = []
    if can(request.user, Cap.VIEW_REGISTRY):  # type: ignore[arg-type]
        on = timezone.localdate()
        registry = [(e, e.state(on)) for e in registry_for_company(company)]
    n_bids = sum(r["n"] for r in monthly_bids)
    won_with_bid = sum(r["wins"] for r in monthly_bids)
    n_wins = sum(r["n"] for r in monthly_wins)
    # the tenders it won without a bid on record: counted and listed, since the bids table cannot show them
    alone_qs = won_qs.exclude(bids__company=company)
    won_alone = list(alone_qs.order_by("-announced_on", "tender_id")[:200])
    for t in won_alone:  # each award price in its tender's currency, where the data gives one
        t.currency_code = foreign_currency(getattr(t, "currency", ""))
    return render(
        request, "tenders/company.html",
        {"company": company, "bids": bids, "n_bids": n_bids, "n_wins": n_wins,
         "n_won_alone": alone_qs.count() if won_alone else 0, "won_alone": won_alone,
         # the share of its bids that won: the wins without a bid are no bids and stay out of it
         "win_rate": (won_with_bid / n_bids) if n_bids else None, "co_bidders": co_bidders,
         "n_shown": len(bids), "alerts": alerts, "sanctions": sanctions, "registry": registry,
         "history_chart": history_chart},
    )


def chart_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)
