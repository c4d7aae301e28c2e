"""Scan settings: the packaged defaults (settings.toml) merged with a deployment's own TOML file."""

from __future__ import annotations

import codecs
import re
import sys
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from bidwatch.i18n import chinese_first as _


class SettingsError(ValueError):
    """A settings file or override the scan cannot use: the message names the key (or the file and line) and why;
    ``key`` is the setting at fault (``section.key``), when there is one."""

    key: str | None = None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "text", list: "list", dict: "table"}.get(type(value), type(value).__name__)


_KIND_ZH = {"bool": "true/false", "number": "数字 / a number", "text": "文本 / text", "list": "列表 / a list",
            "table": "表 / a table"}


#: settings that take a number or a word: the model's alert level (0.691, or "model": the level the model was trained
#: with) and its standalone level (a probability, or "none"); the words each takes
NUMBER_OR_WORD = {"ml.threshold": ("model",), "ml.standalone_level": ("none", "")}

_SHARE = (0, 1)        # a probability, a share or a ratio of a whole: 0–1 (0.8 is 80%)
_NOT_NEGATIVE = (0, None)  # a number of days, an amount, a tolerance
_COUNT = (1, None)     # a number of tenders, bids, companies, items: at least 1

#: the allowed range (low, high; None: open) of the numeric settings, by key (``section.key``; ``section.table.*``:
#: every key of that table; a list's range applies to each of its numbers). A key not listed falls back to the
#: checks by name in :func:`_check_value`. tests/test_scan_cli.py checks every default against its range.
RANGES: dict[str, tuple[float | None, float | None]] = {
    **{f"collusion.{k}": _COUNT for k in (
        "spread_full_max_companies", "spread_generic_min_companies", "ip_medium_min_tenders", "ip_own_use_min_tenders",
        "boq_min_items", "text_shingle", "text_num_perm", "text_bands", "text_rows", "focal_ratio_min_tenders",
        "progression_max_bids", "fixed_ratio_min_tenders")},
    **{f"collusion.{k}": _SHARE for k in (
        "boq_identical_share", "text_medium_jaccard", "text_high_jaccard", "identical_price_max_probability",
        "pattern_max_probability", "published_discount_step", "focal_ratio_min_share", "discount_grid_steps",
        "published_discount_min", "published_tax_rates")},
    **{f"collusion.{k}": _NOT_NEGATIVE for k in (
        "text_min_chars", "chance_min_spread", "focal_ratio_width", "focal_ratio_factor", "progression_tolerance_adjacent",
        "progression_tolerance_any", "progression_min_step", "discount_decimals", "fixed_ratio_tolerance")},
    "scoring.severity_weight.*": _SHARE,
    "scoring.repeat_decay": _SHARE,
    "scoring.levels.*": (0, 100),
    "scoring.indicator_weight.*": _NOT_NEGATIVE,
    "evasion.thresholds.*": _NOT_NEGATIVE,
    "evasion.thresholds_2000.*": _NOT_NEGATIVE,
    "evasion.unknown_category_threshold": _NOT_NEGATIVE,
    "evasion.linked_award_tolerance": _NOT_NEGATIVE,
    "evasion.splitting_window_days": _NOT_NEGATIVE,
    "evasion.splitting_min_contracts": _COUNT,
    "evasion.budget_funds_min": _NOT_NEGATIVE,
    "evasion.budget_funds_min_share": _SHARE,
    "timing.contract_deadline_days": _NOT_NEGATIVE,
    "timing.contract_price_tolerance": _SHARE,
    "timing.systemic_share": _SHARE,
    "timing.systemic_min": _COUNT,
    "bid_list.winners_only_share": _SHARE,
    "bid_list.winners_only_min": _COUNT,
    "bid_list.winners_only_all_min": _COUNT,
    **{f"exclusion.{k}": _NOT_NEGATIVE for k in (
        "min_bid_period_days", "min_document_sale_days", "max_bid_bond_amount", "max_bid_bond_survey_design",
        "min_publicity_days", "min_amendment_days", "bond_refund_days")},
    "exclusion.min_bidders": _COUNT,
    "exclusion.max_bid_bond_share": _SHARE,
    "exclusion.max_performance_bond_share": _SHARE,
    "exclusion.all_disqualified_min_bids": _COUNT,
    **{f"experts.{k}": _COUNT for k in (
        "favouritism_min_tenders", "favouritism_min_panel", "repeat_min_panels")},
    "experts.favouritism_min_bias": _NOT_NEGATIVE,
    "experts.favouritism_min_share": _SHARE,
    "experts.repeat_min_ratio": _NOT_NEGATIVE,
    "experts.repeat_max_pvalue": _SHARE,
    **{f"screens.{k}": _COUNT for k in ("min_bids", "min_screens", "medium_screens", "simulations")},
    **{f"screens.{k}": _NOT_NEGATIVE for k in ("cv_max", "spd_max", "diffp_min", "near_ceiling_medium_max_bidders")},
    **{f"screens.{k}": _SHARE for k in ("kstest_min", "max_probability", "near_ceiling_share")},
    **{f"network.{k}": _COUNT for k in (
        "max_bidders_per_tender", "group_min_tenders", "group_max_size", "loser_min_bids", "loser_partner_min_tenders",
        "rotation_min_tenders", "rotation_min_winners", "rotation_simulations", "community_max_value_share",
        "community_min_size", "community_max_size", "community_max_device_share")},
    **{f"network.{k}": _SHARE for k in (
        "group_min_dominance", "loser_max_pvalue", "rotation_min_group_win_share", "rotation_max_top_share",
        "rotation_level")},
    "network.loser_max_ratio": _NOT_NEGATIVE,
    **{f"ml.{k}": _SHARE for k in ("threshold", "standalone_level", "alert_share")},
    "ml.min_bids": _COUNT,
    "ml.top_features": _NOT_NEGATIVE,
    "documents.generic_share": _SHARE,
    **{f"documents.{k}": _COUNT for k in (
        "generic_min_bidders", "error_gram", "error_common_bidders", "errors_min", "errors_high", "images_high",
        "table_min_rows", "table_high_rows")},
    **{f"documents.{k}": _NOT_NEGATIVE for k in ("image_min_side", "table_row_min_chars")},
    "documents.image_phash_distance": (0, 64),
}


def allowed_range(name: str) -> tuple[float | None, float | None] | None:
    """The declared range of the setting ``name`` (``section.key``), or None."""
    if name in RANGES:
        return RANGES[name]
    return RANGES.get(name.rsplit(".", 1)[0] + ".*") if "." in name else None


def _range_error(name: str, value: Any, bounds: tuple[float | None, float | None]) -> SettingsError:
    low, high = bounds
    if (low, high) == _SHARE:
        return SettingsError(_("setting %(key)s = %(value)r: a share between 0 and 1 (0.8 is 80%%)", key=name,
                               value=value))
    if (low, high) == _NOT_NEGATIVE:
        return SettingsError(_("setting %(key)s = %(value)r: must not be negative", key=name, value=value))
    if high is None:
        return SettingsError(_("setting %(key)s = %(value)r: must be at least %(low)s", key=name, value=value,
                               low=low))
    return SettingsError(_("setting %(key)s = %(value)r: must be between %(low)s and %(high)s", key=name,
                           value=value, low=low, high=high))


def _check_range(name: str, value: Any) -> None:
    bounds = allowed_range(name)
    if bounds is None:
        return
    numbers = value if isinstance(value, list) else [value]
    for number in numbers:
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            continue
        low, high = bounds
        if (low is not None and number < low) or (high is not None and number > high):
            raise _range_error(name, value, bounds)


def _check_value(key: str, default: Any, value: Any, where: str) -> None:
    """The value has the default's kind (a number for a number: 0.8, not "80%"), and stays in its declared range
    (:data:`RANGES`: a share 0–1, a count at least 1, days not negative...). A key with no declared range is checked by
    its name: a key named …share… whose default is a fraction takes 0–1 (boq_identical_share = 80 switched the check
    off), a count or a number of days (…min…, …days…) is not negative."""
    name = f"{where}{key}"
    kinds = {_kind(value), _kind(default)}
    if name in NUMBER_OR_WORD and kinds <= {"number", "text"}:
        if isinstance(value, str):
            words = NUMBER_OR_WORD[name]
            try:
                value = float(value)
            except ValueError:
                if value.strip().lower() in words:
                    return
                raise SettingsError(_("setting %(key)s = %(value)r: expected a number or %(words)s", key=name,
                                      value=value, words=" / ".join(repr(w) for w in words if w))) from None
        _check_range(name, value)
        return
    if default is not None and _kind(value) != _kind(default):
        raise SettingsError(_("setting %(key)s = %(value)r: expected %(kind)s", key=name, value=value,
                              kind=_KIND_ZH.get(_kind(default), _kind(default))))
    if allowed_range(name) is not None:
        _check_range(name, value)
        return
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
            error = SettingsError(_("unknown setting: %(key)s", key=f"{where}{key}") + hint)
            error.key = f"{where}{key}"
            raise error
        if isinstance(value, dict) and isinstance(base[key], dict):
            out[key] = _merge(base[key], value, f"{where}{key}.")
        else:
            try:
                _check_value(key, base[key], value, where)
            except SettingsError as error:
                error.key = error.key or f"{where}{key}"
                raise
            out[key] = value
    return out


def default_settings() -> dict[str, Any]:
    text = resources.files("bidwatch").joinpath("settings.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _line_of(text: str, name: str) -> int | None:
    """The line of ``text`` (a settings file) that sets ``name`` (``section.key`` or ``section.table.key``), or None:
    the key's line in its ``[section]``, or the line of an inline table (``levels = { high = 70 }``) holding it."""
    parts = name.split(".")
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            section = header.group(1).replace(" ", "")
            continue
        for cut in range(1, len(parts)):
            here, rest = ".".join(parts[:cut]), parts[cut:]
            if section == here and (re.match(rf"^{re.escape(rest[0])}\s*=", stripped)
                                    or re.match(rf"^{re.escape('.'.join(rest))}\s*=", stripped)):
                return number
    return None


def _read_text(path: Path) -> str:
    """The settings file's text: UTF-8 (a byte-order mark, as Windows Notepad writes it, is dropped), else GB18030 /
    GBK (said on stderr); a folder, a missing or unreadable file is a :class:`SettingsError` saying what to do."""
    if path.is_dir():
        raise SettingsError(_("--settings %(path)s is a folder, not a settings file: give the path of a .toml file",
                              path=path))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SettingsError(_("settings file not found: %(path)s", path=path)) from None
    except OSError as exc:
        raise SettingsError(_("settings file %(path)s cannot be read: check its permissions", path=path)
                            + f" ({exc.strerror or exc})") from None
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise SettingsError(_("settings file %(path)s is neither UTF-8 nor GBK/GB18030 text: save it as UTF-8",
                              path=path)) from None
    print(_("settings file %(path)s is not UTF-8: read as GBK/GB18030 (saving it as UTF-8 avoids this note)",
            path=path), file=sys.stderr)
    return text


def load_settings(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the file at ``path``, then ``overrides`` (each only names what it changes)."""
    settings = default_settings()
    if path is not None:
        text = _read_text(Path(path))
        try:
            given = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise SettingsError(_("settings file %(path)s is not valid TOML: %(error)s", path=path, error=e)) from None
        try:
            settings = _merge(settings, given)
        except SettingsError as e:
            key = getattr(e, "key", None)
            line = _line_of(text, key) if key else None
            where = f"{path}（第{line}行 / line {line}）" if line else f"{path}"
            raise SettingsError(f"{where}: {e}") from None
    if overrides:
        settings = _merge(settings, overrides)
    return settings
