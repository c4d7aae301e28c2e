"""The fused fold (``ocds/cardinal/fuse.py``): every flag's hook written into the loop gives what
calling the hooks gives, and a hook that cannot be written in is called instead."""

from __future__ import annotations

import ast
import importlib.util
import marshal
import random
import sys
from pathlib import Path

import pytest

from bidwatch.ocds.cardinal import base, compute, dumps, fuse
from bidwatch.ocds.cardinal.base import BIDS, TENDER, Context, Indicator, Plan, flag
from bidwatch.ocds.cardinal.dates import _DAY_NS, days_between, parse_rfc3339
from bidwatch.ocds.cardinal.registry import INDICATORS, REGISTRY
from bidwatch.ocds.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def _releases(n: int) -> list[tuple[int, dict]]:
    spec = importlib.util.spec_from_file_location("ocds_gen", REPO / "bench" / "ocds_gen.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rng = random.Random(5)
    rows = [gen.release(i, rng) for i in range(n)]
    # Wrong types where the fold reports them, so that the problems are compared too.
    rows[7]["tender"]["tenderPeriod"] = "2024"
    rows[8]["bids"]["details"].append("not a bid")
    rows[9]["bids"]["details"][0]["value"]["amount"] = "100"
    rows[10]["buyer"] = ["B"]
    rows[11]["awards"].append(3)
    return list(enumerate(rows, 1))


def _run(monkeypatch, rows, settings: Settings, fuse_on: bool, **kwargs) -> tuple[bytes, list]:
    monkeypatch.setenv("BIDWATCH_OCDS_FUSE", "1" if fuse_on else "0")
    problems: list = []
    out = compute(rows, settings, problems=problems, **kwargs)
    return dumps(out), [(p.line, p.message, p.skipped) for p in problems]


def _settings(variant: str) -> Settings:
    s = Settings.all_indicators()
    s.indicators["R048"] = {"minimum_contracting_processes": 2}
    if variant == "corrected":
        s.correct()
    elif variant == "thresholds":
        s.indicators["R003"] = {"procurement_methods": "open", "threshold": 20}
        s.indicators["R035"] = {"threshold": 2}
        s.indicators["R024"] = {"threshold": 0.05}
        s.currency = "CNY"
    return s


@pytest.mark.parametrize("variant", ["default", "corrected", "thresholds"])
def test_fused_fold_equals_calling_the_hooks(monkeypatch, variant):
    rows = _releases(2500)  # more than FLUSH_EVERY: the batches are flushed while folding
    settings = _settings(variant)
    plan = Plan(settings, True, REGISTRY)
    assert fuse.fused_fold(plan.classes) is not None  # the fused loop really runs
    for map_ in (False, True):
        fused = _run(monkeypatch, rows, settings, True, map=map_)
        called = _run(monkeypatch, rows, settings, False, map=map_)
        assert fused == called
    out, problems = fused
    assert b'"R030"' in out and b'"R035"' in out and b'"R036"' in out
    assert len(problems) >= 4  # (R003's wrong tenderPeriod only where R003 reads it)


def test_every_flag_is_fused_alone_and_together():
    plans = [Plan(Settings(indicators={code: {}}), False, REGISTRY) for code in INDICATORS]
    plans.append(Plan(Settings.all_indicators(), True, REGISTRY))
    for plan in plans:
        function, tree = fuse.build(plan.classes)
        assert callable(function)
        source = ast.unparse(tree)
        assert "hook(ctx)" not in source
        for cls in plan.classes:
            if cls.fold is not Indicator.fold:
                assert f"_{cls.code.lower()}_" in source, cls.code


# --- hooks that cannot be written into the loop are called --------------------------------------------

class _Base(Indicator):
    code = "X001"
    phase = BIDS

    @classmethod
    def enabled(cls, settings) -> bool:
        return True


def _helper(ctx: Context) -> None:
    flag(ctx.res_ocid, ctx.ocid, "X001", 1.0)


class PassesCtx(_Base):
    def fold(self, ctx: Context) -> None:
        _helper(ctx)


class StoresAttribute(_Base):
    def __init__(self, settings, map_):
        super().__init__(settings, map_)
        self.seen = 0

    def fold(self, ctx: Context) -> None:
        self.seen += 1
        flag(ctx.res_ocid, ctx.ocid, "X001", float(self.seen))


class ReturnsInLoop(_Base):
    def fold(self, ctx: Context) -> None:
        for t in ctx.valid1:
            if t == "W":
                flag(ctx.res_ocid, ctx.ocid, "X001", 1.0)
                return


class ReturnsValue(_Base):
    def fold(self, ctx: Context):
        flag(ctx.res_ocid, ctx.ocid, "X001", 1.0)
        return 1


class Comprehension(_Base):
    def fold(self, ctx: Context) -> None:
        if [t for t in ctx.valid1 if t == "W"]:
            flag(ctx.res_ocid, ctx.ocid, "X001", 1.0)


class ReadsALaterPhase(_Base):
    phase = TENDER

    def fold(self, ctx: Context) -> None:
        if ctx.valid1:
            flag(ctx.res_ocid, ctx.ocid, "X001", 1.0)


class Inlinable(_Base):
    """A ``return`` in a loop's ``else`` leaves the hook; a ``break``, only the loop."""

    def fold(self, ctx: Context) -> None:
        found = 0
        for t in ctx.valid1:
            found += t == "W"
            if found:
                break
        else:
            return
        flag(ctx.res_ocid, ctx.ocid, "X001", float(found))
        flag(ctx.res_tenderer, "W", "X001", 1.0)


@pytest.mark.parametrize("cls", [PassesCtx, StoresAttribute, ReturnsInLoop, ReturnsValue, Comprehension,
                                 ReadsALaterPhase])
def test_a_hook_that_cannot_be_inlined_is_called(monkeypatch, cls):
    with pytest.raises(fuse.NotInlinable):
        fuse.build((cls,))
    assert fuse.fused_fold((cls,)) is None
    assert cls.__name__ in fuse.fused_source((cls,))  # why
    if cls is ReadsALaterPhase:
        return  # (called, it would read a field not set yet)
    monkeypatch.setenv("BIDWATCH_OCDS_FUSE", "1")
    plan = Plan(Settings(), False, (cls,))
    st = plan.new_state()
    releases = [(1, {"ocid": "a", "bids": {"details": [{"status": "valid", "tenderers": [{"id": "W"}]}]},
                     "awards": []})]
    base.fold(releases, plan, st, [], None)
    assert "X001" in st.ocid["a"]


def test_an_inlined_hook_with_a_loop_else_and_a_return(monkeypatch):
    assert fuse.fused_fold((Inlinable,)) is not None
    releases = [(1, {"ocid": "a", "bids": {"details": [{"status": "valid", "tenderers": [{"id": "W"}]}]}}),
                (2, {"ocid": "b", "bids": {"details": [{"status": "valid", "tenderers": [{"id": "V"}]}]}})]
    results = []
    for on in ("1", "0"):
        monkeypatch.setenv("BIDWATCH_OCDS_FUSE", on)
        plan = Plan(Settings(), False, (Inlinable,))
        st = plan.new_state()
        base.fold(releases, plan, st, [], None)
        results.append((st.ocid, st.tenderer))
    assert results[0] == results[1] == ({"a": {"X001": 1.0}}, {"W": {"X001": 1.0}})


# --- R003's one call for both dates ----------------------------------------------------------------------

DATES = ["2024-01-01T00:00:00Z", "2024-01-15T23:59:59Z", "2024-01-16T00:00:00Z", "2023-12-31T23:59:60Z",
         "2024-02-29T12:00:00Z", "2023-02-29T12:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T10:00:00+08:00",
         "2024-01-01T10:00:00.5Z", "2024-01-01 10:00:00z", "2024-01-01", "2024-01-01T10:00:00", "garbage",
         "2024-13-01T00:00:00Z", "2024-01-10T00:00:00-05:00"]


def test_days_between_is_the_difference_of_two_parses():
    for _ in range(2):  # caches cold, then warm
        for s in DATES:
            for e in DATES:
                a, b = parse_rfc3339(s), parse_rfc3339(e)
                if a is None or b is None:
                    expected = None
                else:
                    diff = b - a
                    expected = diff // _DAY_NS if diff >= 0 else -((-diff) // _DAY_NS)
                assert days_between(s, e) == expected, (s, e)
    assert days_between("2024-01-16T00:00:00Z", "2024-01-01T00:00:01Z") == -14  # towards zero


# --- the fused code kept in __pycache__ -------------------------------------------------------------------

def test_the_fused_code_is_kept_and_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(fuse, "_CACHE_DIR", tmp_path)
    monkeypatch.setattr(fuse, "_cache", {})
    settings = _settings("default")
    plan = Plan(settings, True, REGISTRY)
    assert fuse.fused_fold(plan.classes) is not None
    (kept,) = tmp_path.glob("fused-*.bin")
    made_again = []
    real_compile = fuse._compile
    monkeypatch.setattr(fuse, "_compile", lambda classes: made_again.append(classes) or real_compile(classes))
    monkeypatch.setattr(fuse, "_cache", {})
    rows = _releases(1200)
    fused = _run(monkeypatch, rows, settings, True, map=True)
    assert made_again == []  # read from the file
    assert fused == _run(monkeypatch, rows, settings, False, map=True)
    assert "_r030_" in fuse.fused_source(plan.classes)  # (made again to be printed)
    # Not a file this Python reads: made again and written again.
    kept.write_bytes(b"not marshal")
    monkeypatch.setattr(fuse, "_cache", {})
    made_again.clear()
    assert fuse.fused_fold(plan.classes) is not None
    assert made_again == [plan.classes]
    assert kept.read_bytes() != b"not marshal"
    # Made of other sources (a hook's file changed): made again.
    stamp, code, names = marshal.loads(kept.read_bytes())
    kept.write_bytes(marshal.dumps((stamp[:1] + (stamp[1][1:],), code, names)))
    monkeypatch.setattr(fuse, "_cache", {})
    made_again.clear()
    assert fuse.fused_fold(plan.classes) is not None
    assert made_again == [plan.classes]
    # Another set of flags is another file.
    fuse.fused_fold(Plan(Settings(indicators={"R003": {}}), False, REGISTRY).classes)
    assert len(list(tmp_path.glob("fused-*.bin"))) == 2


def test_a_read_only_cache_folder_is_no_error(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    (tmp_path / "file").write_text("")
    monkeypatch.setattr(fuse, "_CACHE_DIR", tmp_path / "file" / "__pycache__")
    monkeypatch.setattr(fuse, "_cache", {})
    assert fuse.fused_fold(Plan(Settings.all_indicators(), False, REGISTRY).classes) is not None
    assert list(tmp_path.iterdir()) == [tmp_path / "file"]
