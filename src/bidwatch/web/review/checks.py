"""The checks of a pre-tender review (标前审查), on the paragraphs of one uploaded draft: pure functions.

* Restrictive clauses: the maintained rules (``indicators/rules/restrictive_clauses.toml``) run paragraph by
  paragraph through :func:`bidwatch.indicators.exclusion.find_restrictive_clauses`, so each finding has its
  paragraph, its words and the rule's legal basis; the rules' ``unless`` and negation patterns apply
  (「不得要求在本地注册」 is no finding).
* Periods and bonds, against the statutory values of ``settings.toml`` ``[exclusion]``: documents issued to the
  bid deadline at least 20 days (招标投标法 第24条), documents on sale at least 5 days (实施条例 第16条), both
  counted from the next day and rolled past rest days (民法典 第201条、第203条); bid bond at most 2% of the
  estimate and 80万元 (实施条例 第26条); performance bond at most 10% (实施条例 第58条).

What is recognised in the text (:func:`extract_facts`), one sentence at a time, the first one that says it:

* dates written ``2025年3月1日`` or ``2025-03-01`` / ``2025.3.1``;
* the document sale: a sentence with 发售/获取/领取/下载 and 招标文件/资格预审文件 and two dates (from, until);
* the bid deadline: a sentence with 投标截止 (or 递交投标文件的截止) and a date;
* the bid bond: the amount in 元 or 万元 (人民币 optional) after 投标保证金, before the sentence names another figure;
* the estimate: the amount after 估算价/招标控制价/最高投标限价/合同估算价, before the sentence names a 保证金;
* the performance bond: a sentence with 履约保证金 and a percentage.

A value the department gives on the upload form wins over the text; the facts say where each came from.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from bidwatch.config import load_settings
from bidwatch.indicators.exclusion import find_restrictive_clauses, load_clause_rules
from bidwatch.workdays import calendar_day_deadline

_SENTENCE = re.compile(r"[^。；;！!？?\r\n]+")
_DATE = re.compile(r"(\d{4})\s*(?:年|-|\.|/)\s*(\d{1,2})\s*(?:月|-|\.|/)\s*(\d{1,2})\s*日?")
_AMOUNT = re.compile(r"(?:人民币)?\s*([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(万元|元)")
_PERCENT = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*[%％]")

#: the checks that are not restrictive-clause rules: code -> (name, legal basis)
CHECKS = {
    "bid_period": ("招标文件发出至投标截止不足20日", "招标投标法 第24条；民法典 第201条、第203条"),
    "document_sale": ("招标文件发售期不足5日", "实施条例 第16条；民法典 第201条、第203条"),
    "bid_bond": ("投标保证金超过估算价2%或80万元", "实施条例 第26条"),
    "performance_bond": ("履约保证金超过中标合同金额10%", "实施条例 第58条"),
}

FACT_FIELDS = ("docs_from", "docs_until", "bid_deadline", "estimate", "bid_bond", "performance_bond_pct")


def exclusion_settings() -> dict[str, Any]:
    return dict(load_settings().get("exclusion", {}))


def _dates(text: str) -> list[dt.date]:
    out = []
    for m in _DATE.finditer(text):
        try:
            out.append(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            continue
    return out


def _amount(text: str) -> Decimal | None:
    m = _AMOUNT.search(text)
    if not m:
        return None
    value = Decimal(m.group(1).replace(",", "").replace("，", ""))
    return value * 10000 if m.group(2) == "万元" else value


_BOND_WORD = re.compile(r"投标保证金")
_ESTIMATE_WORD = re.compile(r"合同估算价|估算价|招标控制价|最高投标限价")


def _amount_after(sentence: str, word: re.Pattern[str], stop: re.Pattern[str]) -> Decimal | None:
    """The first amount after ``word`` in ``sentence``, before the next word of another fact (``stop``):
    「本项目估算价为1000万元，投标保证金为10万元」 has the estimate 1000万元 and the bond 10万元, not one for both."""
    m = word.search(sentence)
    if not m:
        return None
    rest = sentence[m.end():]
    other = stop.search(rest)
    return _amount(rest[:other.start()] if other else rest)


def extract_facts(paragraphs: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Dates and amounts stated in the text: field -> {"value", "paragraph", "text"} (see the module doc)."""
    facts: dict[str, dict[str, Any]] = {}

    def put(key: str, value: Any, i: int, sentence: str) -> None:
        if key not in facts and value is not None:
            facts[key] = {"value": value, "paragraph": i, "text": sentence.strip()[:120], "source": "text"}

    for i, para in enumerate(paragraphs):
        for sentence in _SENTENCE.findall(para):
            dates = _dates(sentence)
            if (re.search(r"发售|获取|领取|下载", sentence) and re.search(r"招标文件|资格预审文件", sentence)
                    and len(dates) >= 2 and "docs_from" not in facts):
                put("docs_from", dates[0], i, sentence)
                put("docs_until", dates[1], i, sentence)
            if re.search(r"投标截止|递交投标文件的截止|投标文件递交截止", sentence) and dates:
                put("bid_deadline", dates[-1], i, sentence)
            if "投标保证金" in sentence:
                put("bid_bond", _amount_after(sentence, _BOND_WORD, re.compile(r"估算价|控制价|限价|履约")), i, sentence)
            if _ESTIMATE_WORD.search(sentence):
                put("estimate", _amount_after(sentence, _ESTIMATE_WORD, re.compile(r"保证金")), i, sentence)
            if "履约保证金" in sentence:
                m = _PERCENT.search(sentence)
                put("performance_bond_pct", Decimal(m.group(1)) if m else None, i, sentence)
    return facts


def merge_facts(found: Mapping[str, dict[str, Any]], given: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The form's values over the text's; each with its source (``form`` or ``text``)."""
    out = {k: dict(v) for k, v in found.items()}
    for key in FACT_FIELDS:
        if given.get(key) not in (None, ""):
            out[key] = {"value": given[key], "paragraph": None, "text": "", "source": "form"}
    return out


def _finding(code: str, detail: str, fact: Mapping[str, Any] | None, paragraphs: Sequence[str]) -> dict[str, Any]:
    name, basis = CHECKS[code]
    i = fact.get("paragraph") if fact else None
    return {"rule": code, "name_zh": name, "legal_basis": basis, "paragraph": i, "match": detail,
            "clause": (paragraphs[i][:200] if i is not None else detail), "via": "check"}


def check_periods_and_bonds(facts: Mapping[str, dict[str, Any]], paragraphs: Sequence[str],
                            calendar: Any, limits: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    lim = {**exclusion_settings(), **(limits or {})}
    out = []
    v = {k: f["value"] for k, f in facts.items()}
    issued = v.get("docs_from")
    # the periods counted in calendar days from the issue of the documents
    periods = (("bid_period", "bid_deadline", "min_bid_period_days", 20,
                "招标文件{issued}起发出，投标截止{until}，早于{days}日期限届满日{due}"),
               ("document_sale", "docs_until", "min_document_sale_days", 5,
                "发售期{issued}至{until}，早于{days}日发售期届满日{due}"))
    for rule, until, setting, default, text in periods:
        if issued and v.get(until):
            days = int(lim.get(setting, default))
            due = calendar_day_deadline(issued, days, calendar).due
            if v[until] < due:
                detail = text.format(issued=issued, until=v[until], days=days, due=due)
                out.append(_finding(rule, detail, facts[until], paragraphs))
    bond, estimate = v.get("bid_bond"), v.get("estimate")
    if bond:
        share = Decimal(str(lim.get("max_bid_bond_share", 0.02)))
        cap = Decimal(str(lim.get("max_bid_bond_amount", 800000)))
        over = []
        if estimate and Decimal(bond) > (Decimal(estimate) * share).quantize(Decimal("0.01")):
            over.append(f"估算价{estimate}元的{share:.0%}")
        if Decimal(bond) > cap:
            over.append(f"{cap}元")
        if over:
            out.append(_finding("bid_bond", f"投标保证金{bond}元，超过" + "和".join(over), facts["bid_bond"], paragraphs))
    pct = v.get("performance_bond_pct")
    if pct is not None:
        max_pct = Decimal(str(lim.get("max_performance_bond_share", 0.10))) * 100
        if Decimal(pct) > max_pct:
            out.append(_finding("performance_bond", f"履约保证金为合同金额的{pct}%，超过{max_pct:.0f}%",
                                facts["performance_bond_pct"], paragraphs))
    return out


def find_clauses(paragraphs: Sequence[str], rules_path: str = "") -> list[dict[str, Any]]:
    """Every restrictive clause, paragraph by paragraph (one per rule and paragraph)."""
    rules = load_clause_rules(rules_path)
    out = []
    for i, para in enumerate(paragraphs):
        for f in find_restrictive_clauses(para, rules):
            out.append({**f, "paragraph": i})
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def match_findings(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> dict[int, int]:
    """Which new finding is an old one still present: new index -> old index. Same rule, and the same clause
    or the most similar clause of that rule (similarity ≥ 0.5); an old one left over is resolved."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for j, f in enumerate(new):
        best, best_ratio = None, 0.0
        for i, o in enumerate(old):
            if i in taken or o["rule"] != f["rule"]:
                continue
            ratio = 1.0 if _norm(o["clause"]) == _norm(f["clause"]) else difflib.SequenceMatcher(
                None, _norm(o["clause"]), _norm(f["clause"])).ratio()
            if f.get("via") == "check":  # a period or bond check is the same finding whatever its figures
                ratio = max(ratio, 1.0)
            if ratio > best_ratio:
                best, best_ratio = i, ratio
        if best is not None and best_ratio >= 0.5:
            pairs[j] = best
            taken.add(best)
    return pairs


def diff_paragraphs(old: Sequence[str], new: Sequence[str]) -> list[dict[str, Any]]:
    """The paragraphs that changed: one entry per changed run (``replace``, ``insert``, ``delete``) with the old
    and new paragraphs and their numbers (from 1)."""
    sm = difflib.SequenceMatcher(None, [_norm(p) for p in old], [_norm(p) for p in new], autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        out.append({"op": op, "old": [[i + 1, old[i]] for i in range(i1, i2)],
                    "new": [[j + 1, new[j]] for j in range(j1, j2)]})
    return out


def highlight(paragraph: str, findings: Sequence[Any]) -> list[tuple[str, Any]]:
    """The paragraph cut into (text, finding-or-None) pieces: each finding's words marked where they occur
    (spaces in the paragraph ignored, as the rules ignore them); a finding whose words are not found marks
    nothing here (its clause is listed beside the text)."""
    marks: list[tuple[int, int, Any]] = []
    for f in findings:
        words = f.get("match") if isinstance(f, Mapping) else getattr(f, "match", "")
        start, end = _locate(paragraph, words or "")
        if start < 0:
            continue
        if any(s < end and start < e for s, e, _ in marks):
            continue
        marks.append((start, end, f))
    marks.sort(key=lambda m: m[0])
    pieces: list[tuple[str, Any]] = []
    pos = 0
    for s, e, f in marks:
        if s > pos:
            pieces.append((paragraph[pos:s], None))
        pieces.append((paragraph[s:e], f))
        pos = e
    if pos < len(paragraph):
        pieces.append((paragraph[pos:], None))
    return pieces


def _locate(paragraph: str, words: str) -> tuple[int, int]:
    """Start and end of ``words`` in ``paragraph`` where spaces in the paragraph are skipped."""
    words = _norm(words)
    if not words:
        return -1, -1
    index = [i for i, ch in enumerate(paragraph) if not ch.isspace() and ch != "\u3000"]
    squeezed = "".join(paragraph[i] for i in index)
    k = squeezed.find(words)
    if k < 0:
        return -1, -1
    return index[k], index[k + len(words) - 1] + 1
