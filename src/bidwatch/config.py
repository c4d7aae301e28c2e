"""Scan settings: the packaged defaults (settings.toml) merged with a deployment's own TOML file."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from bidwatch.i18n import chinese_first as _


def _merge(base: dict[str, Any], override: dict[str, Any], where: str = "") -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if key not in base:
            raise ValueError(_("unknown setting: %(key)s", key=f"{where}{key}"))
        if isinstance(value, dict) and isinstance(base[key], dict):
            out[key] = _merge(base[key], value, f"{where}{key}.")
        else:
            out[key] = value
    return out


def default_settings() -> dict[str, Any]:
    text = resources.files("bidwatch").joinpath("settings.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_settings(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the file at ``path``, then ``overrides`` (each only names what it changes)."""
    settings = default_settings()
    if path is not None:
        with open(path, "rb") as fh:
            settings = _merge(settings, tomllib.load(fh))
    if overrides:
        settings = _merge(settings, overrides)
    return settings
