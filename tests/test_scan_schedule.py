"""The order in which the scan runs its indicators (issue 11: the 1M-bid scan's wall time).

A background indicator (the classifier) runs on a second thread; the SQL indicators after it in the catalogue
must not wait for it, the coverage hook runs on that thread once it is free (beside the later SQL indicators), and
the alerts still come out in catalogue order."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pandas as pd
import pytest

from bidwatch.indicators.base import Indicator, ScanContext
from bidwatch.scan import run_indicators


class _Dataset:
    def has(self, table: str, *cols: str) -> bool:
        return True


def _frame(tender: str) -> pd.DataFrame:
    return pd.DataFrame({"tender_id": [tender], "project_id": [None], "company_ids": [["C1", "C2"]],
                         "score": [1.0], "severity": [None], "evidence": ["{}"]})


def _indicator(code: str, build, background: bool = False) -> Indicator:
    return Indicator(code=code, name_zh=code, name_en=code, family="collusion", legal_basis="", severity="high",
                     requires=(), build=build, message=lambda r: "", background=background)


def _ctx(kind: str = "duckdb") -> ScanContext:
    return ScanContext(engine=SimpleNamespace(kind=kind), dataset=_Dataset(), settings={})


def test_background_indicator_does_not_hold_up_the_later_sql_ones(monkeypatch):
    monkeypatch.delenv("BIDWATCH_SEQUENTIAL", raising=False)
    later_ran = threading.Event()
    events: list[str] = []

    def background(ctx):
        # finishes only once the foreground indicator that follows it in the catalogue has run
        assert later_ran.wait(timeout=20), "the later indicator waited for the background one"
        events.append("background")
        return _frame("T2")

    def first(ctx):
        events.append("first")
        return _frame("T1")

    def later(ctx):
        events.append("later")
        later_ran.set()
        return _frame("T3")

    chosen = [_indicator("a_first", first), _indicator("b_model", background, background=True),
              _indicator("c_later", later)]
    seen: list[tuple[list[str], bool]] = []

    def meanwhile(ran, skipped):
        seen.append(([ind.code for ind in ran], "background" in events))

    alerts, skipped, timings = run_indicators(_ctx(), chosen, meanwhile=meanwhile)
    assert events.index("later") < events.index("background")
    # the hook ran once, with every runnable indicator, after the foreground ones
    assert [codes for codes, _ in seen] == [["a_first", "b_model", "c_later"]]
    assert list(alerts["indicator"]) == ["a_first", "b_model", "c_later"]  # catalogue order
    assert list(alerts["tender_id"]) == ["T1", "T2", "T3"]
    assert list(timings) == ["a_first", "b_model", "c_later"]
    assert skipped == []


def test_the_coverage_hook_runs_beside_the_later_sql_indicators(monkeypatch):
    # at 1M bids the classifier is done half-way through the SQL indicators: the hook then takes the free thread
    # instead of a wait of its own at the end
    monkeypatch.delenv("BIDWATCH_SEQUENTIAL", raising=False)
    hook_ran = threading.Event()
    order: list[str] = []

    def later(ctx):
        assert hook_ran.wait(timeout=20), "the hook waited for the foreground indicators"
        order.append("later")
        return _frame("T2")

    def hook(ran, skipped):
        order.append(f"hook on {threading.current_thread().name.split('_')[0]} after {order[:1]}")
        hook_ran.set()

    chosen = [_indicator("a_model", lambda ctx: order.append("model") or _frame("T1"), background=True),
              _indicator("b_later", later)]
    alerts, _, _ = run_indicators(_ctx(), chosen, meanwhile=hook)
    assert order == ["model", "hook on bidwatch-indicator after ['model']", "later"]
    assert list(alerts["indicator"]) == ["a_model", "b_later"]


@pytest.mark.parametrize("kind", ["duckdb", "spark"])
def test_sequential_runs_call_the_hook_once_after_all(monkeypatch, kind):
    monkeypatch.setenv("BIDWATCH_SEQUENTIAL", "1")
    order: list[str] = []
    chosen = [_indicator("x", lambda ctx: order.append("x") or _frame("T1")),
              _indicator("y", lambda ctx: order.append("y") or _frame("T2"), background=True)]
    alerts, _, _ = run_indicators(_ctx(kind), chosen, meanwhile=lambda ran, skipped: order.append("hook"))
    assert order == ["x", "y", "hook"]
    assert list(alerts["indicator"]) == ["x", "y"]
