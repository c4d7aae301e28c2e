"""A few complaints for the demo, dated relative to today so that the deadlines show every state:
one past its acceptance deadline, one being handled with the clock stopped for an expert review,
one due soon, and one decided."""

from __future__ import annotations

import datetime as dt

from bidwatch.web.accounts.models import Agency, User
from bidwatch.web.complaints import services
from bidwatch.web.complaints.models import Complaint
from bidwatch.web.tenders.models import Tender


def seed_demo_complaints(user: User) -> int:
    if Complaint.objects.exists():
        return 0
    today = services.today()
    day = dt.timedelta(days=1)
    units = {a.sector: a for a in Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).exclude(sector="")}
    tenders = list(Tender.objects.filter(sector__in=list(units)).order_by("-risk_score", "tender_id")[:4])
    if not tenders:
        return 0

    def register(t: Tender, received: dt.date, who: str, facts: str, req: str) -> Complaint:
        return services.register(
            user, project_name=t.title or t.tender_id, tender=t, sector=t.sector, handling_unit=units[t.sector],
            complainant=who, complainant_kind=Complaint.ComplainantKind.BIDDER, complainant_contact="0731-8888xxxx",
            respondent="招标人", channel=Complaint.Channel.ONLINE, facts=facts, requests=req,
            knew_on=received - 3 * day, received_on=received,
        )

    t = (tenders * 4)[:4]
    register(t[0], today - 9 * day, "湖南某建设工程有限公司",
             "中标候选人公示的第一名与第二名投标文件由同一台电脑编制，疑似串通投标。", "请求核查并取消其中标资格。")
    c = register(t[1], today - 40 * day, "长沙某路桥有限公司",
                 "评标委员会未按招标文件规定的评标办法打分，技术标评分畸高。", "请求组织重新评标。")
    services.accept(c, user, today - 38 * day, "材料齐全，予以受理")
    services.pause(c, user, "expert_review", today - 10 * day, "组织专家复核评分")
    register(t[2], today - day, "岳阳某水利工程有限公司",
             "招标文件设置与项目无关的特定业绩要求，排斥潜在投标人。", "请求责令修改招标文件。")
    c = register(t[3], today - 60 * day, "某市政工程有限公司", "开标时投标保证金退还不及时。", "请求依法处理。")
    services.accept(c, user, today - 58 * day)
    services.decide(c, user, today - 30 * day, Complaint.Outcome.UNFOUNDED, "示例投诉处理〔示例〕1号",
                    "经查，投标保证金已按规定退还，投诉不成立。")
    return 4
