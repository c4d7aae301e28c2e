"""Evaluation panels (5 experts per tender) and their scores of every valid bid."""

from __future__ import annotations

import numpy as np

from bidwatch.synth.entities import Cols
from bidwatch.synth.util import position_in_group

PANEL = 5
MAX_PER_TENDERER = 3  # ordinary data: an expert sits on at most 3 panels of one tenderer (a county-sized owner)


def per_tenderer_cap(tenderer: np.ndarray, n_owners: int, n_experts: int) -> np.ndarray:
    """The most panels of one tenderer an ordinary expert sits on, per tenderer: 3, or twice what a random draw
    gives on average where the tenderer holds more panels than the expert pool can fill at 3 each (an owner of
    80 panels needs 400 seats: 150 experts at 3 each could barely fill them, and drawing failed at 5,000 tenders)."""
    panels_of = np.bincount(tenderer, minlength=n_owners)
    return np.maximum(MAX_PER_TENDERER, np.ceil(2.0 * panels_of * PANEL / max(n_experts, 1))).astype(np.int64)


def panels(rng: np.random.Generator, co: Cols, pj: Cols, td: Cols, bd: Cols, ex: Cols,
           fixed_slots: dict[tuple[int, int], int], planted_pairs: set[tuple[int, int]],
           pools: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Random panels without conflicts: no two seats for one expert, no expert whose employer bids,
    no expert on more than MAX_PER_TENDERER panels of one tenderer, or twice the average of a large one
    (:func:`per_tenderer_cap`; except planted pairs' seats).

    ``pools`` (background.expert_pools): tenders of a county pool draw from its few experts, and the
    cap does not apply to them — there repeats are what the pool size makes them."""
    n = td.n
    panel = rng.integers(0, ex.n, (n, PANEL))
    county = np.zeros(n, dtype=bool)
    if pools is not None:
        pool_of, members, sizes = pools
        county = pool_of >= 0

        def from_pool(rows: np.ndarray) -> np.ndarray:
            p = pool_of[rows]
            return members[p, (rng.random(len(rows)) * sizes[p]).astype(np.int64)]

        rows = np.repeat(np.flatnonzero(county), PANEL)
        panel[county] = from_pool(rows).reshape(-1, PANEL)
    fixed = np.zeros((n, PANEL), dtype=bool)
    for (t, j), e in fixed_slots.items():
        panel[t, j] = e
        fixed[t, j] = True
    bid_keys = np.unique(bd.tender.astype(np.int64) * co.n + bd.company)
    cap = np.repeat(per_tenderer_cap(pj.owner[td.project], co.n, ex.n)[pj.owner[td.project]], PANEL)
    tenderer = pj.owner[td.project]
    planted = np.array(sorted(e * co.n + o for e, o in planted_pairs), dtype=np.int64)
    for _ in range(200):
        bad = np.zeros((n, PANEL), dtype=bool)
        # mark the later seat of a duplicated expert (a fixed seat always survives)
        for j in range(1, PANEL):
            for i in range(j):
                same = panel[:, j] == panel[:, i]
                bad[:, j] |= same & ~fixed[:, j]
                bad[:, i] |= same & fixed[:, j] & ~fixed[:, i]
        emp_key = np.arange(n)[:, None] * co.n + ex.employer[panel]
        pos = np.searchsorted(bid_keys, emp_key).clip(0, len(bid_keys) - 1)
        bad |= bid_keys[pos] == emp_key
        pair = panel.astype(np.int64) * co.n + tenderer[:, None]
        flat = pair.ravel()
        o = np.lexsort((~fixed.ravel(), np.repeat(np.arange(n), PANEL), flat))
        cnt = np.bincount(np.unique(flat[o], return_inverse=True)[1])
        rank = position_in_group(cnt)
        over = np.zeros(flat.size, dtype=bool)
        over[o] = rank >= cap[o]
        over &= ~np.repeat(county, PANEL)
        if len(planted):
            pi = np.searchsorted(planted, flat).clip(0, len(planted) - 1)
            over |= planted[pi] == flat
        bad |= over.reshape(n, PANEL)
        bad &= ~fixed
        if not bad.any():
            return panel
        panel[bad] = rng.integers(0, ex.n, int(bad.sum()))
        if county.any():
            redo = bad & county[:, None]
            panel[redo] = from_pool(np.nonzero(redo)[0])
    raise RuntimeError("could not draw conflict-free panels")


def scores(rng: np.random.Generator, td: Cols, bd: Cols, panel: np.ndarray) -> Cols:
    """Per-expert scores of valid bids: price points (40 x lowest/price) + technical points + noise."""
    valid = np.flatnonzero(bd.status == 0)
    t = bd.tender[valid]
    minp = np.full(td.n, np.inf)
    np.minimum.at(minp, t, bd.price[valid])
    price_pts = 40.0 * minp[t] / bd.price[valid]
    tech = 45.0 * (0.6 + 0.12 * np.tanh(bd.quality[valid]))
    ev = Cols()
    ev.bid = np.repeat(valid, PANEL)
    ev.seat = np.tile(np.arange(PANEL), len(valid))
    ev.expert = panel[np.repeat(t, PANEL), ev.seat]
    base = np.repeat(price_pts + tech, PANEL)
    ev.score = np.round(np.clip(base + rng.normal(0, 2.0, len(base)), 0, 100), 2)
    ev.bid_row = np.full(bd.n, -1, dtype=np.int64)  # first evaluation row of each valid bid
    ev.bid_row[valid] = np.arange(len(valid)) * PANEL
    return ev


def bid_scores(bd: Cols, ev: Cols) -> None:
    bd.score = np.full(bd.n, np.nan)
    s = ev.score.reshape(-1, PANEL).mean(axis=1)
    bd.score[ev.bid[::PANEL]] = np.round(s, 2)


def favour(ev: Cols, bid: int, seat: int, rng: np.random.Generator) -> None:
    """Expert in ``seat`` scores ``bid`` 16-24 points above the rest of the panel."""
    r = ev.bid_row[bid]
    others = np.delete(ev.score[r:r + PANEL], seat).mean()
    ev.score[r + seat] = round(min(100.0, others + rng.uniform(16, 24)), 2)


def force_top(td: Cols, bd: Cols, ev: Cols, bid: int, rng: np.random.Generator) -> None:
    """Raise a valid bid's technical marks so that its mean score beats every other valid bid."""
    t = bd.tender[bid]
    s = bd.start[t]
    others = [b for b in range(s, s + td.n_bids[t]) if b != bid and bd.status[b] == 0]
    if not others:
        return
    best = max(bd.score[b] for b in others)
    if bd.score[bid] > best:
        return
    delta = best - bd.score[bid] + rng.uniform(0.6, 2.5)
    r = ev.bid_row[bid]
    ev.score[r:r + PANEL] = np.round(np.minimum(ev.score[r:r + PANEL] + delta, 100.0), 2)
    bd.score[bid] = round(float(ev.score[r:r + PANEL].mean()), 2)
