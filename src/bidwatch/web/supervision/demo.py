"""The demo's campaign, dated from today so that a new user sees every page with content: the campaign with its
four stages and units (today's problems, clues and complaints join it), supervision orders in every state (one
unanswered after two reminders, proposing a talk), a talk, the units' documents (some late, one missing), an
assessment scheme with an adjustment, and a bulletin approved by the office head and published."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile

from bidwatch.web.accounts.models import Agency, Role, User
from bidwatch.web.alerts.models import Clue
from bidwatch.web.campaign.models import Problem
from bidwatch.web.complaints.models import Complaint
from bidwatch.web.deadlines import calendar, today
from bidwatch.web.supervision import documents, services
from bidwatch.web.supervision.models import (Adjustment, AssessmentItem, Campaign, DocumentRequirement, Stage,
                                              SupervisionOrder)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def seed_demo_campaign(office: User) -> int:
    """Returns the number of orders seeded (0 when a campaign exists already)."""
    if Campaign.objects.exists():
        return 0
    now = today()
    day = dt.timedelta(days=1)
    wd = calendar().add_workdays
    staff = {u.agency.code: u for u in User.objects.filter(role=Role.DEPARTMENT, agency__kind=Agency.Kind.DEPARTMENT)
             .select_related("agency").order_by("id")}
    discipline = User.objects.filter(role=Role.DISCIPLINE).first() or office
    if len(staff) < 2:
        return 0
    (c1, u1), (c2, u2) = list(staff.items())[:2]
    start = now - 120 * day
    c = Campaign.objects.create(name=f"{start.year}年工程建设招标投标领域突出问题专项整治", starts_on=start,
                                ends_on=now + 120 * day, current=True)
    c.units.set(Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).exclude(sector=""))
    for name, a, b in (("动员部署", 0, 20), ("自查自纠", 21, 60), ("集中整治", 61, 180), ("总结验收", 181, 240)):
        Stage.objects.create(campaign=c, name=name, starts_on=start + a * day, ends_on=start + b * day)
    for model in (Problem, Complaint, Clue):
        model.objects.filter(campaign__isnull=True).update(campaign=c)

    def issue(by: User, unit: Agency, ago: int, matter: str, demand: str, kind: str = "problem", ref: str = "",
              workdays: int = 5) -> SupervisionOrder:
        return services.issue(by, campaign=c, unit=unit, matter_kind=kind, matter_ref=ref, matter=matter,
                              demand=demand, issued_on=now - ago * day, workdays=workdays)

    p = Problem.objects.filter(unit=u1.agency).first()
    o = issue(office, u1.agency, 30, "整改问题逾期未申请销号", "五个工作日内报送整改进展及佐证材料", ref=p.number if p else "")
    services.answer(o, u1, now - 26 * day, "已完成整改，报送招标文件修改稿及审查记录。")
    services.accept(o, office, now - 25 * day, "整改到位，予以认可。")
    o = issue(discipline, u2.agency, 30, "移送线索超期未反馈核查结果", "立即核查并书面反馈", kind="transfer")
    services.remind(o, discipline, now - 20 * day, "请于三日内反馈。")
    services.remind(o, discipline, now - 14 * day, "再次催办，逾期将约谈单位主要负责人。")
    o = issue(office, u2.agency, 12, "专班名单未按时报送", "补报专班名单并说明原因", kind="document")
    services.answer(o, u2, now - 6 * day, "已补报专班名单，系人员调整所致。")
    issue(office, u1.agency, 2, "群众投诉的评标专家违规问题", "核实处理并反馈结果", kind="complaint", workdays=10)

    services.record_talk(
        discipline, campaign=c, unit=u2.agency, person="王某", position="副局长", talkers="纪工委副书记 李某",
        reason="督办单两次催办仍未反馈，线索核查进度滞后", held_on=now - 5 * day,
        commitments="十个工作日内完成线索核查并报送结果，建立台账周报制度", follow_up_due=wd(now, 10),
        orders=list(SupervisionOrder.objects.filter(talk_proposed=True)))

    plan = DocumentRequirement.objects.create(campaign=c, kind="work_plan", name="专项整治工作方案", due_on=start + 15 * day)
    roster = DocumentRequirement.objects.create(campaign=c, kind="roster", name="工作专班名单", due_on=start + 15 * day)
    stage = DocumentRequirement.objects.create(campaign=c, kind="stage_report", name="自查自纠阶段报告",
                                               due_on=start + 65 * day)
    DocumentRequirement.objects.create(campaign=c, kind="summary", name="专项整治工作总结报告", due_on=now + 110 * day)
    for req, user, on in ((plan, u1, start + 12 * day), (plan, u2, start + 19 * day), (roster, u1, start + 14 * day),
                          (stage, u1, start + 70 * day), (stage, u2, start + 64 * day)):
        documents.submit(user, req, ContentFile(PDF, name=f"{req.name}.pdf"), on=on)

    for name, metric, w in (("台账问题按期整改", "ledger", 25), ("投诉按期办结", "complaints", 15),
                            ("线索办结", "clues", 10), ("移送线索按期反馈", "transfers", 10),
                            ("督办单按期反馈", "orders", 20), ("材料按时报送", "documents", 15),
                            ("约谈承诺落实", "talks", 5)):
        AssessmentItem.objects.create(campaign=c, name=name, metric=metric, weight=w)
    Adjustment.objects.create(campaign=c, unit=u2.agency, points=Decimal("-2"), reason="工作专班名单未报送，经督办后补报",
                              on=now - 6 * day, entered_by=office)
    Adjustment.objects.create(campaign=c, unit=u1.agency, points=Decimal("1"), reason="标前审查做法被市专治办推广",
                              on=now - 3 * day, entered_by=office)

    closed = Problem.objects.filter(status=Problem.Status.CLOSED).first()
    b = services.draft_bulletin(
        office, campaign=c, title="关于典型案例的通报", problem=closed,
        body=(f"{closed.project_name}\n{closed.description}\n{closed.result}" if closed else
              "某项目建设单位先建设后招标，已责令整改，对相关责任人问责。"))
    services.submit_bulletin(b, office, now - 5 * day, "报请主任审批。")
    # approved by the office head (专治办主任, the demo user "head"); without one the bulletin waits, submitted
    head = User.objects.filter(role=Role.OFFICE, office_head=True, is_active=True).order_by("id").first()
    if head is not None:
        services.approve_bulletin(b, head, now - 4 * day, "同意通报。")
        services.publish_bulletin(b, office, now - 3 * day)
    services.draft_bulletin(office, campaign=c, title="关于评标专家违规问题的通报（草稿）",
                            body="评标专家私下接触投标人，已暂停其评标资格。")
    return SupervisionOrder.objects.count()
