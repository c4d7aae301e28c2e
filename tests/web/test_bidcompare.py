"""The bid-file comparison page: who may upload and read (each role, the tender's scope, anonymous),
the comparison task on generated bid files (a shared rsid pair found, a generic-author-only pair not,
a broken file listed), the alerts it raises on the tender, the images behind their permission check,
and the audit entries."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bidwatch.web.alerts.models import Alert
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.bidcompare.models import Comparison
from bidwatch.web.tasks.models import Task
from tests.web.bidfiles import GENERIC, PAIR, bid_archive

ROLES = ["admin", "office", "discipline", "housing", "auditor"]
VIEWERS = {"office", "discipline", "housing", "auditor"}
UPLOADERS = {"office", "discipline", "housing"}


@pytest.fixture(scope="module")
def bids(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return bid_archive(tmp_path_factory.mktemp("bids"))


def _post(client: Client, archive: Path, tender_doc: Path | None = None, **data: Any) -> Any:
    payload: dict[str, Any] = {"archive": SimpleUploadedFile(archive.name, archive.read_bytes()), **data}
    if tender_doc is not None:
        payload["tender_docs"] = [SimpleUploadedFile(tender_doc.name, tender_doc.read_bytes())]
    return client.post(reverse("bidcompare:list"), payload)


def _tiny_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("甲/a.docx", b"x")
        zf.writestr("乙/b.docx", b"y")
    return buf.getvalue()


def _upload_tiny(client: Client, **data: Any) -> Any:
    return client.post(reverse("bidcompare:list"), {"archive": SimpleUploadedFile("bids.zip", _tiny_zip()), **data})


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_page_by_role(client_for: Callable[[str], Client], imported: Any, role: str) -> None:
    response = client_for(role).get(reverse("bidcompare:list"))
    if role in VIEWERS:
        assert response.status_code == 200
        assert ('data-testid="compare-form"' in response.content.decode()) == (role in UPLOADERS)
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/bid-files/", "/bid-files/1/", "/bid-files/1/images/" + "a" * 64 + ".png"])
def test_anonymous_is_sent_to_login(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert Client().post("/bid-files/", {"archive": SimpleUploadedFile("bids.zip", _tiny_zip())}).status_code == 302
    assert not Comparison.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES + ["transport", "police"])
def test_upload_for_a_tender_by_role_and_scope(client_for: Callable[[str], Client], imported: Any, role: str) -> None:
    # T1 is a housing tender: the housing department may compare its bids, the transport one may not
    response = _upload_tiny(client_for(role), tender_id="T1")
    if role in UPLOADERS:
        assert response.status_code == 302
        comp = Comparison.objects.get()
        assert response["Location"] == reverse("bidcompare:detail", args=[comp.pk])
        assert comp.tender_id == "T1" and comp.sector == "housing" and comp.task.kind == "bid_compare"
        assert comp.task.status == Task.Status.QUEUED and comp.uploaded_by.username == role
        assert (comp.folder / "bids.zip").is_file() and comp.stored_dir == f"bidcompare/{comp.pk}"
        assert AuditEntry.objects.filter(action="upload", object_type="bidcompare.comparison",
                                         object_id=str(comp.pk)).exists()
    else:
        assert response.status_code == 403
        assert not Comparison.objects.exists()
        assert AuditEntry.objects.filter(action="refused", object_id="/bid-files/").exists()


@pytest.mark.django_db
def test_out_of_scope_and_unknown_tenders(client_for: Callable[[str], Client], imported: Any) -> None:
    assert _upload_tiny(client_for("housing"), tender_id="T2").status_code == 403  # a transport tender
    response = _upload_tiny(client_for("office"), tender_id="T404")
    assert response.status_code == 200 and "没有此编号的已导入标段" in response.content.decode()
    assert not Comparison.objects.exists()
    # free-standing: a department's own comparison is its sector's
    assert _upload_tiny(client_for("transport")).status_code == 302
    assert Comparison.objects.get().sector == "transport"


@pytest.mark.django_db
def test_an_unsafe_or_wrong_archive_is_refused_at_upload(client_for: Callable[[str], Client], imported: Any) -> None:
    c = client_for("office")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("甲/a.docx", b"x")
        zf.writestr("../../etc/evil.docx", b"x")
    response = c.post(reverse("bidcompare:list"), {"archive": SimpleUploadedFile("bids.zip", buf.getvalue())})
    assert response.status_code == 200 and "不安全路径" in response.content.decode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:  # 400 members of 512 KiB of zeros each
        for n in range(400):
            zf.writestr(f"投标人{n}/a.docx", b"\0" * 512 * 1024)
    response = c.post(reverse("bidcompare:list"), {"archive": SimpleUploadedFile("bids.zip", buf.getvalue())})
    assert response.status_code == 200 and "解压后超过允许的大小" in response.content.decode()
    response = c.post(reverse("bidcompare:list"), {"archive": SimpleUploadedFile("bids.rar", b"Rar!")})
    assert response.status_code == 200 and "zip" in response.content.decode()
    response = c.post(reverse("bidcompare:list"), {"archive": SimpleUploadedFile("bids.zip", b"not a zip")})
    assert response.status_code == 200
    response = c.post(reverse("bidcompare:list"), {"archive": SimpleUploadedFile("bids.zip", _tiny_zip()),
                                                   "tender_docs": [SimpleUploadedFile("招标文件.exe", b"MZ")]})
    assert response.status_code == 200 and "招标文件.exe" in response.content.decode()
    many = [SimpleUploadedFile(f"补充{n}.pdf", b"%PDF") for n in range(21)]
    response = c.post(reverse("bidcompare:list"), {"archive": SimpleUploadedFile("bids.zip", _tiny_zip()),
                                                   "tender_docs": many})
    assert response.status_code == 200 and "招标文件最多20个" in response.content.decode()
    assert not Comparison.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES + ["transport"])
def test_reading_a_comparison_by_role_and_scope(client_for: Callable[[str], Client], imported: Any, role: str) -> None:
    assert _upload_tiny(client_for("office"), tender_id="T1").status_code == 302
    linked = Comparison.objects.get()
    assert _upload_tiny(client_for("office")).status_code == 302
    free = Comparison.objects.exclude(pk=linked.pk).get()
    c = client_for(role)
    expected = 200 if role in VIEWERS else 403
    assert c.get(reverse("bidcompare:detail", args=[linked.pk])).status_code == expected
    # the office's free-standing comparison belongs to no sector: departments do not see it
    assert c.get(reverse("bidcompare:detail", args=[free.pk])).status_code == (
        200 if role in {"office", "discipline", "auditor"} else 403)
    listing = c.get(reverse("bidcompare:list"))
    if role == "housing":
        body = listing.content.decode()
        assert reverse("bidcompare:detail", args=[linked.pk]) in body
        assert reverse("bidcompare:detail", args=[free.pk]) not in body
    assert c.get(reverse("bidcompare:detail", args=[9999])).status_code == (403 if role == "admin" else 404)


@pytest.mark.django_db
def test_the_comparison_task_finds_the_pair_and_makes_alerts(
    client_for: Callable[[str], Client], imported: Any, bids: tuple[Path, Path],
    django_capture_on_commit_callbacks: Any,
) -> None:
    archive, tender_doc = bids
    with django_capture_on_commit_callbacks(execute=True):  # the task runs inline
        response = _post(client_for("housing"), archive, tender_doc, tender_id="T1")
    assert response.status_code == 302
    comp = Comparison.objects.get()
    assert comp.status == Comparison.Status.DONE, comp.task.error
    assert comp.task.status == Task.Status.DONE and comp.task.progress == 1.0
    result = comp.result
    assert len(result["bidders"]) == 7 and comp.n_bidders == 7
    found = {(f["indicator"], tuple(f["bidders"])) for f in result["findings"]}
    # the shared rsid is the same editing origin (第40条(一)); the shared pictures are the same images
    assert ("doc_same_origin", PAIR) in found and ("doc_same_images", PAIR) in found
    # the generic author and company alone raise nothing, and are said to be discounted
    assert not any(tuple(f["bidders"]) == GENERIC for f in result["findings"])
    assert {"author", "company"} <= {d["field"] for d in result["discounted"]}
    # the broken PDF is listed with its error; the batch went on
    (broken,) = [f for f in result["files"] if f["error"]]
    assert broken["file"].endswith("商务标.pdf") and broken["bidder"] == PAIR[0] and comp.n_errors == 1
    assert [f["file"] for f in result["tender_files"]] == ["招标文件/招标文件.docx"]  # its own name, not the stored one

    # alerts of the collusion family on the tender, in its sector, naming the two companies
    alerts = Alert.objects.filter(alert_id__in=comp.alert_ids)
    assert alerts.count() == sum(f["severity"] == "high" for f in result["findings"]) == comp.n_high
    origin = alerts.get(indicator="doc_same_origin")
    assert origin.family == "collusion" and origin.tender_id == "T1" and origin.sector == "housing"
    assert origin.severity == "high" and origin.legal_basis.endswith("第40条第(一)项")
    assert sorted(origin.companies.values_list("company_id", flat=True)) == ["C1", "C2"]
    assert origin.evidence["bid_file_comparison"] == comp.pk and origin.department.sector == "housing"
    # they read and are triaged like the scan's alerts, and stay out of other sectors' sight
    alert_page = client_for("housing").get(reverse("alerts:detail", args=[origin.alert_id]))
    assert alert_page.status_code == 200 and "00C0FFEE" in alert_page.content.decode()
    assert client_for("transport").get(reverse("alerts:detail", args=[origin.alert_id])).status_code == 403
    assert origin.message in client_for("housing").get(reverse("tenders:detail", args=["T1"])).content.decode()

    # the result page: the pair ranked first, the evidence, legal basis, the images side by side
    page = client_for("housing").get(reverse("bidcompare:detail", args=[comp.pk])).content.decode()
    assert page.index(PAIR[0]) < page.index("投标人3")
    assert "00C0FFEE" in page and "招标投标法实施条例 第40条第(一)项" in page and "第40条第(四)项" in page
    assert "修订会话标识" in page and "2/7" in page and 'data-testid="file-error"' in page
    assert page.count('data-testid="image-pair"') == 2
    assert "通用值" in page  # why the generic author was discounted
    assert AuditEntry.objects.filter(action="view_evidence", object_type="bidcompare.comparison",
                                     object_id=str(comp.pk)).exists()

    # the images: served through the permission check, re-encoded as PNG, only those of the findings
    sha = result["findings"][[f["indicator"] for f in result["findings"]].index("doc_same_images")]["evidence"][
        "images"][0]["sha256_a"]
    url = reverse("bidcompare:image", args=[comp.pk, sha])
    for role in ROLES + ["transport"]:
        response = client_for(role).get(url)
        assert response.status_code == (200 if role in VIEWERS else 403), role
        if response.status_code == 200:
            data = b"".join(response.streaming_content)
            assert data.startswith(b"\x89PNG") and response["Content-Type"] == "image/png"
    assert AuditEntry.objects.filter(action="view_evidence", object_type="bidcompare.image").count() == len(VIEWERS)
    other = "b" * 64  # not an image of the findings
    assert client_for("office").get(reverse("bidcompare:image", args=[comp.pk, other])).status_code == 404
    # nothing of the upload is under the web root
    assert Client().get("/media/bidcompare/%d/bids.zip" % comp.pk).status_code in {302, 404}


@pytest.mark.django_db
def test_a_free_standing_comparison_raises_no_alert(
    client_for: Callable[[str], Client], imported: Any, bids: tuple[Path, Path],
    django_capture_on_commit_callbacks: Any,
) -> None:
    archive, _tender = bids
    before = Alert.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client_for("discipline"), archive, title="某项目投标文件").status_code == 302
    comp = Comparison.objects.get()
    assert comp.status == Comparison.Status.DONE and comp.tender_id is None and comp.sector == ""
    assert comp.alert_ids == [] and Alert.objects.count() == before
    assert any(tuple(f["bidders"]) == PAIR for f in comp.result["findings"])
    body = client_for("discipline").get(reverse("bidcompare:detail", args=[comp.pk]), HTTP_HX_REQUEST="true")
    assert body["HX-Refresh"] == "true"  # the poll reloads the page once the comparison has finished


@pytest.mark.django_db
def test_only_high_findings_become_alerts_and_folders_match_by_the_name_within(imported: Any) -> None:
    """A medium or low finding (a default user name, Word ids beside a PDF-only tender) stays on the
    comparison page; a high one is an alert linked to the company its folder names (01-某某公司)."""
    from bidwatch.web.bidcompare.services import alerts_from_findings, company_for_folder
    from bidwatch.web.tenders.models import Company, Tender

    def finding(fid: str, severity: str, a: str, b: str) -> dict[str, Any]:
        return {"finding_id": fid, "indicator": "doc_same_origin", "family": "collusion", "severity": severity,
                "score": 0.9, "bidders": [a, b], "legal_basis": "招标投标法实施条例 第40条第(一)项",
                "name_zh": "投标文件编辑来源相同", "message": f"{a}与{b}", "evidence": {"matches": []}}

    comp = Comparison.objects.create(tender=Tender.objects.get(tender_id="T1"), archive_name="bids.zip", result={
        "findings": [finding("h1", "high", "01-长沙甲建设有限公司", "02-长沙乙建筑工程有限公司（投标文件）"),
                     finding("m1", "medium", "01-长沙甲建设有限公司", "丙"), finding("l1", "low", "丙", "丁")]})
    ids = alerts_from_findings(comp)
    assert [i.rpartition(":")[2] for i in ids] == ["h1"]
    alert = Alert.objects.get(alert_id=ids[0])
    assert sorted(alert.companies.values_list("company_id", flat=True)) == ["C1", "C2"]
    assert alert.company_ids.count(";") == 1
    # near misses: a folder that only shares words with a company, or names none, links nothing
    companies = list(Company.objects.filter(company_id__in=["C1", "C2"]))
    assert company_for_folder("长沙甲建设", companies) is None and company_for_folder("丙", companies) is None
    # a finding no longer high on a later run: its alert is set inactive, not left in triage
    comp.result = {"findings": [finding("h1", "medium", "01-长沙甲建设有限公司", "02-长沙乙建筑工程有限公司")]}
    assert alerts_from_findings(comp) == []
    alert.refresh_from_db()
    assert alert.active is False
