"""Reports from the public (举报): the reporter's identity encrypted at rest (read from the raw row), revealed
only to the named roles with an audit entry per view, key rotation; the reporter's own pages — intake,
the status page that shows the stage and the answer and nothing else, the rate limit; the clocks."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import Client
from django.urls import reverse

from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.deadlines import calendar, today
from bidwatch.web.tipoffs import services
from bidwatch.web.tipoffs.models import Tipoff
from bidwatch.web.tipoffs.workflow import REPORTER_VIEW_ACTION

NAME, CONTACT, ID_NO = "王举报人", "13912345678", "430102198001011234"


def _register(users: Any, **over: Any) -> tuple[Tipoff, str]:
    fields = {"channel": "hotline", "subject": "某区住建局张科长", "project_name": "某区安置房建设项目",
              "sector": "housing", "facts": "张科长为某投标人打招呼，要求评标专家关照",
              "received_on": today() - dt.timedelta(days=3)}
    fields.update(over)
    return services.register(users["office"], reporter={"reporter_name": NAME, "reporter_contact": CONTACT,
                                                        "reporter_id": ID_NO}, **fields)


def _raw_row(pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM tipoffs_tipoff WHERE id = %s", [pk])
        return " ".join(str(v) for v in cur.fetchone())


@pytest.mark.django_db
def test_the_reporter_is_encrypted_in_the_raw_row(users: Any) -> None:
    t, code = _register(users)
    raw = _raw_row(t.pk)
    for secret in (NAME, CONTACT, ID_NO, code, code.replace("-", "")):
        assert secret not in raw
    with connection.cursor() as cur:
        cur.execute("SELECT reporter_name_enc, reporter_contact_enc, reporter_id_enc FROM tipoffs_tipoff WHERE id = %s",
                    [t.pk])
        tokens = cur.fetchone()
    key = Fernet(os.environ["BIDWATCH_REPORTER_KEYS"].split(",")[0].encode())
    assert [key.decrypt(tok.encode()).decode() for tok in tokens] == [NAME, CONTACT, ID_NO]
    # and with another key, nothing
    with pytest.raises(Exception):
        Fernet(Fernet.generate_key()).decrypt(tokens[0].encode())


@pytest.mark.django_db
def test_the_reporter_is_shown_only_to_the_named_roles_each_view_audited(users: Any, client_for: Any) -> None:
    t, _ = _register(users)
    page = client_for("auditor").get(reverse("tipoffs:detail", args=[t.pk])).content.decode()
    assert NAME not in page and 'data-testid="reveal"' not in page
    for role in ("office", "discipline"):
        assert NAME not in client_for(role).get(reverse("tipoffs:detail", args=[t.pk])).content.decode()
        before = AuditEntry.objects.filter(action=REPORTER_VIEW_ACTION, object_id=str(t.pk)).count()
        shown = client_for(role).post(reverse("tipoffs:reveal", args=[t.pk]))
        assert shown.status_code == 200 and NAME in shown.content.decode() and ID_NO in shown.content.decode()
        entry = AuditEntry.objects.filter(action=REPORTER_VIEW_ACTION, object_id=str(t.pk)).order_by("id").last()
        assert entry.user == users[role]
        assert AuditEntry.objects.filter(action=REPORTER_VIEW_ACTION, object_id=str(t.pk)).count() == before + 1
    for role in ("auditor", "housing", "police", "admin"):
        assert client_for(role).post(reverse("tipoffs:reveal", args=[t.pk])).status_code == 403
    assert client_for("office").get(reverse("tipoffs:reveal", args=[t.pk])).status_code == 405
    # the identity is in no audit entry and no history note
    for e in AuditEntry.objects.filter(object_type="tipoffs.tipoff"):
        assert NAME not in str(e.detail) and CONTACT not in str(e.detail)
    assert all(NAME not in ev.note for ev in t.events.all())


@pytest.mark.django_db
def test_departments_do_not_see_reports(users: Any, client_for: Any) -> None:
    t, _ = _register(users)
    assert client_for("housing").get(reverse("tipoffs:list")).status_code == 403
    assert client_for("housing").get(reverse("tipoffs:detail", args=[t.pk])).status_code == 403
    listing = client_for("auditor").get(reverse("tipoffs:list")).content.decode()
    assert t.number in listing and NAME not in listing


@pytest.mark.django_db
def test_key_rotation_reencrypts_with_the_new_key(users: Any, monkeypatch: Any) -> None:
    t, _ = _register(users)
    old = os.environ["BIDWATCH_REPORTER_KEYS"]
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("BIDWATCH_REPORTER_KEYS", f"{new},{old}")
    assert services.rotate_keys() >= 1
    t.refresh_from_db()
    assert Fernet(new.encode()).decrypt(t.reporter_name_enc.encode()).decode() == NAME
    monkeypatch.setenv("BIDWATCH_REPORTER_KEYS", new)  # the old key dropped: still readable
    assert services.reveal_reporter(t, users["discipline"])["reporter_name"] == NAME


@pytest.mark.django_db
def test_a_key_problem_reads_in_both_languages_for_the_operator(users: Any, monkeypatch: Any, tmp_path: Any) -> None:
    from bidwatch.web.tipoffs import crypto

    t, _ = _register(users)
    monkeypatch.setenv("BIDWATCH_REPORTER_KEYS", Fernet.generate_key().decode())  # not the key it was stored with
    with pytest.raises(RuntimeError) as err:
        services.reveal_reporter(t, users["discipline"])
    assert str(err.value) == "reporter data cannot be decrypted with the configured keys / 无法用现有密钥解密"
    monkeypatch.delenv("BIDWATCH_REPORTER_KEYS")
    monkeypatch.setenv("BIDWATCH_REPORTER_KEY_FILE", str(tmp_path / "missing.keys"))
    with pytest.raises(RuntimeError) as err:
        crypto.keys()
    assert str(err.value) == (f"BIDWATCH_REPORTER_KEY_FILE={tmp_path / 'missing.keys'}: no such file / "
                              f"BIDWATCH_REPORTER_KEY_FILE={tmp_path / 'missing.keys'}：文件不存在")


@pytest.mark.django_db
def test_an_anonymous_report_online_and_its_status_page_shows_the_stage_only(users: Any) -> None:
    public = Client()
    assert public.get(reverse("tipoffs:intake")).status_code == 200
    done = public.post(reverse("tipoffs:intake"), {"subject": "某投标人", "project_name": "某县道路改造工程",
                                                   "facts": "围标串标，几家公司由同一人制作标书"})
    assert done.status_code == 200
    code = re.search(r'data-testid="query-code"><strong>([A-Z0-9-]+)<', done.content.decode()).group(1)
    t = Tipoff.objects.latest("id")
    assert t.anonymous and not t.has_reporter and t.channel == "online" and t.created_by is None
    assert [e.step for e in t.events.all()] == ["submit"]
    assert t.accept_due == calendar().calendar_deadline(today(), 15)

    def status(c: str) -> str:
        r = public.post(reverse("tipoffs:status"), {"code": c})
        assert r.status_code == 200
        return r.content.decode()

    page = status(code.lower().replace("-", " "))
    assert str(Tipoff.PUBLIC_STAGE["received"]) in page
    # the answer and the stage, nothing else: not the number, the unit, the dates, the people, the facts
    services.accept(t, users["office"], today())
    services.to_clue(t, users["discipline"], today(), users["housing"].agency, "核查某县道路改造工程围标问题")
    page = status(code)
    assert str(Tipoff.PUBLIC_STAGE["clue"]) in page
    for hidden in (t.number, t.clue.number, "住房", users["housing"].agency.name, "discipline", "office",
                   "核查某县", "围标串标", str(t.accept_due), str(t.answer_due)):
        assert hidden not in page, hidden
    # the result block holds the stage and nothing more
    block = re.search(r'data-testid="public-status">(.*?)</div>', page, re.S).group(1)
    text = re.sub(r"<[^>]+>", " ", block).split()
    stage = str(Tipoff.PUBLIC_STAGE["clue"]).split()
    assert len(text) == 1 + len(stage) and text[1:] == stage  # the heading "Stage" and the stage
    assert "No report has this query code." in status("AAAA-BBBB-CCCC-DDDD") or "没有" in status("AAAA-BBBB-CCCC-DDDD")


@pytest.mark.django_db
def test_the_status_page_shows_the_answer(users: Any) -> None:
    t, code = _register(users)
    services.accept(t, users["office"], today())
    services.answer(t, users["discipline"], today(), "经核查，所反映问题部分属实，已责成整改。")
    page = Client().post(reverse("tipoffs:status"), {"code": code}).content.decode()
    assert "经核查，所反映问题部分属实，已责成整改。" in page and str(Tipoff.PUBLIC_STAGE["answered"]) in page
    assert NAME not in page and t.subject not in page


@pytest.mark.django_db
@pytest.mark.cache
def test_the_public_pages_are_rate_limited(users: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    public = Client(REMOTE_ADDR="203.0.113.9")
    codes = [public.post(reverse("tipoffs:status"), {"code": "XXXX"}).status_code for _ in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    assert Client(REMOTE_ADDR="203.0.113.10").post(reverse("tipoffs:status"), {"code": "XXXX"}).status_code == 200
    cache.clear()


@pytest.mark.django_db
def test_the_clocks_15_days_60_days_extended_once_by_30(users: Any) -> None:
    received = today() - dt.timedelta(days=20)
    t, _ = _register(users, received_on=received)
    cal = calendar()
    assert t.accept_due == cal.calendar_deadline(received, 15)
    # past its acceptance deadline: overdue on the list
    assert services.CLOCK.overdue(Tipoff.objects.filter(pk=t.pk), today()).exists()
    services.accept(t, users["office"], today() - dt.timedelta(days=1))
    assert t.answer_due == cal.calendar_deadline(today() - dt.timedelta(days=1), 60)
    first = t.answer_due
    services.extend(t, users["office"], today(), "情况复杂")
    assert t.answer_due == cal.calendar_deadline(first, 30) and t.extended
    with pytest.raises(ValueError):
        services.extend(t, users["office"], today(), "再次延期")
    assert AuditEntry.objects.filter(action="tipoff", object_id=str(t.pk)).filter(detail__late=True).exists()


@pytest.mark.django_db
def test_to_complaint_registers_a_complaint_under_the_reporters_name(users: Any) -> None:
    t, _ = _register(users)
    c = services.to_complaint(t, users["office"], today(), users["housing"].agency, today() - dt.timedelta(days=9),
                              "bidder")
    assert c.complainant == NAME and c.respondent == t.subject and t.status == Tipoff.Status.COMPLAINT
    assert AuditEntry.objects.filter(action=REPORTER_VIEW_ACTION, object_id=str(t.pk),
                                     detail__op="passed_to_complaint").exists()


@pytest.mark.django_db
def test_a_closed_report_takes_no_step(users: Any, client_for: Any) -> None:
    t, _ = _register(users)
    services.close(t, users["office"], today(), "重复举报")
    for step in ("accept", "to_clue", "close"):
        with pytest.raises(ValueError):
            getattr(services, step)(t, users["office"], today(), *(["x"] if step == "close" else
                                                                   [users["housing"].agency, "x"] if step == "to_clue" else []))


@pytest.mark.django_db
def test_the_campaign_report_counts_reports_and_never_names_the_reporter(users: Any, client_for: Any) -> None:
    import io
    import zipfile

    t, _ = _register(users)
    y = today().year
    params = {"start": f"{y - 1}-01-01", "end": f"{y}-12-31"}
    html = client_for("office").get(reverse("reports:campaign"), params).content.decode()
    assert t.number in html and t.subject in html
    xlsx = client_for("office").get(reverse("reports:campaign"), {**params, "format": "xlsx"}).content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    assert t.number in text
    for secret in (NAME, CONTACT, ID_NO):
        assert secret not in html and secret not in text


@pytest.mark.django_db
def test_the_rotation_command(users: Any, monkeypatch: Any, capsys: Any) -> None:
    import argparse

    from bidwatch.web.cli import cmd_rotate_reporter_key

    t, _ = _register(users)
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("BIDWATCH_REPORTER_KEYS", f"{new},{os.environ['BIDWATCH_REPORTER_KEYS']}")
    assert cmd_rotate_reporter_key(argparse.Namespace(new_key=False)) == 0
    assert "re-encrypted" in capsys.readouterr().out
    t.refresh_from_db()
    assert Fernet(new.encode()).decrypt(t.reporter_name_enc.encode()).decode() == NAME
    assert AuditEntry.objects.filter(action=REPORTER_VIEW_ACTION, detail__op="rotate_keys").exists()


@pytest.mark.django_db
def test_staff_register_a_report_from_a_published_channel(users: Any, client_for: Any) -> None:
    from bidwatch.web.tipoffs.models import Channel

    hotline = Channel.objects.create(kind="hotline", name="举报电话", address="0731-12388")
    withdrawn = Channel.objects.create(kind="letter", name="旧信箱", address="某路1号", active=False)
    client = client_for("discipline")
    assert client.get(reverse("tipoffs:create")).status_code == 200
    assert client_for("auditor").get(reverse("tipoffs:create")).status_code == 403
    form = {"channel_ref": hotline.pk, "subject": "某评标专家", "sector": "transport",
            "facts": "评标专家收受投标人财物", "received_on": str(today()), "reporter_name": NAME,
            "reporter_contact": CONTACT, "reporter_id": ""}
    assert client.post(reverse("tipoffs:create"), {**form, "channel_ref": withdrawn.pk}).status_code == 400
    assert client.post(reverse("tipoffs:create"), {**form, "channel_ref": ""}).status_code == 400  # a channel needed
    page = client.post(reverse("tipoffs:create"), form)
    assert page.status_code == 200
    code = re.search(r'data-testid="query-code"><strong>([A-Z0-9-]+)<', page.content.decode()).group(1)
    t = services.find_by_code(code)
    assert t.channel_ref == hotline and t.channel == "hotline" and not t.anonymous
    assert t.created_by == users["discipline"]
    assert NAME not in _raw_row(t.pk)
    assert "0731-12388" in Client().get(reverse("tipoffs:intake")).content.decode()  # the channels are published


@pytest.mark.django_db
def test_overdue_reports_on_the_list_and_the_dashboard(users: Any, client_for: Any) -> None:
    late, _ = _register(users, received_on=today() - dt.timedelta(days=40))
    fresh, _ = _register(users)
    listing = client_for("office").get(reverse("tipoffs:list"), {"state": "overdue"}).content.decode()
    assert late.number in listing and fresh.number not in listing
    assert 'data-testid="tipoff-reminder"' in client_for("discipline").get("/").content.decode()
    assert 'data-testid="tipoff-reminder"' not in client_for("housing").get("/").content.decode()


@pytest.mark.django_db
def test_a_clue_from_a_report_takes_its_tender(users: Any) -> None:
    for tender, expected in (("T1", "T1"), ("", None)):
        t, _code = _register(users, tender_id=tender)
        services.accept(t, users["office"], today())
        clue = services.to_clue(t, users["discipline"], today(), users["housing"].agency, "")
        clue.refresh_from_db()
        assert clue.tender_id == expected and clue.source == "report" and clue.summary == t.facts
        assert [e.step for e in clue.events.all()] == ["raise"]


@pytest.mark.django_db
def test_a_step_dated_too_early_is_refused_without_dates(users: Any) -> None:
    import re as _re

    from django.utils.translation import gettext

    t, _code = _register(users)
    early = t.received_on - dt.timedelta(days=1)
    for step, args, message in (("accept", (), "accepted before it was received"),
                                ("refuse", ("不属于受理范围",), "decided before it was received")):
        with pytest.raises(ValueError, match=f"^{_re.escape(gettext(message))}$"):
            getattr(services, step)(t, users["office"], early, *args)
    services.accept(t, users["office"], t.received_on)
    with pytest.raises(ValueError, match=f"^{_re.escape(gettext('answered before acceptance'))}$"):
        services.answer(t, users["office"], early, "答复")
    t.refresh_from_db()
    assert t.status == Tipoff.Status.ACCEPTED and [e.step for e in t.events.all()] == ["register", "accept"]


@pytest.mark.django_db
def test_a_report_is_not_called_a_complaint(users: Any, client_for: Any) -> None:
    # 举报 and 投诉 are distinct in law: a report's pages say 举报方式 and 收到举报日期, a complaint's keep theirs
    from django.utils import translation

    t, _ = _register(users, channel="online")
    page = client_for("office").get(reverse("tipoffs:detail", args=[t.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert "举报方式" in html and "收到举报日期" in html and "网上举报" in html
    assert "投诉方式" not in html and "收到投诉日期" not in html and "网上投诉" not in html
    new = client_for("office").get(reverse("tipoffs:create"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "收到举报日期" in new and "收到投诉日期" not in new
    with translation.override("zh-hans"):  # near miss: the complaint's own words stay
        from bidwatch.web.complaints.models import Complaint
        assert str(Complaint._meta.get_field("received_on").verbose_name) == "收到投诉日期"


@pytest.mark.django_db
def test_the_list_speaks_the_pages_language(users: Any, client_for: Any) -> None:
    """The heading says 举报 once (not "举报 (举报)"), the filters are labelled (办理期限/状态, not "State:"/"Status:");
    the English page keeps the Chinese term beside the English (near miss)."""
    page = client_for("office").get(reverse("tipoffs:list")).content.decode()
    heading = page[page.index("<h1"):page.index("</h1>")]
    assert "举报" in heading and "(举报)" not in heading
    labels = re.findall(r"<label[^>]*>([^<]*)</label>", page[page.index('class="filters"'):])
    assert "State:" not in labels and "Status:" not in labels
    assert {"办理期限:", "状态:"} <= set(labels), labels
    english = client_for("office").get(reverse("tipoffs:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reports from the public (举报)" in english
    labels = re.findall(r"<label[^>]*>([^<]*)</label>", english[english.index('class="filters"'):])
    assert "Deadline:" in labels and "Status:" in labels and "State:" not in labels
