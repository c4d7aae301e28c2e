"""Cardinal-compatible settings file (``-s SETTINGS.ini``) for ``bidwatch ocds indicators``.

The file is the one Cardinal (``ocdscardinal init``) writes: top-level keys, then one section per
indicator. A section enables its indicator, even when empty (``[R024]``). Keys use Cardinal's names
and types; an unknown section or key is an error, as in Cardinal, so that a typo never silently
falls back to a default.

Top level: ``currency``, ``no_price_comparison_procurement_methods``,
``price_comparison_procurement_methods`` (``|``-separated).
``[exclusions]``: ``procurement_method_details`` (``|``-separated).
``[R003]``: ``threshold`` (days, 15), ``procurement_methods``; ``[R003.procurement_method_details]``
maps a procurementMethodDetails value to its own threshold in days.
``[R018]``: ``procurement_methods`` (default ``open|selective``).
``[R024]``, ``[R058]``: ``threshold`` (ratio). ``[R025]``: ``percentile`` (75), ``threshold``.
``[R035]``: ``threshold`` (count, 1). ``[R038]``: ``threshold``, ``minimum_submitted_bids`` (2),
``minimum_contracting_processes`` (2). ``[R048]``: ``digits`` (2), ``threshold``,
``minimum_contracting_processes`` (20). ``[R028]``, ``[R030]``, ``[R036]``, ``[R044]``: no keys.
The sections of Cardinal's ``prepare`` command (``[defaults]``, ``[redactions]``,
``[corrections]``, ``[modifications]``, ``[codelists.*]``) are accepted and ignored.

bidwatch's own corrections of Cardinal's known defects live in a ``[bidwatch]`` section (Cardinal
would reject it; leave it out of a file shared with Cardinal, or use ``--corrected`` instead):

``r030_dates = instant``
    R030 compares the bid date with the tender period's end date as instants (RFC 3339, time
    zones honoured; a date without a time zone is taken as UTC; an unparseable date never flags).
    Default ``string``: Cardinal compares the two strings, so ``2000-01-01T09:00:00+08:00`` is
    "after" ``2000-01-01T02:00:00Z`` although both are the same instant.
``r025_count = bids``
    R025's ratio is winning bids over valid bids, each valid bid counted (a tenderer that submits
    two valid bids in one contracting process counts two). Default ``processes``: Cardinal counts a
    tenderer once per contracting process, whatever its number of bids.
``r038_minimum_contracting_processes = processes``
    R038's ``minimum_contracting_processes`` is compared with the number of contracting processes
    of the buyer / procuring entity. Default ``bids``: Cardinal compares it with the number of
    submitted bids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

INDICATORS = ("R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R044", "R048", "R058")

# key -> parser, for each section (None = top level).
_FLOAT = "float"
_UINT = "uint"
_INT = "int"
_STR = "str"

_SCHEMA: dict[str | None, dict[str, str]] = {
    None: {
        "currency": _STR,
        "no_price_comparison_procurement_methods": _STR,
        "price_comparison_procurement_methods": _STR,
    },
    "exclusions": {"procurement_method_details": _STR},
    "R003": {"threshold": _INT, "procurement_methods": _STR},
    "R018": {"procurement_methods": _STR},
    "R024": {"threshold": _FLOAT},
    "R025": {"percentile": _UINT, "threshold": _FLOAT},
    "R028": {},
    "R030": {},
    "R035": {"threshold": _UINT},
    "R036": {},
    "R038": {"threshold": _FLOAT, "minimum_submitted_bids": _UINT, "minimum_contracting_processes": _UINT},
    "R044": {},
    "R048": {"digits": _UINT, "threshold": _UINT, "minimum_contracting_processes": _UINT},
    "R058": {"threshold": _FLOAT},
    "bidwatch": {"r030_dates": _STR, "r025_count": _STR, "r038_minimum_contracting_processes": _STR},
}
# Sections of Cardinal's `prepare` command: accepted, not used by `indicators`.
_IGNORED_SECTIONS = ("defaults", "redactions", "corrections", "modifications", "modifications_move",
                     "modifications_split", "codelists")

_CHOICES = {
    "r030_dates": ("string", "instant"),
    "r025_count": ("processes", "bids"),
    "r038_minimum_contracting_processes": ("bids", "processes"),
}


class SettingsError(ValueError):
    """The settings file is not valid (message names the file, line and key)."""


@dataclass
class Settings:
    currency: str | None = None
    no_price_comparison_procurement_methods: str | None = None
    price_comparison_procurement_methods: str | None = None
    exclusions: dict = field(default_factory=dict)
    # Enabled indicators -> their keys (already typed). R003 may have "procurement_method_details".
    indicators: dict[str, dict] = field(default_factory=dict)
    # bidwatch corrections of Cardinal's known defects.
    r030_dates: str = "string"
    r025_count: str = "processes"
    r038_minimum_contracting_processes: str = "bids"

    def enabled(self, code: str) -> bool:
        return code in self.indicators

    def get(self, code: str, key: str, default=None):
        return self.indicators.get(code, {}).get(key, default)

    def correct(self, which: str | None = None) -> None:
        """Switch on the corrected behaviour of one defect (R025, R030, R038) or all of them."""
        which = (which or "all").upper()
        if which in ("ALL", "R030"):
            self.r030_dates = "instant"
        if which in ("ALL", "R025"):
            self.r025_count = "bids"
        if which in ("ALL", "R038"):
            self.r038_minimum_contracting_processes = "processes"
        if which not in ("ALL", "R025", "R030", "R038"):
            raise SettingsError(f"--corrected takes R025, R030, R038 or all, not {which!r}")

    @classmethod
    def all_indicators(cls) -> Settings:
        """Every indicator enabled with its defaults (what ``ocdscardinal init`` gives, uncommented)."""
        return cls(indicators={code: {} for code in INDICATORS})


def split_pipe(value: str | None) -> set[str]:
    """Cardinal's ``split_terminator('|')``: a trailing ``|`` adds no empty item."""
    if not value:
        return set()
    parts = value.split("|")
    if parts and parts[-1] == "":
        parts.pop()
    return set(parts)


_SECTION = re.compile(r"^\[\s*([^\]]+?)\s*\]\s*$")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _convert(kind: str, value: str, where: str):
    try:
        if kind == _STR:
            return value
        if kind == _FLOAT:
            return float(value)
        number = int(value)
        if kind == _UINT and number < 0:
            raise ValueError
        return number
    except ValueError:
        expected = {"float": "a decimal number", "uint": "a non-negative integer", "int": "an integer"}[kind]
        raise SettingsError(f"{where}: invalid value {value!r}, expected {expected}") from None


def parse_settings_text(text: str, name: str = "<settings>") -> Settings:
    """Parse the INI text of a Cardinal settings file."""
    settings = Settings()
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line or line[0] in ";#":
            continue
        m = _SECTION.match(line)
        if m:
            section = m.group(1)
            head, _, sub = section.partition(".")
            if head in _IGNORED_SECTIONS:
                continue
            if head not in _SCHEMA or head is None:
                raise SettingsError(f"{name}:{number}: unknown section [{section}]")
            if sub:
                if head == "R003" and sub == "procurement_method_details":
                    settings.indicators.setdefault("R003", {}).setdefault("procurement_method_details", {})
                    continue
                raise SettingsError(f"{name}:{number}: unknown section [{section}]")
            if head in INDICATORS:
                settings.indicators.setdefault(head, {})
            continue
        if "=" not in line:
            raise SettingsError(f"{name}:{number}: expected `key = value` or `[section]`, got {raw!r}")
        key, _, value = line.partition("=")
        key = key.strip()
        value = _unquote(value.strip())
        where = f"{name}:{number}: {('[' + section + '] ') if section else ''}{key}"
        head, _, sub = (section or "").partition(".")
        if section is not None and head in _IGNORED_SECTIONS:
            continue
        if sub:  # [R003.procurement_method_details]
            settings.indicators["R003"]["procurement_method_details"][key] = _convert(_INT, value, where)
            continue
        schema = _SCHEMA[section if section else None]
        if key not in schema:
            raise SettingsError(f"{where}: unknown key")
        converted = _convert(schema[key], value, where)
        if section is None:
            setattr(settings, key, converted)
        elif section == "exclusions":
            settings.exclusions[key] = converted
        elif section == "bidwatch":
            if converted not in _CHOICES[key]:
                raise SettingsError(f"{where}: expected one of {', '.join(_CHOICES[key])}, got {value!r}")
            setattr(settings, key, converted)
        else:
            settings.indicators[section][key] = converted
    return settings


def load_settings(path: str | Path | None) -> Settings:
    """Read a settings file; ``None`` gives every indicator with its defaults."""
    if path is None:
        return Settings.all_indicators()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise SettingsError(f"{path}: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise SettingsError(f"{path}: not UTF-8 ({e.reason})") from None
    return parse_settings_text(text, str(path))
