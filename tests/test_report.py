"""The Chinese report: each family's row explains what it covers, with its legal ground."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bidwatch.contract import load_dataset
from bidwatch.report import render_report
from bidwatch.scan import run_scan
from bidwatch.synth import write_synthetic


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("synth") / "ds"
    write_synthetic(out, 120, 5)
    result = run_scan(load_dataset(out))
    return render_report(result, result.summary)


def _family_row(html: str, name_zh: str) -> str:
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    found = [r for r in rows if f"<td>{name_zh}" in r or f">{name_zh}<" in r]
    assert found, f"no report row for {name_zh}"
    return found[0]


def test_collusion_row_covers_the_statistical_screens_and_their_basis(html: str) -> None:
    row = _family_row(html, "串通投标")
    explanation, indicators = row.split("<details>", 1)  # the family's own text, then its indicators
    assert "第40条" in explanation and "第34条" in explanation
    # the screens and network patterns are leads under 第39条/第41条 and 1117号, not proof
    assert "报价统计筛查" in explanation and "1117号" in explanation and "第41条" in explanation
    assert "陪标专业户" in explanation and "轮流坐庄" in explanation
    assert "price_screen" in indicators and "cobidding_group" in indicators


def test_every_family_has_a_row(html: str) -> None:
    for name in ("串通投标", "规避招标", "先建设后招标", "排斥潜在投标人", "评标专家违规", "失信主体投标"):
        _family_row(html, name)


def test_report_lists_what_each_indicator_could_check(html: str) -> None:
    """Absent data is 'not checked': the report shows every indicator's scope and checked count."""
    section = html.split("六、指标覆盖范围", 1)[1].split("七、未运行的指标", 1)[0]
    rows = re.findall(r"<tr><td>(.*?)（(\w+)）</td>\s*<td>(.*?)</td>\s*<td>(\d+)</td><td>(\d+)</td>", section)
    assert len(rows) >= 30
    by_code = {code: (unit, int(scope), int(checked)) for _, code, unit, scope, checked in rows}
    assert by_code["few_bidders"][0] == "标段"
    assert all(checked <= scope for _, scope, checked in by_code.values())


def test_evidence_reads_as_chinese_labels_not_json(html: str) -> None:
    # QA, 2026-12-07: each alert's 证据 was raw JSON with English keys and float artefacts (0.0040000000000000036)
    details = re.findall(r"<summary>证据</summary>(.*?)</details>", html, flags=re.S)
    assert details and all('<table class="ev">' in d for d in details)
    assert not any(re.search(r'"\w+":', d) for d in details)  # no JSON key left
    assert "投标数" in html and "报价（元）" in html


def test_evidence_values_are_formatted_and_coded_values_named() -> None:
    from bidwatch.report import evidence_rows, missing_zh, timezone_basis_zh

    rows = dict(evidence_rows('{"award_price": 12450000.0, "below_ceiling": 0.0040000000000000036, '
                              '"strength": "full", "fixed_fee": false, "bids": ["B1", "B2"]}', "award_near_ceiling"))
    assert rows == {"中标价（元）": "12,450,000", "低于限价比例": "0.004", "证据强度": "充分",
                    "全部报价等于限价（固定费率）": "否", "投标": "B1、B2"}
    # near miss: a value that is no code, and an unknown key, stay as they are
    assert evidence_rows({"account": "full-time", "zzz": 1}) == [("账户", "full-time"), ("zzz", "1")]
    assert timezone_basis_zh("inferred from the currency UGX (20 of 20 amounts)") == "按文件中的币种 UGX 推断：20/20 个金额为该币种"
    assert "tenders.docs_from/bid_deadline" in missing_zh("tenders.docs_from/bid_deadline")
    assert missing_zh("tenders.docs_from/bid_deadline").startswith("招标项目表的")
