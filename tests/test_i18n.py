"""Messages outside Django: "english / 中文" from the one catalogue (bidwatch.i18n, docs/translations.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bidwatch.i18n import bilingual, catalogue, chinese, chinese_first
from bidwatch.workdays import WorkCalendar

SRC = Path(__file__).resolve().parents[1] / "src" / "bidwatch"


def test_bilingual_joins_the_english_and_the_catalogue_s_chinese() -> None:
    assert bilingual("the period ends before it starts") == "the period ends before it starts / 截止日期早于起始日期"
    assert bilingual("%(path)s is not a bidwatch collusion model", path="m.joblib") == (
        "m.joblib is not a bidwatch collusion model / m.joblib 不是串通识别模型文件")
    assert chinese("%(path)s is not a bidwatch collusion model", path="m.joblib") == "m.joblib 不是串通识别模型文件"


def test_the_command_line_puts_the_chinese_first() -> None:
    assert chinese_first("dataset not found: %(path)s", path="d") == "找不到数据集：d / dataset not found: d"
    assert chinese_first("no such message") == "no such message"


def test_without_a_translation_the_message_is_the_english_alone() -> None:
    assert bilingual("no such message %(n)s", n=3) == "no such message 3"
    assert catalogue("xx").gettext("Campaign") == "Campaign"  # no catalogue for the language: the msgid


def test_a_settings_error_reads_in_both_languages() -> None:
    with pytest.raises(ValueError) as err:
        WorkCalendar.from_settings({"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]})
    assert str(err.value) == ("workdays.workdays[0]: '2027-01-01' is also workdays.holidays[0] / "
                              "同时列为放假日和上班日：workdays.workdays[0] 的 '2027-01-01' 也在 workdays.holidays[0] 中")


MARKERS = ("import bilingual as _", "import chinese_first as _")


def _marking_modules() -> list[tuple[str, ast.Module]]:
    """The modules that import ``bilingual`` or ``chinese_first`` as ``_``, parsed."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if any(marker in text for marker in MARKERS):
            found.append((str(path.relative_to(SRC)), ast.parse(text)))
    return found


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"]


def test_every_marked_message_outside_django_is_in_the_catalogue() -> None:
    marked = [(where, call.args[0].value) for where, tree in _marking_modules() for call in _calls(tree)
              if call.args and isinstance(call.args[0], ast.Constant)]
    assert len(marked) >= 25
    missing = [(where, msgid) for where, msgid in marked if catalogue().gettext(msgid) == msgid]
    assert missing == [], f"run makemessages from src/bidwatch and translate (docs/translations.md): {missing}"


def test_no_function_that_calls_the_marker_binds_underscore() -> None:
    """``for _ in …`` or ``a, _ = …`` in a function would make ``_`` local there: its ``_("…")`` would fail."""
    clashes = []
    for where, tree in _marking_modules():
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) or not _calls(func):
                continue
            own = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)]
            comprehension = {id(n) for c in ast.walk(func) if isinstance(c, ast.comprehension)
                             for n in ast.walk(c.target)}
            if any(id(n) not in comprehension for n in own):
                clashes.append(f"{where}:{func.name}")
    assert clashes == []


def test_no_marker_inside_an_f_string() -> None:
    """makemessages (xgettext) does not look inside f-strings: ``f"{_('x')}: {exc}"`` is never extracted."""
    hidden = [(where, ast.unparse(call)) for where, tree in _marking_modules()
              for fstring in ast.walk(tree) if isinstance(fstring, ast.JoinedStr) for call in _calls(fstring)]
    assert hidden == []
