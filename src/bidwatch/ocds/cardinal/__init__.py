"""Cardinal's OCDS red-flag indicators, re-implemented in Python.

R003, R018, R024, R025, R028, R030, R035, R036, R038, R048, R058 follow Cardinal 0.0.8
(open-contracting/cardinal-rs, MIT) definitions, settings and JSON output shape; R044 follows the
unmerged branch that defines it. Quirks kept for parity (see ``settings.py`` for the corrected
behaviour of the first three):

- R030 compares the bid date and the tender period's end date as strings.
- R025 counts a tenderer once per contracting process, not once per valid bid.
- R038's ``minimum_contracting_processes`` is compared with the number of submitted bids.
- Quartiles are Hyndman–Fan type 8 computed as the ``statrs`` crate does; fences use a fused
  multiply-add, as Rust's ``mul_add``; ``Meta`` values are rounded half away from zero to 4 decimals.
- The main currency, when not set, is the first currency observed by R024/R058 or R036, in file
  order (Cardinal runs in parallel, so with several currencies its choice can vary between runs).
- NaN and infinities are written as ``null``.

Everything runs in one pass over the file; the state kept is per tenderer / buyer / procuring
entity and per flagged contracting process, not per release.

One red flag, one module (as Cardinal has one file per indicator): ``r003.py`` … ``r058.py``, each
with what it measures, Cardinal's code and its threshold; ``second_lowest_bid_ratio.py`` is the
calculation R024 and R058 share. ``base.py`` has the indicator protocol, the shared per-release
context and the fold loop; ``registry.py`` the fold order. This module runs them: reading, the
split over processes, merging, finalizing.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import orjson

from bidwatch.ocds.cardinal.base import GROUPS, Plan, State, finalize
from bidwatch.ocds.cardinal.base import fold as _fold
from bidwatch.ocds.cardinal.dates import parse_instant, parse_rfc3339
from bidwatch.ocds.cardinal.numbers import fdiv, fma, quartiles, round4, statrs_quantile
from bidwatch.ocds.cardinal.registry import INDICATORS, REGISTRY
from bidwatch.ocds.reader import Problem, iter_range, iter_releases
from bidwatch.ocds.settings import Settings, split_pipe

__all__ = ["GROUPS", "INDICATORS", "MIN_PARALLEL_BYTES", "compute", "default_jobs", "dumps", "fdiv", "fma",
           "parse_instant", "parse_rfc3339", "quartiles", "round4", "split_pipe", "statrs_quantile"]


def _plan(settings: Settings, map_: bool) -> Plan:
    return Plan(settings, map_, REGISTRY)


# --- entry point ----------------------------------------------------------------------------------


MIN_PARALLEL_BYTES = 16 << 20


def default_jobs() -> int:
    """Worker processes: the CPUs this process may use, at most 2 (more rarely pays off here)."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return max(1, min(n, 2))


def compute(
    source: str | Path | Iterable[tuple[int, dict]],
    settings: Settings | None = None,
    *,
    map: bool = False,
    meta: bool = True,
    problems: list[Problem] | None = None,
    jobs: int | None = None,
    stats: dict | None = None,
) -> dict:
    """Run the enabled indicators over ``source`` (a path, ``-``, or ``(line, release)`` pairs)
    and return Cardinal's result object: ``{"OCID": ..., "Buyer": ..., "ProcuringEntity": ...,
    "Tenderer": ..., "Meta": ...}`` (empty groups left out), plus ``"Maps"`` when ``map``.

    A JSON-lines file of at least 16 MiB is split at line boundaries over ``jobs`` processes
    (default: up to 2); the result is the same as a sequential run. ``stats`` (a dict) receives
    ``lines`` (up to the last line read) and ``releases`` (releases read), for the read summary."""
    if settings is None:
        settings = Settings.all_indicators()
    if problems is None:
        problems = []
    c = _plan(settings, map)
    if c.npc and c.pc:
        problems.append(Problem(0, "no_price_comparison_procurement_methods has no effect if "
                                   "price_comparison_procurement_methods is set", skipped=False))
    jobs = default_jobs() if jobs is None else max(1, jobs)
    st = c.new_state()
    # The fold makes no reference cycles: the cyclic GC would only walk every live object (all of
    # pandas' when the full CLI loaded it) again and again. Frozen objects are also not touched by
    # a forked worker's GC, which keeps their memory pages shared.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        if isinstance(source, (str, Path)):
            ranges = _split(source, jobs) if jobs > 1 else None
            if ranges:
                st = _parallel(source, ranges, c, problems)
            else:
                _fold(iter_releases(source, problems), c, st, problems, c.currency)
        else:
            _fold(source, c, st, problems, c.currency)
    finally:
        gc.unfreeze()
        if gc_was_enabled:
            gc.enable()
    if stats is not None:
        stats["releases"] = st.releases
        stats["lines"] = max([st.lines, st.last_line] + [p.line for p in problems if p.line])
    t0 = time.perf_counter()
    out = finalize(st, meta)
    _timing(f"finalize {time.perf_counter() - t0:.2f} s")
    return out


def _timing(message: str) -> None:
    if os.environ.get("BIDWATCH_OCDS_TIMING"):
        print(f"timing: {message}", file=sys.stderr)


def _split(path: str | Path, jobs: int) -> list[tuple[int, int]] | None:
    """Byte ranges starting at line starts, or None when the file should be read in one go
    (small, standard input, not JSON lines)."""
    if str(path) == "-" or str(path).endswith(".gz"):
        return None
    try:
        size = os.path.getsize(path)
    except OSError:
        return None
    if size < MIN_PARALLEL_BYTES:
        return None
    with open(path, "rb") as f:
        first = f.readline()
        if first.startswith(b"\xef\xbb\xbf"):
            first = first[3:]
        try:
            obj = orjson.loads(first)
        except orjson.JSONDecodeError:
            return None  # maybe one pretty-printed document: read sequentially
        if not isinstance(obj, dict):
            return None
        # The first range (read by the parent, which also merges and finalizes) is a bit smaller.
        weights = [0.9] + [1.0] * (jobs - 1)
        total = sum(weights)
        cuts = [0]
        for k in range(1, jobs):
            f.seek(max(int(size * sum(weights[:k]) / total) - 1, cuts[-1]))
            f.readline()
            pos = f.tell()
            if pos >= size or pos <= cuts[-1]:
                break
            cuts.append(pos)
    cuts.append(size)
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]


def _run_range(path, start, end, c, cur, probe=False):
    problems: list[Problem] = []
    st = c.new_state()
    lines = [0]
    found = _fold(iter_range(path, start, end, problems, lines), c, st, problems, cur, probe)
    st.lines = lines[0]
    return st, problems, found


def _fork_context():
    """The ``fork`` multiprocessing context, or None when forking is not safe: another thread is
    running (it may hold a lock the child would inherit, held forever), e.g. in a web server, or
    in a process that started Spark (py4j and the SparkContext leave threads running), or the
    platform has no fork. The range is then read in this process: same result, no worker."""
    import multiprocessing
    import threading

    if threading.active_count() != 1:
        return None
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def _parallel(path, ranges, c: Plan, problems: list[Problem]) -> State:
    import pickle

    ctx = _fork_context()
    # The main currency each range starts with: Cardinal takes the first one observed in the file.
    starts = [c.currency] * len(ranges)
    if c.need_currency:
        cur = None
        for k in range(1, len(ranges)):
            if cur is None:
                cur = _fold(iter_range(path, *ranges[k - 1], []), c, c.new_state(), None, None, probe=True)
            starts[k] = cur
    if ctx is None:
        parts = [_run_range(path, s, e, c, cur) for (s, e), cur in zip(ranges, starts)]
    else:
        if c.fuse:
            from bidwatch.ocds.cardinal.fuse import fused_fold

            fused_fold(c.classes)  # made once, before the fork: the workers inherit it
        children = []
        for (s, e), cur in list(zip(ranges, starts))[1:]:
            reader, writer = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(writer, path, s, e, c, cur), daemon=True)
            proc.start()
            writer.close()
            children.append((proc, reader))
        t0 = time.perf_counter()
        c0 = time.process_time()
        parts = [_run_range(path, *ranges[0], c, starts[0])]
        _timing(f"parent range {ranges[0]}: {time.perf_counter() - t0:.2f} s wall, "
                f"{time.process_time() - c0:.2f} s cpu")
        for (proc, reader), (s, e), cur in zip(children, ranges[1:], starts[1:]):
            try:
                payload = reader.recv_bytes()
            except EOFError:
                payload = None
            proc.join()
            _timing(f"child {proc.pid} done {time.perf_counter() - t0:.2f} s after the fork")
            part = pickle.loads(payload) if payload is not None else None
            if not isinstance(part, tuple):
                # The worker died or failed: read its range here instead.
                problems.append(Problem(0, f"worker process failed ({part or f'exit code {proc.exitcode}'}); "
                                           "its part of the file was read again sequentially", skipped=False))
                part = _run_range(path, s, e, c, cur)
            parts.append(part)
    t1 = time.perf_counter()
    offset = 0
    st = parts[0][0]
    for i, (part, part_problems, _) in enumerate(parts):
        if i > 0:
            st.merge(part)
        for p in part_problems:
            problems.append(Problem(p.line + offset, p.message, p.skipped) if p.line else p)
        offset += part.lines
    st.lines = offset
    st.releases = sum(part.releases for part, _, _ in parts)
    _timing(f"merge {time.perf_counter() - t1:.2f} s")
    return st


def _child(writer, path, start, end, c, cur) -> None:
    import pickle

    try:
        c0 = time.process_time()
        part = _run_range(path, start, end, c, cur)
        payload = pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
        _timing(f"child range {(start, end)}: {time.process_time() - c0:.2f} s cpu, "
                f"{len(payload) / 2**20:.1f} MiB sent")
    except BaseException as e:  # noqa: BLE001 - reported by the parent, which redoes the range
        payload = pickle.dumps(f"{type(e).__name__}: {e}")
    writer.send_bytes(payload)
    writer.close()


def dumps(result: dict) -> bytes:
    """Cardinal's compact JSON (NaN and infinities as null)."""
    return orjson.dumps(result)
