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
* the document sale: a sentence with 发售/获取/领取/下载/购买/出售/发放/索取 and 招标文件/资格预审文件 and two dates (from,
  until) — the national standard template writes 「请于…至…购买招标文件」;
* the bid deadline: a sentence with 投标截止 (or 递交投标文件的截止) and a date;
* the bid bond: the amount in 元, 千元, 万元 or 亿元 (人民币 optional) after 投标保证金, before the sentence names another
  figure;
* the estimate: the amount after 估算价/招标控制价/最高投标限价/合同估算价, before the sentence names a 保证金;
* the performance bond: a sentence with 履约保证金 and a percentage.

A value the department gives on the upload form wins over the text; the facts say where each came from. A check
whose facts are neither in the text nor on the form does not run: :func:`unchecked` names it and what is missing
(the page shows it as not checked, and a finding of the previous version is not resolved by it).

The bid bond's amount cap depends on what is tendered (:func:`bond_cap_rule`, from the title, else the scope
sentence): 勘察/设计 without 施工 is a survey or design tender, 10万元 (勘察设计招标投标办法 第24条,
``max_bid_bond_survey_design``, as the scan); 监理 has no national amount cap (only the 2%); anything else 80万元.
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
_AMOUNT = re.compile(r"(?:人民币)?\s*([0-9][0-9,，]*(?:\.[0-9]+)?)\s*(亿元|万元|千元|元)")
_UNIT = {"亿元": Decimal(100000000), "万元": Decimal(10000), "千元": Decimal(1000), "元": Decimal(1)}
#: the verbs of the document sale (发售期): 「购买招标文件」 is the national standard template's
_SALE_VERB = re.compile(r"发售|出售|购买|获取|领取|下载|发放|索取")
_PERCENT = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*[%％]")

#: the checks that are not restrictive-clause rules: code -> (name, legal basis)
CHECKS = {
    "bid_period": ("招标文件发出至投标截止不足20日", "招标投标法 第24条；民法典 第201条、第203条"),
    "document_sale": ("招标文件发售期不足5日", "实施条例 第16条；民法典 第201条、第203条"),
    "bid_bond": ("投标保证金超过估算价2%或80万元", "实施条例 第26条"),
    "performance_bond": ("履约保证金超过中标合同金额10%", "实施条例 第58条"),
}

FACT_FIELDS = ("docs_from", "docs_until", "bid_deadline", "estimate", "bid_bond", "performance_bond_pct")

#: the facts each check needs: without them it does not run (:func:`unchecked`)
NEEDS = {
    "bid_period": ("docs_from", "bid_deadline"),
    "document_sale": ("docs_from", "docs_until"),
    "bid_bond": ("bid_bond",),
    "performance_bond": ("performance_bond_pct",),
}

#: the bid bond's amount cap by what is tendered: the setting, its legal basis and the finding's name
BOND_CAPS = {
    "works_goods": ("max_bid_bond_amount", 800000, "投标保证金超过估算价2%或80万元", "实施条例 第26条"),
    "survey_design": ("max_bid_bond_survey_design", 100000, "投标保证金超过估算价2%或10万元（勘察设计）",
                      "实施条例 第26条；工程建设项目勘察设计招标投标办法 第24条"),
    "none": (None, None, "投标保证金超过估算价2%", "实施条例 第26条"),
}
_SCOPE = re.compile(r"招标范围|招标内容|项目名称|工程名称|招标项目")


def unchecked(facts: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """The checks that could not run on these facts (field -> {"value", …}, as :func:`merge_facts` or a version
    keeps them): code -> the fields missing (neither in the text nor on the form). A check that did not run found
    nothing — it is *not checked*, not passed."""
    def missing(key: str) -> bool:
        return (facts.get(key) or {}).get("value") in (None, "")

    return {code: gone for code, needs in NEEDS.items() if (gone := [k for k in needs if missing(k)])}


#: the facts' names in the stored (Chinese) text of a finding carried over not checked
FACT_NAMES_ZH = {"docs_from": "招标文件发售起始日期", "docs_until": "招标文件发售截止日期", "bid_deadline": "投标截止日期",
                 "estimate": "估算价", "bid_bond": "投标保证金金额", "performance_bond_pct": "履约保证金比例"}


def not_checked_text(missing: Sequence[str], before: str = "") -> str:
    """「未能核查：未找到投标截止日期（上一版：…）」 — the matched text of a finding carried over unchecked."""
    text = "未能核查：未找到" + "、".join(FACT_NAMES_ZH.get(k, k) for k in missing)
    if before.startswith("未能核查") and "（上一版：" in before:  # carried over twice: keep the first finding's text
        before = before.split("（上一版：", 1)[1][:-1]
    return f"{text}（上一版：{before}）" if before else text


def bond_cap_rule(title: str, paragraphs: Sequence[str] = ()) -> str:
    """What is tendered, for the bid bond's amount cap (:data:`BOND_CAPS`), from the title or else the first
    sentence naming the scope (招标范围/项目名称…): 监理 → ``none`` (no national amount cap); 勘察 or 设计 without
    施工 (施工图设计 is design), 货物, 采购 or 总承包 → ``survey_design``; else ``works_goods`` (a 设计施工总承包 is a
    works tender)."""
    def kind(text: str) -> str | None:
        if "监理" in text:
            return "none"
        works = re.search(r"施工(?!图)|货物|采购|总承包", text)  # 施工图设计 is design
        if re.search(r"勘察|设计", text) and not works:
            return "survey_design"
        if works:
            return "works_goods"
        return None

    found = kind(title or "")
    if found is None:
        for para in paragraphs:
            for sentence in _SENTENCE.findall(para):
                if _SCOPE.search(sentence) and (found := kind(sentence)):
                    return found
    return found or "works_goods"


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
    value *= _UNIT[m.group(2)]
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value  # 1.2亿元: 120000000


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
            if (_SALE_VERB.search(sentence) and re.search(r"招标文件|资格预审文件", sentence)
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


def _finding(code: str, detail: str, fact: Mapping[str, Any] | None, paragraphs: Sequence[str],
             name: str = "", basis: str = "") -> dict[str, Any]:
    name, basis = name or CHECKS[code][0], basis or CHECKS[code][1]
    i = fact.get("paragraph") if fact else None
    return {"rule": code, "name_zh": name, "legal_basis": basis, "paragraph": i, "match": detail,
            "clause": (paragraphs[i][:200] if i is not None else detail), "via": "check"}


def check_periods_and_bonds(facts: Mapping[str, dict[str, Any]], paragraphs: Sequence[str],
                            calendar: Any, limits: Mapping[str, Any] | None = None,
                            cap_rule: str = "works_goods") -> list[dict[str, Any]]:
    """The findings of the periods and bonds; ``cap_rule`` (:func:`bond_cap_rule`) chooses the bond's amount cap."""
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
        setting, default, name, basis = BOND_CAPS[cap_rule]
        cap = Decimal(str(lim.get(setting, default))) if setting else None
        over = []
        if estimate and Decimal(bond) > (Decimal(estimate) * share).quantize(Decimal("0.01")):
            over.append(f"估算价{estimate}元的{share:.0%}")
        if cap is not None and Decimal(bond) > cap:
            over.append(f"{cap}元")
        if over:
            out.append(_finding("bid_bond", f"投标保证金{bond}元，超过" + "和".join(over), facts["bid_bond"], paragraphs,
                                name, basis))
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
