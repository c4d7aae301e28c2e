"""Streaming reader of OCDS data: JSON lines of compiled releases, release packages or record
packages, or one JSON document (a release package, a record package, a list of releases, one
release).

Every problem is recorded with its line number in the ``problems`` list the caller passes, and the
offending line (or item) is skipped: a bad line never stops the run. Problems are:

- invalid JSON (the line is skipped); a line or document that is not UTF-8 is read in the legacy encoding its bytes
  fit (GB18030, Windows-1252, Latin-1: :func:`legacy_text`) and noted as repaired, else skipped;
- wrong types at the top of a release: not a JSON object, ``ocid`` missing or not a string (the
  release is skipped);
- wrong types inside a release, found by the code that reads the field (the field is ignored, as
  Cardinal ignores it; ``Problem.skipped`` is False).

Blank lines are skipped silently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

_loads = orjson.loads
_JSONDecodeError = orjson.JSONDecodeError


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem in the input: 1-based line number, message; ``skipped`` tells whether the whole
    line (or release) was dropped, or only the field named in the message was ignored.

    The conversion to the contract tables also gives the ``ocid`` and the JSON ``path`` (``/contracts[0]``)
    and what it did (``action``): ``skipped`` (a line, release or record), ``dropped`` (a row the
    contract would refuse), ``repaired`` (the meaning was certain: an object read as an array of one),
    ``cleared`` (a value left empty), ``ignored`` (a field of the wrong type)."""

    line: int
    message: str
    skipped: bool = True
    ocid: str | None = None
    path: str | None = None
    action: str | None = None

    @property
    def what(self) -> str:
        return self.action or ("skipped" if self.skipped else "ignored")

    def __str__(self) -> str:
        if self.action and self.action != "skipped":
            return f"line {self.line}: {self.message} ({self.action})"
        return f"line {self.line}: {self.message}" + ("" if self.skipped else " (field ignored)")


def type_name(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


#: what a publisher's file that is not UTF-8 is in, in practice: a Chinese platform's GB18030 (GBK), a Latin American
#: one's Windows-1252 (Mexico City's CDMX; ISO-8859-1's letters are the same), else Latin-1, which takes any byte
LEGACY_ENCODINGS = ("gb18030", "cp1252", "latin_1")


def legacy_text(raw: bytes) -> tuple[str, str] | None:
    """``raw`` that is not UTF-8 as ``(text, encoding)``: the encoding of :data:`LEGACY_ENCODINGS` the bytes read most
    coherently in, by charset-normalizer (GBK's two-byte characters against Spanish accents), or None."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=list(LEGACY_ENCODINGS)).best()
    return (str(best), best.encoding) if best is not None else None


def _legacy_json(raw: bytes) -> tuple[object, str] | None:
    """The JSON value of ``raw`` read in the legacy encoding it fits, and that encoding; None where it reads as none."""
    legacy = legacy_text(raw)
    if legacy is None:
        return None
    try:
        return _fold_big_ints(json.loads(legacy[0], parse_constant=_reject_constant)), legacy[1]
    except ValueError:
        return None


def _repaired_encoding(no: int, error: UnicodeDecodeError, encoding: str) -> Problem:
    return Problem(no, f"not UTF-8 (byte {error.start + 1}: {error.reason}): read as {encoding}, the encoding its "
                       "bytes fit; OCDS files are UTF-8, check the names it gives", skipped=False, action="repaired")


#: control characters JSON allows in no place (tab, line feed and carriage return are whitespace between tokens): a
#: publisher's database copies them into names (Kingfisher's sample record begins with chr(16))
_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _recovered(no: int, raw: bytes, error: Exception, problems: list[Problem]):
    """The JSON value of ``raw`` where only the encoding, control characters or an integer beyond 64 bits stood in
    the way, each repair noted (``repaired``); None where it is no JSON even so (nothing noted)."""
    controls = sorted(set(_CONTROLS.findall(raw)))
    data = _CONTROLS.sub(b"", raw) if controls else raw
    notes: list[Problem] = []
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        read = _legacy_json(data)
        if read is None:
            return None
        obj, encoding = read
        notes.append(_repaired_encoding(no, bad, encoding))
    else:
        if not controls and "64-bit" not in str(error):  # orjson's integer range; serde_json reads it as a float
            return None
        try:
            obj = _fold_big_ints(json.loads(data, parse_constant=_reject_constant))
        except ValueError:
            return None
    if controls:
        named = ", ".join(f"chr({c[0]})" for c in controls)
        notes.append(Problem(no, f"control character(s) {named}, which JSON allows nowhere, removed", skipped=False,
                             action="repaired"))
    problems.extend(notes)
    return obj


def _decode_problem(no: int, line: bytes, error: Exception, problems: list[Problem]):
    """What a line JSON could not read gives: its value where only the encoding, control characters or a huge integer
    stood in the way (the repair noted), else None with the problem recorded."""
    obj = _recovered(no, line, error, problems)
    if obj is not None:
        return obj
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as e:
        # OCDS (JSON) is UTF-8; a file in another encoding that does not read as JSON even so: say how to convert it
        problems.append(Problem(no, f"invalid UTF-8 at byte {e.start + 1} ({e.reason}), line skipped: OCDS files "
                                    "are UTF-8; a file saved in another encoding can be converted, e.g. "
                                    "`iconv -f latin1 -t utf-8 IN.json > OUT.json`"))
        return None
    problems.append(Problem(no, f"invalid JSON ({error}), line skipped"))
    return None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _fold_big_ints(value):
    """Integers beyond 64 bits (only reachable through the stdlib fallback) become floats."""
    if isinstance(value, dict):
        return {k: _fold_big_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fold_big_ints(v) for v in value]
    if type(value) is int and not -(2**63) <= value < 2**64:
        return float(value)
    return value


# --- compiling individual releases -------------------------------------------------------------------

def compile_releases(releases: list[dict]) -> dict:
    """Merge the individual releases of one contracting process into a compiled release, with the Open
    Contracting Partnership's ``ocdsmerge``, offline (``bidwatch.ocds.merge``)."""
    from bidwatch.ocds.merge import compile_releases as merge

    return merge(releases)


def _package_releases(no: int, obj: dict, problems: list[Problem]) -> Iterator[tuple[int, dict]]:
    """Releases of a release package or record package parsed at line ``no``."""
    if isinstance(obj.get("records"), list):
        for i, record in enumerate(obj["records"]):
            if not isinstance(record, dict):
                problems.append(Problem(no, f"records[{i}] is {type_name(record)}, expected object, skipped"))
                continue
            compiled = record.get("compiledRelease")
            if isinstance(compiled, dict):
                releases = [compiled]
            else:
                embedded = record.get("releases")
                parts = [r for r in embedded if isinstance(r, dict) and "ocid" in r] if isinstance(embedded, list) else []
                if not parts:
                    problems.append(Problem(no, f"records[{i}] has no compiledRelease nor embedded releases "
                                                "(linked releases are not fetched), skipped"))
                    continue
                releases = [compile_releases(parts)]
            for release in releases:
                ocid = release.get("ocid", record.get("ocid"))
                if not isinstance(ocid, str):
                    problems.append(Problem(no, f"records[{i}]: ocid is {type_name(ocid)}, expected string, skipped"))
                    continue
                release.setdefault("ocid", ocid)
                yield no, release
        return
    releases = obj.get("releases")
    by_ocid: dict[str, list[dict]] = {}
    for i, release in enumerate(releases):
        if not isinstance(release, dict):
            problems.append(Problem(no, f"releases[{i}] is {type_name(release)}, expected object, skipped"))
            continue
        ocid = release.get("ocid")
        if not isinstance(ocid, str):
            problems.append(Problem(no, f"releases[{i}]: ocid is {type_name(ocid)}, expected string, skipped"))
            continue
        by_ocid.setdefault(ocid, []).append(release)
    for ocid, group in by_ocid.items():
        yield no, (group[0] if len(group) == 1 else compile_releases(group))


def _dispatch(no: int, obj, problems: list[Problem]) -> Iterator[tuple[int, dict]]:
    """A parsed top-level value: a release, a package, or a list of releases."""
    if type(obj) is dict:
        ocid = obj.get("ocid")
        if type(ocid) is str:
            yield no, obj
        elif isinstance(obj.get("releases"), list) or isinstance(obj.get("records"), list):
            yield from _package_releases(no, obj, problems)
        elif "ocid" in obj:
            problems.append(Problem(no, f"ocid is {type_name(ocid)}, expected string, release skipped"))
        else:
            problems.append(Problem(no, "object has no ocid (neither a release nor a package), skipped"))
    elif type(obj) is list:
        for i, item in enumerate(obj):
            if isinstance(item, dict) and isinstance(item.get("ocid"), str):
                yield no, item
            elif isinstance(item, dict) and (isinstance(item.get("releases"), list)
                                             or isinstance(item.get("records"), list)):
                yield from _package_releases(no, item, problems)
            else:
                problems.append(Problem(no, f"[{i}] is not a release (object with a string ocid), skipped"))
    else:
        problems.append(Problem(no, f"line is a JSON {type_name(obj)}, expected an object, skipped"))


def iter_releases(path: str | Path, problems: list[Problem]) -> Iterator[tuple[int, dict]]:
    """Yield ``(line_number, release)`` for every compiled release in the file.

    ``path`` may be ``-`` for standard input. Problems are appended to ``problems``. Each line-level
    release is taken as a compiled release, as Cardinal takes it (``bidwatch ocds indicators``); the
    contract-table conversion groups the releases of an ocid instead (``iter_compiled``).
    """
    return _read(path, problems, _dispatch, _iter_lines)


def _read(path, problems: list[Problem], dispatch, iter_lines) -> Iterator:
    """Open ``path`` (``-``, ``.gz``) and feed each top-level JSON value (one per line, or one pretty-printed
    document) to ``dispatch(no, value, problems)``; ``iter_lines(lines, start, problems)`` reads JSON lines."""
    if str(path) == "-":
        import sys

        f = sys.stdin.buffer
        close = False
    elif str(path).endswith(".gz"):
        import gzip

        f = gzip.open(path, "rb")  # noqa: SIM115
        close = True
    else:
        f = open(path, "rb")  # noqa: SIM115
        close = True
    try:
        first = f.readline()
        no = 1
        if first.startswith(b"\xef\xbb\xbf"):
            first = first[3:]
        # A pretty-printed document: the first line is not JSON on its own.
        if first.strip():
            try:
                obj = _loads(first)
            except _JSONDecodeError as e:
                if _CONTROLS.sub(b"", first).lstrip()[:1] in (b"{", b"["):
                    whole = first + f.read()
                    try:
                        doc = _loads(whole)
                    except _JSONDecodeError as bad:
                        # one document in another encoding or with control characters (else JSON lines, each
                        # read on its own below)
                        doc = _recovered(1, whole, bad, problems)
                    if doc is not None:
                        yield from dispatch(1, doc, problems)
                        return
                    # Not one document either: read it as JSON lines, from the first line.
                    if f.seekable():
                        del whole
                        f.seek(0)
                        f.readline()
                        yield from iter_lines(iter((first,)), 1, problems)
                        yield from iter_lines(f, 2, problems)
                    else:
                        lines = whole.splitlines(keepends=True)
                        del whole
                        lines[0] = first
                        yield from iter_lines(iter(lines), 1, problems)
                    return
                p = _decode_problem(no, first, e, problems)
                if p is not None:
                    yield from dispatch(no, p, problems)
            else:
                yield from dispatch(no, obj, problems)
        yield from iter_lines(f, 2, problems)
    finally:
        if close:
            f.close()


def _decoded(lines, start: int, problems: list[Problem], dispatch=None) -> Iterator[tuple[int, object]]:
    """``(line, value)`` of each non-blank JSON line; a bad line becomes a problem and ``(line, None)``
    (counted as read). With ``dispatch``: the releases instead, a line that is a release as it is,
    any other value through ``dispatch(line, value, problems)``, bad lines left out. One generator
    for both, not one wrapped in the other: this loop runs once per release in ``ocds indicators``."""
    loads = _loads
    err = _JSONDecodeError
    for no, line in enumerate(lines, start):
        try:
            obj = loads(line)
        except err as e:
            if not line.strip():
                continue
            obj = _decode_problem(no, line, e, problems)
            if obj is None:
                if dispatch is None:
                    yield no, None
                continue
        if dispatch is None:
            yield no, obj
        elif type(obj) is dict and type(obj.get("ocid")) is str:
            yield no, obj
        else:
            yield from dispatch(no, obj, problems)


def _iter_lines(lines, start: int, problems: list[Problem]) -> Iterator[tuple[int, dict]]:
    return _decoded(lines, start, problems, _dispatch)


def looks_like_ocds(path: str | Path) -> bool:
    """Whether a file is OCDS JSON (lines) — for ``bidwatch scan`` to pick this reader: a .json,
    .jsonl or .ndjson file (optionally .gz) whose first JSON text has ``ocid``, ``releases`` or
    ``records``, or that is empty (the OCDS reader then says so)."""
    p = Path(path)
    name = p.name.lower()
    name = name.removesuffix(".gz")
    if not p.is_file() or not name.endswith((".json", ".jsonl", ".ndjson")):
        return False
    if p.name.lower().endswith(".gz"):
        import gzip

        opener = gzip.open
    else:
        opener = open
    try:
        with opener(p, "rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return False
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n"):
        return True  # an empty JSON (lines) file: the OCDS reader says so, the contract reader cannot
    return any(key in head for key in (b'"ocid"', b'"releases"', b'"records"'))


def read_releases(path: str | Path) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """All releases of a file in memory, with the problems found."""
    problems: list[Problem] = []
    releases = list(iter_releases(path, problems))
    return releases, problems


def iter_range(path: str | Path, start: int, end: int, problems: list[Problem],
               lines_read: list[int] | None = None, block: int = 1 << 23) -> Iterator[tuple[int, dict]]:
    """Releases of the JSON lines between byte offsets ``start`` (a line start) and ``end``;
    line numbers count from 1 at ``start``. ``lines_read[0]`` ends as the number of lines."""
    return _iter_lines(_range_lines(path, start, end, block, lines_read), 1, problems)


def _range_lines(path, start: int, end: int, block: int, lines_read: list[int] | None) -> Iterator[bytes]:
    if lines_read is None:
        lines_read = [0]
    with open(path, "rb") as f:
        f.seek(start)
        remaining = end - start
        tail = b""
        first = start == 0
        while remaining > 0:
            data = f.read(min(block, remaining))
            if not data:
                break
            remaining -= len(data)
            if first:
                first = False
                if data.startswith(b"\xef\xbb\xbf"):
                    data = data[3:]
            lines = (tail + data).split(b"\n") if tail else data.split(b"\n")
            tail = lines.pop()
            lines_read[0] += len(lines)
            yield from lines
        if tail:
            lines_read[0] += 1
            yield tail


# --- the contract-table conversion: releases grouped by ocid and compiled with ocdsmerge ------------

@dataclass
class ReadStats:
    """What a read saw: non-blank ``lines``; ``packages``; ``releases`` (release objects: line-level, in
    packages, embedded in records, and records' compiled releases) and ``records`` read; ``skipped``
    lines, releases or records; contracting ``processes`` produced, of which ``merged`` were compiled
    from several releases of one ocid."""

    lines: int = 0
    packages: int = 0
    releases: int = 0
    records: int = 0
    skipped: int = 0
    processes: int = 0
    merged: int = 0
    #: the zone the dates were judged in, and why (given, inferred from the file, or the default)
    timezone: str = ""
    timezone_basis: str = ""

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("lines", "packages", "releases", "records", "skipped",
                                              "processes", "merged")}

    def text(self) -> str:
        """One line, Chinese first."""
        if not self.lines:
            return "OCDS 文件为空（0 行）/ the OCDS file is empty (0 lines)"
        return (f"读取 {self.lines} 行、{self.releases} 条发布、{self.records} 条记录，跳过 {self.skipped} 条；"
                f"得到 {self.processes} 个采购过程（其中 {self.merged} 个由多条发布合并）/ "
                f"read {self.lines} line(s), {self.releases} release(s), {self.records} record(s), "
                f"{self.skipped} skipped; {self.processes} contracting process(es), {self.merged} merged "
                "from several releases")


def _raw_lines(lines, start: int, problems: list[Problem]) -> Iterator[tuple[int, object]]:
    """``(line, value)`` of each non-blank JSON line; a bad line becomes a problem and ``None`` (counted as read)."""
    return _decoded(lines, start, problems)


def _raw_dispatch(no: int, obj, problems: list[Problem]) -> Iterator[tuple[int, object]]:
    yield no, obj


#: the fields of a release (OCDS 1.1): a ``compiledRelease`` with none of them is no release
RELEASE_KEYS = frozenset({"ocid", "id", "date", "tag", "initiationType", "parties", "buyer", "planning", "tender",
                          "awards", "contracts"})


def _is_record(obj: dict) -> bool:
    return "compiledRelease" in obj or (isinstance(obj.get("releases"), list) and "tag" not in obj)


def _members(no: int, obj, problems: list[Problem] | None, stats: ReadStats | None,
             linked_only: dict[str, int] | None,
             published: dict[str, list[str]] | None = None) -> Iterator[tuple[int, str, dict | list]]:
    """``(line, ocid, release)`` of every release of a top-level value, and ``(line, ocid, [releases])``
    for a record without a compiled release whose releases are embedded (compiled by the caller).
    A record with linked releases only goes to ``linked_only`` (its ocid may have releases elsewhere
    in the file). ``problems``/``stats`` None: a second pass, which reports nothing again. ``published``
    receives the ``publishedDate`` of the package and of the record that hold each ocid's releases."""
    package = obj.get("publishedDate") if type(obj) is dict and not isinstance(obj.get("ocid"), str) else None

    def dated(ocid: str, *values) -> None:
        if published is None:
            return
        for value in values:
            if isinstance(value, str) and value.strip() and value not in published.get(ocid, ()):
                published.setdefault(ocid, []).append(value)

    def problem(message: str) -> None:
        if problems is not None:
            problems.append(Problem(no, message))
        if stats is not None:
            stats.skipped += 1

    def count(field: str, n: int = 1) -> None:
        if stats is not None:
            setattr(stats, field, getattr(stats, field) + n)

    def record(i: str, rec) -> Iterator[tuple[int, str, dict | list]]:
        if not isinstance(rec, dict):
            problem(f"{i} is {type_name(rec)}, expected a record object, skipped")
            return
        count("records")
        ocid = rec.get("ocid")
        compiled = rec.get("compiledRelease")
        if compiled is None and isinstance(rec.get("versionedRelease"), dict):
            # a record giving its versioned release and no compiled one (Colombia's SECOP records): the tables layer
            # reads a versioned release as its compiled release (tables._versioned), so it stands for one here
            compiled = rec["versionedRelease"]
        if isinstance(compiled, dict) and not RELEASE_KEYS & compiled.keys():
            # Kingfisher's "dodgy" record: {"hello": …} is no release; the record's own releases may be
            if problems is not None:
                problems.append(Problem(no, f"{i}: compiledRelease has none of the fields of a release "
                                            f"({', '.join(sorted(RELEASE_KEYS))}): ignored", skipped=False))
            compiled = None
        if isinstance(compiled, dict):
            ocid = compiled.get("ocid", ocid)
            if not isinstance(ocid, str):
                problem(f"{i}: ocid is {type_name(ocid)}, expected string, record skipped")
                return
            compiled.setdefault("ocid", ocid)
            count("releases")
            dated(ocid, rec.get("publishedDate"), package)
            yield no, ocid, compiled
            return
        embedded = rec.get("releases")
        parts = [r for r in embedded if isinstance(r, dict) and isinstance(r.get("ocid"), str)] \
            if isinstance(embedded, list) else []
        if not isinstance(ocid, str):
            ocid = parts[0]["ocid"] if parts else None
        if not isinstance(ocid, str):
            problem(f"{i}: ocid is {type_name(ocid)}, expected string, record skipped")
            return
        if parts:
            count("releases", len(parts))
            dated(ocid, rec.get("publishedDate"), package)
            yield no, ocid, parts
        elif linked_only is not None:
            linked_only.setdefault(ocid, no)

    def release(i: str, rel) -> Iterator[tuple[int, str, dict | list]]:
        if not isinstance(rel, dict):
            problem(f"{i} is {type_name(rel)}, expected a release object, skipped")
            return
        ocid = rel.get("ocid")
        if not isinstance(ocid, str):
            count("releases")
            problem(f"{i}: ocid is {type_name(ocid)}, expected string, release skipped")
            return
        count("releases")
        dated(ocid, package)
        yield no, ocid, rel

    if obj is None:  # a line that was not JSON: already a problem
        count("lines")
        count("skipped")
        return
    count("lines")
    if type(obj) is dict:
        if isinstance(obj.get("ocid"), str) and _is_record(obj):
            yield from record("record", obj)
        elif isinstance(obj.get("ocid"), str):
            count("releases")
            yield no, obj["ocid"], obj
        elif (isinstance(obj.get("compiledRelease"), dict) or isinstance(obj.get("versionedRelease"), dict)) \
                and not isinstance(obj.get("records"), list):
            # a record without its top-level ocid (open-contracting/sample-data's records/ files: Montréal,
            # Colombia, Canada): a record all the same, its ocid its compiled release's (not noted: the ocid is
            # certain) — not a package of its releases, whose compiled release was then never read
            yield from record("record", obj)
        elif isinstance(obj.get("records"), list):
            count("packages")
            for k, rec in enumerate(obj["records"]):
                yield from record(f"records[{k}]", rec)
        elif isinstance(obj.get("releases"), list):
            count("packages")
            for k, rel in enumerate(obj["releases"]):
                yield from release(f"releases[{k}]", rel)
        elif isinstance(obj.get("releases"), dict) or isinstance(obj.get("records"), dict):
            # a package whose one release (record) is given as an object, not an array of one
            key = "releases" if isinstance(obj.get("releases"), dict) else "records"
            count("packages")
            if not obj[key]:
                problem(f"{key} is an empty object: a package with nothing in it")
            else:
                if problems is not None:
                    problems.append(Problem(no, f"{key} is an object, expected an array: read as an array of one",
                                            skipped=False, action="repaired"))
                yield from (release if key == "releases" else record)(f"{key}[0]", obj[key])
        elif "ocid" in obj:
            count("releases")
            problem(f"ocid is {type_name(obj['ocid'])}, expected string, release skipped")
        else:
            problem("object has no ocid (neither a release, a record nor a package), skipped")
    elif type(obj) is list:
        for k, item in enumerate(obj):
            if isinstance(item, dict) and not isinstance(item.get("ocid"), str) and (
                    isinstance(item.get("releases"), list) or isinstance(item.get("records"), list)):
                # a list of packages
                sub = _members(no, item, problems, stats, linked_only, published)
                if stats is not None:
                    stats.lines -= 1  # the sub-call counts the line again
                yield from sub
            elif isinstance(item, dict) and isinstance(item.get("ocid"), str) and _is_record(item):
                yield from record(f"[{k}]", item)
            else:
                yield from release(f"[{k}]", item)
    else:
        problem(f"line is a JSON {type_name(obj)}, expected an object, skipped")


# Fields where the standard has an array of objects and publishers write one object: read as an
# array of one (the meaning is certain), with a problem line.
_ARRAYS_OF_OBJECTS = (
    ("parties",), ("awards",), ("contracts",), ("tender", "items"), ("tender", "lots"), ("tender", "tenderers"),
    ("bids", "details"),
)
_NESTED_ARRAYS = {  # inside each element of these arrays
    ("parties",): ("additionalIdentifiers",),
    ("awards",): ("suppliers", "items"),
    ("contracts",): ("items",),
    ("bids", "details"): ("tenderers",),
}


def normalize_release(release: dict, no: int, problems: list[Problem]) -> dict:
    """Repair, in place, the deviations whose meaning is certain, each with a problem line: an object
    where the standard has an array of objects (``awards``, ``additionalIdentifiers``...) becomes an
    array of one; a string where it has an array of strings (``roles``) becomes an array of one. Done
    before merging, as ``ocdsmerge`` refuses an object in one release and an array in another."""
    ocid = release.get("ocid")

    def fix(parent: dict, key: str, path: str) -> list | None:
        value = parent.get(key)
        if isinstance(value, dict):
            parent[key] = [value]
            problems.append(Problem(no, f"{path} is an object, expected an array: read as an array of one",
                                    skipped=False, ocid=ocid, path=path, action="repaired"))
            return parent[key]
        return value if isinstance(value, list) else None

    for keys in _ARRAYS_OF_OBJECTS:
        parent = release
        for k in keys[:-1]:
            parent = parent.get(k) if type(parent) is dict else None
        if type(parent) is not dict:
            continue
        items = parent.get(keys[-1])
        if items is None:
            continue
        path = "/" + "/".join(keys)
        if type(items) is dict:
            items = fix(parent, keys[-1], path)
        if type(items) is not list:
            continue
        for inner in _NESTED_ARRAYS.get(keys, ()):
            for i, item in enumerate(items):
                if type(item) is dict and type(item.get(inner)) is dict:
                    fix(item, inner, f"{path}[{i}]/{inner}")
    for i, party in enumerate(release.get("parties") or ()):
        if isinstance(party, dict) and isinstance(party.get("roles"), str):
            party["roles"] = [party["roles"]]
            problems.append(Problem(no, f"/parties[{i}]/roles is a string, expected an array: read as an array "
                                        "of one", skipped=False, ocid=ocid, path=f"/parties[{i}]/roles",
                                    action="repaired"))
    return release


#: Files up to this size keep their parsed releases from the first pass (no second read; the objects
#: take about ten times the size of the file).
KEEP_IN_MEMORY_BYTES = 8 << 20


def iter_compiled(path: str | Path, problems: list[Problem], stats: ReadStats | None = None,
                  published: dict[str, list[str]] | None = None) -> Iterator[tuple[int, dict]]:
    """Yield ``(line, compiled release)`` for every contracting process (ocid) in the file.

    The releases of one ocid, wherever they are in the file (line-level releases, releases in
    packages, a record's compiled or embedded releases), are compiled with ``ocdsmerge``
    (``bidwatch.ocds.merge``); an ocid with one release yields it as it is. ``line`` is the line of
    the ocid's first release. Memory: a first pass counts the releases of each ocid; the second keeps
    only the releases of the ocids not complete yet, as compact JSON (files under
    ``KEEP_IN_MEMORY_BYTES`` are parsed once). Standard input is spooled to a temporary file first.

    ``published`` (a dict), where given, receives for each ocid the ``publishedDate`` of the release packages,
    record packages and records that hold its releases (each value once, as written) before its process is
    yielded: a release's own ``date`` may be the process's start (Ecuador's SERCOP), its package's publication
    date says what it could report.
    """
    stats = stats if stats is not None else ReadStats()
    spooled = None
    if str(path) == "-":
        import shutil
        import sys
        import tempfile

        spooled = tempfile.NamedTemporaryFile(prefix="bidwatch-ocds-", suffix=".jsonl")  # noqa: SIM115
        shutil.copyfileobj(sys.stdin.buffer, spooled)
        spooled.flush()
        path = spooled.name
    try:
        yield from _compiled(path, problems, stats, published)
    finally:
        if spooled is not None:
            spooled.close()


def _compiled(path, problems: list[Problem], stats: ReadStats,
              published: dict[str, list[str]] | None = None) -> Iterator[tuple[int, dict]]:
    import os

    from bidwatch.ocds.merge import compile_releases

    try:
        keep = os.path.getsize(path) <= KEEP_IN_MEMORY_BYTES and not str(path).endswith(".gz")
    except OSError:
        keep = False
    counts: dict[str, int] = {}
    linked_only: dict[str, int] = {}
    kept: list[tuple[int, str, dict | list]] = []
    for no, value in _read(path, problems, _raw_dispatch, _raw_lines):
        for member in _members(no, value, problems, stats, linked_only, published):
            counts[member[1]] = counts.get(member[1], 0) + 1
            if keep:
                kept.append(member)

    def members() -> Iterator[tuple[int, str, dict | list]]:
        if keep:
            yield from kept
            return
        scratch: list[Problem] = []
        for no, value in _read(path, scratch, _raw_dispatch, _raw_lines):
            yield from _members(no, value, None, None, None)

    def compiled(no: int, ocid: str, parts: list[tuple[int, dict | list]]) -> dict:
        releases: list[dict] = []
        for line, member in parts:
            for r in (member if isinstance(member, list) else [member]):
                releases.append(normalize_release(r, line, problems))
        if len(releases) == 1:
            return releases[0]
        notes: list[str] = []
        out = compile_releases(releases, notes)
        stats.merged += 1
        lines = sorted({line for line, _ in parts})
        for note in notes:
            problems.append(Problem(no, f"merging the {len(releases)} releases of {ocid} (lines "
                                        f"{', '.join(map(str, lines[:10]))}{'…' if len(lines) > 10 else ''}): {note}",
                                    skipped=False, ocid=ocid, action="repaired"))
        return out

    # The releases of an ocid not complete yet wait as compact JSON bytes (about the size of their lines,
    # a tenth of the parsed objects): releases published stage by stage (all tenders, then all awards...)
    # keep most of the file waiting.
    pending: dict[str, list[tuple[int, bytes]]] = {}
    dumps = orjson.dumps
    for no, ocid, member in members():
        n = counts.get(ocid, 1)
        if n == 1 and not isinstance(member, list):
            stats.processes += 1
            yield no, normalize_release(member, no, problems)
            continue
        group = pending.setdefault(ocid, [])
        group.append((no, dumps(member)))
        if len(group) >= n:
            del pending[ocid]
            stats.processes += 1
            yield group[0][0], compiled(group[0][0], ocid, [(line, _loads(raw)) for line, raw in group])
    for ocid, group in pending.items():  # only if the file changed between the two passes
        stats.processes += 1
        yield group[0][0], compiled(group[0][0], ocid, [(line, _loads(raw)) for line, raw in group])
    kept.clear()
    for ocid, no in linked_only.items():
        if ocid not in counts:
            stats.skipped += 1
            problems.append(Problem(no, f"record {ocid} has neither a compiled release nor embedded releases "
                                        "(linked releases are not fetched: no network), skipped",
                                    ocid=ocid, path="/records"))
