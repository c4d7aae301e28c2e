"""Bilingual messages outside Django, from the web's catalogue (``web/locale/*/LC_MESSAGES/django.po``).

The command line, the workday calendar, the model and the contract readers run without Django settings,
and their readers see a terminal, a log or a problem report, where bidwatch prints both languages. Their
messages are marked ``_("english %(name)s", name=...)`` with ``bilingual`` imported as ``_``: ``makemessages``
run from ``src/bidwatch`` extracts them into ``django.po`` like any gettext call, and at run time the stdlib
:mod:`gettext` reads the Chinese from the compiled ``zh_Hans/django.mo``. One source for every translation;
see docs/translations.md.

The command line's own lines put the Chinese first (``中文 / english``, as its help and progress do): its
modules import :func:`chinese_first` as ``_`` instead.

>>> bilingual("the period ends before it starts")
'the period ends before it starts / 截止日期早于起始日期'
>>> chinese_first("interrupted")
'已中断 / interrupted'

A module that imports either as ``_`` must not bind ``_`` (``for _ in``, ``a, _ = …``) in a function that
also calls it; tests/test_i18n.py checks this.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).resolve().parent / "web" / "locale"


@lru_cache(maxsize=None)
def catalogue(language: str = "zh_Hans") -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` (a null one, i.e. the English msgids, when it is missing)."""
    return gettext.translation("django", LOCALE_DIR, languages=[language], fallback=True)


def chinese(msgid: str, **params: Any) -> str:
    """The zh_Hans translation of ``msgid`` with ``params`` filled in (the English if there is none)."""
    text = catalogue().gettext(msgid)
    return text % params if params else text


def bilingual(msgid: str, **params: Any) -> str:
    """``"english / 中文"``: ``msgid`` and its zh_Hans translation, each formatted with the named ``params``.

    The translation holds the same ``%(name)s`` parameters as the English (msgfmt checks it). Without a
    translation the message is the English alone.
    """
    english = msgid % params if params else msgid
    zh = chinese(msgid, **params)
    return english if zh == english else f"{english} / {zh}"


def chinese_first(msgid: str, **params: Any) -> str:
    """``"中文 / english"``: as :func:`bilingual`, the Chinese first (the command line's order)."""
    english = msgid % params if params else msgid
    zh = chinese(msgid, **params)
    return english if zh == english else f"{zh} / {english}"
