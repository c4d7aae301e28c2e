"""Streaming reader of OCDS data: JSON lines of compiled releases, release packages or record
packages, or one JSON document (a release package, a record package, a list of releases, one
release).

Every problem is recorded with its line number in the ``problems`` list the caller passes, and the
offending line (or item) is skipped: a bad line never stops the run. Problems are:

- invalid JSON, invalid UTF-8 (the line is skipped);
- wrong types at the top of a release: not a JSON object, ``ocid`` missing or not a string (the
  release is skipped);
- wrong types inside a release, found by the code that reads the field (the field is ignored, as
  Cardinal ignores it; ``Problem.skipped`` is False).

Blank lines are skipped silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

_loads = orjson.loads
_JSONDecodeError = orjson.JSONDecodeError


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem in the input: 1-based line number, message; ``skipped`` tells whether the whole
    line (or release) was dropped, or only the field named in the message was ignored."""

    line: int
    message: str
    skipped: bool = True

    def __str__(self) -> str:
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


def _decode_problem(no: int, line: bytes, error: Exception) -> Problem:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as e:
        return Problem(no, f"invalid UTF-8 at byte {e.start + 1} ({e.reason}), line skipped")
    message = str(error)
    if "64-bit" in message:  # orjson's integer range; serde_json (Cardinal) reads it as a float
        try:
            obj = json.loads(line, parse_constant=_reject_constant)
        except ValueError:
            pass
        else:
            return obj  # type: ignore[return-value]
    return Problem(no, f"invalid JSON ({message}), line skipped")


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


# --- compiling individual releases (OCDS merge, simplified) ---------------------------------------

def _merge_into(target: dict, source: dict) -> None:
    for key, value in source.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = {}
                target[key] = current
            _merge_into(current, value)
        elif (isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value)
              and isinstance(target.get(key), list)):
            current = target[key]
            index = {(str(v.get("id")) if isinstance(v, dict) else None): i for i, v in enumerate(current)}
            for item in value:
                i = index.get(str(item["id"]))
                if i is None or not isinstance(current[i], dict):
                    index[str(item["id"])] = len(current)
                    current.append(_copy(item))
                else:
                    _merge_into(current[i], item)
        else:
            target[key] = _copy(value)


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def compile_releases(releases: list[dict]) -> dict:
    """Merge the individual releases of one contracting process into a compiled release: in date
    order, later values replace earlier ones, objects merge, arrays of objects with ``id`` merge
    by id, ``null`` removes a field (the OCDS merge routine, without versioned releases)."""
    ordered = sorted(releases, key=lambda r: r.get("date") if isinstance(r.get("date"), str) else "")
    compiled: dict = {}
    for release in ordered:
        _merge_into(compiled, release)
    compiled["tag"] = ["compiled"]
    if ordered:
        compiled["id"] = f"{compiled.get('ocid')}-{compiled.get('date', '')}"
    return compiled


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

    ``path`` may be ``-`` for standard input. Problems are appended to ``problems``.
    """
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
                if first.lstrip()[:1] in (b"{", b"["):
                    whole = first + f.read()
                    try:
                        doc = _loads(whole)
                    except _JSONDecodeError:
                        doc = None
                    if doc is not None:
                        yield from _dispatch(1, doc, problems)
                        return
                    # Not one document either: read it as JSON lines, from the first line.
                    if f.seekable():
                        del whole
                        f.seek(0)
                        f.readline()
                        yield from _iter_lines(iter((first,)), 1, problems)
                        yield from _iter_lines(f, 2, problems)
                    else:
                        lines = whole.splitlines(keepends=True)
                        del whole
                        lines[0] = first
                        yield from _iter_lines(iter(lines), 1, problems)
                    return
                p = _decode_problem(no, first, e)
                if isinstance(p, Problem):
                    problems.append(p)
                else:
                    yield from _dispatch(no, _fold_big_ints(p), problems)
            else:
                yield from _dispatch(no, obj, problems)
        yield from _iter_lines(f, 2, problems)
    finally:
        if close:
            f.close()


def _iter_lines(lines, start: int, problems: list[Problem]) -> Iterator[tuple[int, dict]]:
    loads = _loads
    err = _JSONDecodeError
    for no, line in enumerate(lines, start):
        try:
            obj = loads(line)
        except err as e:
            if not line.strip():
                continue
            p = _decode_problem(no, line, e)
            if isinstance(p, Problem):
                problems.append(p)
                continue
            obj = _fold_big_ints(p)
        if type(obj) is dict:
            ocid = obj.get("ocid")
            if type(ocid) is str:
                yield no, obj
                continue
        yield from _dispatch(no, obj, problems)


def looks_like_ocds(path: str | Path) -> bool:
    """Whether a file is OCDS JSON (lines) — for ``bidwatch scan`` to pick this reader: a .json,
    .jsonl or .ndjson file (optionally .gz) whose first JSON text has ``ocid``, ``releases`` or
    ``records``."""
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
