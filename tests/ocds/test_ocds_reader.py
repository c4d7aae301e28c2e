"""Malformed OCDS input: reported with line numbers, skipped, never stopping the run."""

from __future__ import annotations

import json

import orjson

from bidwatch.ocds.cardinal import compute
from bidwatch.ocds.reader import Problem, iter_releases
from bidwatch.ocds.settings import Settings
from bidwatch.ocds.tables import read_ocds_tables

GOOD = {"ocid": "ok", "tender": {"numberOfTenderers": 1, "procurementMethod": "open"}}


def _bad_file(tmp_path):
    lines = [
        orjson.dumps({**GOOD, "ocid": "first"}),   # 1
        b'{"ocid": "broken", "tender": {',          # 2 invalid JSON
        '{"ocid": "latin1", "title": "Adquisición de artículos"}'.encode("cp1252"),  # 3 not UTF-8: read, noted
        b"",                                         # 4 blank: silent
        b"   ",                                      # 5 blank: silent
        b"[1, 2]",                                   # 6 not an object
        b'{"ocid": 42}',                             # 7 ocid not a string
        b'{"id": "no ocid"}',                        # 8 no ocid
        b'"just a string"',                          # 9
        b"\xff\xfe\x00",                             # 10 binary garbage: no JSON in any encoding
        orjson.dumps({**GOOD, "ocid": "last"}),     # 11
    ]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_malformed_lines_reported_with_line_numbers(tmp_path):
    problems: list[Problem] = []
    releases = list(iter_releases(_bad_file(tmp_path), problems))
    assert [(no, r["ocid"]) for no, r in releases] == [(1, "first"), (3, "latin1"), (11, "last")]
    by_line = {p.line: p.message for p in problems}
    assert sorted(by_line) == [2, 3, 6, 7, 8, 9, 10]
    assert "invalid JSON" in by_line[2]
    assert by_line[3].startswith("not UTF-8 (byte 39: invalid continuation byte): read as cp1252")
    assert "invalid UTF-8" in by_line[10] and "iconv" in by_line[10]  # and how to convert the file
    assert "ocid is number" in by_line[7]
    assert [p.line for p in problems if not p.skipped] == [3]
    assert str(problems[0]).startswith("line 2: ")


def test_indicators_run_through_malformed_lines(tmp_path):
    problems = []
    settings = Settings(indicators={"R018": {}})
    result = compute(_bad_file(tmp_path), settings, problems=problems, jobs=1)
    assert result["OCID"] == {"first": {"R018": 1.0}, "last": {"R018": 1.0}}  # line 3 has no tender
    assert {p.line for p in problems} == {2, 3, 6, 7, 8, 9, 10}


def test_wrong_types_inside_a_release_are_reported_and_ignored(tmp_path):
    rows = [
        {"ocid": "a", "bids": "not an object", "tender": {"tenderPeriod": 5}},
        {"ocid": "b", "bids": {"details": [7, {"status": 3}, {"status": "valid", "tenderers": "W",
                                                              "value": {"amount": "1", "currency": "USD"}},
                                       {"status": "valid", "tenderers": [{"id": "X"}],
                                        "value": {"amount": "2", "currency": "USD"}}]},
         "awards": {"status": "active"}},
        {"ocid": "c", "tender": "cancelled?"},
    ]
    path = tmp_path / "types.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    problems = []
    compute(path, Settings.all_indicators(), problems=problems, jobs=1)
    messages = [(p.line, p.message) for p in problems]
    assert (1, "/bids is string, expected object") in messages
    assert (1, "/tender/tenderPeriod is number, expected object") in messages
    assert (2, "/awards is object, expected array") in messages
    assert (2, "/bids/details[] is number, expected object") in messages
    assert (2, "/bids/details[]/status is number, expected string") in messages
    assert (2, "/bids/details[]/tenderers is string, expected array") in messages
    assert (2, "/bids/details[]/value/amount is string, expected number") in messages
    assert (3, "/tender is string, expected object") in messages
    assert not any(p.skipped for p in problems)
    # The conversion reports them too, and keeps the releases.
    tables, problems = read_ocds_tables(path)
    assert list(tables["tenders"]["tender_id"]) == ["a", "b", "c"]
    assert any(p.line == 2 and "/bids/details[3]/value/amount is string" in p.message for p in problems)
    # ... and drops the bids the contract would refuse: no tenderer, no (numeric) price; the tender's bid
    # list is then incomplete, so no counting indicator judges it.
    dropped = {p.path: p.message for p in problems if p.what == "dropped"}
    assert "names no tenderer" in dropped["/bids/details[2]"]
    assert "has no price" in dropped["/bids/details[3]/value"]
    assert tables["bids"].empty
    assert tables["tenders"].set_index("tender_id").loc["b", "bid_list"] == "none"
    # the conversion (not Cardinal's reading) takes an object where the standard has an array as an array of one
    assert any(p.line == 2 and p.path == "/awards" and p.what == "repaired" for p in problems)


def test_release_package_record_package_and_document(tmp_path):
    release = {"ocid": "r1", "tender": {"numberOfTenderers": 1, "procurementMethod": "open"}}
    package = {"uri": "x", "releases": [release, {"ocid": "r2"}, "junk"]}
    records = {"records": [{"ocid": "r3", "compiledRelease": {"ocid": "r3"}},
                           {"ocid": "r4", "releases": [{"ocid": "r4", "date": "2020-01-02", "tag": ["award"],
                                                         "awards": [{"id": "1", "status": "active"}]},
                                                        {"ocid": "r4", "date": "2020-01-01", "tag": ["tender"],
                                                         "tender": {"id": "t", "title": "x"},
                                                         "awards": [{"id": "1", "status": "pending",
                                                                     "date": "d"}]}]},
                           {"ocid": "r5", "releases": [{"url": "http://example.com/r5.json"}]}]}
    lines = tmp_path / "packages.jsonl"
    lines.write_bytes(orjson.dumps(package) + b"\n" + orjson.dumps(records) + b"\n")
    problems = []
    got = {r["ocid"]: (no, r) for no, r in iter_releases(lines, problems)}
    assert sorted(got) == ["r1", "r2", "r3", "r4"]
    assert got["r1"][0] == 1 and got["r4"][0] == 2
    assert got["r4"][1]["awards"] == [{"id": "1", "status": "active", "date": "d"}]
    assert got["r4"][1]["tender"]["title"] == "x"
    assert {(p.line, "releases[2]" in p.message or "records[2]" in p.message) for p in problems} == {(1, True), (2, True)}

    # A pretty-printed release package document.
    doc = tmp_path / "package.json"
    doc.write_text(json.dumps(package, indent=2))
    problems = []
    assert [r["ocid"] for _, r in iter_releases(doc, problems)] == ["r1", "r2"]
    assert len(problems) == 1
    result = compute(doc, Settings(indicators={"R018": {}}))
    assert result["OCID"] == {"r1": {"R018": 1.0}}


def test_bom_crlf_and_big_integers(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + orjson.dumps(GOOD) + b"\r\n"
                     + b'{"ocid": "big", "tender": {"numberOfTenderers": 123456789012345678901234567890}}\r\n')
    problems = []
    got = list(iter_releases(path, problems))
    assert [r["ocid"] for _, r in got] == ["ok", "big"]
    assert problems == []
    assert isinstance(got[1][1]["tender"]["numberOfTenderers"], float)  # as serde_json reads it


def test_gzip_and_detection(tmp_path):
    import gzip

    from bidwatch.ocds.reader import looks_like_ocds

    path = tmp_path / "releases.jsonl.gz"
    with gzip.open(path, "wb") as f:
        f.write(orjson.dumps(GOOD) + b"\n")
    assert [r["ocid"] for _, r in iter_releases(path, [])] == ["ok"]
    assert looks_like_ocds(path)
    other = tmp_path / "tenders.json"
    other.write_text('{"tender_id": 1}')
    assert not looks_like_ocds(other) and not looks_like_ocds(tmp_path / "missing.jsonl")
    result = compute(path, Settings(indicators={"R018": {}}))
    assert result["OCID"] == {"ok": {"R018": 1.0}}


def _package(title: str, buyer: str) -> dict:
    return {"uri": "x", "publishedDate": "2024-01-01T00:00:00Z", "version": "1.1",
            "releases": [{"ocid": "ocds-enc-1", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"],
                          "initiationType": "tender", "tender": {"id": "T1", "title": title},
                          "buyer": {"id": "B1", "name": buyer}}]}


def test_a_document_in_a_publisher_s_legacy_encoding_is_read_and_noted(tmp_path):
    # Mexico City's CDMX published its package in Latin-1, a Chinese platform's export may be GBK: kept, noted
    latin = tmp_path / "cdmx.json"
    latin.write_bytes(json.dumps(_package("Adquisición de artículos de oficina", "Secretaría de Obras"),
                                 ensure_ascii=False, indent=2).encode("cp1252"))
    gbk = tmp_path / "gbk.jsonl"
    release = _package("某县城区道路改造工程施工招标", "某县住房和城乡建设局")["releases"][0]
    gbk.write_bytes(orjson.dumps(GOOD) + b"\n" + json.dumps(release, ensure_ascii=False).encode("gb18030") + b"\n")
    for path, encoding, title in ((latin, "cp1252", "Adquisición de artículos de oficina"),
                                  (gbk, "gb18030", "某县城区道路改造工程施工招标")):
        problems: list[Problem] = []
        releases = list(iter_releases(path, problems))
        assert releases[-1][1]["tender"]["title"] == title
        (note,) = problems
        assert (note.action, note.skipped) == ("repaired", False) and f"read as {encoding}" in note.message


def test_bytes_that_are_json_in_no_encoding_are_still_skipped(tmp_path):
    # near miss: a document cut short in Latin-1 is no JSON in any encoding: skipped with the way to convert it
    path = tmp_path / "cut.json"
    path.write_bytes(json.dumps(_package("Adquisición", "Secretaría"), ensure_ascii=False, indent=2)
                     .encode("cp1252")[:-20])
    problems: list[Problem] = []
    assert list(iter_releases(path, problems)) == []
    assert problems and all(p.skipped for p in problems)
    assert any("invalid UTF-8" in p.message and "iconv" in p.message for p in problems)


def test_control_characters_json_allows_nowhere_are_removed_and_noted(tmp_path):
    # Kingfisher's sample record begins with chr(16); a publisher's database copies chr(1) into a name
    doc = tmp_path / "record.json"
    doc.write_bytes(b"\x10" + json.dumps(_package("Obra", "Secretaria"), indent=2).encode())
    lines = tmp_path / "lines.jsonl"
    lines.write_bytes(orjson.dumps(GOOD) + b"\n" + b'{"ocid": "ocds-c", "tender": {"title": "Ob\x01ra"}}\n'
                      + b'{"ocid": "ocds-d", "tender": {"title": "\x02\n')  # near miss: cut short as well
    problems: list[Problem] = []
    assert [r["tender"]["title"] for _, r in iter_releases(doc, problems)] == ["Obra"]
    assert [(p.line, p.action, p.message) for p in problems] == [
        (1, "repaired", "control character(s) chr(16), which JSON allows nowhere, removed")]
    problems = []
    assert [r["ocid"] for _, r in iter_releases(lines, problems)] == ["ok", "ocds-c"]
    assert [(p.line, p.what) for p in problems] == [(2, "repaired"), (3, "skipped")]
    assert "chr(1)" in problems[0].message and "invalid JSON" in problems[1].message


def test_a_package_s_one_release_as_an_object_and_a_compiled_release_that_is_none(tmp_path):
    from bidwatch.ocds.reader import iter_compiled

    one = tmp_path / "one.json"
    one.write_text(json.dumps({"uri": "x", "releases": {"ocid": "ocds-1", "tender": {"id": "t"}}}))
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"uri": "x", "releases": {}}))
    # Kingfisher's "dodgy" record: its compiledRelease is no release, its embedded release is
    dodgy = tmp_path / "dodgy.json"
    dodgy.write_text(json.dumps({"records": [{"ocid": "ocds-2", "compiledRelease": {"hello": "world"},
                                              "releases": [{"ocid": "ocds-2", "id": "1", "date": "2024-01-01",
                                                            "tender": {"id": "t", "title": "真的"}}]}]}))
    out = {}
    for path in (one, empty, dodgy):
        problems: list[Problem] = []
        ocids = [r["ocid"] for _, r in iter_compiled(path, problems)]
        out[path.stem] = (ocids, [(p.what, p.message) for p in problems])
    assert out["one"] == (["ocds-1"],
                          [("repaired", "releases is an object, expected an array: read as an array of one")])
    assert out["empty"][0] == [] and "releases is an empty object" in out["empty"][1][0][1]
    assert out["dodgy"][0] == ["ocds-2"] and "compiledRelease has none of the fields" in out["dodgy"][1][0][1]
