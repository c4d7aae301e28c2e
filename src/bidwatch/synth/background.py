"""The lawful background of real e-bidding exports: coincidences that are not collusion.

A clean synthetic world, where every fingerprint, price and panel is unique unless planted, is a test
a detector passes by treating any coincidence as evidence. Real exports are not like that, and a
regulator who reads alerts on them stops trusting a detector that does. This module adds, to the
ordinary (unplanted) part of the world, what real exports carry. None of it is labelled: it is lawful.

Values are *generated* (stems x spellings x suffixes, vendor OUIs x default host-adapter numbers), not
taken from a fixed list, so a detector cannot pass by listing them: it has to learn from the data how
widely a value is spread. Every shared default value is given to at least ``MIN_SPREAD`` companies
(a default is by nature widespread; a rare default that two co-bidders happen to share would be
indistinguishable from a planted one, in the data as for a human reader).

Rates chosen, and why (per dataset; the reasons are what e-bidding exports and trading-centre
notices show, see ../shared/domain-cn.md §4.2, §5):

* **Document authors** (``DEFAULT_AUTHOR_DEVICES`` = 30% of bidders' computers): Office/WPS installed
  without a user name, or a PC set up from an OEM or a "ghost" image, writes the same author into every
  file: ``Windows 用户``, ``Administrator``, ``Lenovo-PC``, ``YlmF`` ... in many spellings. A further
  5% of computers write their own computer name (``DESKTOP-7K2L9QF``), unique per machine.
* **Virtual adapters** (``VIRTUAL_MAC_DEVICES`` = 14% of computers): the export records the first
  adapter, which on a PC with VMware, VirtualBox, Hyper-V, Parallels, QEMU, Npcap or Docker is often a
  host-side virtual one. Host adapters carry vendor defaults (VMware's VMnet8 is ``00:50:56:C0:00:08``
  on every host), so about two thirds of these are shared by many firms; the rest are random addresses
  in a virtualisation OUI or locally administered (U/L bit set), unique but weak.
* **Network exits**: 18% of contractors sit in an industrial park (园区) whose firms leave by one public
  IP; 8% of bids are uploaded in the trading centre's hall (现场上传), from the hall's IP (one per city).
* **Prices** (unplanted tenders only): firms have a rounding habit (20% to 100 yuan, 15% to 1,000
  yuan, 10% to 万元 — 1,000 yuan below 1,000,000); 15% of tenders are "ceiling-prone" (little
  competition: 25% of their bids at the published ceiling or a round 下浮 of it), elsewhere 1.5%; 25% of
  services tenders have a published fixed fee (监理/造价咨询/代理 at a 政府指导价) that every bidder bids.
* **Expert pools**: 20% of tenderers (county-level) draw their panels from a county pool of 8-16
  experts, so the same experts sit on many of their panels; everyone else draws from the province
  pool, whose size the generator's cap of 3 panels per expert and tenderer stands in for.
* **Bid lists** (``tenders.bid_list``): 12% of tenders are known only from the 中标候选人公示
  (``candidates``: the top 3 valid bids, no files, bonds, bill items or panel scores) and 6% only from
  the result notice (``none``: no bids at all). Both are ordinary tenders: planted, near-miss and
  labelled tenders keep their whole bid list.

Planted cases are untouched: prices and bid lists change only on unreserved tenders; a planted MAC or
author keeps its unique value; planted repeat-panel tenderers draw from the province pool.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bidwatch.synth.entities import OWNER, Cols
from bidwatch.synth.tenders import SERVICES_C

BACKGROUNDS = ("real", "none")
MIN_SPREAD = 5

DEFAULT_AUTHOR_DEVICES = 0.30
COMPUTER_NAME_DEVICES = 0.05
VIRTUAL_MAC_DEVICES = 0.14
VIRTUAL_MAC_SHARED = 0.65
PARK_FIRMS = 0.18
HALL_UPLOADS = 0.08
ROUNDING_HABIT = ((0.0, 0.55), (100.0, 0.20), (1000.0, 0.15), (10000.0, 0.10))
CEILING_PRONE_TENDERS = 0.15
AT_CEILING_PRONE, AT_CEILING_OTHER = 0.25, 0.015
ROUND_DISCOUNTS = np.array([0.01, 0.02, 0.03, 0.05, 0.08, 0.10, 0.15])
FIXED_FEE_SERVICES = 0.25
SMALL_POOL_TENDERERS = 0.20
SMALL_POOL_SIZE = (8, 17)
CANDIDATES_ONLY, NO_BIDS = 0.12, 0.06

# Building blocks of default authors: (stem, weight). Spellings are generated from them below.
_OS_STEMS = [("Windows 用户", 8.0), ("Administrator", 8.0), ("User", 4.0), ("微软用户", 4.0), ("admin", 3.0),
             ("Microsoft Office 用户", 2.0), ("Owner", 1.0), ("用户", 1.5), ("Microsoft", 1.5), ("MS", 0.6)]
_OEM_STEMS = [("Lenovo", 2.0), ("ThinkPad", 1.0), ("DELL", 1.5), ("HP", 1.2), ("ASUS", 0.8), ("Acer", 0.5),
              ("HUAWEI", 0.8), ("方正", 0.4), ("清华同方", 0.4), ("Haier", 0.3)]
_IMAGE_STEMS = [("YlmF", 1.2), ("雨林木风", 1.0), ("番茄花园", 0.8), ("深度技术", 0.8), ("系统之家", 0.7),
                ("电脑公司", 0.6), ("萝卜家园", 0.5), ("技术员联盟", 0.3), ("Deepin", 0.4), ("WPS", 0.8)]
_SUFFIXES = [("", 6.0), ("-PC", 3.0), ("_PC", 1.0), ("PC", 1.0), ("-pc", 0.8), ("1", 0.6), ("123", 0.4),
             ("-电脑", 0.4), ("2016", 0.3), ("2019", 0.3), ("-001", 0.3), (".Org", 0.2)]

# Virtualisation and loopback adapters: (first three bytes, base of the default low bytes, weight).
# The host side gets a default numbered from the base (VMware VMnet1 .. VMnet8, VirtualBox host-only
# #1.., Parallels host-only/shared, QEMU's 52:54:00:12:34:56, Hyper-V's first addresses of a range).
_VIRTUAL = [("005056", "C00000", 6.0), ("000C29", "000000", 0.5), ("080027", "000000", 0.8),
            ("0A0027", "000000", 2.0), ("00155D", "000000", 1.5), ("525400", "123456", 1.2),
            ("001C42", "000000", 1.0), ("02004C", "4F4F50", 1.5), ("0242AC", "110002", 1.0)]


def _case_variants(stem: str) -> list[str]:
    return list(dict.fromkeys([stem, stem.upper(), stem.lower(), stem.title(), stem.replace(" ", "")]))


def default_authors(rng: np.random.Generator, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``k`` distinct default document authors and their popularity (sums to 1).

    Each is a stem (an OS or Office default, an OEM name, a ghost-image name) in one of its spellings
    (case, spaces) with a suffix (``-PC``, a year, ...), drawn with probability falling with how
    unusual the spelling is; the canonical spellings of the common stems are the most popular."""
    values, weights = [], []
    for stems, group_w, suffixed in ((_OS_STEMS, 1.0, False), (_OEM_STEMS, 0.6, True), (_IMAGE_STEMS, 0.5, True)):
        for stem, w in stems:
            for i, spelling in enumerate(_case_variants(stem)):
                for suffix, sw in (_SUFFIXES if suffixed else _SUFFIXES[:1] + _SUFFIXES[5:7]):
                    values.append(spelling + suffix)
                    weights.append(group_w * w * sw / (1.0 + 2.5 * i))
    vals = np.array(values, dtype=object)
    w = np.array(weights)
    _, first = np.unique(vals.astype(str), return_index=True)
    vals, w = vals[np.sort(first)], w[np.sort(first)]
    pick = rng.choice(len(vals), min(k, len(vals)), replace=False, p=w / w.sum())
    pop = w[pick] * rng.lognormal(0.0, 0.3, len(pick))
    return vals[pick], pop / pop.sum()


def virtual_macs(rng: np.random.Generator, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``k`` distinct shared host-adapter MACs (12 upper-case hex digits) and their popularity."""
    oui = np.array([v[0] for v in _VIRTUAL])
    base = np.array([int(v[1], 16) for v in _VIRTUAL])
    vw = np.array([v[2] for v in _VIRTUAL])
    n_cand = 16
    # adapter number 1..16; the low numbers (the first adapters created) are the most common, and
    # VMware's VMnet8 (NAT) as common as VMnet1
    num = np.arange(n_cand)
    nw = 1.0 / (1.0 + num) ** 1.5
    cand_w = (vw[:, None] * nw[None, :]).ravel()
    cand_w[np.flatnonzero(oui == "005056")[0] * n_cand + 7] = vw[oui == "005056"][0] * nw[0]
    vals = np.array([f"{o}{b + j:06X}" for o, b in zip(oui, base, strict=True) for j in num + 1], dtype=object)
    pick = rng.choice(len(vals), min(k, len(vals)), replace=False, p=cand_w / cand_w.sum())
    pop = cand_w[pick] * rng.lognormal(0.0, 0.3, len(pick))
    return vals[pick], pop / pop.sum()


def random_virtual_macs(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` random (unique-ish) addresses in a virtualisation OUI or locally administered."""
    raw = rng.integers(0, 256, (n, 6), dtype=np.int64)
    laa = rng.random(n) < 0.4
    raw[laa, 0] = (raw[laa, 0] | 0x02) & 0xFE  # U/L bit set, unicast
    ouis = np.array([[int(o[i:i + 2], 16) for i in (0, 2, 4)] for o in ("000C29", "080027", "00155D", "525400")])
    pick = ouis[rng.integers(0, len(ouis), n)]
    raw[~laa, :3] = pick[~laa]
    return np.array(["".join(f"{x:02X}" for x in row) for row in raw], dtype=object)


def _universal(rng: np.random.Generator, macs: np.ndarray) -> np.ndarray:
    """Clear the U/L and multicast bits of the first byte; redraw the (rare) duplicates this makes."""
    from bidwatch.synth.util import dup_mask, hex_strings

    def fix(m: np.ndarray) -> np.ndarray:
        first = np.array([int(x[:2], 16) & 0xFC for x in m])
        return np.array([f"{f:02X}{x[2:]}" for f, x in zip(first, m, strict=True)], dtype=object)

    out = fix(macs)
    for _ in range(20):
        dup = dup_mask(out)
        if not dup.any():
            return out
        out[dup] = fix(hex_strings(rng, int(dup.sum()), 6).astype(object))
    raise RuntimeError("MAC collision")


def _spread(rng: np.random.Generator, owner: np.ndarray, pop: np.ndarray) -> np.ndarray:
    """Value index for each item (a computer, a firm) owned by ``owner``: every value goes first to
    ``MIN_SPREAD`` items of different owners, the rest by popularity. Returns indices into ``pop``."""
    k = len(pop)
    out = rng.choice(k, len(owner), p=pop)
    order = rng.permutation(len(owner))
    _, first = np.unique(owner[order], return_index=True)
    one_each = order[np.sort(first)]  # one item per owner, in random order
    m = min(len(one_each), k * MIN_SPREAD)
    out[one_each[:m]] = np.arange(m) % k
    return out


def fingerprints(rng: np.random.Generator, plan, reg: Cols, co: Cols, pj: Cols, td: Cols, bd: Cols) -> None:
    """Default authors, virtual adapters and shared network exits (after the fingerprint plants)."""
    from bidwatch.synth.entities import random_ips

    dev_co = np.repeat(np.arange(co.n), co.dev_count)
    contr_dev = np.flatnonzero(co.is_contractor[dev_co])
    # devices whose MAC or author is planted evidence (or a near miss) keep their unique values
    keep_mac = np.zeros(len(dev_co), dtype=bool)
    keep_author_bid = np.zeros(bd.n, dtype=bool)
    for c in plan.cases:
        if c.mechanism == "same_preparer":
            keep_mac[bd.dev_mac[c.info["bids"]]] = True
            keep_author_bid[c.info["bids"]] = True
    for c in plan.near_kind("same_mac_different_tenders"):
        if "bids" in c.info:
            keep_mac[bd.dev_mac[c.info["bids"]]] = True
    # -- document authors: a default per computer, written into every file made on it
    u = rng.random(len(contr_dev))
    dflt = contr_dev[u < DEFAULT_AUTHOR_DEVICES]
    names = contr_dev[(u >= DEFAULT_AUTHOR_DEVICES) & (u < DEFAULT_AUTHOR_DEVICES + COMPUTER_NAME_DEVICES)]
    k = max(12, len(dflt) // (2 * MIN_SPREAD))
    vals, pop = default_authors(rng, k)
    dev_author = np.full(len(dev_co), None, dtype=object)
    dev_author[dflt] = vals[_spread(rng, dev_co[dflt], pop)]
    alnum = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), dtype=object)
    tail = alnum[rng.integers(0, len(alnum), (len(names), 7))].sum(axis=1)
    dates = rng.integers(20150101, 20241231, len(names)).astype(str)
    dev_author[names] = [f"DESKTOP-{t}" if r < 0.6 else f"USER-{d}{t[:4]}"
                         for t, d, r in zip(tail, dates, rng.random(len(names)), strict=True)]
    bid_dev = bd.dev_disk  # the bid's own computer (only a disk_serial plant re-points it)
    own = dev_author[bid_dev]
    use = (own != None) & ~keep_author_bid  # noqa: E711 (element-wise)
    bd.author_text = np.full(bd.n, None, dtype=object)
    bd.author_text[use] = own[use]
    # a file without a default author carries a person's name (the clean world's three generic
    # authors are replaced by the generated defaults above)
    bd.author = np.where((bd.author < 0) & ~use & ~keep_author_bid, bd.agent, bd.author)
    # -- physical adapters are universally administered unicast addresses (the clean world's random
    # bytes set the U/L bit on half of them; a detector that rightly treats locally administered MACs
    # as weak would then discount planted physical MACs too)
    co.dev_mac = _universal(rng, co.dev_mac.astype(object))
    # -- virtual adapters recorded instead of the physical MAC
    u = rng.random(len(contr_dev))
    virt = contr_dev[(u < VIRTUAL_MAC_DEVICES) & ~keep_mac[contr_dev]]
    shared = virt[rng.random(len(virt)) < VIRTUAL_MAC_SHARED]
    unique = np.setdiff1d(virt, shared)
    mvals, mpop = virtual_macs(rng, max(6, len(shared) // (2 * MIN_SPREAD)))
    co.dev_mac = co.dev_mac.astype(object)
    co.dev_mac[shared] = mvals[_spread(rng, dev_co[shared], mpop)]
    co.dev_mac[unique] = random_virtual_macs(rng, len(unique))
    # -- network exits: industrial parks (per city) and the trading centre's hall (per city)
    contr = np.flatnonzero(co.is_contractor)
    park_firms = contr[rng.random(len(contr)) < PARK_FIRMS]
    n_parks = np.maximum(1, np.bincount(co.city[park_firms], minlength=reg.n_city) // 12)
    park_of = (rng.random(len(park_firms)) * n_parks[co.city[park_firms]]).astype(np.int64)
    park_key = co.city[park_firms] * 100 + park_of
    keys, inv = np.unique(park_key, return_inverse=True)
    park_ip = random_ips(rng, len(keys))
    co.office_ip = co.office_ip.astype(object)
    co.office_ip[park_firms] = park_ip[inv]
    hall_ip = random_ips(rng, reg.n_city)
    tender_city = co.city[pj.owner[td.project]]
    hall = rng.random(bd.n) < HALL_UPLOADS
    bd.ip_override = np.full(bd.n, None, dtype=object)
    bd.ip_override[hall] = hall_ip[tender_city[bd.tender[hall]]]


def prices(rng: np.random.Generator, co: Cols, td: Cols, bd: Cols, reserved: np.ndarray) -> None:
    """Fixed fees, bids at the ceiling or a round discount of it, and rounded bids (unplanted tenders;
    runs after the price plants and before statuses, so withdrawals and awards follow the new prices)."""
    free = ~reserved
    t = bd.tender
    ceil = td.ceiling[t]
    sel = free[t] & ~np.isnan(bd.price)
    steps = np.array([s for s, _ in ROUNDING_HABIT])
    habit = steps[rng.choice(len(ROUNDING_HABIT), co.n, p=[p for _, p in ROUNDING_HABIT])]
    step = habit[bd.company]
    step = np.where((step == 10000.0) & (bd.price < 1e6), 1000.0, step)
    rounded = np.where(step > 0, np.round(bd.price / np.maximum(step, 1.0)) * step, bd.price)
    rounded = np.where(rounded > ceil, np.floor(bd.price / np.maximum(step, 1.0)) * step, rounded)
    bd.price = np.where(sel, rounded, bd.price)
    prone = rng.random(td.n) < CEILING_PRONE_TENDERS
    at = sel & (rng.random(bd.n) < np.where(prone, AT_CEILING_PRONE, AT_CEILING_OTHER)[t])
    exact = rng.random(bd.n) < 0.4
    disc = ROUND_DISCOUNTS[rng.choice(len(ROUND_DISCOUNTS), bd.n, p=[0.2, 0.2, 0.2, 0.2, 0.1, 0.06, 0.04])]
    bd.price = np.where(at, np.where(exact, ceil, np.round(ceil * (1 - disc), 2)), bd.price)
    fixed = free & (td.category == SERVICES_C) & (rng.random(td.n) < FIXED_FEE_SERVICES)
    fb = sel & fixed[t]
    bd.price[fb] = ceil[fb]
    td.method[fixed] = "comprehensive"  # every bid is the fee: the technical marks decide
    td.fixed_fee = fixed


def expert_pools(rng: np.random.Generator, plan, co: Cols, pj: Cols, td: Cols, ex: Cols
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """County pools of some tenderers: (pool of each tender or -1, pool members padded, pool sizes).

    Tenderers with a planted repeat panel or a planted ring keep the province pool, and planted
    experts sit in no county pool, so that the plants stay what they are."""
    owners = np.flatnonzero(co.kind == OWNER)
    planted_owners = {c.info["owner"] for c in plan.cases if "owner" in c.info}
    cand = np.array([o for o in owners if int(o) not in planted_owners], dtype=np.int64)
    small = cand[rng.random(len(cand)) < SMALL_POOL_TENDERERS]
    free_ex = np.setdiff1d(np.arange(ex.n), np.array(sorted(plan.used_experts), dtype=np.int64))
    sizes = rng.integers(*SMALL_POOL_SIZE, len(small))
    members = np.zeros((len(small), SMALL_POOL_SIZE[1]), dtype=np.int64)
    for i, s in enumerate(sizes):
        members[i, :s] = rng.choice(free_ex, s, replace=False)
    pool_of_owner = np.full(co.n, -1, dtype=np.int64)
    pool_of_owner[small] = np.arange(len(small))
    return pool_of_owner[pj.owner[td.project]], members, sizes


def bid_lists(rng: np.random.Generator, td: Cols, eligible: np.ndarray) -> np.ndarray:
    """``tenders.bid_list`` codes: 0 all, 1 candidates only, 2 none (only ``eligible`` tenders change)."""
    u = rng.random(td.n)
    code = np.where(u < NO_BIDS, 2, np.where(u < NO_BIDS + CANDIDATES_ONLY, 1, 0))
    return np.where(eligible, code, 0)


BID_LIST = np.array(["all", "candidates", "none"], dtype=object)


def apply_bid_lists(tables: dict[str, pd.DataFrame], texts: dict[str, str], code: np.ndarray, bd: Cols,
                    bi: Cols, ev: Cols) -> None:
    """Keep what a candidates-only notice or a result notice shows: the top 3 ranked valid bids (price,
    rank, score) or none; their files, bonds, bill items and panel scores are not in such data.

    The tables are in the generator's row order (bids, bid_files and bonds one row per bid; bid_items
    by ``bi.bid``, evaluations by ``ev.bid``), so rows are dropped by position, not by id lookups."""
    td = tables["tenders"]
    td["bid_list"] = pd.Series(BID_LIST[code], dtype=td["tender_id"].dtype)
    partial = code[bd.tender] > 0
    if not partial.any():
        return
    top3 = (code[bd.tender] == 1) & (bd.status == 0) & (bd.rank >= 1) & (bd.rank <= 3)
    tables["bids"] = tables["bids"][~partial | top3].reset_index(drop=True)
    for name in ("bid_files", "bonds"):
        tables[name] = tables[name][~partial].reset_index(drop=True)
    tables["bid_items"] = tables["bid_items"][~partial[bi.bid]].reset_index(drop=True)
    tables["evaluations"] = tables["evaluations"][~partial[ev.bid]].reset_index(drop=True)
    for b in [k for k in texts if partial[int(k[1:]) - 1]]:
        del texts[b]
