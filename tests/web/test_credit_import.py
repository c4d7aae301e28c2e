"""Importing an external list of dishonest entities (CSV/XLSX) into the registry with the contract's checks: all
rows or none, every problem named; who may import; the entries reach the feed."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bidwatch.web.credit import imports
from bidwatch.web.credit.feed import feed_rows
from bidwatch.web.credit.models import RegistryEntry
from tests.web.workflow_cases import ROLES

VALID_USCC = "91350100M000100Y43"  # GB 32100-2015's worked example
HEADER = "统一社会信用代码,企业名称,失信类型,列入日期,截止日期,认定机关,决定文书号,列入原因\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode("utf-8-sig")


@pytest.mark.django_db
def test_a_clean_csv_is_entered_whole(users: Any, client_for: Any) -> None:
    data = _csv(f"{VALID_USCC},某建设有限公司,严重失信主体名单,2024年3月1日,2025/02/28,某省发展改革委,发改信〔2024〕1号,拖欠农民工工资",
                f"{VALID_USCC.lower()},某建设有限公司,失信被执行人,20240401,,某区人民法院,,未履行生效判决")
    response = client_for("discipline").post(reverse("credit:import"), {
        "file": SimpleUploadedFile("信用中国-失信名单.csv", data), "authority": "信用中国"})
    assert response.status_code == 302
    entries = list(RegistryEntry.objects.order_by("id"))
    assert [(e.uscc, e.measure, str(e.start_on), str(e.end_on)) for e in entries] == [
        (VALID_USCC, "blacklist", "2024-03-01", "2025-02-28"), (VALID_USCC, "dishonest_debtor", "2024-04-01", "None")]
    assert entries[0].source == "导入：信用中国-失信名单.csv" and entries[1].authority == "某区人民法院"
    assert all([ev.step for ev in e.events.all()] == ["record"] for e in entries)
    assert {r["sanction_id"] for r in feed_rows()} >= {e.public_id for e in entries}


@pytest.mark.django_db
def test_every_problem_is_named_and_nothing_is_entered(users: Any, client_for: Any) -> None:
    data = _csv(f"{VALID_USCC},甲,严重失信主体名单,2024-03-01,,机关,,原因",
                "91350100M000100Y44,乙,严重失信主体名单,2024-03-01,,机关,,原因",      # check character wrong
                f"{VALID_USCC},丙,红名单,2024-03-01,,机关,,原因",                     # not a measure
                f"{VALID_USCC},丁,失信被执行人,2024-02-30,,机关,,原因",               # no such day
                f"{VALID_USCC},戊,失信被执行人,2024-03-01,2024-01-01,机关,,原因",      # ends before it starts
                f"{VALID_USCC},甲,严重失信主体名单,2024-03-01,,机关,,原因",            # same as row 2
                ",己,失信被执行人,2024-03-01,,机关,,原因")                             # no subject
    response = client_for("office").post(reverse("credit:import"), {
        "file": SimpleUploadedFile("list.csv", data), "authority": "信用中国"})
    assert response.status_code == 400 and not RegistryEntry.objects.exists()
    n, problems = imports.import_list(users["office"], "list.csv", data, "信用中国")
    assert n == 0
    assert [(p.row, p.column) for p in problems] == [(3, "uscc"), (4, "measure"), (5, "start_on"), (6, "end_on"),
                                                     (7, "uscc"), (8, "uscc")]
    assert 'data-testid="import-problems"' in response.content.decode()


@pytest.mark.django_db
def test_a_list_of_expert_measures_names_the_experts(users: Any) -> None:
    header = "人员编号,统一社会信用代码,名称,惩戒措施,列入日期,截止日期\n"
    rows = ["X2,,王评审,暂停评标资格,2024-03-01,2024-08-31", "X5,,郑工,取消评标专家资格,2024-05-01,"]
    n, problems = imports.import_list(users["office"], "experts.csv", (header + "\n".join(rows)).encode(), "某市住建局")
    assert (n, problems) == (2, [])
    got = [(e.person_id, e.person_name, e.company_name, e.measure, e.end_on) for e in RegistryEntry.objects.order_by("id")]
    assert got == [("X2", "王评审", "", "expert_suspended", dt.date(2024, 8, 31)),
                   ("X5", "郑工", "", "expert_removed", None)]
    # an expert's measure on a company, one without the expert, and a removal with an end: refused, named
    bad = ["X2,,王评审,暂停评标资格,2024-09-01,2024-12-31", f",{VALID_USCC},某公司,暂停评标资格,2024-03-01,2024-08-31",
           ",,某人,取消评标专家资格,2024-03-01,", "X3,,周工,取消评标专家资格,2024-03-01,2026-03-01"]
    n, problems = imports.import_list(users["office"], "bad.csv", (header + "\n".join(bad)).encode(), "某市住建局")
    assert n == 0 and RegistryEntry.objects.count() == 2
    assert [(p.row, p.column) for p in problems] == [(3, "person_id"), (4, "uscc"), (4, "person_id"), (5, "end_on")]


@pytest.mark.django_db
def test_an_xlsx_and_a_missing_column(users: Any) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "惩戒措施", "列入日期"])
    import datetime as dt
    ws.append([VALID_USCC, "某公司", "禁止投标", dt.datetime(2024, 5, 1)])
    buf = io.BytesIO()
    wb.save(buf)
    n, problems = imports.import_list(users["office"], "list.xlsx", buf.getvalue(), "某市住建局")
    assert (n, problems) == (1, []) and RegistryEntry.objects.get().measure == "debarment"
    n, problems = imports.import_list(users["office"], "x.csv", "企业名称,列入日期\n某公司,2024-01-01\n".encode(), "x")
    assert n == 0 and {p.column for p in problems} == {"measure", "uscc"}


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "shown", "not_shown"), [
    ("zh-hans", ["缺少列 惩戒措施", "与第2行重复"], ["a column", "not the same as row"]),
    ("en", ["a column 惩戒措施", "not the same as row 2"], ["缺少列", "重复"]),
])
def test_the_problems_speak_the_language_of_the_page(users: Any, client_for: Any, language: str,
                                                     shown: list[str], not_shown: list[str]) -> None:
    client = client_for("office")
    client.post(reverse("set_language"), {"language": language})
    pages = []
    for data in ("企业名称,统一社会信用代码,列入日期\n某公司,x,2024-01-01\n".encode(),
                 _csv(*[f"{VALID_USCC},甲,严重失信主体名单,2024-03-01,,机关,,原因"] * 2)):
        response = client.post(reverse("credit:import"), {"file": SimpleUploadedFile("list.csv", data),
                                                          "authority": "信用中国"})
        assert response.status_code == 400
        pages.append(response.content.decode())
    page = "".join(pages)
    assert all(s in page for s in shown) and not any(s in page for s in not_shown)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_who_may_import(users: Any, client_for: Any, role: str) -> None:
    response = client_for(role).get(reverse("credit:import"))
    assert response.status_code == (200 if role in {"office", "discipline"} else 403)
