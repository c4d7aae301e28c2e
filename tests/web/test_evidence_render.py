"""The alert page's evidence: records as tables with labelled headers, never raw JSON, always escaped."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bidwatch.web.alerts.models import Alert
from bidwatch.web.tenders.templatetags.bw import EVIDENCE_ROWS, evidence_entries, evidence_items

NAMES = {"C1": "长沙甲建设有限公司", "C2": "长沙乙建筑工程有限公司", "C3": "<script>x</script>", "C4": "湖南丁交通建设有限公司"}

COBIDDING = {
    "group_id": 1,
    "group": ["C1", "C2", "C3", "C4"],
    "names": NAMES,
    "group_tenders": 8,
    "present": ["C1", "C2", "C3"],
    # as the brief describes it: each set's members as records ...
    "sets": [
        {"members": [{"company_id": c, "name": NAMES[c]} for c in ("C1", "C2", "C3")],
         "tenders": 8, "dominance": 0.75},
        {"members": [{"company_id": c, "name": NAMES[c]} for c in ("C1", "C2", "C4")],
         "tenders": 6, "dominance": 0.6},
    ],
}

ML = {
    "probability": 0.8104, "threshold": 0.691, "rank": 29, "scored_tenders": 297, "n_bids": 7,
    "features": [
        {"name": "SKEW", "name_zh": "偏度", "value": -0.166177, "contribution": 0.0154},
        {"name": "RDALT", "name_zh": "替代相对距离", "value": 3.387749, "contribution": 0.0131},
    ],
}


def _evidence_block(html: str) -> str:
    match = re.search(r'<dl class="evidence" data-testid="evidence">(.*?)</dl>\s*<p class="muted small">',
                      html, re.DOTALL)
    assert match, "no evidence list on the page"
    return match.group(1)


def _page(client: Client, evidence: Any) -> str:
    alert = Alert.objects.get(indicator="bond_same_account")
    Alert.objects.filter(pk=alert.pk).update(evidence=evidence)
    response = client.get(reverse("alerts:detail", args=[alert.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _no_json(block: str) -> None:
    assert '{"' not in block and "{&quot;" not in block and '["' not in block and "[&quot;" not in block


@pytest.mark.django_db
def test_cobidding_sets_render_as_a_table_with_chinese_headers(client_for: Any, imported: Any) -> None:
    block = _evidence_block(_page(client_for("office"), COBIDDING))
    _no_json(block)
    # the sets: a table headed 成员 / 标段 / 主导度, one row per set
    assert '<dt class="ev-block">共同投标组合</dt>' in block
    sets = re.search(r'<dd class="ev-block">(<table class="ev-table">.*?)</dd>', block, re.DOTALL)
    assert sets, block
    table = sets.group(1)
    assert "<th>成员</th>" in table
    assert '<th class="num">标段</th>' in table and '<th class="num">主导度</th>' in table
    # the members inside each set: a nested table of the companies (header and three rows)
    assert table.count('<table class="ev-table ev-nested">') == 2
    assert table.count("<tr>") == 1 + 2 + 2 * (1 + 3)  # header, two sets, two nested tables
    # (column order is the stored key order: PostgreSQL's jsonb reorders keys, so only presence is checked)
    assert "<th>企业编号</th>" in table and "<th>名称</th>" in table and "<td>长沙甲建设有限公司</td>" in table
    assert '<td class="num">0.75</td>' in table
    # plain values keep their one-line form
    assert "<dt>企业组</dt><dd>C1、C2、C3、C4</dd>" in block
    assert "C1：长沙甲建设有限公司，C2：长沙乙建筑工程有限公司" in block


@pytest.mark.django_db
def test_cobidding_sets_as_the_scan_writes_them(client_for: Any, imported: Any) -> None:
    """The real scan lists each set's members as company ids: one cell, ids joined with 、."""
    evidence = dict(COBIDDING, sets=[{"members": ["C1", "C2", "C3"], "tenders": 8, "dominance": 0.75}])
    block = _evidence_block(_page(client_for("office"), evidence))
    _no_json(block)
    assert '<tr><td>C1、C2、C3</td><td class="num">8</td><td class="num">0.75</td></tr>' in block


@pytest.mark.django_db
def test_ml_features_render_as_a_table(client_for: Any, imported: Any) -> None:
    block = _evidence_block(_page(client_for("office"), ML))
    _no_json(block)
    assert "<dt>串通概率</dt><dd>0.8104</dd>" in block
    assert '<dt class="ev-block">特征</dt>' in block
    # name and name_zh share the label 名称: the Chinese name is shown once
    head = re.search(r"<thead><tr>(.*?)</tr></thead>", block).group(1)
    assert sorted(re.findall(r"<th[^>]*>(.*?)</th>", head)) == sorted(["名称", "值", "贡献"])
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", block) if "偏度" in r)
    assert '<td class="num">-0.1662</td>' in row and '<td class="num">0.0154</td>' in row
    assert "SKEW" not in block


@pytest.mark.django_db
def test_html_in_values_is_escaped(client_for: Any, imported: Any) -> None:
    evidence = dict(COBIDDING, winner_id="C3", winner_name="<b>乙</b>",
                    findings=[{"kind": "<i>name</i>", "value": "<script>x</script>", "context": "a & b"}])
    html = _page(client_for("office"), evidence)
    block = _evidence_block(html)
    assert "<script>x</script>" not in html and "<b>乙</b>" not in html and "<i>name</i>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in block  # in the names, the nested members and the findings
    assert "<dt>中标人</dt><dd>&lt;b&gt;乙&lt;/b&gt;（C3）</dd>" in block  # id and name as one entry
    assert "<td>a &amp; b</td>" in block


@pytest.mark.django_db
def test_long_lists_are_cut_with_a_count(client_for: Any, imported: Any) -> None:
    bids = [{"bid_id": f"B{i:05d}", "company_id": f"C{i}", "price": 1_000_000.0 + i, "won": i == 0}
            for i in range(500)]
    ids = [f"T{i:05d}" for i in range(300)]
    block = _evidence_block(_page(client_for("office"), {"bids": bids, "tenders": ids}))
    _no_json(block)
    found = re.search(r'<table class="ev-table">.*?</table>', block, re.DOTALL)
    assert found, block
    table = found.group(0)
    assert table.count("<tr>") == 1 + EVIDENCE_ROWS
    more = (f'<tr class="ev-more-row"><td colspan="4">'
            f'<span class="ev-more">另有 {500 - EVIDENCE_ROWS} 项</span></td></tr>')
    assert more in table
    assert "<td>B00049</td>" in table and "<td>B00050</td>" not in table  # whole rows, not cut mid-text
    first = next(r for r in re.findall(r"<tr>(.*?)</tr>", table) if "B00000" in r)
    assert '<td class="num">1,000,000.00</td>' in first and "<td>是</td>" in first and "<td>否</td>" in table
    assert "另有 200 项" in block and "T00099" in block and "T00100" not in block


@pytest.mark.django_db
def test_english_page_shows_the_keys(client_for: Any, imported: Any) -> None:
    client = client_for("office")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    block = _evidence_block(_page(client, dict(ML, sets=COBIDDING["sets"], winner_id="C1", winner_name="甲",
                                               bids=[{"bid_id": f"B{i}", "won": False} for i in range(60)])))
    _no_json(block)
    assert '<dt class="ev-block">features</dt>' in block and '<dt class="ev-block">sets</dt>' in block
    assert "<th>name</th>" in block and "<th>name_zh</th>" in block
    assert "<th>members</th>" in block and "<th>company_id</th>" in block
    assert "<dt>winner_id</dt><dd>C1</dd>" in block and "<dt>winner_name</dt><dd>甲</dd>" in block
    assert "<td>no</td>" in block and "10 more" in block and "另有" not in block


def test_scalars_keep_their_formatting() -> None:
    with translation.override("zh-hans"):
        items = dict(evidence_items({"price": 83419530.77, "share": 0.92307, "over_cap": False, "raw": None,
                                     "bids": ["B1", "B2"], "n_bids": 3}))
        assert items == {"报价（元）": "83,419,530.77", "比例": "0.9231", "超过80万元上限": "否", "原值": "—",
                         "投标": "B1、B2", "投标数": "3"}
        entries = evidence_entries('{"bids": ["B1"], "features": [{"name": "CV"}]}')
        assert [e.block for e in entries] == [False, True]
        assert evidence_items("not json <b>") == [("", "not json &lt;b&gt;")]
    with translation.override("en"):
        assert dict(evidence_items({"over_cap": True})) == {"over_cap": "yes"}


def test_deep_and_keyed_records() -> None:
    evidence = {
        "by_company": {"C1": {"wins": 2, "bids": ["B1", "B2"]}, "C2": {"wins": 0, "bids": []}},
        "deep": {"a": {"b": [{"c": {"d": [1, 2]}}]}},
        "passages": ["很长的一段相同文字" * 10, "另一段"],
    }
    with translation.override("zh-hans"):
        entries = {e.label: str(e.html) for e in evidence_entries(evidence)}
    keyed = entries["by_company"]
    assert keyed.startswith('<table class="ev-table"><thead><tr><th></th>'
                            '<th class="num">中标次数</th><th>投标</th>')
    assert "<tr><th>C1</th><td class=\"num\">2</td><td>B1、B2</td></tr>" in keyed
    assert "<tr><th>C2</th><td class=\"num\">0</td><td>—</td></tr>" in keyed
    assert "{" not in entries["deep"] and "<table" in entries["deep"] and "1、2" in entries["deep"]
    assert entries["相同段落"].startswith('<ul class="ev-list"><li>很长的一段相同文字')


def test_a_chance_probability_is_not_read_as_a_probability_of_collusion() -> None:
    # identical_bid_prices' probability is the chance that independent bidders tie: labelled so, not "串通概率"
    tie = {"price": 205869.22, "resolution": 0.01, "tied_pairs": 1, "expected_pairs": 4.88e-05,
           "probability": 4.88e-05, "level": 0.0001}
    with translation.override("zh-hans"):
        labels = [e.label for e in evidence_entries(tie, "identical_bid_prices")]
        assert "偶然出现的概率（独立报价下）" in labels and "串通概率" not in labels
        assert {"报价精度（元）", "相同报价对数", "显著性水平"} <= set(labels)  # no raw key names
        # near miss: the classifier's probability is the probability of collusion
        assert "串通概率" in [e.label for e in evidence_entries({"probability": 0.9}, "ml_collusion")]
    with translation.override("en"):
        assert [e.label for e in evidence_entries({"probability": 1e-5}, "price_screen")] == ["chance probability"]


def test_the_new_tests_against_chance_and_habit_have_chinese_labels() -> None:
    """bid_rotation's turns test, shared_ip's co-location and award_near_ceiling's fixed fee: no raw key on the
    Chinese page (a regulator reads "随机中标出现如此轮流的概率", not turns_probability)."""
    rotation = {"group_id": 2, "turns_probability": 0.43, "p_even": 0.21, "p_turn": 0.53, "level": 0.05,
                "dated": True}
    with translation.override("zh-hans"):
        labels = [e.label for e in evidence_entries(rotation, "bid_rotation")]
        assert "随机中标出现如此轮流的概率" in labels and not {"turns_probability", "p_even", "p_turn", "dated"} & set(labels)
        ip = {"matches": [{"field": "ip", "value": "61.187.1.1", "colocated": True}], "bids": ["B1", "B2"]}
        html = "".join(str(e.html) for e in evidence_entries(ip, "shared_ip"))
        assert "共用办公网络" in html and "colocated" not in html
        assert "全部报价等于限价（固定费率）" in [e.label for e in evidence_entries({"fixed_fee": True})]


def test_coded_values_and_keys_read_in_the_pages_language() -> None:
    """The scan's codes (a relation, a strength, a category, a sector, a measure, a device trace) and the period
    keys are labelled on the Chinese page and the English one; a value that is no code (a company's ID or name)
    stays as it is (near miss)."""
    evidence = {
        "relation": "employer", "strength": "full", "category": "works", "procedure": "direct",
        "mandatory_basis": "state_funded", "sector": "water", "by": "project", "suppliers": "same",
        "measure": "debarment", "via": "company", "kind": "same_legal_rep", "field": "mac",
        "nominal_last_day": "2024-10-07", "rolled_only": True, "group_id": 3, "group": ["C1", "C2"],
        "names": {"C1": "长沙甲建设有限公司"}, "traces": ["machine_code", "legal_rep"], "categories": ["goods", "services"],
    }
    codes = {"employer", "full", "works", "direct", "state_funded", "water", "project", "same", "debarment",
             "company", "same_legal_rep", "mac", "machine_code", "legal_rep", "goods", "services"}
    keys = {"nominal_last_day", "rolled_only", "group_id", "group", "names"}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            entries = evidence_entries(evidence)
        labels = [e.label for e in entries]
        shown = " ".join(str(e.html) for e in entries)
        words = set(re.findall(r"[A-Za-z_]+", shown))
        assert not keys & set(labels), (language, labels)
        if language == "zh-hans":
            assert not codes & words, (language, codes & words)
            assert all(w in shown for w in ("工作单位即该投标人", "施工", "水利", "同一项目", "MAC地址", "机器码"))
            assert "期间届满日（未顺延）" in labels
        else:
            assert all(w in shown for w in ("employer is the bidder", "direct award", "water resources",
                                            "MAC address"))
            assert "group of companies" in labels
        assert "C1" in shown and "C2" in shown and "长沙甲建设有限公司" in shown  # IDs and names as they are


def test_other_codes_of_the_scan_are_named_too() -> None:
    """A corroborating indicator reads as its name, a procedure and a level as theirs, a restrictive clause's rule
    as what it forbids; text that only looks like a code (an ID) stays (near miss)."""
    evidence = {"corroborated_by": [{"indicator": "bid_rotation", "level": "medium"}], "procedure": "invited",
                "findings": [{"kind": "phrase", "rule": "local_branch"}], "screens": {"pattern": "arithmetic"},
                "account": "bid_rotation_x"}
    with translation.override("zh-hans"):
        shown = " ".join(str(e.html) for e in evidence_entries(evidence, "ml_collusion"))
    assert not re.search(r">(bid_rotation|medium|invited|phrase|local_branch|arithmetic)<", shown), shown
    assert "邀请招标" in shown and "要求设立本地分支机构" in shown and "等差数列" in shown
    assert "bid_rotation_x" in shown


def test_a_winning_bid_above_the_ceiling_reads_in_words() -> None:
    """award_above_ceiling's evidence: its figure's source and excess are named, not shown as code (near miss: the
    price itself stays a number)."""
    evidence = {"price": 1100000.5, "ceiling_price": 1100000.0, "source": "bid", "excess": 4.5e-07}
    with translation.override("zh-hans"):
        entries = evidence_entries(evidence, "award_above_ceiling")
    shown = " ".join(f"{e.label}={e.html}" for e in entries)
    assert "价格来源=中标人的投标报价" in shown and "高出限价比例=" in shown and "1,100,000.50" in shown
    assert not re.search(r"\b(bid|source|excess)\b", shown), shown
