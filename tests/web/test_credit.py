"""The sanctions registry (信用惩戒名录): entering and revoking with history and audit, validation,
who may see and act, the list's filters, the company page, and the feed-back into the real scan."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from bidwatch.web.alerts.models import Alert
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.credit import services
from bidwatch.web.credit.models import RegistryEntry
from bidwatch.web.datasets.models import DatasetImport, ScanRun
from bidwatch.web.tenders.models import Sanction
from tests.web import factories

D = dt.date.fromisoformat
VALID_USCC = "91350100M000100Y43"  # GB 32100-2015's worked example


def _form(**over: Any) -> dict[str, Any]:
    data = {"company_id": "C4", "uscc": "", "person_id": "", "company_name": "", "measure": "debarment",
            "authority": "某市住房和城乡建设局", "document_number": "市住建罚〔2024〕7号",
            "reason": "串通投标，取消一年内参加依法必须进行招标的项目的投标资格", "legal_basis": "招标投标法 第53条",
            "start_on": "2024-01-01", "end_on": "2024-12-31"}
    data.update(over)
    return data


def _enter(client: Any, **over: Any) -> RegistryEntry:
    response = client.post(reverse("credit:create"), _form(**over))
    assert response.status_code == 302, response.content.decode()[:2000]
    return RegistryEntry.objects.latest("id")


def _revoke(client: Any, e: RegistryEntry, on: str = "2024-06-01", reason: str = "复议决定撤销原处罚决定") -> Any:
    return client.post(reverse("credit:detail", args=[e.pk]), {"revoke-on": on, "revoke-reason": reason})


def _entry(users: Any, **over: Any) -> RegistryEntry:
    fields = {k: v for k, v in _form(**over).items()}
    fields["start_on"] = D(fields["start_on"])
    fields["end_on"] = D(fields["end_on"]) if fields["end_on"] else None
    return services.record_entry(users["office"], **fields)


# --- entering and revoking ---------------------------------------------------------------------

@pytest.mark.django_db
def test_enter_and_revoke_keep_history_and_audit(client_for: Any, users: Any, imported: Any) -> None:
    client = client_for("discipline")
    e = _enter(client)
    assert e.public_id == f"REG-{e.pk}" and e.recorded_by.username == "discipline"
    assert e.company_name == "湖南丁交通建设有限公司"  # filled from the company records
    assert [ev.step for ev in e.events.all()] == ["record"]
    entered = AuditEntry.objects.get(action="registry", object_id=str(e.pk), detail__step="record")
    assert entered.detail["sanction_id"] == e.public_id and entered.detail["measure"] == "debarment"
    page = client.get(reverse("credit:detail", args=[e.pk])).content.decode()
    assert e.public_id in page and "市住建罚〔2024〕7号" in page
    assert e.state(D("2024-06-01")) == RegistryEntry.State.ACTIVE
    assert "已到期" in page  # today the ban (ended 2024-12-31) is over

    assert _revoke(client, e, reason=" ").status_code == 400  # a reason is required
    e.refresh_from_db()
    assert e.revoked_on is None
    assert _revoke(client, e).status_code == 302
    e.refresh_from_db()
    assert e.revoked_on == D("2024-06-01") and e.revoked_by.username == "discipline"
    assert e.state(D("2024-03-01")) == RegistryEntry.State.REVOKED
    assert [ev.step for ev in e.events.all()] == ["record", "revoke"]
    revoked = AuditEntry.objects.get(action="registry", object_id=str(e.pk), detail__step="revoke")
    assert revoked.detail["revoked_on"] == "2024-06-01" and revoked.username == "discipline"
    again = _revoke(client, e)
    assert again.status_code == 400 and "已撤销" in again.content.decode()
    page = client.get(reverse("credit:detail", args=[e.pk])).content.decode()
    assert 'data-testid="revoked"' in page and "复议决定撤销原处罚决定" in page and 'data-testid="revoke"' not in page
    assert RegistryEntry.objects.filter(pk=e.pk).exists()  # kept


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"uscc": "91350100M000100Y44"}, "uscc", "统一社会信用代码"),  # wrong check character
        ({"uscc": "12345"}, "uscc", "统一社会信用代码"),
        ({"end_on": "2023-12-31"}, "end_on", "早于"),
        ({"publish_until": "2020-01-01"}, "publish_until", "公示截止日期不能早于"),
        ({"company_id": "", "uscc": "", "person_id": ""}, "company_id", "企业编号"),
        ({"measure": "fine"}, "measure", ""),
        ({"authority": ""}, "authority", ""),
        ({"start_on": ""}, "start_on", ""),
        # a measure on an evaluation expert names the expert (by the datasets' expert ID), not a company
        ({"measure": "expert_suspended"}, "person_id", "专家编号"),
        ({"measure": "expert_suspended", "person_id": "X2"}, "company_id", "不填写企业"),
        ({"measure": "expert_removed", "company_id": "", "person_id": "X2"}, "end_on", "不设截止日期"),
    ],
)
def test_bad_entries_are_refused_with_the_field_named(client_for: Any, users: Any, over: dict[str, str],
                                                      field: str, message: str) -> None:
    response = client_for("office").post(reverse("credit:create"), _form(**over))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not RegistryEntry.objects.exists() and not AuditEntry.objects.filter(action="registry").exists()


def test_the_measures_are_the_contracts() -> None:
    from bidwatch.contract.schema import EXPERT_MEASURES, MEASURE

    assert RegistryEntry.Measure.values == list(MEASURE)
    assert RegistryEntry.EXPERT_MEASURES == EXPERT_MEASURES


@pytest.mark.django_db
def test_an_expert_entry_is_listed_as_the_expert(client_for: Any, users: Any) -> None:
    client = client_for("office")
    e = _enter(client, company_id="", person_id="X2", person_name="王评审", measure="expert_suspended",
               reason="评标时私下接触投标人", legal_basis="招标投标法实施条例 第71条")
    assert e.is_expert and e.subject == "王评审（X2）" and e.company_name == ""
    page = client.get(reverse("credit:list")).content.decode()
    assert 'data-testid="expert-subject"' in page and "王评审（X2）" in page and "暂停评标资格" in page
    detail = client.get(reverse("credit:detail", args=[e.pk])).content.decode()
    assert 'data-testid="expert"' in detail and "王评审 · X2" in detail
    # found by the expert's name; a company's entry is not shown as an expert
    assert "王评审" in client.get(reverse("credit:list"), {"q": "王评审"}).content.decode()
    _enter(client)
    page = client.get(reverse("credit:list"), {"measure": "debarment"}).content.decode()
    assert 'data-testid="expert-subject"' not in page and "湖南丁交通建设有限公司" in page


@pytest.mark.django_db
def test_a_credit_code_alone_is_a_subject_and_is_upper_cased(client_for: Any, users: Any) -> None:
    e = _enter(client_for("office"), company_id="", uscc=VALID_USCC.lower(), company_name="某外地建设集团有限公司")
    assert e.uscc == VALID_USCC and e.subject == "某外地建设集团有限公司"


@pytest.mark.django_db
def test_english_pages(client_for: Any, users: Any) -> None:
    e = _entry(users, end_on="")
    client = client_for("office")
    client.post(reverse("set_language"), {"language": "en"})
    listed = client.get(reverse("credit:list")).content.decode()
    assert "Sanctions registry" in listed and "In force" in listed and "Debarred from bidding" in listed
    page = client.get(reverse("credit:detail", args=[e.pk])).content.decode()
    assert "Revoke this entry" in page and "no end date" in page


# --- who may see and act -----------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "view", "manage"),
    [("office", 200, True), ("discipline", 200, True), ("housing", 200, False), ("transport", 200, False),
     ("auditor", 200, False), ("admin", 403, False)],
)
def test_who_sees_and_manages(client_for: Any, users: Any, role: str, view: int, manage: bool) -> None:
    e = _entry(users)
    client = client_for(role)
    assert client.get(reverse("credit:list")).status_code == view
    detail = client.get(reverse("credit:detail", args=[e.pk]))
    assert detail.status_code == view
    assert (view == 200 and 'data-testid="revoke"' in detail.content.decode()) == manage
    assert client.get(reverse("credit:create")).status_code == (200 if manage else 403)
    posted = client.post(reverse("credit:create"), _form(company_id="C5"))
    assert posted.status_code == (302 if manage else 403)
    assert _revoke(client, e).status_code == (302 if manage else 403)
    e.refresh_from_db()
    assert (e.revoked_on is not None) == manage
    assert RegistryEntry.objects.count() == (2 if manage else 1)


@pytest.mark.django_db
def test_services_refuse_without_the_capability(users: Any) -> None:
    from django.core.exceptions import PermissionDenied

    e = _entry(users)
    with pytest.raises(PermissionDenied):
        services.record_entry(users["housing"], **{**_form(), "start_on": D("2024-01-01"), "end_on": None})
    with pytest.raises(PermissionDenied):
        services.revoke(e, users["auditor"], D("2024-06-01"), "x")


# --- the list ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_list_filters_by_measure_state_and_search(client_for: Any, users: Any, monkeypatch: Any) -> None:
    active = _entry(users, end_on="")
    ended = _entry(users, company_id="", uscc=VALID_USCC, company_name="某外地建设集团有限公司", measure="blacklist",
                   end_on="2024-12-31")
    revoked = _entry(users, company_id="C5", measure="penalty", end_on="")
    services.revoke(revoked, users["office"], D("2024-06-01"), "撤销")
    monkeypatch.setattr(services, "today", lambda: D("2025-06-01"))
    client = client_for("auditor")

    def listed(**params: str) -> set[RegistryEntry]:
        page = client.get(reverse("credit:list"), params).content.decode()
        return {e for e in (active, ended, revoked)
                if f'href="{reverse("credit:detail", args=[e.pk])}"' in page}

    assert listed() == {active, ended, revoked}
    assert listed(state="active") == {active}
    assert listed(state="expired") == {ended}
    assert listed(state="revoked") == {revoked}
    assert listed(measure="blacklist") == {ended}
    assert listed(q="外地建设") == {ended}
    assert listed(q=VALID_USCC) == {ended}
    assert listed(q="C5") == {revoked}
    assert listed(q="湖南丁交通") == {active}
    # a measure that starts after today is not yet in force: listed as such, not as 有效
    future = _entry(users, company_id="C7", start_on="2099-01-01", end_on="")
    assert future.state(D("2025-06-01")) == RegistryEntry.State.PENDING
    href = f'href="{reverse("credit:detail", args=[future.pk])}"'
    assert href in client.get(reverse("credit:list"), {"state": "pending"}).content.decode()
    assert href not in client.get(reverse("credit:list"), {"state": "active"}).content.decode()
    page = client.get(reverse("credit:detail", args=[future.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-state="pending"' in page and "未生效" in page


# --- the company page --------------------------------------------------------------------------

@pytest.mark.django_db
def test_company_page_shows_registry_entries_beside_imported_sanctions(client_for: Any, users: Any,
                                                                       imported: Any) -> None:
    e = _entry(users)
    revoked = _entry(users, measure="penalty")
    services.revoke(revoked, users["office"], D("2024-06-01"), "撤销")
    page = client_for("housing").get(reverse("tenders:company", args=["C4"])).content.decode()
    assert page.count('data-testid="registry-row"') == 2 and "名录登记" in page and e.public_id in page
    assert 'data-state="revoked"' in page and "无惩戒记录" not in page
    # C2's imported sanction (S1) is listed as before, without the registry's mark
    c2 = client_for("office").get(reverse("tenders:company", args=["C2"])).content.decode()
    assert "某市住建局" in c2 and 'data-testid="registry-row"' not in c2
    # the administrator may not read the registry
    admin = client_for("admin").get(reverse("tenders:company", args=["C4"])).content.decode()
    assert 'data-testid="registry-row"' not in admin and "无惩戒记录" in admin


# --- feed-back into the scans ------------------------------------------------------------------

def _rescan(client: Any, imp: DatasetImport, capture: Any) -> ScanRun:
    with capture(execute=True):  # the queued task runs inline (BIDWATCH_TASKS_EAGER) once committed
        assert client.post(reverse("datasets:rescan", args=[imp.pk])).status_code == 302
    scan = ScanRun.objects.latest("id")
    assert scan.status == ScanRun.Status.DONE, (scan.task.error if scan.task else "", scan.dataset.problems)
    return scan


def _sanctioned(company: str) -> list[Alert]:
    return [a for a in Alert.objects.filter(indicator="sanctioned_bidder", active=True)
            if company in a.company_ids.split(";")]


@pytest.mark.django_db
@pytest.mark.usefixtures("real_engine")
def test_a_registry_debarment_reaches_the_real_scan(client_for: Any, users: Any, imported: Any,
                                                    django_capture_on_commit_callbacks: Any) -> None:
    # C4 bid for T2 (deadline 2024-04-25) while debarred by the registry (2024-01-01 – 2024-12-31)
    e = _entry(users)
    assert _sanctioned("C4") == []
    _rescan(client_for("office"), imported.dataset, django_capture_on_commit_callbacks)
    (alert,) = _sanctioned("C4")
    assert alert.tender_id == "T2"
    records = alert.evidence["sanctions"]
    assert [r["sanction_id"] for r in records] == [e.public_id]
    assert records[0]["measure"] == "debarment" and "市住建罚〔2024〕7号" in records[0]["authority"]
    assert "C4" in alert.message or "湖南丁交通建设有限公司" in alert.message
    # the dataset's own sanction (S1, C2 at T1) is still found, and the registry's is not written as one
    assert [a.tender_id for a in _sanctioned("C2")] == ["T1"]
    assert not Sanction.objects.filter(sanction_id__startswith="REG-").exists()
    imported.dataset.refresh_from_db()
    assert imported.dataset.counts["registry"] == 1

    # revoked: the next rescan no longer sees it, and the alert turns inactive
    services.revoke(e, users["office"], D("2024-06-01"), "复议撤销")
    _rescan(client_for("office"), imported.dataset, django_capture_on_commit_callbacks)
    assert _sanctioned("C4") == []
    assert Alert.objects.filter(pk=alert.pk, active=False).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("real_engine")
def test_a_ban_that_ended_before_the_bid_raises_nothing(users: Any, imported: Any, tmp_path: Path) -> None:
    # the near miss: the ban ended the day before T2's deadline (2024-04-25); imported afresh
    _entry(users, end_on="2024-04-24")
    scan = factories.import_dataset(factories.write_dataset(tmp_path / "again"), users["office"])
    assert scan.status == ScanRun.Status.DONE and scan.dataset.counts["registry"] == 1
    assert _sanctioned("C4") == []
    assert [a.tender_id for a in _sanctioned("C2")] == ["T1"]  # the scan did run the indicator


@pytest.mark.django_db
@pytest.mark.usefixtures("real_engine")
def test_an_expert_entry_feeds_the_experts_sanction_to_the_scan(users: Any, tmp_path: Path) -> None:
    from bidwatch.contract import load_dataset
    from bidwatch.scan import run_scan
    from bidwatch.web.credit import feed

    # X2 sat on T2's panel (bids opened 2024-04-25), removed from the pool since 2024-03-01
    e = _entry(users, company_id="", person_id="X2", person_name="王评审", measure="expert_removed",
               start_on="2024-03-01", end_on="")
    (row,) = feed.feed_rows()
    assert row == {"sanction_id": e.public_id, "company_id": None, "uscc": None, "person_id": "X2",
                   "measure": "expert_removed", "authority": "某市住房和城乡建设局 市住建罚〔2024〕7号",
                   "reason": e.reason, "start_on": D("2024-03-01"), "end_on": None}
    ds = load_dataset(factories.write_panels(factories.write_dataset(tmp_path / "panel")))
    assert feed.add_registry(ds) == [e.public_id]
    (alert,) = run_scan(ds, only=["sanctioned_expert"]).alerts.itertuples()
    assert alert.tender_id == "T2" and alert.severity == "high"
    assert '"expert_id":"X2"' in alert.evidence and e.public_id in alert.message and "王评审" in alert.message


@pytest.mark.django_db
def test_a_dataset_using_a_registry_id_is_rejected_with_the_clash_named(users: Any, imported: Any,
                                                                         tmp_path: Path) -> None:
    e = _entry(users)
    folder = factories.write_dataset(tmp_path / "clash")
    with (folder / "sanctions.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(factories.TABLES["sanctions"][0]))
        writer.writeheader()
        writer.writerow({**factories.TABLES["sanctions"][0], "sanction_id": e.public_id})
    scan = factories.import_dataset(folder, users["office"])
    assert scan.status == ScanRun.Status.REJECTED
    (problem,) = scan.dataset.problems
    assert problem["table"] == "信用惩戒名录 / sanctions registry" and problem["column"] == "sanction_id"
    assert problem["value"] == e.public_id and problem["expected"].startswith(f"{e.public_id}：")
    assert "already present" in problem["expected"]
