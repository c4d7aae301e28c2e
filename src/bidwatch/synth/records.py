"""Timing plants, contracts (tendered, small untendered, evasion) and credit sanctions."""

from __future__ import annotations

import numpy as np

from bidwatch.synth import names as nm
from bidwatch.synth.entities import GOODS, OWNER, SERVICES, WORKS, Cols
from bidwatch.synth.plant import Case, Plan
from bidwatch.synth.plant_bids import CompanyBids
from bidwatch.synth.tenders import FIRST_DAY, LAST_DAY, THRESHOLD, derive_dates, weekday_forward

KIND_OF_CATEGORY = np.array([WORKS, GOODS, SERVICES])
BANS = ("debarment", "blacklist", "dishonest_debtor")


def _day(d: int) -> str:
    return "" if d < 0 else str(np.datetime64(int(d), "D"))


def apply_timing(rng: np.random.Generator, plan: Plan, pj: Cols, td: Cols) -> None:
    """先建设后招标 and contract-date plants, then re-derive the project dates."""
    for c in plan.cases + plan.near:
        if not c.tenders:
            continue
        t = c.tenders[0]
        p = td.project[t]
        aw = int(td.awarded[t])
        m = c.mechanism
        if m == "works_before_award":
            pj.has_works[p] = pj.has_permit[p] = True
            if c.info["k"] % 2 == 0:
                w = aw - int(rng.integers(10, 90))
                pj.works_override[p] = w
                pj.permit_override[p] = w - int(rng.integers(0, 10))
                c.info["detail"] = "works_started_on"
            else:
                pj.permit_override[p] = aw - int(rng.integers(5, 40))
                pj.works_override[p] = aw + int(rng.integers(5, 30))
                c.info["detail"] = "permit_on"
        elif m == "contract_before_award":
            td.sign_override[t] = aw - int(rng.integers(1, 5))
        elif m == "late_contract":
            td.sign_override[t] = aw + int(rng.integers(31, 121))
        elif m == "works_day_after_award":
            pj.has_works[p] = pj.has_permit[p] = True
            td.sign_override[t] = aw + 1
            pj.permit_override[p] = aw + 1
            pj.works_override[p] = aw + 1
        elif m == "contract_signed_30_days_after_award":
            td.sign_override[t] = aw + 30
    derive_dates(pj, td)
    for c in plan.cases:
        if c.mechanism in ("contract_before_award", "late_contract"):
            t = c.tenders[0]
            c.info["detail"] = f"signed {int(td.signed[t] - td.awarded[t]):+d} days from the award"
        if c.scheme in ("works_before_award", "exclusion") and c.tenders and not c.companies:
            c.companies = [int(td.winner_company[c.tenders[0]])]
    for c in plan.near:
        if c.mechanism in ("works_day_after_award", "contract_signed_30_days_after_award",
                           "bid_period_exactly_20_days"):
            c.companies = [int(td.winner_company[c.tenders[0]])]


def contracts(rng: np.random.Generator, plan: Plan, reg: Cols, co: Cols, pj: Cols, td: Cols) -> tuple[Cols, Cols]:
    """One contract per awarded tender, small untendered contracts (one per small project, below the
    threshold), and the evasion plants / near misses. Returns (contracts, extra projects)."""
    ct = Cols()
    ct.tender = np.arange(td.n)
    ct.project = td.project.copy()
    ct.buyer = pj.owner[td.project]
    ct.supplier = td.winner_company.copy()
    ct.category = td.category.copy()
    ct.procedure = td.procedure.copy()
    ct.amount = td.award_price.copy()
    ct.signed = td.signed.copy()
    ct.subject = td.title.copy()
    xp = _ExtraProjects(pj.n)
    # small, lawful, untendered contracts
    m = max(20, td.n // 4)
    cat = rng.choice(3, m, p=[0.55, 0.25, 0.2])
    median = np.array([2.5e5, 1.5e5, 1e5])[cat]
    amt = np.exp(rng.normal(np.log(median), 0.8))
    amt = np.round(np.clip(amt, 2e4, 0.9 * THRESHOLD[cat]), -2)
    owners = np.flatnonzero(co.kind == OWNER)
    buyer = owners[rng.integers(0, len(owners), m)]
    signed = weekday_forward(rng.integers(FIRST_DAY, LAST_DAY, m))
    supplier = _suppliers(rng, co, KIND_OF_CATEGORY[cat], co.city[buyer], plan.used_companies)
    proc = np.asarray(["direct", "inquiry", "negotiated"], dtype=object)[rng.choice(3, m, p=[0.45, 0.3, 0.25])]
    pats = [nm.SMALL_WORKS, nm.SMALL_GOODS, nm.SMALL_SERVICES]
    u = rng.random(m)
    pat = np.empty(m, dtype=object)
    for k in range(3):
        sel = cat == k
        pat[sel] = np.asarray(pats[k], dtype=object)[(u[sel] * len(pats[k])).astype(np.int64)]
    from bidwatch.synth.entities import zihao

    zh = zihao(rng, m)
    dname = reg.name[co.district[buyer]]
    names = np.array([p.format(d=d, z=z) for p, d, z in zip(pat, dname, zh, strict=True)], dtype=object)
    first = xp.add_many(rng, co, reg, buyer, names, amt * rng.uniform(1.0, 1.08, m), signed, cat == 0)
    rows = [(-1, first + j, int(buyer[j]), int(supplier[j]), int(cat[j]), proc[j], float(amt[j]), int(signed[j]),
             names[j]) for j in range(m)]
    for c in plan.cases:
        if c.mechanism == "untendered_contract":
            rows += _untendered(rng, plan, reg, co, xp, c)
        elif c.mechanism == "contract_splitting":
            rows += _splitting(rng, plan, reg, co, xp, c)
    for c in plan.near_kind("contract_just_under_threshold"):
        rows += _just_under(rng, plan, reg, co, xp, c)
    extra = np.array(rows, dtype=object).reshape(-1, 9)
    ct.tender = np.concatenate([ct.tender, extra[:, 0].astype(np.int64)])
    ct.project = np.concatenate([ct.project, extra[:, 1].astype(np.int64)])
    ct.buyer = np.concatenate([ct.buyer, extra[:, 2].astype(np.int64)])
    ct.supplier = np.concatenate([ct.supplier, extra[:, 3].astype(np.int64)])
    ct.category = np.concatenate([ct.category, extra[:, 4].astype(np.int64)])
    ct.procedure = np.concatenate([ct.procedure, extra[:, 5]])
    ct.amount = np.concatenate([ct.amount, extra[:, 6].astype(float)])
    ct.signed = np.concatenate([ct.signed, extra[:, 7].astype(np.int64)])
    ct.subject = np.concatenate([ct.subject, extra[:, 8]])
    ct.n = len(ct.tender)
    return ct, xp.finish()


def _zh(rng: np.random.Generator) -> str:
    chars = nm.ZIHAO_CHARS
    i, j = rng.choice(len(chars), 2, replace=False)
    return chars[i] + chars[j]


def _suppliers(rng: np.random.Generator, co: Cols, kind: np.ndarray, city: np.ndarray,
               avoid: set[int]) -> np.ndarray:
    out = np.empty(len(kind), dtype=np.int64)
    for k in (WORKS, GOODS, SERVICES):
        pool = np.flatnonzero(co.kind == k)
        pool = pool[~np.isin(pool, list(avoid))]
        sel = np.flatnonzero(kind == k)
        local_pick = pool[rng.integers(0, len(pool), len(sel))]
        out[sel] = local_pick
    return out


class _ExtraProjects:
    """Projects that have contracts but no tender."""

    def __init__(self, first_index: int):
        self.first = first_index
        self.rows: list[tuple] = []

    def add(self, rng: np.random.Generator, co: Cols, reg: Cols, owner: int, name: str, estimate: float,
            signed: int, works: bool, state_funded: bool | None = None) -> int:
        otype = nm.OWNER_TYPES[co.owner_type[owner]]
        sf = bool(rng.random() < otype[2]) if state_funded is None else state_funded
        permit = signed + int(rng.integers(3, 30)) if works and estimate > 3e5 else -1
        start = signed + int(rng.integers(3, 40)) if works else -1
        self.rows.append((name, owner, otype[1], round(estimate, -2), sf, signed - int(rng.integers(20, 150)),
                          permit, start, int(reg.code[co.district[owner]])))
        return self.first + len(self.rows) - 1

    def add_many(self, rng: np.random.Generator, co: Cols, reg: Cols, owner: np.ndarray, name: np.ndarray,
                 estimate: np.ndarray, signed: np.ndarray, works: np.ndarray) -> int:
        k = len(owner)
        otype = co.owner_type[owner]
        sf = rng.random(k) < np.array([t[2] for t in nm.OWNER_TYPES])[otype]
        sector = np.array([t[1] for t in nm.OWNER_TYPES], dtype=object)[otype]
        permit = np.where(works & (estimate > 3e5), signed + rng.integers(3, 30, k), -1)
        start = np.where(works, signed + rng.integers(3, 40, k), -1)
        approved = signed - rng.integers(20, 150, k)
        first = self.first + len(self.rows)
        region = reg.code[co.district[owner]]
        self.rows += list(zip(name, owner.tolist(), sector, np.round(estimate, -2).tolist(), sf.tolist(),
                              approved.tolist(), permit.tolist(), start.tolist(), region.tolist(), strict=True))
        return first

    def finish(self) -> Cols:
        x = Cols()
        r = self.rows
        x.n = len(r)
        x.name = np.array([v[0] for v in r], dtype=object)
        x.owner = np.array([v[1] for v in r], dtype=np.int64)
        x.sector = np.array([v[2] for v in r], dtype=object)
        x.estimated = np.array([v[3] for v in r], dtype=float)
        x.state_funded = np.array([v[4] for v in r], dtype=bool)
        x.approved = np.array([v[5] for v in r], dtype=np.int64)
        x.permit = np.array([v[6] for v in r], dtype=np.int64)
        x.works = np.array([v[7] for v in r], dtype=np.int64)
        x.region = np.array([v[8] for v in r], dtype=np.int64)
        return x


def _gov_owner(rng: np.random.Generator, co: Cols) -> int:
    owners = np.flatnonzero((co.kind == OWNER) & np.isin(co.owner_type, [0, 1, 2, 11, 12, 13]))
    return int(owners[rng.integers(0, len(owners))])


def _free_supplier(rng: np.random.Generator, plan: Plan, co: Cols, kind: int) -> int:
    pool = np.flatnonzero(co.kind == kind)
    while True:
        s = int(pool[rng.integers(0, len(pool))])
        if s not in plan.used_companies:
            plan.used_companies.add(s)
            return s


def _untendered(rng, plan: Plan, reg: Cols, co: Cols, xp: _ExtraProjects, c: Case) -> list[tuple]:
    owner = _gov_owner(rng, co)
    amount = float(np.round(np.exp(rng.uniform(np.log(4.2e6), np.log(3e7))), -2))
    signed = int(weekday_forward(np.array([rng.integers(FIRST_DAY, LAST_DAY)]))[0])
    sup = _free_supplier(rng, plan, co, WORKS)
    name = nm.PROJECT_PATTERNS["transport" if rng.random() < 0.5 else "housing"][0].format(
        d=reg.name[co.district[owner]], z=_zh(rng), n="一")
    proj = xp.add(rng, co, reg, owner, name, amount * rng.uniform(1.0, 1.1), signed, True, state_funded=True)
    c.project, c.companies = proj, [sup]
    return [(-1, proj, owner, sup, 0, "direct", amount, signed, name + "施工")]


def _splitting(rng, plan: Plan, reg: Cols, co: Cols, xp: _ExtraProjects, c: Case) -> list[tuple]:
    owner = _gov_owner(rng, co)
    cat = int(rng.choice(3, p=[0.6, 0.2, 0.2]))
    thr = THRESHOLD[cat]
    k = int(rng.integers(3, 5))
    amounts = np.round(thr * rng.uniform(0.55, 0.97, k), -2)
    d0 = int(rng.integers(FIRST_DAY, LAST_DAY - 60))
    signed = np.sort(d0 + np.concatenate([[0], rng.integers(1, 60, k - 1)]))
    related = [x for x in plan.by_mechanism("related_bidders") if x.companies
               and co.kind[x.companies[0]] == KIND_OF_CATEGORY[cat] == co.kind[x.companies[1]]]
    if related and c.info["k"] % 3 == 2:
        pair = related[c.info["k"] % len(related)].companies
        sups = [pair[j % 2] for j in range(k)]
        c.info["detail"] = "related suppliers"
    else:
        s = _free_supplier(rng, plan, co, int(KIND_OF_CATEGORY[cat]))
        sups = [s] * k
        c.info["detail"] = "same supplier"
    base = [nm.SMALL_WORKS, nm.SMALL_GOODS, nm.SMALL_SERVICES][cat][0]
    name = base.format(d=reg.name[co.district[owner]], z=_zh(rng))
    proj = xp.add(rng, co, reg, owner, name, float(amounts.sum()) * rng.uniform(1.0, 1.1), int(signed[0]),
                  cat == 0, state_funded=True)
    c.project, c.companies = proj, sorted(set(sups))
    parts = "一二三四"
    return [(-1, proj, owner, sups[j], cat, "direct" if j % 2 == 0 else "inquiry", float(amounts[j]),
             int(signed[j]), f"{name}（{parts[j]}期）") for j in range(k)]


def _just_under(rng, plan: Plan, reg: Cols, co: Cols, xp: _ExtraProjects, c: Case) -> list[tuple]:
    owner = _gov_owner(rng, co)
    cat = int(c.info["k"] % 2)  # works or goods
    amount = float(THRESHOLD[cat] - rng.integers(1, 20) * 1000)
    signed = int(weekday_forward(np.array([rng.integers(FIRST_DAY, LAST_DAY)]))[0])
    sup = _free_supplier(rng, plan, co, int(KIND_OF_CATEGORY[cat]))
    name = [nm.SMALL_WORKS, nm.SMALL_GOODS][cat][1].format(d=reg.name[co.district[owner]], z=_zh(rng))
    proj = xp.add(rng, co, reg, owner, name, amount, signed, cat == 0, state_funded=True)
    c.project, c.companies = proj, [sup]
    c.info["detail"] = f"amount {amount:.0f}"
    return [(-1, proj, owner, sup, cat, "direct", amount, signed, name)]


def sanctions(rng: np.random.Generator, plan: Plan, reg: Cols, co: Cols, pe: Cols, td: Cols, bd: Cols,
              cb: CompanyBids) -> Cols:
    """Ordinary records never cover a bid with an active ban; planted ones do (and are labelled)."""
    rows: list[tuple] = []  # (company, by_uscc_only, person, measure, start, end)
    dl = td.deadline_day[bd.tender]
    for c in plan.by_mechanism("sanctioned_bidder"):
        t, a = c.tenders[0], c.companies[0]
        d = int(td.deadline_day[t])
        start = d - int(rng.integers(10, 200))
        measure = "blacklist" if c.info["k"] % 3 == 1 else "debarment"
        end = -1 if measure == "blacklist" and rng.random() < 0.5 else d + int(rng.integers(30, 365))
        rows.append((a, c.info["k"] % 5 == 4, -1, measure, start, end))
        hit = cb.bids(a)
        hit = hit[(dl[hit] >= start) & ((dl[hit] <= end) | (end < 0))]
        c.info["label_tenders"] = sorted({int(x) for x in bd.tender[hit]} | {t})
        c.info["detail"] = f"{measure} {_day(start)}..{_day(end)}"
    for c in plan.near_kind("sanction_expired_before_deadline"):
        t = c.tenders[0]
        a = int(bd.company[bd.start[t]])  # a rarely bidding firm forced into the tender
        d = int(td.deadline_day[t])
        own = np.sort(dl[cb.bids(a)])
        # the widest gap between the firm's bid deadlines up to this tender holds the expired ban
        edges = np.concatenate([[d - 3 * 365], own[own < d], [d]])
        k = int(np.argmax(np.diff(edges)))
        left, right = int(edges[k]), int(edges[k + 1])
        end = right - int(rng.integers(1, max(2, min(31, (right - left) // 3))))
        start = max(left + 1, end - int(rng.integers(180, 720)))
        rows.append((a, False, -1, "debarment", start, end))
        c.companies = [a]
        c.info["detail"] = f"debarment {_day(start)}..{_day(end)}"
    contr = np.flatnonzero(co.is_contractor)
    contr = contr[~np.isin(contr, list(plan.used_companies))]
    k = max(8, len(contr) // 100)
    chosen = rng.choice(contr, min(k, len(contr)), replace=False)
    for a in chosen:
        a = int(a)
        own = np.sort(dl[cb.bids(a)])
        measure = str(rng.choice(["debarment", "blacklist", "dishonest_debtor", "penalty", "bribery_record"],
                                  p=[0.3, 0.15, 0.15, 0.3, 0.1]))
        if measure in BANS:
            if len(own) and rng.random() < 0.5:  # expired before the first bid
                end = int(own[0]) - int(rng.integers(5, 200))
                start = end - int(rng.integers(180, 730))
            else:  # started after the last bid
                start = (int(own[-1]) if len(own) else FIRST_DAY) + int(rng.integers(1, 90))
                end = -1 if measure != "debarment" and rng.random() < 0.5 else start + int(rng.integers(365, 730))
        else:
            start = int(rng.integers(FIRST_DAY - 400, LAST_DAY))
            end = start + 182 if measure == "penalty" else start + 3 * 365
        rows.append((a, rng.random() < 0.2, -1, measure, start, end))
    pms = rng.choice(np.flatnonzero(pe.person_company >= 0), max(3, k // 4), replace=False)
    for p in pms:
        start = int(rng.integers(FIRST_DAY, LAST_DAY))
        rows.append((-1, False, int(p), "penalty", start, start + 182))
    sc = Cols()
    sc.n = len(rows)
    sc.company = np.array([r[0] for r in rows], dtype=np.int64)
    sc.uscc_only = np.array([r[1] for r in rows], dtype=bool)
    sc.person = np.array([r[2] for r in rows], dtype=np.int64)
    sc.measure = np.array([r[3] for r in rows], dtype=object)
    sc.start = np.array([r[4] for r in rows], dtype=np.int64)
    sc.end = np.array([r[5] for r in rows], dtype=np.int64)
    comp_for_place = np.where(sc.company >= 0, sc.company, pe.person_company[np.maximum(sc.person, 0)])
    auth, reason = [], []
    for j in range(sc.n):
        d = co.district[comp_for_place[j]]
        bank = nm.SANCTION_AUTHORITIES[sc.measure[j]]
        auth.append(bank[rng.integers(0, len(bank))].format(c=reg.city_short[reg.city[d]], d=reg.name[d]))
        rb = nm.SANCTION_REASONS[sc.measure[j]]
        reason.append(rb[rng.integers(0, len(rb))])
    sc.authority = np.array(auth, dtype=object)
    sc.reason = np.array(reason, dtype=object)
    return sc
