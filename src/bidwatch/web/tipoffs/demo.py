"""One of each for the demo (issue 16): the current campaign's published channels, a named report from the
hotline (its reporter encrypted), an anonymous online report, an interference record reported to the discipline
commission, an organised-crime clue sent to the police, a clue with a case, a penalty decision whose
joint-punishment proposal the office approved into the sanctions registry, and an attachment. Dated relative to
today."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from bidwatch.web.accounts.models import Agency, User
from bidwatch.web.deadlines import today
from bidwatch.web.tipoffs import services
from bidwatch.web.supervision.models import Campaign
from bidwatch.web.tenders.models import Bid, Tender
from bidwatch.web.tipoffs.models import Channel, Tipoff

#: the channels the demo campaign publishes: kind, name, number or address
DEMO_CHANNELS = [
    ("hotline", "专项整治举报电话", "0371-12345678"),
    ("letter", "专项整治来信地址", "某市某区人民路1号 专项整治办公室（邮编 450000）"),
    ("visit", "专项整治来访接待", "某区行政服务中心三楼专项整治办公室（工作日 9:00—17:00）"),
    ("email", "专项整治举报邮箱", "jubao@example.gov.cn"),
    ("online", "网上举报", "/tipoffs/submit/"),
]


def seed_demo_issue16() -> dict[str, str]:
    """Returns what was made (the query codes of the demo reports among it); nothing when it exists already."""
    if Tipoff.objects.exists():
        return {}
    from bidwatch.web.alerts import outcomes
    from bidwatch.web.alerts import services as clues
    from bidwatch.web.attachments import services as attachments
    from bidwatch.web.interference import services as interference

    office = User.objects.get(username="office")
    discipline = User.objects.get(username="discipline")
    dept = User.objects.filter(role="department", agency__code="housing").first() or office
    housing, police = Agency.objects.get(code="housing"), Agency.objects.get(code="police")
    day = dt.timedelta(days=1)
    now = today()
    # the current campaign's published channels (issue 16 item 1; none yet: the demo campaign is new)
    campaign = Campaign.get_current()
    for kind, name, address in DEMO_CHANNELS:
        Channel.objects.get_or_create(campaign=campaign, kind=kind, name=name, defaults={"address": address})

    named, code_named = services.register(
        office, reporter={"reporter_name": "张某某", "reporter_contact": "139xxxx0000"},
        channel_ref=Channel.published(campaign).get(kind="hotline"), subject="某区住建局工程科负责人",
        project_name="某区安置房建设项目", sector="housing", received_on=now - 20 * day,
        facts="该负责人在开标前向评标专家打招呼，要求关照某建设公司。")
    services.accept(named, office, now - 12 * day, "属于受理范围")
    services.to_clue(named, discipline, now - 10 * day, Agency.objects.get(code="discipline"), "举报住建局工程科负责人干预评标")
    _anon, code_anon = services.submit(subject="某交通建设公司", project_name="某县道路改造工程",
                                       facts="几家投标公司的标书由同一人制作，报价呈规律性差异。")

    interference.record(dept, intervener_name="王某", intervener_position="某区副区长", intervener_unit="某区人民政府",
                        project_name="某区安置房建设项目", manner="recommend", occurred_on=now - 15 * day,
                        description="电话推荐某建设公司参与投标，要求“关照”。")

    gang = clues.raise_clue(None, office, housing, "某村霸以暴力威胁其他投标人退出，强揽安置房土方工程。")
    clues.tag_organised_crime(gang, office, now - 9 * day, True, "具有涉黑涉恶特征")
    clues.transfer_clue(gang, office, kind="organised_crime", to_unit=police, reason="涉嫌强迫交易罪，移送扫黑除恶部门",
                        sent_on=now - 8 * day)

    # a clue with a case and a penalty decision on a company that bid in the dataset: the approved proposal is a
    # registry entry, which the next rescan feeds to the scan (sanctioned_bidder)
    bid = Bid.objects.select_related("tender").order_by("tender__bid_deadline", "pk").first()
    tender: Tender | None = bid.tender if bid else None
    company = bid.company_id if bid else "C-DEMO"
    case_clue = clues.raise_clue(None, office, housing, f"{company} 串通投标")
    outcomes.dispose(case_clue, office, now - 7 * day, "case", case_kind="administrative",
                     case_number="住建立〔%d〕1号" % now.year, authority=housing, summary="串通投标")
    deadline = tender.bid_deadline.date() if tender and tender.bid_deadline else now - 400 * day
    decision = outcomes.record_decision(
        case_clue, office, now - 2 * day, kind="penalty", measure="suspension", number="住建罚〔%d〕1号" % now.year,
        authority="某市住房和城乡建设局", subject_name=company, company_id=company,
        start_on=deadline - 30 * day, end_on=deadline + 335 * day, amount=None,
        text="串通投标，取消一年内参加依法必须进行招标的项目的投标资格", legal_basis="招标投标法 第53条", propose=True)
    outcomes.approve_proposal(decision, office, now - day, "同意列入信用惩戒名录")
    attachments.upload(office, decision, SimpleUploadedFile(
        "处罚决定书.txt", "住建罚决定书（示例）\n串通投标，取消一年内投标资格。\n".encode()), "处罚决定书")
    return {"named_code": code_named, "anonymous_code": code_anon, "decision": decision.number}
