"""Bids of ordinary competition, generated a whole column at a time.

Bids are laid out tender after tender (``bd.start[t] .. bd.start[t] + td.n_bids[t]``). Fingerprints
and bond payers are kept as indices into the companies' devices/accounts until the tables are built,
so that a plant re-points one index instead of rewriting strings.
"""

from __future__ import annotations

import numpy as np

from bidwatch.synth import names as nm
from bidwatch.synth.entities import Cols
from bidwatch.synth.util import group_starts, position_in_group


def assign_bidders(rng: np.random.Generator, reg: Cols, co: Cols, pj: Cols, td: Cols,
                   forced: dict[int, list[int]], reserved: np.ndarray, planted_companies: set[int]) -> Cols:
    """Regional, activity-weighted, distinct bidders per tender; ``forced`` companies come first.

    Companies that carry a planted scheme are not drawn at random into other planted or near-miss
    tenders (``reserved``), so that each of those tenders shows only its own scheme."""
    ncity = reg.n_city
    contr = np.flatnonzero(co.is_contractor)
    key = co.kind[contr].astype(np.int64) * ncity + co.city[contr]
    order = contr[np.argsort(key, kind="stable")]
    skey = np.sort(key)
    gstart = np.searchsorted(skey, np.arange(3 * ncity), "left")
    gend = np.searchsorted(skey, np.arange(3 * ncity), "right")
    kstart = gstart[np.arange(3) * ncity]
    kend = gend[np.arange(3) * ncity + ncity - 1]
    cumw = np.concatenate([[0.0], np.cumsum(co.activity[order])])

    pool = kend - kstart
    td.n_bids = np.minimum(td.n_bids, pool[td.category] - 1)
    bd = Cols()
    bd.n = int(td.n_bids.sum())
    bd.start = group_starts(td.n_bids)
    bd.tender = np.repeat(np.arange(td.n), td.n_bids)
    kind = td.category[bd.tender]
    tcity = co.city[pj.owner[td.project]][bd.tender]

    def draw(slots: np.ndarray, province: bool) -> np.ndarray:
        k = len(slots)
        city = np.where(rng.random(k) < 0.75, tcity[slots], rng.choice(ncity, k, p=reg.city_weight))
        g = kind[slots] * ncity + city
        s, e = gstart[g], gend[g]
        wide = (e - s < 2) | province
        s = np.where(wide, kstart[kind[slots]], s)
        e = np.where(wide, kend[kind[slots]], e)
        target = cumw[s] + rng.random(k) * (cumw[e] - cumw[s])
        pos = np.clip(np.searchsorted(cumw, target, "right") - 1, s, e - 1)
        return order[pos]

    company = draw(np.arange(bd.n), False)
    fixed = np.zeros(bd.n, dtype=bool)
    for t, comps in forced.items():
        s = bd.start[t]
        company[s:s + len(comps)] = comps
        fixed[s:s + len(comps)] = True
    special = np.zeros(co.n, dtype=bool)
    special[list(planted_companies)] = True
    in_reserved = reserved[bd.tender]
    for rnd in range(80):
        ck = bd.tender * co.n + company
        o = np.lexsort((~fixed, ck))
        dup_sorted = np.zeros(bd.n, dtype=bool)
        dup_sorted[1:] = ck[o][1:] == ck[o][:-1]
        dup = o[dup_sorted]
        dup = np.union1d(dup, np.flatnonzero(in_reserved & ~fixed & special[company]))
        if not len(dup):
            break
        company[dup] = draw(dup, rnd > 10)
    else:
        raise RuntimeError("could not draw distinct bidders")
    bd.company = company
    bd.fixed = fixed
    return bd


def prices(rng: np.random.Generator, td: Cols, bd: Cols) -> None:
    disc = rng.uniform(0.85, 0.99, td.n)
    cv = rng.uniform(0.02, 0.06, td.n)
    t = bd.tender
    ceil = td.ceiling[t]
    p = ceil * disc[t] * np.exp(cv[t] * rng.standard_normal(bd.n))
    over = p > ceil * 0.998
    p[over] = ceil[over] * rng.uniform(0.96, 0.998, over.sum())
    bd.price = np.round(p, 2)
    bd.quality = rng.standard_normal(bd.n)
    scrub_prices(rng, td, bd, np.ones(td.n, dtype=bool))


def scrub_prices(rng: np.random.Generator, td: Cols, bd: Cols, tender_mask: np.ndarray,
                 protect: np.ndarray | None = None) -> None:
    """Remove accidental equal prices and near-regular consecutive gaps (|g2-g1| < 2% of the gap,
    arithmetic or geometric) so that only planted tenders show those patterns. A ``protect``ed bid
    is never moved (the other member of the offending pair/triple is)."""
    sel = np.flatnonzero(tender_mask[bd.tender] & ~np.isnan(bd.price))
    prot = np.zeros(bd.n, dtype=bool) if protect is None else protect
    for _ in range(60):
        t = bd.tender[sel]
        o = sel[np.lexsort((bd.price[sel], t))]
        p = bd.price[o]
        tt = bd.tender[o]
        same = tt[1:] == tt[:-1]
        bad = np.zeros(len(o), dtype=bool)
        eq = same & (p[1:] == p[:-1])
        bad[1:] |= eq & ~prot[o[1:]]
        bad[:-1] |= eq & prot[o[1:]]
        trip = same[:-1] & same[1:]
        g1 = p[1:-1] - p[:-2]
        g2 = p[2:] - p[1:-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            ap = np.abs(g2 - g1) <= 0.02 * np.maximum(g1, g2)
            r1 = g1 / p[:-2]
            r2 = g2 / p[1:-1]
            gp = np.abs(r2 - r1) <= 0.02 * np.maximum(r1, r2)
        hit = trip & (ap | gp)
        mid_ok = ~prot[o[1:-1]]
        bad[1:-1] |= hit & mid_ok
        bad[2:] |= hit & ~mid_ok & ~prot[o[2:]]
        bad[:-2] |= hit & ~mid_ok & prot[o[2:]]
        idx = o[bad & ~prot[o]]
        if not len(idx):
            return
        ceil = td.ceiling[bd.tender[idx]]
        newp = bd.price[idx] * (1 + rng.uniform(-0.006, 0.006, len(idx)))
        bd.price[idx] = np.round(np.minimum(newp, ceil * 0.998), 2)
    raise RuntimeError("price scrub did not converge")


def statuses(rng: np.random.Generator, td: Cols, bd: Cols, planted: np.ndarray) -> None:
    """A few ordinary disqualifications (never the lowest bid) and withdrawals in larger tenders."""
    bd.status = np.zeros(bd.n, dtype=np.int8)  # 0 valid, 1 disqualified, 2 withdrawn
    bd.reason = np.full(bd.n, None, dtype=object)
    low = lowest_bid(td, bd)
    for code, min_bids, prob, reasons in ((1, 5, 0.3, nm.DISQUALIFY_REASONS), (2, 6, 0.06, None)):
        ts = np.flatnonzero((td.n_bids >= min_bids) & ~planted & (rng.random(td.n) < prob))
        pick = bd.start[ts] + 1 + (rng.random(len(ts)) * (td.n_bids[ts] - 1)).astype(np.int64)
        # use a position other than the lowest bid
        pick = np.where(pick == low[ts], bd.start[ts], pick)
        ok = bd.status[pick] == 0
        pick = pick[ok]
        bd.status[pick] = code
        if reasons is not None:
            bd.reason[pick] = np.asarray(reasons, dtype=object)[rng.integers(0, len(reasons), len(pick))]
    bd.price[bd.status == 2] = np.nan


def lowest_bid(td: Cols, bd: Cols, valid_only: bool = False) -> np.ndarray:
    p = bd.price.copy()
    if valid_only:
        p[bd.status != 0] = np.inf
    p = np.where(np.isnan(p), np.inf, p)
    o = np.lexsort((p, bd.tender))
    first = np.ones(len(o), dtype=bool)
    first[1:] = bd.tender[o][1:] != bd.tender[o][:-1]
    out = np.full(td.n, -1, dtype=np.int64)
    out[bd.tender[o][first]] = o[first]
    return out


def rank_and_award(td: Cols, bd: Cols) -> None:
    """Rank valid bids (score for comprehensive, price for lowest_price); rank 1 wins."""
    valid = bd.status == 0
    lowest = td.method[bd.tender] == "lowest_price"
    k1 = np.where(lowest, bd.price, -bd.score)
    k1 = np.where(valid, k1, np.inf)
    o = np.lexsort((bd.price, k1, bd.tender))
    rank = position_in_group(np.bincount(bd.tender, minlength=td.n))
    bd.rank = np.full(bd.n, -1, dtype=np.int64)
    bd.rank[o] = rank + 1
    bd.rank[~valid] = -1
    win = np.flatnonzero(bd.rank == 1)
    td.winner_bid = np.full(td.n, -1, dtype=np.int64)
    td.winner_bid[bd.tender[win]] = win


def attributes(rng: np.random.Generator, co: Cols, td: Cols, bd: Cols) -> None:
    """People on the bid, file fingerprints, IPs, times and the bond payer."""
    c = bd.company
    n = bd.n
    bd.pm = co.pm_start[c] + (rng.random(n) * co.pm_count[c]).astype(np.int64)
    bd.agent = co.agent_start[c] + (rng.random(n) * co.agent_count[c]).astype(np.int64)
    dev = co.dev_start[c] + (rng.random(n) * co.dev_count[c]).astype(np.int64)
    bd.dev_machine = dev.copy()
    bd.dev_mac = dev.copy()
    bd.dev_disk = dev
    bd.mac_style = rng.integers(0, 4, n)
    bd.ca_company = c.copy()
    bd.tool_company = c.copy()
    u = rng.random(n)
    bd.author = np.where(u < 0.72, bd.agent, np.where(u < 0.82, bd.pm, -1))
    bd.author_generic = rng.integers(0, len(nm.GENERIC_AUTHORS), n)
    bd.ip_mobile = rng.random(n) < 0.3
    bd.deadline = td.deadline_day[bd.tender] * 86400 + td.deadline_secs[bd.tender]
    bd.submitted = bd.deadline - rng.integers(1800, 6 * 86400, n)
    bd.created = bd.submitted - rng.integers(3600, 5 * 86400, n)
    bd.bond_payer = c.copy()  # company index, or -(k+1) for extra payer k
    bd.bond_paid = bd.submitted - rng.integers(3600, 8 * 86400, n)


def boq(rng: np.random.Generator, td: Cols, bd: Cols, min_items: np.ndarray | None = None) -> Cols:
    """The tender's bill of quantities and every (non-withdrawn) bid's unit prices; ``min_items``: a floor on a
    tender's number of items (a planted copy of unit prices needs as many as the indicator compares)."""
    banks = [nm.ITEMS_WORKS, nm.ITEMS_GOODS, nm.ITEMS_SERVICES]
    codes = np.array([it[0] for b in banks for it in b], dtype=object)
    base = np.array([it[3] for b in banks for it in b])
    units = np.array([it[2] for b in banks for it in b], dtype=object)
    boff = np.cumsum([0] + [len(b) for b in banks])
    k = np.where(td.category == 2, rng.integers(4, 9, td.n), rng.integers(6, 16, td.n))
    if min_items is not None:
        k = np.maximum(k, min_items)
    k = np.minimum(k, np.diff(boff)[td.category])
    bi = Cols()
    bi.t_count = k
    bi.t_start = group_starts(k)
    tt = np.repeat(np.arange(td.n), k)
    pos = position_in_group(k)
    m = max(len(b) for b in banks)
    keys = rng.random((td.n, m))
    keys[:, :] = np.where(np.arange(m)[None, :] < np.diff(boff)[td.category][:, None], keys, 2.0)
    perm = np.argsort(keys, axis=1)
    item = boff[td.category[tt]] + perm[tt, pos]
    # sort each tender's BoQ by item code, as in a real bill
    o = np.lexsort((codes[item].astype(str), tt))
    item = item[o]
    bi.t_item = item
    bi.t_base = base[item] * np.exp(rng.normal(0, 0.12, len(item)))
    w = rng.uniform(0.3, 1.7, len(item))
    wsum = np.bincount(tt, weights=w, minlength=td.n)
    qty = 0.85 * td.ceiling[tt] * w / wsum[tt] / bi.t_base
    whole = np.isin(units[item], ["座", "台", "个", "套", "株", "项", "人月", "组"])
    bi.t_qty = np.where(whole, np.maximum(np.round(qty), 1.0), np.round(qty, 2))
    bi.codes = codes
    # rows per bid
    has = bd.status != 2
    bids = np.flatnonzero(has)
    cnt = k[bd.tender[bids]]
    bi.bid = np.repeat(bids, cnt)
    bi.ti = bi.t_start[bd.tender[bi.bid]] + position_in_group(cnt)
    rel = bd.price[bi.bid] / (td.ceiling[bd.tender[bi.bid]] * 0.91)
    bi.unit = np.round(bi.t_base[bi.ti] * rel * rng.uniform(0.92, 1.08, len(bi.bid)), 2)
    bi.row_start = np.full(bd.n, -1, dtype=np.int64)
    bi.row_start[bids] = group_starts(cnt)
    return bi
