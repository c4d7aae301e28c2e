"""Every case of Cardinal's own indicator fixtures (shared/cardinal-fixtures) must pass exactly."""

from __future__ import annotations

import json

import pytest
from ocds_helpers import FIXTURES, needs_fixtures

from bidwatch.ocds.cardinal import compute
from bidwatch.ocds.settings import load_settings, parse_settings_text

pytestmark = [needs_fixtures, pytest.mark.shared]

CASES = sorted(p.stem for p in (FIXTURES / "indicators").glob("*.jsonl")) if FIXTURES else []


def settings_from_name(name: str) -> str:
    """Cardinal's build script: the settings a fixture runs with, from its name."""
    parts = name.split("-")
    code, rest = parts[0], parts[1:]
    text = "no_price_comparison_procurement_methods = NPC\n\n[exclusions]\nprocurement_method_details = EXC\n\n"
    text += f"[{code}]\n"
    if len(rest) == 2:
        text += f"{rest[0]} = {rest[1].replace('+', '|')}\n"
    elif len(rest) > 2:
        text += f"\n[{code}.{rest[0]}]\n"
        for k, v in zip(rest[1::2], rest[2::2]):
            text += f"{k} = {v}\n"
    return text


def test_fixtures_found():
    assert len(CASES) >= 15


@pytest.mark.parametrize("name", CASES)
def test_indicator_fixture(name):
    settings = load_settings(FIXTURES / "settings" / f"{name}.ini")
    problems = []
    result = compute(FIXTURES / "indicators" / f"{name}.jsonl", settings, problems=problems)
    expected = json.loads((FIXTURES / "indicators" / f"{name}.expected").read_text())
    assert {k: v for k, v in result.items() if k != "Meta"} == expected
    assert not [p for p in problems if p.skipped]


@pytest.mark.parametrize("name", CASES)
def test_indicator_fixture_with_meta(name):
    """Cardinal 0.0.8's full output, Meta included (4 decimals, NaN as null)."""
    settings = load_settings(FIXTURES / "settings" / f"{name}.ini")
    result = compute(FIXTURES / "indicators" / f"{name}.jsonl", settings)
    with_meta = json.loads((FIXTURES / "with_meta" / f"{name}.json").read_text())
    assert json.loads(json.dumps(result)) == with_meta


@pytest.mark.parametrize("name", CASES)
def test_settings_from_fixture_name(name):
    """The .ini files are what the fixture names say (README rule); both parse the same."""
    from_name = parse_settings_text(settings_from_name(name))
    from_file = load_settings(FIXTURES / "settings" / f"{name}.ini")
    assert from_name == from_file


def test_r044_fixture():
    settings = parse_settings_text(settings_from_name("R044"))
    result = compute(FIXTURES / "r044" / "R044.jsonl", settings)
    expected = json.loads((FIXTURES / "r044" / "R044.expected").read_text())
    assert {k: v for k, v in result.items() if k != "Meta"} == expected
    assert result["Meta"] == {}


@pytest.mark.parametrize("name", ["R024", "R038", "R058"])
def test_cli_matches_fixture(name, tmp_path):
    """End to end: `bidwatch ocds indicators FILE -s SETTINGS` prints Cardinal's object."""
    from bidwatch.cli import main

    out = tmp_path / "out.json"
    rc = main(["ocds", "indicators", str(FIXTURES / "indicators" / f"{name}.jsonl"),
               "-s", str(FIXTURES / "settings" / f"{name}.ini"), "-o", str(out)])
    assert rc == 0
    assert json.loads(out.read_text()) == json.loads((FIXTURES / "with_meta" / f"{name}.json").read_text())
