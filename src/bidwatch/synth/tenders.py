"""Projects and tenders: amounts, categories, procedure, the statutory timeline, names, requirements.

Random offsets of the timeline are drawn up front and the dates are derived from them afterwards,
so that a planted change of one date (say, a short bid period) moves the later dates consistently.
"""

from __future__ import annotations

import numpy as np

from bidwatch.synth import names as nm
from bidwatch.synth.entities import OWNER, Cols, zihao
from bidwatch.synth.util import day_number, position_in_group, roll_forward_days

CATEGORIES = np.array(["works", "goods", "services"], dtype=object)
WORKS_C, GOODS_C, SERVICES_C = 0, 1, 2
THRESHOLD = np.array([4_000_000.0, 2_000_000.0, 1_000_000.0])  # 发改委令第16号 第5条
DEADLINE_TIMES = np.array([9 * 3600 + 1800, 9 * 3600, 10 * 3600, 14 * 3600 + 1800])
FIRST_DAY = day_number("2022-01-04")
LAST_DAY = day_number("2025-06-30")


def weekday_forward(d: np.ndarray) -> np.ndarray:
    """Move Saturdays and Sundays to the next Monday (1970-01-01 was a Thursday)."""
    dow = (d + 3) % 7
    return d + np.where(dow >= 5, 7 - dow, 0)


def projects_and_tenders(rng: np.random.Generator, co: Cols, n: int) -> tuple[Cols, Cols]:
    mult = rng.choice([1, 2, 3], size=n, p=[0.75, 0.17, 0.08])
    cum = np.cumsum(mult)
    n_proj = int(np.searchsorted(cum, n) + 1)
    mult = mult[:n_proj]
    mult[-1] -= int(mult.sum() - n)
    pj, td = Cols(), Cols()
    pj.n = n_proj
    td.n = n
    td.project = np.repeat(np.arange(n_proj), mult)
    td.pos = position_in_group(mult)
    pj.n_tenders = mult
    owners = np.flatnonzero(co.kind == OWNER)
    pj.owner = owners[rng.integers(0, len(owners), n_proj)]
    pj.tendered = np.ones(n_proj, dtype=bool)

    main = rng.choice(3, size=n, p=[0.86, 0.07, 0.07])
    extra = rng.choice([GOODS_C, SERVICES_C], size=n)
    td.category = np.where(td.pos == 0, main, extra)
    pj_main_cat = td.category[td.pos == 0]
    amount = np.exp(rng.normal(np.log(1.2e7), 1.1, n_proj))
    amount = np.where(pj_main_cat == WORKS_C, amount, amount * 0.3)
    pj.estimated = np.round(np.clip(amount, 8e5, 6e8) / 1e4) * 1e4
    share = np.where(td.pos == 0, rng.uniform(0.7, 0.9, n),
                     np.where(td.category == SERVICES_C, rng.uniform(0.015, 0.04, n), rng.uniform(0.05, 0.2, n)))
    est = pj.estimated[td.project] * share
    est = np.where(est < 2e5, rng.uniform(2e5, 3e5, n), est)
    td.estimate = np.round(est / 1e3) * 1e3
    td.ceiling = np.round(td.estimate * rng.uniform(0.95, 1.0, n) / 100) * 100
    rate = rng.choice([0.005, 0.01, 0.015, 0.02], size=n)
    td.bond = np.maximum(np.minimum(np.floor(td.estimate * rate / 1000) * 1000, 800_000.0), 1000.0)
    td.procedure = np.where(rng.random(n) < 0.92, "open", "invited").astype(object)
    lowest_p = np.where(td.category == GOODS_C, 0.35, 0.18)
    td.method = np.where(rng.random(n) < lowest_p, "lowest_price", "comprehensive").astype(object)
    agencies = np.flatnonzero(co.kind == 5)
    td.agency = np.where(rng.random(n) < 0.75, agencies[rng.integers(0, len(agencies), n)], -1)

    first = rng.integers(FIRST_DAY, LAST_DAY, n_proj)
    ann = first[td.project] + np.where(td.pos == 0, 0, rng.integers(3, 45, n))
    td.announced = weekday_forward(ann)
    td.sale_days = rng.integers(5, 11, n)
    td.period_days = rng.integers(21, 36, n)
    td.deadline_secs = DEADLINE_TIMES[rng.choice(4, n, p=[0.6, 0.15, 0.15, 0.1])]
    td.off_cand = rng.integers(1, 6, n)
    td.off_award = rng.integers(1, 8, n)
    td.off_sign = rng.integers(5, 26, n)
    pj.off_approved = rng.integers(30, 366, n_proj)
    pj.off_permit = rng.integers(3, 31, n_proj)
    pj.off_works = rng.integers(1, 31, n_proj)
    pj.has_permit = rng.random(n_proj) < 0.9
    pj.has_works = rng.random(n_proj) < 0.85
    td.requirements = np.full(n, None, dtype=object)
    td.n_bids = rng.integers(3, 13, n)
    # overrides written by plants (NaN / -1 = none)
    pj.works_override = np.full(n_proj, -1, dtype=np.int64)
    pj.permit_override = np.full(n_proj, -1, dtype=np.int64)
    td.sign_override = np.full(n, -1, dtype=np.int64)
    td.award_override = np.full(n, -1, dtype=np.int64)
    return pj, td


def derive_dates(pj: Cols, td: Cols) -> None:
    """The statutory timeline from the (possibly planted) announcement, sale and bid periods."""
    # a bid period of exactly 20 days (the lawful minimum, a near miss) must end on a working day to be lawful:
    # such tenders are announced as many days later as the 20th day would have rolled forward
    exact = td.period_days == 20
    if exact.any():
        td.announced = np.where(exact, td.announced + (roll_forward_days(td.announced + 20) - (td.announced + 20)),
                                td.announced)
    td.docs_from = td.announced
    # lawful periods end on a working day (民法典 第203条), as the scan counts them; planted short ones stay short
    sale_end = td.docs_from + td.sale_days
    td.docs_until = np.where(td.sale_days >= 5, np.maximum(sale_end, roll_forward_days(td.docs_from + 5)), sale_end)
    deadline = td.docs_from + td.period_days
    td.deadline_day = np.where(td.period_days >= 20, np.maximum(deadline, roll_forward_days(td.docs_from + 20)),
                               deadline)
    td.cand = td.deadline_day + td.off_cand
    td.publicity_until = roll_forward_days(td.cand + 3)
    award = td.publicity_until + td.off_award
    td.awarded = np.where(td.award_override >= 0, td.award_override, award)
    td.signed = np.where(td.sign_override >= 0, td.sign_override, td.awarded + td.off_sign)
    first_ann = np.full(pj.n, np.iinfo(np.int64).max)
    np.minimum.at(first_ann, td.project, td.announced)
    last_sign = np.full(pj.n, np.iinfo(np.int64).min)
    np.maximum.at(last_sign, td.project, np.maximum(td.signed, td.awarded))
    pj.approved = first_ann - pj.off_approved
    pj.permit = np.where(pj.permit_override >= 0, pj.permit_override, last_sign + pj.off_permit)
    pj.works = np.where(pj.works_override >= 0, pj.works_override, pj.permit + pj.off_works)


def describe(rng: np.random.Generator, reg: Cols, co: Cols, pj: Cols, td: Cols) -> None:
    """Project names, sectors, funding, regions, tender titles and lawful requirement texts."""
    otype = co.owner_type[pj.owner]
    pj.sector = np.array([nm.OWNER_TYPES[t][1] for t in otype], dtype=object)
    pfund = np.array([nm.OWNER_TYPES[t][2] for t in otype])
    pj.state_funded = rng.random(pj.n) < pfund
    pj.region = reg.code[co.district[pj.owner]]
    dist = co.district[pj.owner]
    zh = zihao(rng, pj.n)
    ords = np.asarray(list(nm.CN_ORDINALS), dtype=object)[rng.integers(0, 10, pj.n)]
    u = rng.random(pj.n)
    pats = np.empty(pj.n, dtype=object)
    for sector, bank in nm.PROJECT_PATTERNS.items():
        m = pj.sector == sector
        pats[m] = np.asarray(bank, dtype=object)[(u[m] * len(bank)).astype(np.int64)]
    for ot, bank in nm.OWNER_PROJECTS.items():
        m = otype == ot
        pats[m] = np.asarray(bank, dtype=object)[(u[m] * len(bank)).astype(np.int64)]
    dname = reg.name[dist]
    oname = co.name[pj.owner]
    pj.name = np.array([p.format(d=d, z=z, n=n, o=o)
                        for p, d, z, n, o in zip(pats, dname, zh, ords, oname, strict=True)], dtype=object)
    title = np.empty(td.n, dtype=object)
    u = rng.random(td.n)
    for k, cat in enumerate(CATEGORIES):
        m = td.category == k
        sufs = np.asarray(nm.TITLE_SUFFIX[cat], dtype=object)
        title[m] = pj.name[td.project[m]] + sufs[(u[m] * len(sufs)).astype(np.int64)]
        lib = requirement_library(rng, cat)
        need = m & np.array([r is None for r in td.requirements])
        td.requirements[need] = lib[rng.integers(0, len(lib), int(need.sum()))]
    td.title = title


def requirement_library(rng: np.random.Generator, category: str, size: int = 300) -> np.ndarray:
    """Distinct-enough lawful requirement texts to draw from (building one per tender is slow)."""
    return np.array([lawful_requirements(rng, category) for _ in range(size)], dtype=object)


def lawful_requirements(rng: np.random.Generator, category: str) -> str:
    bank = {"works": nm.LAWFUL_CLAUSES_WORKS, "goods": nm.LAWFUL_CLAUSES_GOODS,
            "services": nm.LAWFUL_CLAUSES_SERVICES}[category]
    k = int(rng.integers(3, min(6, len(bank)) + 1))
    pick = sorted(rng.choice(len(bank), k, replace=False))
    if category == "works":
        pick = sorted(set(pick) | {0})
    q = nm.WORKS_QUALS[rng.integers(0, len(nm.WORKS_QUALS))]
    cert = nm.BUILDER_CERTS[rng.integers(0, len(nm.BUILDER_CERTS))]
    return "".join(f"{i + 1}. {bank[j].format(q=q, cert=cert)}" for i, j in enumerate(pick))


def restrictive_requirements(rng: np.random.Generator, category: str) -> str:
    """Lawful clauses plus one or two restrictive ones (条例第32条 / 1117号)."""
    lawful = lawful_requirements(rng, category)
    k = int(rng.integers(1, 3))
    extra = [nm.RESTRICTIVE_CLAUSES[j].format(brand=nm.BRANDS[rng.integers(0, len(nm.BRANDS))],
                                              cap=int(rng.integers(1, 6)))
             for j in rng.choice(len(nm.RESTRICTIVE_CLAUSES), k, replace=False)]
    n0 = lawful.count(". ")
    return lawful + "".join(f"{n0 + i + 1}. {c}" for i, c in enumerate(extra))
