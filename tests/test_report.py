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
