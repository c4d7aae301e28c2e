"""Market entities: regions, companies (bidders, owners, design institutes, agencies), people, experts.

All arrays are indexed by a 0-based entity number; ids are derived when the tables are built
(company i -> ``C%06d`` % (i+1)). Every contact detail, device and account is unique per company,
and every person name is unique, so that ordinary data carries no accidental shared fingerprint
(``background`` then adds the lawful shared values of real exports: default authors, virtual adapters,
shared network exits).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bidwatch.synth import names as nm
from bidwatch.synth.util import day_number, dup_mask, hex_strings, str_add, uscc

WORKS, GOODS, SERVICES, OWNER, INSTITUTE, AGENCY = range(6)
CATEGORY_KIND = {"works": WORKS, "goods": GOODS, "services": SERVICES}
ROLE_CODES = ["legal_rep", "shareholder", "executive", "project_manager", "agent"]
LEGAL_REP, SHAREHOLDER, EXECUTIVE, PROJECT_MANAGER, AGENT = range(5)


class Cols:
    """A bag of column arrays (attributes are set freely)."""


def regions() -> Cols:
    r = Cols()
    codes, dnames, dcity = [], [], []
    for ci, (_code, _name, _short, _w, districts) in enumerate(nm.CITIES):
        for dcode, dname in districts:
            codes.append(dcode)
            dnames.append(dname)
            dcity.append(ci)
    r.code = np.array(codes)
    r.name = np.array(dnames, dtype=object)
    r.city = np.array(dcity)
    r.city_name = np.array([c[1] for c in nm.CITIES], dtype=object)
    r.city_short = np.array([c[2] for c in nm.CITIES], dtype=object)
    w = np.array([c[3] for c in nm.CITIES])
    r.city_weight = w / w.sum()
    r.n_city = len(nm.CITIES)
    r.n = len(codes)
    r.short = np.array([n[:-1] if len(n) >= 3 and n[-1] in "区县市" else n for n in dnames], dtype=object)
    r.area_code = np.array(nm.AREA_CODES, dtype=object)
    return r


def zihao(rng: np.random.Generator, n: int) -> np.ndarray:
    chars = np.array(list(nm.ZIHAO_CHARS), dtype=object)
    a = rng.integers(0, len(chars), n)
    b = (a + rng.integers(1, len(chars), n)) % len(chars)  # never a doubled character
    return chars[a] + chars[b]


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct Chinese person names."""
    sur = np.array(list(nm.SURNAMES), dtype=object)
    w = 1.0 / (np.arange(len(sur)) + 8.0)
    w /= w.sum()
    given = np.array(list(nm.GIVEN_CHARS), dtype=object)

    def draw(k: int) -> np.ndarray:
        s = sur[rng.choice(len(sur), k, p=w)]
        g1 = given[rng.integers(0, len(given), k)]
        g2 = given[rng.integers(0, len(given), k)]
        two = rng.random(k) < 0.72
        return np.where(two, s + g1 + g2, s + g1)

    out = draw(n)
    for _ in range(80):
        dup = dup_mask(out)
        if not dup.any():
            return out
        out[dup] = draw(int(dup.sum()))
    raise RuntimeError("person name space exhausted")


def _dedupe(values: np.ndarray, redraw, rounds: int = 60) -> np.ndarray:
    for _ in range(rounds):
        dup = dup_mask(values)
        if not dup.any():
            return values
        idx = np.flatnonzero(dup)
        values[idx] = redraw(idx)
    raise RuntimeError("could not make values unique")


def company_counts(n_tenders: int) -> dict[int, int]:
    n_contr = max(150, int(0.4 * n_tenders))
    n_w = round(0.7 * n_contr)
    n_g = round(0.15 * n_contr)
    return {WORKS: n_w, GOODS: n_g, SERVICES: n_contr - n_w - n_g,
            OWNER: max(30, n_tenders // 60), INSTITUTE: max(15, n_tenders // 400) + len(nm.UNIVERSITIES),
            AGENCY: max(8, n_tenders // 800)}


def companies(rng: np.random.Generator, reg: Cols, n_tenders: int) -> Cols:
    counts = company_counts(n_tenders)
    kind = np.concatenate([np.full(c, k, dtype=np.int8) for k, c in counts.items()])
    n = len(kind)
    co = Cols()
    co.n = n
    co.kind = kind
    is_contr = kind <= SERVICES
    co.is_contractor = is_contr
    # Firms cluster in big cities; owners spread over every district.
    dist_w = reg.city_weight[reg.city] / np.bincount(reg.city)[reg.city]
    dist_w /= dist_w.sum()
    district = rng.choice(reg.n, n, p=dist_w)
    owners = np.flatnonzero(kind == OWNER)
    district[owners] = rng.permutation(np.resize(np.arange(reg.n), len(owners)))
    co.district = district
    co.city = reg.city[district]
    co.owner_type = np.full(n, -1, dtype=np.int64)
    co.owner_type[owners] = rng.integers(0, len(nm.OWNER_TYPES), len(owners))
    co.name = _dedupe(_company_names(rng, reg, co, np.arange(n)),
                      lambda idx: _company_names(rng, reg, co, idx))
    # USCC: 91 enterprises, 11 government bodies, 12 public institutions.
    prefix = np.full(n, "91", dtype="U2")
    ot = co.owner_type[owners]
    prefix[owners] = np.array([t[3] for t in nm.OWNER_TYPES])[ot]
    uni = np.flatnonzero(kind == INSTITUTE)[-len(nm.UNIVERSITIES):]
    prefix[uni] = "12"
    body = (np.arange(n, dtype=np.int64) * 7_919_033 + rng.integers(0, 10**8)) % 10**8
    co.uscc = uscc(prefix, reg.code[district], body)
    co.founded = rng.integers(day_number("1994-01-01"), day_number("2020-12-31"), n)
    cap = np.exp(rng.normal(np.log(3e7), 1.0, n))
    cap[kind == WORKS] *= 2.0
    co.capital = np.round(np.clip(cap, 1e6, 2e9) / 1e5) * 1e5
    co.capital[prefix != "91"] = np.nan
    co.activity = np.exp(rng.normal(0.0, 0.8, n))
    co.phone = _dedupe(_phones(rng, reg, co, np.arange(n)), lambda idx: _phones(rng, reg, co, idx))
    co.email = _dedupe(_emails(rng, co, np.arange(n)), lambda idx: _emails(rng, co, idx))
    co.address = _dedupe(_addresses(rng, reg, co, np.arange(n)), lambda idx: _addresses(rng, reg, co, idx))
    co.account = _dedupe(_accounts(rng, np.arange(n)), lambda idx: _accounts(rng, idx))
    _devices(rng, co)
    return co


def _company_names(rng: np.random.Generator, reg: Cols, co: Cols, idx: np.ndarray) -> np.ndarray:
    k = len(idx)
    kind = co.kind[idx]
    z = zihao(rng, k)
    d = co.district[idx]
    city_s = reg.city_short[reg.city[d]]
    dist_s = reg.short[d]
    prov = np.full(k, nm.PROVINCE_SHORT, dtype=object)
    place = np.where(rng.random(k) < 0.35, prov, np.where(rng.random(k) < 0.5, city_s, dist_s))
    out = np.empty(k, dtype=object)
    for kd, trades in ((WORKS, nm.WORKS_TRADES), (GOODS, nm.GOODS_TRADES), (SERVICES, nm.SERVICES_TRADES)):
        m = kind == kd
        if m.any():
            t = np.asarray(trades, dtype=object)[rng.integers(0, len(trades), m.sum())]
            out[m] = str_add(place[m], z[m], t, "有限公司")
    m = kind == WORKS
    group = m & (rng.random(k) < 0.08)
    if group.any():
        ords = np.array(list(nm.CN_ORDINALS), dtype=object)[rng.integers(0, 10, group.sum())]
        out[group] = str_add(nm.PROVINCE_SHORT, z[group], "建工集团第", ords, "工程有限公司")
    for kd, pats in ((INSTITUTE, nm.INSTITUTE_PATTERNS), (AGENCY, nm.AGENCY_PATTERNS)):
        for j in np.flatnonzero(kind == kd):
            p = pats[rng.integers(0, len(pats))]
            out[j] = p.format(z=z[j], c=city_s[j])
    uni_rows = np.flatnonzero(co.kind == INSTITUTE)[-len(nm.UNIVERSITIES):]
    for j in np.flatnonzero(np.isin(idx, uni_rows)):
        out[j] = nm.UNIVERSITIES[int(np.searchsorted(uni_rows, idx[j]))]
    for j in np.flatnonzero(kind == OWNER):
        co.owner_type[idx[j]] = rng.integers(0, len(nm.OWNER_TYPES))  # a redraw may change the type
        pat = nm.OWNER_TYPES[co.owner_type[idx[j]]][0]
        out[j] = pat.format(d=reg.name[d[j]], n=nm.CN_ORDINALS[rng.integers(0, 10)], z=z[j])
    return out


def _phones(rng: np.random.Generator, reg: Cols, co: Cols, idx: np.ndarray) -> np.ndarray:
    k = len(idx)
    pre = np.asarray(nm.MOBILE_PREFIXES)[rng.integers(0, len(nm.MOBILE_PREFIXES), k)]
    mobile = (pre * 10**8 + rng.integers(0, 10**8, k)).astype(str).astype(object)
    land = reg.area_code[co.city[idx]] + "-" + rng.integers(22_000_000, 89_999_999, k).astype(str).astype(object)
    return np.where(rng.random(k) < 0.6, mobile, land)


def _emails(rng: np.random.Generator, co: Cols, idx: np.ndarray) -> np.ndarray:
    k = len(idx)
    handle = np.array(["".join(nm.ZIHAO.get(ch, "") for ch in nme[2:4]) or "hn" for nme in co.name[idx]],
                      dtype=object)
    num = rng.integers(1, 9999, k).astype(str).astype(object)
    dom = np.asarray(nm.EMAIL_DOMAINS, dtype=object)[rng.integers(0, len(nm.EMAIL_DOMAINS), k)]
    qq = rng.integers(10_000_000, 3_999_999_999, k).astype(str).astype(object) + "@qq.com"
    named = handle + np.where(rng.random(k) < 0.7, num, "") + "@" + dom
    return np.where(rng.random(k) < 0.35, qq, named)


def _addresses(rng: np.random.Generator, reg: Cols, co: Cols, idx: np.ndarray) -> np.ndarray:
    k = len(idx)
    d = co.district[idx]
    road = zihao(rng, k) + np.asarray(nm.ROAD_SUFFIX, dtype=object)[rng.integers(0, len(nm.ROAD_SUFFIX), k)]
    num = rng.integers(1, 999, k).astype(str).astype(object)
    bldg = rng.integers(1, 20, k).astype(str).astype(object)
    room = rng.integers(101, 2899, k).astype(str).astype(object)
    tail = np.where(rng.random(k) < 0.6, bldg + "栋" + room + "室", "")
    return nm.PROVINCE + reg.city_name[reg.city[d]] + reg.name[d] + road + num + "号" + tail


def _accounts(rng: np.random.Generator, idx: np.ndarray) -> np.ndarray:
    k = len(idx)
    pick = rng.integers(0, len(nm.BANK_PREFIXES), k)
    pre = np.asarray(nm.BANK_PREFIXES, dtype=object)[pick]
    rest = np.array([nm.BANK_LEN[p] - 4 for p in nm.BANK_PREFIXES])[pick]
    num = (rng.random(k) * 10.0 ** rest).astype(np.int64)
    body = np.array([str(x).zfill(r) for x, r in zip(num, rest, strict=True)], dtype=object)
    return pre + body


def _devices(rng: np.random.Generator, co: Cols) -> None:
    """Each firm has 1-3 computers (machine code, MAC, disk), one CA lock, one pricing-tool licence."""
    n = co.n
    co.dev_count = rng.integers(1, 4, n)
    co.dev_start = np.concatenate([[0], np.cumsum(co.dev_count)[:-1]])
    nd = int(co.dev_count.sum())
    co.dev_machine = _unique_hex(rng, nd, 16)
    mac = _unique_hex(rng, nd, 6)
    co.dev_mac = mac
    prefixes = np.asarray(nm.DISK_PREFIXES, dtype=object)[rng.integers(0, len(nm.DISK_PREFIXES), nd)]
    co.dev_disk = prefixes + _unique_hex(rng, nd, 4).astype(object)
    co.ca_lock = ("HNCA" + np.char.zfill(rng.choice(10**6, n, replace=False).astype(str), 6).astype(object)
                  + np.char.zfill(rng.integers(0, 10**6, n).astype(str), 6).astype(object))
    tp = np.asarray(nm.TOOL_PREFIXES, dtype=object)[rng.integers(0, len(nm.TOOL_PREFIXES), n)]
    co.tool_serial = tp + "-" + np.char.zfill(rng.choice(10**7, n, replace=False).astype(str), 10).astype(object)
    a, b = np.asarray(nm.IP_BLOCKS).T
    blk = rng.integers(0, len(a), n)
    co.office_ip = _ips(rng, a[blk], b[blk])


def _ips(rng: np.random.Generator, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    k = len(a)
    c = rng.integers(0, 256, k)
    d = rng.integers(2, 255, k)
    return (a.astype(str).astype(object) + "." + b.astype(str).astype(object) + "."
            + c.astype(str).astype(object) + "." + d.astype(str).astype(object))


def random_ips(rng: np.random.Generator, k: int) -> np.ndarray:
    a, b = np.asarray(nm.IP_BLOCKS).T
    blk = rng.integers(0, len(a), k)
    return _ips(rng, a[blk], b[blk])


def _unique_hex(rng: np.random.Generator, n: int, nbytes: int) -> np.ndarray:
    out = hex_strings(rng, n, nbytes)
    for _ in range(20):
        dup = dup_mask(out)
        if not dup.any():
            return out
        out[dup] = hex_strings(rng, int(dup.sum()), nbytes)
    raise RuntimeError("hex collision")


def people(rng: np.random.Generator, co: Cols, n_extra_names: int) -> Cols:
    """Persons and their roles. Person i < co.n is the legal representative of company i."""
    n = co.n
    contr = co.is_contractor
    pe = Cols()
    # about 4-5 persons per bidding firm: legal rep, maybe another shareholder and an executive,
    # 1-3 project managers and an agent or two who appear on its bids
    lr_holds = contr & (rng.random(n) < 0.75)
    extra_sh = np.where(contr, (rng.random(n) < 0.3).astype(np.int64), 0)
    extra_sh = np.where(contr & ~lr_holds, 1 + (rng.random(n) < 0.3), extra_sh)
    n_exec = np.where(contr, (rng.random(n) < 0.4).astype(np.int64), 0)
    n_pm = np.where(co.kind == WORKS, rng.integers(1, 4, n), np.where(contr, 1, 0))
    n_agent = np.where(contr, 1 + (rng.random(n) < 0.25), 0)
    blocks = [np.ones(n, dtype=np.int64), extra_sh, n_exec, n_pm, n_agent]
    starts, person_co, person_role = [], [], []
    nxt = 0
    for role, cnt in zip((LEGAL_REP, SHAREHOLDER, EXECUTIVE, PROJECT_MANAGER, AGENT), blocks, strict=True):
        starts.append(nxt + np.concatenate([[0], np.cumsum(cnt)[:-1]]))
        person_co.append(np.repeat(np.arange(n), cnt))
        person_role.append(np.full(int(cnt.sum()), role))
        nxt += int(cnt.sum())
    pe.n_persons = nxt
    pe.person_company = np.concatenate(person_co)
    role = np.concatenate(person_role)
    allnames = person_names(rng, nxt + n_extra_names)
    pe.person_name = allnames[:nxt]
    pe.spare_names = allnames[nxt:]
    co.legal_rep = np.arange(n)
    co.pm_start, co.pm_count = starts[3], n_pm
    co.agent_start, co.agent_count = starts[4], n_agent
    # Relation rows: every person with its role, plus legal reps who also hold shares.
    holder_lr = np.flatnonzero(lr_holds)
    row_person = np.concatenate([np.arange(nxt), holder_lr])
    row_role = np.concatenate([role, np.full(len(holder_lr), SHAREHOLDER)])
    row_company = pe.person_company[row_person]
    share = np.full(len(row_person), np.nan)
    sh = row_role == SHAREHOLDER
    w = rng.gamma(1.5, 1.0, sh.sum())
    comp = row_company[sh]
    tot = np.bincount(comp, weights=w, minlength=n)
    pct = np.round(100.0 * w / tot[comp], 2)
    # put the rounding remainder on the first holder so that shares add up to exactly 100
    order = np.flatnonzero(sh)
    first = pd.Series(order).groupby(comp).transform("first").to_numpy() == order
    rem = 100.0 - np.bincount(comp, weights=pct, minlength=n)
    pct[first] = np.round(pct[first] + rem[comp[first]], 2)
    share[sh] = pct
    since = co.founded[row_company] + rng.integers(0, 2000, len(row_person))
    since = np.where(row_role == LEGAL_REP, co.founded[row_company], since)
    since = np.minimum(since, day_number("2021-12-31"))
    pe.row_person = row_person
    pe.row_company = row_company
    pe.row_role = row_role
    pe.row_share = share
    pe.row_since = since
    pe.extra_rows = []  # (holding company, held company, share_pct): firms as shareholders (plants)
    return pe


def experts(rng: np.random.Generator, co: Cols, pe: Cols, n_tenders: int) -> Cols:
    n = max(150, n_tenders // 40)
    ex = Cols()
    ex.n = n
    inst = np.flatnonzero(co.kind == INSTITUTE)
    works = np.flatnonzero(co.kind == WORKS)
    owners = np.flatnonzero(co.kind == OWNER)
    u = rng.random(n)
    emp = inst[rng.integers(0, len(inst), n)]
    m = u >= 0.72
    emp[m] = works[rng.integers(0, len(works), m.sum())]  # experts working for contractors
    m2 = (u >= 0.62) & (u < 0.72)
    emp[m2] = owners[rng.integers(0, len(owners), m2.sum())]
    ex.employer = emp
    ex.name = pe.spare_names[:n]
    pe.spare_names = pe.spare_names[n:]
    ex.specialty = np.asarray(nm.SPECIALTIES, dtype=object)[rng.integers(0, len(nm.SPECIALTIES), n)]
    return ex
