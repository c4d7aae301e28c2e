"""A few ledger problems for the demo, dated relative to today so that every state shows: one just
listed from a high-severity alert, one past its deadline, one awaiting closure (申请销号), one
returned and extended, and one closed off with its results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bidwatch.web.accounts.models import Agency, Role, User
from bidwatch.web.alerts.models import Alert
from bidwatch.web.campaign import services
from bidwatch.web.campaign.models import Problem
from bidwatch.web.campaign.prefill import FAMILY_CATEGORY


def seed_demo_problems(office: User) -> int:
    if Problem.objects.exists():
        return 0
    today = services.today()
    day = dt.timedelta(days=1)
    staff = {u.agency_id: u for u in User.objects.filter(role=Role.DEPARTMENT, agency__kind=Agency.Kind.DEPARTMENT)
             .exclude(agency__sector="")}
    units = {a.sector: a for a in Agency.objects.filter(pk__in=list(staff))}
    alerts = list(Alert.objects.filter(active=True, sector__in=list(units), severity="high")
                  .select_related("tender").order_by("-score", "alert_id")[:5])
    if not alerts:
        return 0
    a = (alerts * 5)[:5]

    def listed(alert: Alert, listed_on: dt.date, deadline: dt.date, source: str = Problem.Source.BIG_DATA,
               measures: str = "") -> Problem:
        return services.create(
            office, alert=alert if source == Problem.Source.BIG_DATA else None, source=source,
            category=FAMILY_CATEGORY.get(alert.family, Problem.Category.OTHER), unit=units[alert.sector],
            sector=alert.sector, project_name=alert.tender.title if alert.tender else "", tender=alert.tender,
            description=alert.message or alert.name_zh, measures=measures, listed_on=listed_on, deadline=deadline)

    def by(p: Problem) -> User:
        return staff[p.unit_id]

    workdays = services.calendar().add_workdays
    # 1. just listed from the scan, measures left to the unit
    listed(a[0], today - 2 * day, workdays(today, 20))
    # 2. being rectified and past its deadline
    p = listed(a[1], today - 60 * day, today - 5 * day, measures="约谈招标人，责令重新组织招标。")
    services.start(p, by(p), today - 55 * day, p.measures)
    # 3. rectified, closure requested (申请销号)
    p = listed(a[2], today - 45 * day, today + 10 * day, measures="对相关投标人立案调查，清退违规中标单位。")
    services.start(p, by(p), today - 40 * day, p.measures)
    services.report(p, by(p), today - 2 * day, "已对两家投标人立案调查并移送纪工委，招标人重新招标。",
                    recovered_amount=Decimal("380000"), people_accountable=2)
    # 4. found by the unit's self-inspection; the request was returned, then the deadline extended
    p = listed(a[3], today - 50 * day, today - 3 * day, source=Problem.Source.SELF_INSPECTION,
               measures="完善招标文件审查流程，删除排斥性条款。")
    services.start(p, by(p), today - 48 * day, p.measures)
    services.report(p, by(p), today - 10 * day, "已修改招标文件。")
    services.return_request(p, office, today - 8 * day, "未提供修改后的招标文件及审查记录，请补充佐证材料。")
    services.extend(p, office, workdays(today, 10), "需补充佐证材料，延期10个工作日。")
    # 5. closed off with its results
    p = listed(a[4], today - 90 * day, today - 30 * day, source=Problem.Source.INSPECTION,
               measures="追缴违规款项，对相关责任人问责，建立标前审查制度。")
    services.start(p, by(p), today - 85 * day, p.measures)
    services.report(p, by(p), today - 35 * day, "追回违规支付工程款，3名责任人受到党纪政务处分，出台两项制度。",
                    recovered_amount=Decimal("1250000"), people_accountable=3, rules_count=2,
                    rules_text="《标前审查工作规程》《招标文件备案管理办法》")
    services.close(p, office, today - 25 * day, "经现场核查，整改到位，同意销号。")
    return 5
