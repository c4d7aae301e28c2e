"""``generate`` and ``write_synthetic``: the pipeline, stage by stage.

Each stage draws from its own child of ``SeedSequence(seed)``, so a dataset is a pure function of
(n_tenders, seed); the ``texts`` option changes which bids get a document, never the tables' values
(bid_files.text_path aside).
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bidwatch.synth import background as BG
from bidwatch.synth import bids as B
from bidwatch.synth import entities as E
from bidwatch.synth import evaluation as V
from bidwatch.synth import plant_bids as PB
from bidwatch.synth import records as R
from bidwatch.synth import tables as T
from bidwatch.synth import tenders as TD
from bidwatch.synth import texts as X
from bidwatch.synth.plant import Plan

TEXT_MECHANISMS = ("similar_documents", "mixed_packages")
#: the fewest bill items a tender with a planted copy of unit prices gets: `[collusion] boq_min_items`, the fewest the
#: indicator compares
BOQ_PLANT_MIN_ITEMS = 5


class SyntheticTables(dict):
    """``dict`` of table name -> DataFrame, plus what is not a contract table.

    ``texts``: bid_id -> document text (written to ``texts/<bid_id>.txt``);
    ``near_misses``: DataFrame of deliberate look-alikes that are NOT labelled;
    ``timings``: (wall, cpu) seconds per stage.
    """

    texts: dict[str, str]
    near_misses: pd.DataFrame
    timings: dict[str, tuple[float, float]]


def generate(n_tenders: int, seed: int, *, texts: bool | float = True, background: str = "real"
             ) -> tuple[SyntheticTables, pd.DataFrame]:
    """Synthetic dataset of ``n_tenders`` tenders with planted cases; returns (tables, labels).

    ``texts``: True = a document for every bid; a fraction f = documents for the bids of a random
    f of the tenders; False = none. Bids of planted similar_documents / mixed_packages tenders
    always get documents. ``background``: ``real`` adds the lawful coincidences of real exports
    (``bidwatch.synth.background``: default authors, virtual adapters, shared exits, ceiling and
    rounded prices, fixed fees, county expert pools, candidates-only and missing bid lists);
    ``none`` gives the clean world, where nothing coincides unless planted.
    """
    if n_tenders < 100:
        raise ValueError("n_tenders must be at least 100 (at least 200 to plant every mechanism 3 times)")
    if background not in BG.BACKGROUNDS:
        raise ValueError(f"background must be one of {BG.BACKGROUNDS}")
    real = background == "real"
    clock = _Clock()
    # the background draws from children 16-18 only, so the clean world is the same with or without it
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(19)]
    reg = E.regions()
    co = E.companies(rngs[0], reg, n_tenders)
    pe = E.people(rngs[1], co, n_extra_names=max(150, n_tenders // 40) + 200 + n_tenders // 50)
    ex = E.experts(rngs[1], co, pe, n_tenders)
    clock("entities")
    pj, td = TD.projects_and_tenders(rngs[2], co, n_tenders)
    plan = Plan(n_tenders)
    plan.choose(rngs[3], co, pj, td, ex)
    td.tenderer = pj.owner[td.project]
    TD.describe(rngs[4], reg, co, pj, td)
    # 勘察设计招标投标办法 第24条: a survey/design tender's bid bond is at most 10万 (the lawful world keeps to it; a planted
    # excessive bond keeps its own)
    planted = [t for c in plan.cases if c.mechanism == "excessive_bid_bond" for t in c.tenders]
    design = np.char.endswith(td.title.astype(str), "勘察设计")
    design[planted] = False
    td.bond = np.where(design, np.minimum(td.bond, 100_000.0), td.bond)
    TD.derive_dates(pj, td)
    clock("tenders")
    bd = B.assign_bidders(rngs[5], reg, co, pj, td, plan.forced, plan.reserved, plan.used_companies)
    cb = PB.after_bidders(rngs[6], plan, co, pe, td, bd, ex)
    B.prices(rngs[7], td, bd)
    PB.apply_prices(rngs[7], plan, td, bd)
    if real:
        BG.prices(rngs[16], co, td, bd, plan.reserved)
    B.statuses(rngs[8], td, bd, plan.reserved)
    PB.apply_statuses(rngs[8], plan, td, bd)
    clock("bids")
    pools = BG.expert_pools(rngs[17], plan, co, pj, td, ex) if real else None
    panel = V.panels(rngs[9], co, pj, td, bd, ex, plan.fixed_slots, plan.planted_pairs, pools)
    ev = V.scores(rngs[9], td, bd, panel)
    PB.apply_scores(rngs[9], plan, td, bd, ev)
    B.rank_and_award(td, bd)
    td.winner_company = bd.company[td.winner_bid]
    td.award_price = bd.price[td.winner_bid]
    clock("evaluation")
    R.apply_timing(rngs[10], plan, pj, td)
    B.attributes(rngs[11], co, td, bd)
    # a planted copy of unit prices on a bill of fewer items than identical_unit_prices compares (boq_min_items, 5)
    # would be a case no detector may find: its tender's bill has at least that many
    boq_floor = np.zeros(td.n, dtype=np.int64)
    boq_floor[[t for c in plan.by_mechanism("identical_unit_prices") for t in c.tenders]] = BOQ_PLANT_MIN_ITEMS
    bi = B.boq(rngs[11], td, bd, boq_floor)
    PB.apply_attributes(rngs[11], plan, pe, td, bd, bi)
    if real:
        BG.fingerprints(rngs[16], plan, reg, co, pj, td, bd)
    clock("fingerprints+boq")
    sc = R.sanctions(rngs[12], plan, reg, co, pe, td, bd, cb)
    ct, xp = R.contracts(rngs[13], plan, reg, co, pj, td)
    clock("records")
    ids = T.make_ids(co, pe, ex, pj, xp, td, bd)
    docs = _documents(rngs[14], seed, texts, plan, reg, co, pe, pj, td, bd, ids)
    clock("texts")
    tables = SyntheticTables(T.build(rngs[15], reg, co, pe, ex, pj, xp, td, bd, bi, ev, ct, sc, plan, ids, docs))
    tables.near_misses = plan.near_misses(ids)
    labels = plan.labels(ids)
    # candidates-only and missing bid lists: ordinary tenders only (no label, not a near miss)
    eligible = ~plan.reserved & ~np.isin(ids.tender, labels["tender_id"].to_numpy(dtype=object))
    BG.apply_bid_lists(tables, docs, BG.bid_lists(rngs[18], td, eligible) if real
                       else np.zeros(td.n, dtype=np.int64), bd, bi, ev)
    tables.texts = docs
    clock("tables")
    tables.timings = clock.times
    return tables, labels


def _documents(rng: np.random.Generator, seed: int, texts: bool | float, plan: Plan, reg, co, pe, pj, td, bd,
               ids) -> dict[str, str]:
    if texts is True:
        chosen = np.ones(td.n, dtype=bool)
    else:
        frac = 0.0 if texts is False else float(texts)
        chosen = rng.random(td.n) < frac
    pairs: dict[int, tuple[str, int]] = {}  # bid -> (mechanism, partner bid)
    for c in plan.cases:
        if c.mechanism in TEXT_MECHANISMS:
            chosen[c.tenders[0]] = True
            a, b = c.info["bids"]
            pairs[b if c.mechanism == "similar_documents" else a] = (c.mechanism, b if c.mechanism ==
                                                                      "mixed_packages" else a)
    sources = {p for mech, p in pairs.values() if mech == "similar_documents"}
    bids = np.flatnonzero(chosen[bd.tender] & (bd.status != 2))
    tmpl_cache: dict[int, str] = {}
    secs_cache: dict[int, list[list[str]]] = {}
    out: dict[str, str] = {}
    styles: dict[int, X.Style] = {}
    # sources of copies first, so that the copy can reuse them
    order = sorted(bids.tolist(), key=lambda b: b in pairs and pairs[b][0] == "similar_documents")
    for b in order:
        t = int(bd.tender[b])
        if t not in tmpl_cache:
            tmpl_cache[t] = X.template(seed * 1_000_003 + t, _tender_info(reg, co, pj, td, ids, t))
        r = random.Random(seed * 1_000_000_007 + b)
        c = int(bd.company[b])
        if c not in styles:
            styles[c] = X.Style(seed * 1_000_003 + 7 * c + 1)
        mech, partner = pairs.get(b, ("", -1))
        if mech == "similar_documents":
            secs, frac = X.edit_copy(r, styles[c], secs_cache[partner])
            _note(plan, b, f"{frac:.0%} of sentences edited")
        else:
            secs = X.proposal(r, styles[c], r.randint(1000, 1700))
        if b in sources:
            secs_cache[b] = secs
        head = _head(co, pe, td, bd, ids, b)
        if mech == "mixed_packages":
            head["mixed"] = _head(co, pe, td, bd, ids, partner)
        out[ids.bid_of(b)] = X.render(head, tmpl_cache[t], secs, X.CLOSING[r.randrange(len(X.CLOSING))])
    return out


def _note(plan: Plan, bid: int, text: str) -> None:
    for c in plan.by_mechanism("similar_documents"):
        if c.info["bids"][1] == bid:
            c.info["detail"] = text


def _tender_info(reg, co, pj, td, ids, t: int) -> dict:
    p = td.project[t]
    owner = pj.owner[p]
    dl = td.deadline_day[t] * 86400 + td.deadline_secs[t]
    return {"title": td.title[t], "tender_id": ids.tender[t], "tenderer": co.name[owner],
            "place": reg.city_name[reg.city[co.district[owner]]] + reg.name[co.district[owner]],
            "duration": _duration(td, t), "deadline": str(np.datetime64(int(dl), "s")).replace("T", " ")[:16]}


def _duration(td, t: int) -> int:
    return int(60 + 30 * round(min(16, np.log10(td.estimate[t]) * 2.5 - 12)))


def _head(co, pe, td, bd, ids, b: int) -> dict:
    c = int(bd.company[b])
    t = int(bd.tender[b])
    return {"title": td.title[t], "tender_id": ids.tender[t], "company": co.name[c],
            "agent": pe.person_name[bd.agent[b]], "tenderer": co.name[td.tenderer[t]],
            "price": f"{bd.price[b]:,.2f}", "duration": _duration(td, t), "address": co.address[c],
            "phone": co.phone[c], "email": co.email[c]}


def write_synthetic(out_dir: str | Path, n_tenders: int, seed: int, *, texts: bool | float = True,
                    fmt: str = "csv", progress=None, background: str = "real") -> dict:
    """Generate and write a dataset: tables (via ``bidwatch.contract.save_dataset``), ``labels.csv``,
    ``near_misses.csv`` and ``texts/<bid_id>.txt``. Returns row counts and timings."""
    say = progress or (lambda msg: None)
    if fmt == "xlsx" and n_tenders > 13_000:  # bid_items has ~75 rows per tender
        raise ValueError("an xlsx sheet holds at most 1,048,576 rows: use csv or parquet for this size")
    t0 = time.perf_counter()
    say(f"生成中 / generating {n_tenders} tenders (seed {seed}, background {background}) ...")
    tables, labels = generate(n_tenders, seed, texts=texts, background=background)
    t_gen = time.perf_counter() - t0
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    say(f"写出表格 / writing tables as {fmt} ...")
    _save(tables, out, fmt)
    labels.to_csv(out / "labels.csv", index=False, encoding="utf-8")
    tables.near_misses.to_csv(out / "near_misses.csv", index=False, encoding="utf-8")
    if tables.texts:
        say(f"写出投标文件正文 / writing {len(tables.texts)} document texts ...")
        tdir = out / "texts"
        tdir.mkdir(exist_ok=True)
        for bid_id, text in tables.texts.items():
            (tdir / f"{bid_id}.txt").write_text(text, encoding="utf-8")
    counts = {name: len(df) for name, df in tables.items()}
    counts.update(labels=len(labels), near_misses=len(tables.near_misses), texts=len(tables.texts),
                  seconds_generate=round(t_gen, 2), seconds_total=round(time.perf_counter() - t0, 2))
    return counts


def _save(tables: dict[str, pd.DataFrame], out: Path, fmt: str) -> None:
    try:
        from bidwatch.contract import save_dataset
    except ImportError:  # the contract package is not there: plain pandas writer
        save_dataset = None
    if save_dataset is not None:
        save_dataset(dict(tables), out, fmt=fmt)
        return
    for name, df in tables.items():
        if fmt == "parquet":
            df.to_parquet(out / f"{name}.parquet", index=False)
        else:
            df.to_csv(out / f"{name}.csv", index=False, encoding="utf-8")


class _Clock:
    """Wall-clock and CPU seconds per stage (CPU time is what to compare on a shared machine)."""

    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.c = time.process_time()
        self.times: dict[str, tuple[float, float]] = {}

    def __call__(self, stage: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.times[stage] = (round(now - self.t, 2), round(cpu - self.c, 2))
        self.t, self.c = now, cpu
