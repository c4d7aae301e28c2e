"""Scan settings: the packaged defaults (settings.toml) merged with a deployment's own TOML file."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from bidwatch.i18n import chinese_first as _


class SettingsError(ValueError):
    """A settings file or override the scan cannot use: the message names the key (or the file and line) and why."""


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "text", list: "list", dict: "table"}.get(type(value), type(value).__name__)


_KIND_ZH = {"bool": "true/false", "number": "数字 / a number", "text": "文本 / text", "list": "列表 / a list",
            "table": "表 / a table"}


#: settings that take a number or a word: the model's alert level (0.691, or "model": the level the model was trained
#: with) and its standalone level (a probability, or "none")
NUMBER_OR_WORD = frozenset({"ml.threshold", "ml.standalone_level"})


def _check_value(key: str, default: Any, value: Any, where: str) -> None:
    """The value has the default's kind (a number for a number: 0.8, not "80%"), and a share stays a share: a key
    named …share… whose default is a fraction takes 0–1 (boq_identical_share = 80 switched the check off), a count or a
    number of days (…min…, …days…) is not negative."""
    name = f"{where}{key}"
    kinds = {_kind(value), _kind(default)}
    if name in NUMBER_OR_WORD and kinds <= {"number", "text"}:
        return
    if default is not None and _kind(value) != _kind(default):
        raise SettingsError(_("setting %(key)s = %(value)r: expected %(kind)s", key=name, value=value,
                              kind=_KIND_ZH.get(_kind(default), _kind(default))))
    if _kind(value) != "number":
        return
    tokens = set(key.split("_"))
    if "share" in tokens and isinstance(default, float) and 0 <= default <= 1 and not 0 <= value <= 1:
        raise SettingsError(_("setting %(key)s = %(value)r: a share between 0 and 1 (0.8 is 80%%)", key=name,
                              value=value))
    if tokens & {"min", "days"} and isinstance(default, (int, float)) and default >= 0 and value < 0:
        raise SettingsError(_("setting %(key)s = %(value)r: must not be negative", key=name, value=value))


def _merge(base: dict[str, Any], override: dict[str, Any], where: str = "") -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if key not in base:
            import difflib

            near = difflib.get_close_matches(key, list(base), n=1)
            hint = _(" (did you mean %(near)s?)", near=f"{where}{near[0]}") if near else ""
            raise SettingsError(_("unknown setting: %(key)s", key=f"{where}{key}") + hint)
        if isinstance(value, dict) and isinstance(base[key], dict):
            out[key] = _merge(base[key], value, f"{where}{key}.")
        else:
            _check_value(key, base[key], value, where)
            out[key] = value
    return out


def default_settings() -> dict[str, Any]:
    text = resources.files("bidwatch").joinpath("settings.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_settings(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the file at ``path``, then ``overrides`` (each only names what it changes)."""
    settings = default_settings()
    if path is not None:
        try:
            with open(path, "rb") as fh:
                given = tomllib.load(fh)
        except FileNotFoundError:
            raise SettingsError(_("settings file not found: %(path)s", path=path)) from None
        except tomllib.TOMLDecodeError as e:
            raise SettingsError(_("settings file %(path)s is not valid TOML: %(error)s", path=path, error=e)) from None
        settings = _merge(settings, given)
    if overrides:
        settings = _merge(settings, overrides)
    return settings
