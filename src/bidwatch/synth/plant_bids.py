"""Planted schemes that act on bids: who colludes with whom, prices, statuses, scores, fingerprints."""

from __future__ import annotations

import numpy as np

from bidwatch.synth import names as nm
from bidwatch.synth.entities import LEGAL_REP, SHAREHOLDER, Cols
from bidwatch.synth.evaluation import PANEL, favour, force_top
from bidwatch.synth.plant import Case, Plan

PAIR_MECHS = {"same_preparer", "same_agent", "same_project_manager", "identical_unit_prices",
              "similar_documents", "identical_bid_prices", "mixed_packages", "same_bond_account",
              "related_bidders", "shared_contact_details"}
COMPANY_LEVEL = {"related_bidders", "shared_contact_details"}
PREPARER_FIELDS = ["machine_code", "mac", "disk_serial", "ca_lock_id", "author", "tool_serial"]


class CompanyBids:
    """Bids of each company, via one argsort."""

    def __init__(self, bd: Cols, n_companies: int):
        self.order = np.argsort(bd.company, kind="stable")
        self.start = np.searchsorted(bd.company[self.order], np.arange(n_companies + 1))
        self.bd = bd

    def bids(self, c: int) -> np.ndarray:
        return self.order[self.start[c]:self.start[c + 1]]

    def tenders(self, c: int) -> set[int]:
        return {int(t) for t in self.bd.tender[self.bids(c)]}


def tender_bids(bd: Cols, td: Cols, t: int) -> np.ndarray:
    return np.arange(bd.start[t], bd.start[t] + td.n_bids[t])


def after_bidders(rng: np.random.Generator, plan: Plan, co: Cols, pe: Cols, td: Cols, bd: Cols,
                  ex: Cols) -> CompanyBids:
    """Pick the colluding bids, change company records, attach sanction and expert plants."""
    cb = CompanyBids(bd, co.n)
    for c in plan.cases:
        i = c.info["k"]
        m = c.mechanism
        if not c.tenders or m in ("bid_rotation", "expert_favouritism", "expert_repeat_panel"):
            continue
        t = c.tenders[0]
        bids = tender_bids(bd, td, t)
        if m in PAIR_MECHS:
            k = 3 if m in ("same_preparer", "same_bond_account") and len(bids) >= 4 and rng.random() < 0.3 else 2
            # company-level plants got unused companies forced into the first slots
            pick = [int(b) for b in bids[:2]] if m in COMPANY_LEVEL else [int(b) for b in rng.permutation(bids)[:k]]
            c.info["bids"] = pick
            c.companies = [int(bd.company[b]) for b in pick]
            if m in COMPANY_LEVEL:
                _company_link(rng, plan, co, pe, c, i)
                a, b = c.companies
                c.info["label_tenders"] = sorted(cb.tenders(a) & cb.tenders(b))
        elif m == "regular_price_pattern":
            k = int(rng.integers(3, 5))
            pick = [int(b) for b in rng.permutation(bids)[:k]]
            c.info["bids"] = pick
            c.companies = [int(bd.company[b]) for b in pick]
        elif m == "sanctioned_bidder":
            b = int(bids[0])
            c.info["bid"] = b
            c.companies = [int(bd.company[b])]
            c.info["won"] = i % 2 == 0
            if c.info["won"]:
                plan.forced_winner[t] = c.companies[0]
        elif m == "expert_related_to_bidder":
            b = int(rng.choice(bids))
            a = int(bd.company[b])
            e = plan.free_expert(rng, ex, co)
            ex.employer[e] = a
            plan.fixed_slots[(t, int(rng.integers(0, PANEL)))] = e
            c.companies = [a]
            c.info["expert"] = e
        elif m == "all_but_winner_disqualified":
            c.info["winner_bid"] = int(rng.choice(bids))  # under lowest_price: the lowest (apply_statuses)
    _near_after_bidders(rng, plan, co, td, bd, ex, cb)
    return cb


def _company_link(rng: np.random.Generator, plan: Plan, co: Cols, pe: Cols, c: Case, i: int) -> None:
    a, b = c.companies
    if c.mechanism == "related_bidders":
        if i % 2 == 0:  # one person is legal representative of both
            c.info["detail"] = "same_legal_rep"
            row = np.flatnonzero((pe.row_company == b) & (pe.row_role == LEGAL_REP))[0]
            pe.row_person[row] = co.legal_rep[a]
            co.legal_rep[b] = co.legal_rep[a]
        else:  # a holds a controlling stake in b
            c.info["detail"] = "controlling_shareholder"
            pct = round(float(rng.uniform(51, 90)), 2)
            rows = np.flatnonzero((pe.row_company == b) & (pe.row_role == SHAREHOLDER))
            if len(rows):
                scaled = np.round(pe.row_share[rows] * (100 - pct) / 100, 2)
                scaled[0] = round(100 - pct - scaled[1:].sum(), 2)
                pe.row_share[rows] = scaled
            pe.extra_rows.append((a, b, pct))
    else:
        fld = ["phone", "email", "address"][i % 3]
        c.info["detail"] = f"same_{fld}"
        getattr(co, fld)[b] = getattr(co, fld)[a]


def _near_after_bidders(rng: np.random.Generator, plan: Plan, co: Cols, td: Cols, bd: Cols, ex: Cols,
                        cb: CompanyBids) -> None:
    for c in plan.near_kind("same_mac_different_tenders"):
        t1, t2 = c.tenders
        for b1 in rng.permutation(tender_bids(bd, td, t1)):
            a = int(bd.company[b1])
            if t2 in cb.tenders(a):
                continue
            cands = [int(b) for b in tender_bids(bd, td, t2)
                     if int(bd.company[b]) != a and t1 not in cb.tenders(int(bd.company[b]))]
            if cands:
                c.info["bids"] = [int(b1), cands[0]]
                c.companies = [a, int(bd.company[cands[0]])]
                break
    contr = np.flatnonzero(co.is_contractor)
    active = contr[(cb.start[contr + 1] - cb.start[contr]) > 0]
    for c in plan.near_kind("shared_phone_never_cobid"):
        for _ in range(1000):
            a, b = (int(x) for x in rng.choice(active, 2, replace=False))
            if a in plan.used_companies or b in plan.used_companies:
                continue
            if not cb.tenders(a) & cb.tenders(b):
                break
        else:
            continue
        co.phone[b] = co.phone[a]
        plan.used_companies.update((a, b))
        c.companies = [a, b]
        c.info["detail"] = f"phone {co.phone[a]}"
    for c in plan.near_kind("expert_employer_not_bidding"):
        t = c.tenders[0]
        bidders = set(bd.company[tender_bids(bd, td, t)].tolist())
        pool = np.flatnonzero(co.is_contractor[ex.employer])
        for e in rng.permutation(pool):
            emp = int(ex.employer[e])
            if emp not in bidders and int(e) not in plan.used_experts and len(cb.bids(emp)):
                plan.used_experts.add(int(e))
                plan.fixed_slots[(t, int(rng.integers(0, PANEL)))] = int(e)
                c.companies = [int(ex.employer[e])]
                c.info["expert"] = int(e)
                break


def apply_prices(rng: np.random.Generator, plan: Plan, td: Cols, bd: Cols) -> None:
    for c in plan.cases:
        i = c.info["k"]
        m = c.mechanism
        if m == "identical_bid_prices":
            a, b = c.info["bids"]
            bd.price[b] = bd.price[a]
        elif m == "regular_price_pattern":
            _regular(rng, td, bd, c.tenders[0], c.info["bids"], geometric=i % 2 == 1)
            c.info["detail"] = "geometric" if i % 2 else "arithmetic"
        elif m == "bid_rotation":
            for t in c.tenders:
                _rotation_prices(rng, plan, td, bd, t)
        elif m == "sanctioned_bidder" and c.info["won"] and td.method[c.tenders[0]] == "lowest_price":
            b = c.info["bid"]
            others = [x for x in tender_bids(bd, td, c.tenders[0]) if x != b]
            bd.price[b] = round(float(bd.price[others].min() * rng.uniform(0.97, 0.995)), 2)
    # planted prices must not form a price pattern by accident (except where that is the plant)
    from bidwatch.synth.bids import scrub_prices

    mask = plan.reserved.copy()
    protect = np.zeros(bd.n, dtype=bool)
    for c in plan.cases:
        if c.mechanism == "regular_price_pattern":
            mask[c.tenders] = False
        elif c.mechanism == "identical_bid_prices":
            protect[c.info["bids"]] = True
        elif c.mechanism == "sanctioned_bidder":
            protect[c.info["bid"]] = True
    for t, comp in plan.forced_winner.items():
        protect[tender_bids(bd, td, t)[bd.company[tender_bids(bd, td, t)] == comp]] = True
    for c in plan.near_kind("prices_3pct_no_pattern"):
        mask[c.tenders] = False
    scrub_prices(rng, td, bd, mask, protect)
    for c in plan.near_kind("prices_3pct_no_pattern"):
        t = c.tenders[0]
        bids = rng.permutation(tender_bids(bd, td, t))
        gaps = np.array([0.021, 0.029, 0.024, 0.036, 0.031, 0.040])[: len(bids) - 1]
        gaps = gaps * rng.uniform(0.97, 1.03, len(gaps))
        ladder = np.concatenate([[1.0], np.cumprod(1 + gaps)])
        p0 = td.ceiling[t] * 0.998 / ladder[-1] * rng.uniform(0.95, 0.99)
        bd.price[bids] = np.round(p0 * ladder, 2)
        c.info["detail"] = "gaps " + ",".join(f"{g:.3f}" for g in gaps)


def _regular(rng: np.random.Generator, td: Cols, bd: Cols, t: int, pick: list[int], geometric: bool) -> None:
    ceil = td.ceiling[t]
    k = len(pick)
    if geometric:
        r = rng.uniform(1.012, 1.035)
        ladder = r ** np.arange(k)
    else:
        d = rng.uniform(0.012, 0.035)
        ladder = 1 + d * np.arange(k)
    p0 = ceil * rng.uniform(0.86, 0.9)
    bd.price[pick] = np.round(p0 * ladder, 2)
    top = p0 * ladder[-1]
    for b in tender_bids(bd, td, t):
        if b in pick:
            continue
        above = rng.random() < 0.5 and top * 1.06 < ceil * 0.998
        bd.price[b] = round(float(top * rng.uniform(1.008, 1.06) if above else p0 * rng.uniform(0.92, 0.993)), 2)


def _rotation_prices(rng: np.random.Generator, plan: Plan, td: Cols, bd: Cols, t: int) -> None:
    bids = tender_bids(bd, td, t)
    w = plan.forced_winner[t]
    ring = set(plan.forced[t])
    wp = td.ceiling[t] * rng.uniform(0.88, 0.92)
    mult = {int(b): rng.uniform(1.03, 1.08) if int(bd.company[b]) in ring else rng.uniform(1.02, 1.12)
            for b in bids}
    for b in bids:
        bd.price[b] = round(float(wp if int(bd.company[b]) == w else min(wp * mult[int(b)], td.ceiling[t] * 0.998)), 2)


def apply_statuses(rng: np.random.Generator, plan: Plan, td: Cols, bd: Cols) -> None:
    for c in plan.cases:
        t = c.tenders[0] if c.tenders else -1
        if c.mechanism == "all_but_winner_disqualified":
            if td.method[t] == "lowest_price":  # else it would also be a lowest_bid_disqualified case
                bids = tender_bids(bd, td, t)
                c.info["winner_bid"] = int(bids[np.argmin(bd.price[bids])])
            w = c.info["winner_bid"]
            for b in tender_bids(bd, td, t):
                if b != w:
                    bd.status[b] = 1
                    bd.reason[b] = nm.DISQUALIFY_REASONS[rng.integers(0, len(nm.DISQUALIFY_REASONS))]
        elif c.mechanism == "lowest_bid_disqualified":
            bids = tender_bids(bd, td, t)
            low = int(bids[np.argmin(bd.price[bids])])
            bd.status[low] = 1
            bank = nm.LOW_PRICE_REASONS + nm.DISQUALIFY_REASONS[:3]
            bd.reason[low] = bank[rng.integers(0, len(bank))]
            c.info["disqualified_bid"] = low


def apply_scores(rng: np.random.Generator, plan: Plan, td: Cols, bd: Cols, ev: Cols) -> None:
    """Favouritism marks, then make forced winners top-scored (comprehensive tenders)."""
    from bidwatch.synth.evaluation import bid_scores

    for c in plan.by_mechanism("expert_favouritism"):
        a = c.companies[0]
        for t in c.tenders:
            seat = next(j for (tt, j), e in plan.fixed_slots.items() if tt == t and e == c.info["expert"])
            b = next(int(x) for x in tender_bids(bd, td, t) if bd.company[x] == a)
            favour(ev, b, seat, rng)
    bid_scores(bd, ev)
    for t, comp in plan.forced_winner.items():
        if td.method[t] == "lowest_price":
            continue
        b = next(int(x) for x in tender_bids(bd, td, t) if bd.company[x] == comp)
        force_top(td, bd, ev, b, rng)


def apply_attributes(rng: np.random.Generator, plan: Plan, pe: Cols, td: Cols, bd: Cols, bi: Cols) -> None:
    bd.ip_src = np.arange(bd.n)
    for c in plan.cases:
        i = c.info["k"]
        m = c.mechanism
        if m not in PAIR_MECHS or m in COMPANY_LEVEL:
            continue
        a, *others = c.info["bids"]
        if m == "same_preparer":
            fld = PREPARER_FIELDS[i % len(PREPARER_FIELDS)]
            c.info["detail"] = fld
            if fld == "author" and bd.author[a] < 0:
                bd.author[a] = bd.agent[a]
            for j, b in enumerate(others):
                if fld == "machine_code":
                    bd.dev_machine[b] = bd.dev_machine[a]
                elif fld == "mac":
                    bd.dev_mac[b] = bd.dev_mac[a]
                    bd.mac_style[b] = (bd.mac_style[a] + 1 + j) % 4  # a different notation each
                elif fld == "disk_serial":
                    bd.dev_disk[b] = bd.dev_disk[a]
                elif fld == "ca_lock_id":
                    bd.ca_company[b] = bd.ca_company[a]
                elif fld == "author":
                    bd.author[b] = bd.author[a]
                else:
                    bd.tool_company[b] = bd.tool_company[a]
        elif m == "same_agent":
            bd.agent[others[0]] = bd.agent[a]
        elif m == "same_project_manager":
            bd.pm[others[0]] = bd.pm[a]
        elif m == "same_bond_account":
            if i % 2 == 0:
                for b in others:
                    bd.bond_payer[b] = bd.bond_payer[a]
                c.info["detail"] = "bidder_account"
            else:
                k = len(plan.extra_payers)
                name = pe.spare_names[k]
                plan.extra_payers.append(("6217" + "".join(str(d) for d in rng.integers(0, 10, 15)), name))
                bd.bond_payer[c.info["bids"]] = -(k + 1)
                c.info["detail"] = "third_party_account"
        elif m == "identical_unit_prices":
            b = others[0]
            k = int(bi.t_count[bd.tender[a]])
            ra, rb = bi.row_start[a], bi.row_start[b]
            n_same = int(np.ceil(k * rng.uniform(0.85, 1.0)))
            same = rng.choice(k, max(n_same, int(np.ceil(0.85 * k))), replace=False)
            bi.unit[rb + same] = bi.unit[ra + same]
            c.info["detail"] = f"{len(same)}/{k} items"
    for c in plan.near_kind("same_mac_different_tenders"):
        if "bids" in c.info:
            b1, b2 = c.info["bids"]
            bd.dev_mac[b2] = bd.dev_mac[b1]
            bd.mac_style[b2] = (bd.mac_style[b1] + 2) % 4
    # offices share networks: about 3% of ordinary tenders have two bidders on one IP (not labelled)
    pool = np.flatnonzero(~plan.reserved & (td.n_bids >= 3))
    ts = np.sort(rng.choice(pool, max(1, round(0.03 * len(pool))), replace=False))
    a = bd.start[ts]
    b = bd.start[ts] + 1 + (rng.random(len(ts)) * (td.n_bids[ts] - 1)).astype(np.int64)
    bd.ip_src[b] = a
    bd.ip_mobile[a] = False
    plan.shared_ip_tenders = ts

