"""Restrictive clauses by legal category, not by phrase (issue 11 item 6).

Three sets of clauses written by people who did not read the rules (rules/restrictive_clauses.toml):

- ``clause_paraphrases.toml`` developed the concept lists (phrases alone: 87 of 114 restrictive clauses found,
  44 of 44 lawful ones left alone; with the categories 110 of 114, 44 of 44);
- ``clause_paraphrases_holdout.toml`` was written afterwards; its first run gave 59 of 73 and 36 of 40 (10%
  false alarms, above the 5% declared before the run); general fixes it prompted (a sentence that says a thing is
  *not* a condition, 登记 only as the bidder's own registration) gave 60 of 73 and 40 of 40 — so it is no longer
  blind;
- ``clause_paraphrases_blind.toml`` was written after those fixes, with thresholds declared before its first run
  (recall ≥ 0.75, false alarms ≤ 10%): it found 48 of 60 restrictive clauses but flagged 4 of 39 lawful ones
  (10.3%: missed the declared bound). Three were sentences saying a thing is *not* a condition caught by the
  phrase patterns, to which the negation rule had not been applied; the fourth, a young company's alternative
  financial proof. With those general fixes: 48 of 60, 0 of 39. It is therefore no longer blind either: a
  regulator's own documents are the next honest measure.

The numbers are in docs/indicators.md.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from bidwatch.indicators.exclusion import find_restrictive_clauses, load_clause_rules

HERE = Path(__file__).parent


def _measure(name: str) -> tuple[Counter, list[str]]:
    cases = tomllib.loads((HERE / name).read_text(encoding="utf-8"))["case"]
    rules = load_clause_rules()
    seen: Counter = Counter()
    misses = []
    for case in cases:
        found = {f["rule"] for f in find_restrictive_clauses(case["text"], rules)}
        lawful = case["category"] == "lawful"
        right = not found if lawful else case["category"] in found
        seen["lawful" if lawful else "restrictive"] += 1
        seen[("lawful" if lawful else "restrictive") + "_right"] += right
        if not right:
            misses.append(f"{case['category']}: {case['text']} -> {sorted(found)}")
    return seen, misses


@pytest.mark.parametrize(("name", "min_recall", "max_false"), [
    ("clause_paraphrases.toml", 0.95, 0.0),          # the development set
    ("clause_paraphrases_holdout.toml", 0.80, 0.05),  # seen once, then general fixes
    ("clause_paraphrases_blind.toml", 0.75, 0.10),    # declared before its first run (which missed 0.10)
])
def test_categories_catch_paraphrases_and_leave_lawful_conditions(name, min_recall, max_false):
    if not (HERE / name).exists():
        pytest.skip(f"{name} not present")
    seen, misses = _measure(name)
    assert seen["restrictive"] >= 55 and seen["lawful"] >= 25
    recall = seen["restrictive_right"] / seen["restrictive"]
    false_alarms = 1 - seen["lawful_right"] / seen["lawful"]
    assert recall >= min_recall and false_alarms <= max_false, (recall, false_alarms, misses)


def test_a_category_match_is_reported_as_such():
    found = find_restrictive_clauses("注册所在地位于湘潭市行政区域的企业方可报名。", load_clause_rules())
    assert [(f["rule"], f["via"]) for f in found] == [("local_registration", "category")]
    # the same words without a condition are a description, not a restriction
    assert find_restrictive_clauses("本工程位于湘潭市岳塘区，建设单位已办理工商登记。", load_clause_rules()) == []
