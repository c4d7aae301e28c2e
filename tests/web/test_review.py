"""Pre-tender review (标前审查) through the pages: a local-registration clause found in a DOCX and cleared in the
revised version; the rules' negation; unsafe files; who sees what; the campaign report's totals."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bidwatch.web.review import checks, services
from bidwatch.web.review.models import Finding, Review
from tests.web import review_docs

D = dt.date.fromisoformat


def _submit(client: Any, paragraphs: list[str] | None = None, *, file: Any = None, **extra: str) -> Any:
    data = {"on": "2025-02-20", "title": "某区安置房一标段施工", "tender_id": "", "kind": "tender_document",
            "file": file or review_docs.upload(paragraphs or review_docs.draft()), **extra}
    return client.post(reverse("review:create"), data)


def _step(client: Any, review: Review, step: str, **fields: Any) -> Any:
    return client.post(reverse("review:step", args=[review.pk, step]), {f"{step}-{k}": v for k, v in fields.items()})


@pytest.mark.django_db
def test_local_registration_found_then_cleared_in_the_revision(users: Any, client_for: Any) -> None:
    housing, office = client_for("housing"), client_for("office")
    # the department uploads its draft: the worker process reads the DOCX (the real upload path)
    response = _submit(housing)
    assert response.status_code == 302, response.content.decode()[:2000]
    review = Review.objects.get()
    assert (review.status, review.unit.code, review.sector) == ("submitted", "housing", "housing")
    v1 = review.current
    assert len(v1.sha256) == 64 and not (Path(v1.stored).is_absolute())
    stored = services.files_dir() / v1.stored
    assert stored.exists() and "uploads" not in str(stored)  # outside the web root (MEDIA_ROOT)
    [finding] = v1.findings.all()  # the periods (25 and 7 days) and the bond (2% of the estimate) are lawful
    assert finding.rule == "local_registration" and finding.name_zh == "限定注册地"
    assert "实施条例 第32条" in finding.legal_basis
    assert v1.paragraphs[finding.paragraph] == review_docs.LOCAL_REGISTRATION and "本市注册" in finding.match

    # the page marks the clause in the text with its article
    page = office.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert '<mark title="限定注册地（招标投标法 第6条' in page and ">投标人须在本市注册</mark>" in page
    assert "▲ 限定注册地 — 招标投标法 第6条；实施条例 第32条" in page

    # the office reviews: opinion 修改后通过 on the finding, returned overall
    assert _step(office, review, "start", on="2025-02-21").status_code == 302
    # 通过 with an unanswered finding is refused
    assert _step(office, review, "decide", on="2025-02-21", outcome="pass").status_code == 400
    assert _step(office, review, "opinion", on="2025-02-21", finding=finding.pk, opinion="pass_after_changes",
                 note="删除限定注册地的条款").status_code == 302
    assert _step(office, review, "decide", on="2025-02-21", outcome="pass").status_code == 400  # needs changes first
    assert _step(office, review, "decide", on="2025-02-21", outcome="pass_after_changes",
                 note="修改后重新提交").status_code == 302
    review.refresh_from_db()
    assert review.status == "returned" and Finding.objects.get(pk=finding.pk).opinion == "pass_after_changes"

    # the department uploads the revised DOCX without the clause
    response = housing.post(reverse("review:step", args=[review.pk, "revise"]),
                            {"revise-on": "2025-02-24", "revise-file": review_docs.upload(review_docs.revised(), "修改稿.docx"),
                             "revise-note": "删除本市注册要求"})
    assert response.status_code == 302, response.content.decode()[:2000]
    review.refresh_from_db()
    v2 = review.current
    assert review.status == "submitted" and v2.number == 2 and v2.sha256 != v1.sha256
    assert not v2.findings.exists()
    res = services.resolution(v2)
    assert [f.pk for f in res["resolved"]] == [finding.pk] and res["still"] == [] and res["new"] == []
    [change] = v2.changes
    assert change["op"] == "replace" and change["old"][0][1] == review_docs.LOCAL_REGISTRATION
    page = office.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert "已解决" in page or "resolved" in page
    assert "<del>¶8 " + review_docs.LOCAL_REGISTRATION in page

    # re-review, pass, file with the tender
    assert _step(office, review, "start", on="2025-02-25").status_code == 302
    assert _step(office, review, "decide", on="2025-02-25", outcome="pass").status_code == 302
    assert _step(office, review, "file", on="2025-02-26", tender_id="T1").status_code == 302
    review.refresh_from_db()
    assert (review.status, review.tender_id, review.filed_on) == ("filed", "T1", D("2025-02-26"))
    assert [e.step for e in review.events.all()] == ["submit", "start", "opinion", "decide", "revise", "start",
                                                     "decide", "file"]

    totals = services.review_totals((D("2025-02-01"), D("2025-02-28")))
    assert totals["filed"] == 1 and totals["passed"] == 1 and totals["revised"] == 1
    assert totals["findings"] == 1 and totals["resolved"] == 1 and totals["resolved_share"] == 1.0
    assert totals["by_category"] == {"local_registration": {"name": "限定注册地", "count": 1}}
    assert services.review_totals({"start": D("2025-03-01"), "end": D("2025-03-31")})["filed"] == 0
    assert services.review_totals((D("2025-02-01"), D("2025-02-28")), users["transport"])["filed"] == 0

    # counted in the campaign report (its section 标前审查), as the office and as another sector's department see it
    from bidwatch.web.reports.figures import build_report

    [section] = [x for x in build_report(users["office"], D("2025-02-01"), D("2025-02-28")).sections
                 if x.key == "review"]
    assert [n for _label, n in section.counts][:6] == [1, 1, 0, 1, 1, 1]  # filed, passed, not, revised, findings, resolved
    assert [row[1] for row in section.rows] == ["T1"] and section.breakdowns[0][1] == [("限定注册地", 1)]
    [other] = [x for x in build_report(users["transport"], D("2025-02-01"), D("2025-02-28")).sections
               if x.key == "review"]
    assert other.rows == [] and other.counts[0][1] == 0


@pytest.fixture
def in_process(settings: Any) -> None:
    settings.BIDWATCH_REVIEW_PARSE_IN_PROCESS = True


@pytest.mark.django_db
def test_negated_clause_is_no_finding(users: Any, client_for: Any, in_process: None) -> None:
    lawful = [p if p != review_docs.LOCAL_REGISTRATION else "本项目不要求投标人在本市注册，全国范围内的企业均可投标。"
              for p in review_docs.draft()]
    assert _submit(client_for("housing"), lawful).status_code == 302
    assert not Review.objects.get().current.findings.exists()


@pytest.mark.django_db
def test_still_present_clause_and_new_findings_across_versions(users: Any, client_for: Any, in_process: None) -> None:
    housing, office = client_for("housing"), client_for("office")
    assert _submit(housing).status_code == 302
    review = Review.objects.get()
    [f1] = review.current.findings.all()
    _step(office, review, "start", on="2025-02-21")
    _step(office, review, "opinion", on="2025-02-21", finding=f1.pk, opinion="reject")
    assert _step(office, review, "decide", on="2025-02-21", outcome="pass_after_changes").status_code == 302
    # the revision rewords the clause (still a local registration) and shortens the bid period
    worse = [p.replace("本市注册", "本市行政区域内注册") for p in review_docs.draft()]
    worse = [p.replace("2025年3月28日", "2025年3月20日") for p in worse]
    response = housing.post(reverse("review:step", args=[review.pk, "revise"]),
                            {"revise-on": "2025-02-24", "revise-file": review_docs.upload(worse)})
    assert response.status_code == 302
    v2 = Review.objects.get().current
    res = services.resolution(v2)
    assert res["resolved"] == [] and [f.previous_id for f in res["still"]] == [f1.pk]
    assert [f.rule for f in res["new"]] == ["bid_period"]
    assert "招标投标法 第24条" in res["new"][0].legal_basis
    # the page: the facts checked under their labels, with where each was read
    page = client_for("office").get(reverse("review:detail", args=[review.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "<dt>Bid deadline</dt><dd>2025-03-20" in html and "read in the text" in html


@pytest.mark.django_db
def test_a_review_links_its_tender_when_the_tender_is_known(users: Any, client_for: Any, in_process: None) -> None:
    assert _submit(client_for("housing"), tender_id="T1").status_code == 302
    review = Review.objects.get()
    html = client_for("office").get(reverse("review:detail", args=[review.pk])).content.decode()
    assert f'href="{reverse("tenders:detail", args=["T1"])}"' in html


def test_periods_and_bonds_from_the_text_and_the_form() -> None:
    from bidwatch.workdays import WorkCalendar

    paras = ["招标文件获取时间：2025年3月3日至2025年3月5日。", "投标文件递交截止时间：2025年3月20日。",
             "投标保证金：人民币90万元。", "最高投标限价为8000万元。", "履约保证金为中标合同金额的15%。"]
    facts = checks.extract_facts(paras)
    assert {k: str(f["value"]) for k, f in facts.items()} == {
        "docs_from": "2025-03-03", "docs_until": "2025-03-05", "bid_deadline": "2025-03-20",
        "bid_bond": "900000", "estimate": "80000000", "performance_bond_pct": "15"}
    found = checks.check_periods_and_bonds(facts, paras, WorkCalendar())
    rules = {f["rule"] for f in found}
    assert rules == {"bid_period", "document_sale", "bid_bond", "performance_bond"}  # 90万 > the 80万 cap
    assert [(f["rule"], f["match"], f["paragraph"]) for f in found[:2]] == [
        ("bid_period", "招标文件2025-03-03起发出，投标截止2025-03-20，早于20日期限届满日2025-03-24", 1),
        ("document_sale", "发售期2025-03-03至2025-03-05，早于5日发售期届满日2025-03-10", 0)]
    # what the department gives on the form wins over the text
    merged = checks.merge_facts(facts, {"bid_deadline": D("2025-04-30"), "docs_until": D("2025-03-10"),
                                        "bid_bond": None, "performance_bond_pct": 10})
    assert merged["bid_deadline"]["source"] == "form"
    rules = {f["rule"] for f in checks.check_periods_and_bonds(merged, paras, WorkCalendar())}
    assert rules == {"bid_bond"}


@pytest.mark.parametrize("text, bond, estimate", [
    ("本项目估算价为1000万元，投标保证金为10万元。", "100000", "10000000"),
    ("招标控制价为5000000元，投标保证金：人民币80000元", "80000", "5000000"),
    ("投标保证金：人民币80000元，不超过最高投标限价的2%", "80000", None),
])
def test_the_bond_and_the_estimate_of_one_sentence_are_each_its_own(text: str, bond: str, estimate: str | None) -> None:
    from bidwatch.workdays import WorkCalendar

    facts = checks.extract_facts([text])
    assert str(facts["bid_bond"]["value"]) == bond
    assert (str(facts["estimate"]["value"]) if "estimate" in facts else None) == estimate
    # a lawful bond in such a sentence is no finding (it had read the estimate as the bond: "10000000元，超过800000元")
    assert not checks.check_periods_and_bonds(facts, [text], WorkCalendar())


def test_a_bond_over_the_cap_in_a_sentence_with_the_estimate_is_still_found() -> None:
    from bidwatch.workdays import WorkCalendar

    text = "本项目估算价为1000万元，投标保证金为90万元。"  # near miss: 90万 > 2 % of 1000万 and > the 80万 cap
    found = checks.check_periods_and_bonds(checks.extract_facts([text]), [text], WorkCalendar())
    assert [f["match"] for f in found] == ["投标保证金900000元，超过估算价10000000元的2%和800000元"]


@pytest.mark.django_db
@pytest.mark.parametrize("name, content, says", [
    ("招标文件.doc", b"\xd0\xcf\x11\xe0 legacy", "DOCX"),
    ("招标文件.exe", b"MZ", "DOCX"),
    ("招标文件.docx", b"not a zip at all", "DOCX"),
    ("bomb.docx", None, "zip bomb"),
])
def test_unsafe_file_refused(users: Any, client_for: Any, in_process: None, name: str, content: bytes | None,
                             says: str) -> None:
    if content is None:  # a DOCX part that unpacks to far more than the reader accepts for its size
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr("word/document.xml", b"0" * (40 * 1024 * 1024))
        content = buf.getvalue()
    def kept() -> set[Path]:
        root = services.files_dir()
        return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()

    before = kept()
    response = _submit(client_for("housing"), file=SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert says in str(response.context["form"].errors["file"])
    assert not Review.objects.exists()
    assert kept() == before  # the refused file is not kept


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "shown", "not_shown"), [
    ("zh-hans", "只接受DOCX或PDF文件：.exe", "only DOCX or PDF files are accepted"),
    ("en", "only DOCX or PDF files are accepted: .exe", "只接受DOCX或PDF文件"),
])
def test_a_refused_upload_speaks_the_language_of_the_page(users: Any, client_for: Any, in_process: None,
                                                          language: str, shown: str, not_shown: str) -> None:
    housing = client_for("housing")
    housing.post(reverse("set_language"), {"language": language})
    response = _submit(housing, file=SimpleUploadedFile("招标文件.exe", b"MZ"))
    page = response.content.decode()
    assert response.status_code == 400 and shown in page and not_shown not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role, status", [("housing", 200), ("office", 200), ("auditor", 200), ("transport", 403),
                                          ("police", 403), ("discipline", 403), ("admin", 403)])
def test_who_sees_a_review(users: Any, client_for: Any, in_process: None, role: str, status: int) -> None:
    assert _submit(client_for("housing")).status_code == 302
    review = Review.objects.get()
    assert client_for(role).get(reverse("review:detail", args=[review.pk])).status_code == status
    listing = client_for(role).get(reverse("review:list"))
    if role in ("transport", "police"):
        assert listing.status_code == 200 and review.number not in listing.content.decode()
    elif status == 403:
        assert listing.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["office", "auditor", "discipline", "admin", "police"])
def test_only_a_department_with_a_sector_submits(users: Any, client_for: Any, in_process: None, role: str) -> None:
    assert _submit(client_for(role)).status_code == 403
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_steps_keep_their_dates_in_order_and_the_revision_needs_a_file(users: Any, client_for: Any,
                                                                         in_process: None) -> None:
    housing, office = client_for("housing"), client_for("office")
    assert _submit(housing).status_code == 302
    review = Review.objects.get()
    assert _step(office, review, "start", on="2025-02-19").status_code == 400  # before the submission
    assert _step(office, review, "start", on="2025-02-21").status_code == 302
    [f] = review.current.findings.all()
    _step(office, review, "opinion", on="2025-02-21", finding=f.pk, opinion="reject")
    assert _step(office, review, "decide", on="2025-02-22", outcome="pass_after_changes").status_code == 302
    url = reverse("review:step", args=[review.pk, "revise"])
    response = housing.post(url, {"revise-on": "2025-02-24"})
    assert response.status_code == 400 and "revise-file" in response.content.decode()
    response = housing.post(url, {"revise-on": "2025-02-21", "revise-file": review_docs.upload(review_docs.revised())})
    assert response.status_code == 400 and "修改稿不能早于审查意见" in response.content.decode()
    housing.post(reverse("set_language"), {"language": "en"})  # the English page gives the English
    response = housing.post(url, {"revise-on": "2025-02-21", "revise-file": review_docs.upload(review_docs.revised())})
    page = response.content.decode()
    assert response.status_code == 400 and "the revision cannot precede the opinion" in page
    assert "修改稿不能早于审查意见" not in page
    assert Review.objects.get().status == "returned" and review.versions.count() == 1
    # another department's staff may not revise it; the office neither
    assert client_for("transport").post(url, {"revise-on": "2025-02-24"}).status_code == 403
    assert office.post(url, {"revise-on": "2025-02-24"}).status_code == 403


@pytest.mark.django_db
def test_original_file_downloads_and_the_dashboard_reminds(users: Any, client_for: Any, in_process: None) -> None:
    from bidwatch.web.audit.models import AuditEntry

    upload = review_docs.upload(review_docs.draft())
    content = upload.read()
    upload.seek(0)
    assert _submit(client_for("housing"), file=upload).status_code == 302
    review = Review.objects.get()
    url = reverse("review:file", args=[review.pk, 1])
    response = client_for("auditor").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/octet-stream" and "attachment" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="export", object_id=str(review.pk)).count() == 1
    assert client_for("transport").get(url).status_code == 403
    assert client_for("office").get(reverse("review:file", args=[review.pk, 2])).status_code == 404
    dashboard = reverse("core:dashboard")
    assert 'data-testid="review-reminder"' in client_for("office").get(dashboard).content.decode()
    assert 'data-testid="review-reminder"' not in client_for("housing").get(dashboard).content.decode()
    assert services.reminders(users["office"]) == {"awaiting": 1, "returned": 0}
    review.status = Review.Status.RETURNED
    review.save()
    assert 'data-testid="review-reminder"' in client_for("housing").get(dashboard).content.decode()
    assert services.reminders(users["transport"]) == {"awaiting": 0, "returned": 0}


@pytest.mark.django_db
def test_a_pdf_draft_and_a_clause_in_a_docx_table(users: Any, client_for: Any, in_process: None,
                                                  tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from tests.documents.fixtures import make_docx, make_pdf

    pdf = make_pdf(tmp_path / "招标公告.pdf", review_docs.draft())
    assert _submit(client_for("housing"), file=SimpleUploadedFile(pdf.name, pdf.read_bytes()),
                   kind="announcement").status_code == 302
    [finding] = Review.objects.get().current.findings.all()
    assert finding.rule == "local_registration" and finding.paragraph == 0  # page 1
    # a qualification table: each row is read as a paragraph after the text
    lawful = [p for p in review_docs.draft() if p != review_docs.LOCAL_REGISTRATION]
    docx = make_docx(tmp_path / "资格预审文件.docx", lawful,
                     tables=[[["资格条件", "要求"], ["注册地", "投标人注册地须在长沙市内"]]])
    assert _submit(client_for("housing"), file=SimpleUploadedFile(docx.name, docx.read_bytes()),
                   kind="prequalification").status_code == 302
    v = Review.objects.order_by("-pk").first().current
    [finding] = v.findings.all()
    assert finding.rule == "local_registration" and v.paragraphs[finding.paragraph] == "注册地 | 投标人注册地须在长沙市内"


def test_a_quoted_prohibition_is_no_finding() -> None:
    # a draft quoting the law's prohibition (NEGATION of indicators/rules/restrictive_clauses.toml) is no finding;
    # the same words as a demand are
    assert checks.find_clauses(["招标人不得要求投标人在本地注册。"]) == []
    assert checks.find_clauses(["投标人须在本地注册。"]) != []


@pytest.mark.django_db
def test_a_date_given_on_the_form_holds_until_the_revision_states_it(users: Any, client_for: Any,
                                                                     in_process: None) -> None:
    housing, office = client_for("housing"), client_for("office")
    no_deadline = [p for p in review_docs.draft() if "投标截止" not in p and p != review_docs.LOCAL_REGISTRATION]
    assert _submit(housing, no_deadline, bid_deadline="2025-03-20").status_code == 302
    review = Review.objects.get()
    [f] = review.current.findings.all()
    assert f.rule == "bid_period" and f.paragraph is None and review.current.facts["bid_deadline"]["source"] == "form"
    _step(office, review, "start", on="2025-02-21")
    _step(office, review, "opinion", on="2025-02-21", finding=f.pk, opinion="pass_after_changes")
    _step(office, review, "decide", on="2025-02-21", outcome="pass_after_changes")
    url = reverse("review:step", args=[review.pk, "revise"])
    # a revision that does not state the deadline keeps the form's date: still too short
    housing.post(url, {"revise-on": "2025-02-24", "revise-file": review_docs.upload(no_deadline + ["补充说明。"])})
    v2 = Review.objects.get().current
    assert v2.facts["bid_deadline"] == {"value": "2025-03-20", "paragraph": None, "text": "", "source": "form"}
    assert [g.previous_id for g in v2.findings.all()] == [f.pk]
    _step(office, review, "start", on="2025-02-25")
    [g] = v2.findings.all()
    _step(office, review, "opinion", on="2025-02-25", finding=g.pk, opinion="pass_after_changes")
    _step(office, review, "decide", on="2025-02-25", outcome="pass_after_changes")
    # the next states it in the text, 28 March: lawful, the finding resolved
    housing.post(url, {"revise-on": "2025-02-26", "revise-file": review_docs.upload(
        no_deadline + ["投标截止时间为2025年3月28日9时30分。"])})
    v3 = Review.objects.get().current
    assert v3.number == 3 and v3.facts["bid_deadline"]["source"] == "text" and not v3.findings.exists()
    assert [x.pk for x in services.resolution(v3)["resolved"]] == [g.pk]
    # filed: the finding still present in v2 and resolved in v3 counts once, as resolved
    _step(office, review, "start", on="2025-02-27")
    _step(office, review, "decide", on="2025-02-27", outcome="pass")
    assert _step(office, review, "file", on="2025-02-28").status_code == 302
    totals = services.review_totals((D("2025-02-01"), D("2025-02-28")), users["auditor"])
    assert (totals["filed"], totals["findings"], totals["resolved"], totals["revised"]) == (1, 1, 1, 1)
    assert totals["by_category"] == {"bid_period": {"name": "招标文件发出至投标截止不足20日", "count": 1}}


NATIONAL_SALE = "请于2026年3月2日至2026年3月4日（法定公休日、法定节假日除外），每日上午9时至12时，持单位介绍信购买招标文件。"


def test_the_national_template_s_purchase_of_the_documents_is_the_sale_period() -> None:
    from bidwatch.workdays import WorkCalendar

    paras = [NATIONAL_SALE, "投标截止时间为2026年3月16日9时30分。"]
    facts = checks.extract_facts(paras)
    assert (facts["docs_from"]["value"], facts["docs_until"]["value"]) == (D("2026-03-02"), D("2026-03-04"))
    assert {f["rule"] for f in checks.check_periods_and_bonds(facts, paras, WorkCalendar())} == {
        "bid_period", "document_sale"}
    assert "document_sale" not in checks.unchecked(facts) and "bid_period" not in checks.unchecked(facts)
    # near miss: a purchase of something else between two dates is no sale period, and the checks are not run
    other = ["投标人应于2026年3月2日至2026年3月4日购买工程一切险。", "投标截止时间为2026年3月16日9时30分。"]
    facts = checks.extract_facts(other)
    assert "docs_from" not in facts and checks.check_periods_and_bonds(facts, other, WorkCalendar()) == []
    assert checks.unchecked(facts)["document_sale"] == ["docs_from", "docs_until"]
    assert checks.unchecked(facts)["bid_period"] == ["docs_from"]


@pytest.mark.parametrize("text, bond, estimate, found", [
    ("本工程估算价1.2亿元，其中暂列金额500万元。投标保证金：人民币80万元。", "800000", "120000000", False),
    ("本工程估算价0.3亿元，其中暂列金额500万元。投标保证金：人民币80万元。", "800000", "30000000", True),  # > 2%
    ("本项目最高投标限价为350千元，投标保证金为7千元。", "7000", "350000", False),
    ("本项目最高投标限价为350千元，投标保证金为8千元。", "8000", "350000", True),
])
def test_amounts_in_yi_and_qian_yuan(text: str, bond: str, estimate: str, found: bool) -> None:
    from bidwatch.workdays import WorkCalendar

    facts = checks.extract_facts([text])
    assert (str(facts["bid_bond"]["value"]), str(facts["estimate"]["value"])) == (bond, estimate)
    assert bool(checks.check_periods_and_bonds(facts, [text], WorkCalendar())) is found


@pytest.mark.parametrize("title, rule, found", [
    ("某道路工程勘察设计招标文件", "survey_design", True),   # 20万 > the 10万 cap of 勘察设计 (第24条)
    ("某道路工程设计施工总承包招标文件", "works_goods", False),  # near miss: a works tender, 80万 cap
    ("某道路工程施工监理招标文件", "none", False),             # 监理: no amount cap, only the 2%
])
def test_the_bid_bond_cap_of_survey_and_design(title: str, rule: str, found: bool) -> None:
    from bidwatch.workdays import WorkCalendar

    paras = [title, "本项目估算价为5000万元。", "投标保证金为人民币20万元。"]
    assert checks.bond_cap_rule(title, paras) == rule
    result = checks.check_periods_and_bonds(checks.extract_facts(paras), paras, WorkCalendar(), cap_rule=rule)
    assert bool(result) is found
    if found:
        [f] = result
        assert "勘察设计招标投标办法 第24条" in f["legal_basis"] and f["match"] == "投标保证金200000元，超过100000元"
    # the scope sentence decides when the title does not
    assert checks.bond_cap_rule("某道路工程", ["招标范围：某道路工程的初步设计和施工图设计。"]) == "survey_design"
    assert checks.bond_cap_rule("某道路工程", ["招标范围：某道路工程的施工。"]) == "works_goods"


@pytest.mark.django_db
def test_a_finding_whose_check_cannot_run_on_the_revision_is_not_resolved(users: Any, client_for: Any,
                                                                          in_process: None) -> None:
    housing, office = client_for("housing"), client_for("office")
    short_sale = [p.replace("2025年3月10日", "2025年3月5日") for p in review_docs.draft()
                  if p != review_docs.LOCAL_REGISTRATION]
    assert _submit(housing, short_sale).status_code == 302
    review = Review.objects.get()
    [f] = review.current.findings.all()
    assert f.rule == "document_sale"
    url = reverse("review:step", args=[review.pk, "revise"])

    def returned(on: str) -> None:
        [g] = review.current.findings.all()
        _step(office, review, "start", on=on)
        _step(office, review, "opinion", on=on, finding=g.pk, opinion="pass_after_changes")
        assert _step(office, review, "decide", on=on, outcome="pass_after_changes").status_code == 302

    returned("2025-02-21")
    # the revision writes the sale period so that it is not read: the check cannot run, the finding is not resolved
    unread = [p.replace("招标文件发售时间：", "报名时间：") for p in short_sale]
    assert housing.post(url, {"revise-on": "2025-02-24", "revise-file": review_docs.upload(unread)}).status_code == 302
    v2 = Review.objects.get().current
    [g] = v2.findings.all()
    assert (g.rule, g.previous_id, g.paragraph) == ("document_sale", f.pk, None)
    assert g.match.startswith("未能核查：未找到招标文件发售起始日期、招标文件发售截止日期（上一版：发售期")
    res = services.resolution(v2)
    assert res["resolved"] == [] and res["still"] == [g]
    html = office.get(reverse("review:detail", args=[review.pk])).content.decode()
    assert "未能核查" in html and 'data-testid="unchecked"' in html
    en = office.get(reverse("review:detail", args=[review.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<strong>Not checked</strong>: 招标文件发售期不足5日 — not found: Documents issued from" in en
    # near miss: the next revision states a lawful sale period: checked and resolved
    returned("2025-02-25")
    lawful = [p.replace("报名时间：", "招标文件获取时间：").replace("2025年3月5日", "2025年3月10日") for p in unread]
    housing.post(url, {"revise-on": "2025-02-26", "revise-file": review_docs.upload(lawful)})
    v3 = Review.objects.get().current
    assert not v3.findings.exists() and [x.pk for x in services.resolution(v3)["resolved"]] == [g.pk]
    assert "document_sale" not in checks.unchecked(v3.facts)


@pytest.mark.django_db
def test_the_tender_id_is_a_tender_of_the_sector(users: Any, client_for: Any, in_process: None) -> None:
    housing, office = client_for("housing"), client_for("office")
    response = _submit(housing, tender_id="T2")  # transport's tender
    assert response.status_code == 400 and "tender_id" in response.context["form"].errors
    assert not Review.objects.exists()
    # near misses: the id of a tender not yet announced (a pre-tender review comes first) is taken as written, and not
    # linked; housing's own tender is linked
    assert _submit(housing, tender_id="ZB-2025-NEW").status_code == 302
    page = housing.get(reverse("review:detail", args=[Review.objects.get().pk])).content.decode()
    assert "ZB-2025-NEW" in page and "/tenders/ZB-2025-NEW" not in page
    Review.objects.all().delete()
    assert _submit(housing, tender_id="T1").status_code == 302
    review = Review.objects.get()
    _step(office, review, "start", on="2025-02-21")
    [f] = review.current.findings.all()
    _step(office, review, "opinion", on="2025-02-21", finding=f.pk, opinion="reject")
    _step(office, review, "decide", on="2025-02-21", outcome="reject")
    assert _step(office, review, "file", on="2025-02-22", tender_id="T2").status_code == 400  # another sector's
    assert _step(office, review, "file", on="2025-02-22", tender_id="T3").status_code == 302  # housing's
    review.refresh_from_db()
    assert review.tender_id == "T3"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "shown", "not_shown"), [
    ("en", "broken file or not a DOCX", "文件已损坏"),
    ("zh-hans", "文件已损坏或不是DOCX", "broken file"),
])
def test_the_readers_refusal_speaks_the_language_of_the_page(users: Any, client_for: Any, in_process: None,
                                                             language: str, shown: str, not_shown: str) -> None:
    housing = client_for("housing")
    housing.post(reverse("set_language"), {"language": language})
    response = _submit(housing, file=SimpleUploadedFile("招标文件.docx", b"not a zip at all"))
    errors = str(response.context["form"].errors["file"])
    assert response.status_code == 400 and shown in errors and not_shown not in errors


def test_a_reader_error_without_two_halves_is_kept_whole() -> None:
    assert services.reader_error("something odd") == "something odd"


@pytest.mark.django_db
def test_the_submission_history_note_has_no_words_of_one_language(users: Any, client_for: Any,
                                                                    in_process: None) -> None:
    assert _submit(client_for("housing")).status_code == 302
    event = Review.objects.get().events.get(step="submit")
    assert event.note == "招标文件.docx"  # the file's name; the count of findings is the page's and the audit's
    page = client_for("office").get(reverse("review:detail", args=[Review.objects.get().pk]),
                                    HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "问题 1 项" not in page and "招标文件.docx" in page
