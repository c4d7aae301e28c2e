"""--settings files as deployments write them (QA, item 1): GBK, a byte-order mark, a folder, values out of range."""

from __future__ import annotations

from pathlib import Path

import pytest

from bidwatch.config import RANGES, SettingsError, allowed_range, default_settings, load_settings


def test_a_gbk_file_is_read_and_said_so_and_a_bom_is_dropped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gbk = tmp_path / "g.toml"
    gbk.write_bytes("# 本地阈值\n[ml]\nthreshold=0.5\n".encode("gbk"))
    assert load_settings(gbk)["ml"]["threshold"] == 0.5
    err = capsys.readouterr().err
    assert "GBK" in err and "g.toml" in err and "UTF-8" in err
    bom = tmp_path / "bom.toml"  # Windows Notepad's UTF-8
    bom.write_bytes("\ufeff# 本地阈值\n[ml]\nthreshold = 0.6\n".encode("utf-8"))
    assert load_settings(bom)["ml"]["threshold"] == 0.6
    # near miss: plain UTF-8 says nothing
    plain = tmp_path / "u.toml"
    plain.write_text("# 本地阈值\n[ml]\nthreshold = 0.7\n", encoding="utf-8")
    assert load_settings(plain)["ml"]["threshold"] == 0.7
    assert capsys.readouterr().err == ""


def test_a_folder_or_bytes_that_are_no_text_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings(tmp_path)
    assert str(err.value).startswith("--settings ") and "文件夹" in str(err.value) and ".toml" in str(err.value)
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\x80\x80\xff\xfe\x00")
    with pytest.raises(SettingsError) as err:
        load_settings(binary)
    assert "UTF-8" in str(err.value) and "b.toml" in str(err.value)


@pytest.mark.parametrize(("text", "said"), [
    ("[ml]\nthreshold = 5\n", "ml.threshold = 5"),
    ("[collusion]\nspread_full_max_companies = -3\n", "spread_full_max_companies = -3"),
    ("[collusion]\nboq_min_items = 0\n", "must be at least 1"),
    ("[scoring]\nlevels = { high = 170, medium = 40, low = 1 }\n", "scoring.levels.high = 170"),
    ("[collusion]\npublished_tax_rates = [0.0, 13]\n", "published_tax_rates"),
    ('[ml]\nthreshold = "modle"\n', "'model'"),
    ('[ml]\nstandalone_level = "2"\n', "standalone_level"),
])
def test_a_value_out_of_its_range_is_refused_with_the_file_line_and_range(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text("# 本地阈值\n" + text, encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    message = str(err.value)
    assert said in message and message.startswith(f"{path}（第3行") and "设置项" in message


@pytest.mark.parametrize("text", [
    "[ml]\nthreshold = 1\n", '[ml]\nthreshold = "model"\n', '[ml]\nstandalone_level = "none"\n',
    "[ml]\nstandalone_level = 0.9\n", "[collusion]\nspread_full_max_companies = 1\n",
    "[scoring]\nlevels = { high = 100, medium = 40, low = 0 }\n", "[collusion]\npublished_tax_rates = [0.0, 0.13]\n",
])
def test_near_misses_at_the_bounds_are_accepted(tmp_path: Path, text: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    load_settings(path)


def test_every_declared_range_names_a_setting_and_holds_its_default() -> None:
    defaults = default_settings()

    def flat(table: dict, where: str = "") -> dict:
        out = {}
        for key, value in table.items():
            out.update(flat(value, f"{where}{key}.") if isinstance(value, dict) else {f"{where}{key}": value})
        return out

    values = flat(defaults)
    for key in RANGES:
        assert key in values or any(k.startswith(key.removesuffix("*")) for k in values), key
    for key, value in values.items():
        bounds = allowed_range(key)
        if bounds is None or isinstance(value, (str, bool)):
            continue
        low, high = bounds
        for number in value if isinstance(value, list) else [value]:
            assert (low is None or number >= low) and (high is None or number <= high), (key, number)
