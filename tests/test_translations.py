"""The message catalogue: ``web/locale/<lang>/LC_MESSAGES/django.po`` is the one source of translations.

Fails when a Chinese msgid is untranslated or fuzzy, when a compiled ``django.mo`` is stale (the .po was
edited, ``compilemessages`` not run), and when msgfmt finds a format mismatch. See docs/translations.md.
"""

from __future__ import annotations

import ast
import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[1] / "src" / "bidwatch" / "web" / "locale"
LANGS = ("zh_Hans", "en")


def _string(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgid_plural, msgstr (or msgstr[n]), flags, obsolete."""
    entries: list[dict] = []
    entry: dict = {}
    key = None

    def close() -> None:
        nonlocal entry, key
        if "msgid" in entry:
            for field in list(entry):
                if isinstance(entry[field], list) and field != "flags":
                    entry[field] = _string(entry[field])
            entries.append(entry)
        entry, key = {}, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            close()
            continue
        if line.startswith("#~"):  # an obsolete entry: parsed, then flagged
            line = line[2:].strip()
            if line.startswith("msgid ") and "msgid" in entry:
                close()
            entry["obsolete"] = True
            if line.startswith("|") or not line:
                continue
        if line.startswith("#,"):
            if "msgid" in entry:
                close()
            entry.setdefault("flags", []).extend(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            entry[key].append(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgid", "msgctxt") and "msgid" in entry:
            close()
        key = keyword
        entry[key] = [rest]
    close()
    return entries


def _catalogue(entries: list[dict]) -> dict:
    """What a compiled .mo should hold: the translated, non-fuzzy entries."""
    out: dict = {}
    for e in entries:
        if e.get("obsolete") or ("fuzzy" in e.get("flags", []) and e["msgid"] != ""):
            continue
        if "msgid_plural" in e:
            forms = sorted(k for k in e if k.startswith("msgstr["))
            if all(e[k] for k in forms):
                for k in forms:
                    out[(e["msgid"], int(k[7:-1]))] = e[k]
        elif e["msgstr"]:
            # a message with a context (pgettext: 约谈's "Held on" beside 会商's) is stored as context \x04 msgid
            out[f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]] = e["msgstr"]
    return out


def test_every_chinese_message_is_translated_and_none_is_fuzzy() -> None:
    entries = [e for e in parse_po(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po") if e["msgid"]]
    assert len(entries) > 800  # the parser read the file
    untranslated = [e["msgid"] for e in entries
                    if not all(v for k, v in e.items() if k.startswith("msgstr"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", [])]
    obsolete = [e["msgid"] for e in entries if e.get("obsolete")]
    assert untranslated == [], f"untranslated in zh_Hans/django.po: {untranslated}"
    assert fuzzy == [], f"fuzzy in zh_Hans/django.po (check the translation, drop the flag): {fuzzy}"
    assert obsolete == [], f"obsolete entries in zh_Hans/django.po (makemessages --no-obsolete): {obsolete}"


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_matches_its_po(lang: str) -> None:
    folder = LOCALE / lang / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    expected = _catalogue(parse_po(folder / "django.po"))
    compiled = {k: v for k, v in compiled.items() if k != ""}
    expected = {k: v for k, v in expected.items() if k != ""}
    assert compiled == expected, f"{lang}/django.mo is stale: run compilemessages (docs/translations.md)"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("lang", LANGS)
def test_msgfmt_accepts_the_po_and_compiles_the_same_catalogue(lang: str, tmp_path: Path) -> None:
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    out = tmp_path / "django.mo"
    run = subprocess.run(["msgfmt", "--check", "--statistics", "-o", str(out), str(po)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    if lang == "zh_Hans":
        assert "untranslated" not in run.stderr and "fuzzy" not in run.stderr, run.stderr
    with out.open("rb") as fresh, (po.with_suffix(".mo")).open("rb") as committed:
        assert gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]


def test_the_parser_reads_flags_plurals_and_continuations(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
                  '#, fuzzy, python-format\nmsgid "a %(n)s"\nmsgstr "甲 %(n)s"\n\n'
                  'msgid "one"\nmsgid_plural "many"\nmsgstr[0] ""\n\n'
                  'msgid ""\n"long "\n"text"\nmsgstr "长文本"\n\n'
                  '#~ msgid "gone"\n#~ msgstr "旧"\n', encoding="utf-8")
    entries = parse_po(po)
    assert [e["msgid"] for e in entries] == ["", "a %(n)s", "one", "long text", "gone"]
    assert entries[-1]["obsolete"] and not entries[1].get("obsolete")
    assert entries[1]["flags"] == ["fuzzy", "python-format"]
    assert _catalogue(entries) == {"": "Language: zh_Hans\n", "long text": "长文本"}
