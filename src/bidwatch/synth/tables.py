"""Turn the generator's arrays into the contract's tables (pandas, Arrow-backed strings)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bidwatch.synth import names as nm
from bidwatch.synth.entities import ROLE_CODES, Cols
from bidwatch.synth.tenders import CATEGORIES
from bidwatch.synth.util import days, hex_strings, ids, mac_notation, take

STATUS = np.array(["valid", "disqualified", "withdrawn"], dtype=object)


class Ids(Cols):
    def bid_of(self, b: int) -> str:
        return f"B{b + 1:08d}"


def make_ids(co: Cols, pe: Cols, ex: Cols, pj: Cols, xp: Cols, td: Cols, bd: Cols) -> Ids:
    i = Ids()
    i.company = _obj(ids("C", co.n, 6))
    i.person = _obj(ids("P", pe.n_persons, 7))
    i.expert = _obj(ids("E", ex.n, 5))
    i.project = _obj(ids("PJ", pj.n + xp.n, 6))
    i.tender = _obj(ids("T", td.n, 7))
    i.bid = ids("B", bd.n, 8)
    return i


def _obj(a: pa.Array) -> np.ndarray:
    return np.asarray(a.to_pylist(), dtype=object)


def frame(cols: dict) -> pd.DataFrame:
    arrays = {k: (v if isinstance(v, pa.Array | pa.ChunkedArray) else _arrow(v)) for k, v in cols.items()}
    return pa.table(arrays).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def _arrow(v) -> pa.Array:
    v = np.asarray(v)
    if v.dtype == object or v.dtype.kind == "U":
        return pa.array(v, type=pa.string(), from_pandas=True)
    if v.dtype.kind == "f":
        return pa.array(v, mask=np.isnan(v))
    return pa.array(v)


def _dates(d: np.ndarray) -> pa.Array:
    d = np.asarray(d, dtype=np.int64)
    return pa.array(days(np.maximum(d, 0)), mask=d < 0)


def _stamps(s: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(s, dtype=np.int64).astype("datetime64[s]"))


def _pick(values: np.ndarray, idx: np.ndarray) -> pa.Array:
    return take(_arrow(values), idx)


def build(rng, reg, co, pe, ex, pj, xp, td, bd, bi, ev, ct, sc, plan, i: Ids, docs: dict[str, str]
          ) -> dict[str, pd.DataFrame]:
    comp = pa.array(i.company, type=pa.string())
    pers = pa.array(i.person, type=pa.string())
    tend = pa.array(i.tender, type=pa.string())
    proj = pa.array(i.project, type=pa.string())
    out: dict[str, pd.DataFrame] = {}
    out["companies"] = frame({
        "company_id": comp, "name": co.name, "uscc": co.uscc, "legal_rep": pe.person_name[co.legal_rep],
        "legal_rep_id": take(pers, co.legal_rep), "phone": co.phone, "email": co.email, "address": co.address,
        "region_code": reg.code[co.district].astype(str), "founded_on": _dates(co.founded),
        "registered_capital": co.capital})
    ex_rows = pe.extra_rows
    holder = np.array([a for a, _, _ in ex_rows], dtype=np.int64)
    owned = np.array([b for _, b, _ in ex_rows], dtype=np.int64)
    out["people"] = frame({
        "person_id": np.concatenate([i.person[pe.row_person], i.company[holder]]),
        "name": np.concatenate([pe.person_name[pe.row_person], co.name[holder]]),
        "company_id": np.concatenate([i.company[pe.row_company], i.company[owned]]),
        "role": np.concatenate([np.asarray(ROLE_CODES, dtype=object)[pe.row_role],
                                np.full(len(ex_rows), "shareholder", dtype=object)]),
        "share_pct": np.concatenate([pe.row_share, [p for _, _, p in ex_rows]]).astype(float),
        "since": _dates(np.concatenate([pe.row_since, co.founded[owned] + 400])),
        "until": pa.nulls(len(pe.row_person) + len(ex_rows), pa.timestamp("s"))})
    owner = np.concatenate([pj.owner, xp.owner])
    out["projects"] = frame({
        "project_id": proj, "name": np.concatenate([pj.name, xp.name]), "owner_id": i.company[owner],
        "owner_name": co.name[owner], "sector": np.concatenate([pj.sector, xp.sector]),
        "estimated_amount": np.concatenate([pj.estimated, xp.estimated]),
        "state_funded": np.concatenate([pj.state_funded, xp.state_funded]),
        "approved_on": _dates(np.concatenate([pj.approved, xp.approved])),
        "permit_on": _dates(np.concatenate([np.where(pj.has_permit, pj.permit, -1), xp.permit])),
        "works_started_on": _dates(np.concatenate([np.where(pj.has_works, pj.works, -1), xp.works])),
        "region_code": np.concatenate([pj.region, xp.region]).astype(str)})
    agency = np.where(td.agency >= 0, co.name[np.maximum(td.agency, 0)], None)
    out["tenders"] = frame({
        "tender_id": tend, "project_id": take(proj, td.project), "title": td.title,
        "category": CATEGORIES[td.category], "procedure": td.procedure, "tenderer_id": i.company[td.tenderer],
        "agency": agency, "ceiling_price": td.ceiling, "estimate": td.estimate, "bid_bond": td.bond,
        "announced_on": _dates(td.announced), "docs_from": _dates(td.docs_from),
        "docs_until": _dates(td.docs_until),
        "bid_deadline": _stamps(td.deadline_day * 86400 + td.deadline_secs), "award_method": td.method,
        "candidates_published_on": _dates(td.cand), "publicity_until": _dates(td.publicity_until),
        "awarded_on": _dates(td.awarded), "winner_id": take(comp, td.winner_company),
        "award_price": td.award_price, "contract_signed_on": _dates(td.signed),
        "requirements_text": td.requirements})
    rank = np.where(bd.rank > 0, bd.rank, 0)
    out["bids"] = frame({
        "bid_id": i.bid, "tender_id": take(tend, bd.tender), "company_id": take(comp, bd.company),
        "price": bd.price, "submitted_at": _stamps(bd.submitted), "status": _pick(STATUS, bd.status),
        "disqualify_reason": bd.reason, "rank": pa.array(rank, mask=bd.rank <= 0),
        "score": bd.score, "project_manager_id": take(pers, bd.pm), "agent_id": take(pers, bd.agent)})
    out["bid_files"] = _bid_files(rng, co, pe, bd, i, pers, docs)
    out["bid_items"] = frame({
        "bid_id": take(i.bid, bi.bid), "item_code": _pick(bi.codes, bi.t_item[bi.ti]),
        "unit_price": bi.unit, "quantity": bi.t_qty[bi.ti]})
    accounts = np.concatenate([co.account, [a for a, _ in plan.extra_payers]]).astype(object)
    payers = np.concatenate([co.name, [n for _, n in plan.extra_payers]]).astype(object)
    pidx = np.where(bd.bond_payer >= 0, bd.bond_payer, co.n - bd.bond_payer - 1)
    out["bonds"] = frame({
        "bid_id": i.bid, "payer_account": _pick(accounts, pidx), "payer_name": _pick(payers, pidx),
        "amount": td.bond[bd.tender], "paid_at": _stamps(bd.bond_paid)})
    out["evaluations"] = frame({
        "tender_id": take(tend, bd.tender[ev.bid]), "expert_id": _pick(i.expert, ev.expert),
        "company_id": take(comp, bd.company[ev.bid]), "score": ev.score})
    out["experts"] = frame({
        "expert_id": i.expert, "name": ex.name, "employer_id": i.company[ex.employer], "specialty": ex.specialty})
    out["contracts"] = frame({
        "contract_id": ids("HT", ct.n, 7), "project_id": take(proj, ct.project),
        "tender_id": take(tend, ct.tender), "buyer_id": take(comp, ct.buyer),
        "supplier_id": take(comp, ct.supplier), "category": CATEGORIES[ct.category], "procedure": ct.procedure,
        "amount": ct.amount, "signed_on": _dates(ct.signed), "subject": ct.subject})
    has_c = sc.company >= 0
    out["sanctions"] = frame({
        "sanction_id": ids("S", sc.n, 6),
        "company_id": take(comp, np.where(has_c & ~sc.uscc_only, sc.company, -1)),
        "uscc": np.where(has_c, co.uscc[np.maximum(sc.company, 0)], None),
        "person_id": take(pers, sc.person), "measure": sc.measure, "authority": sc.authority,
        "reason": sc.reason, "start_on": _dates(sc.start), "end_on": _dates(sc.end)})
    return out


def _bid_files(rng, co, pe, bd, i: Ids, pers: pa.Array, docs: dict[str, str]) -> pd.DataFrame:
    ip = co.office_ip[bd.company].copy()
    mob = np.flatnonzero(bd.ip_mobile)
    from bidwatch.synth.entities import random_ips

    ip[mob] = random_ips(rng, len(mob))
    ip = ip[bd.ip_src]
    override = getattr(bd, "ip_override", None)  # background: uploads from the trading centre's hall
    if override is not None:
        ip = np.where(pd.isna(override), ip, override)
    fh = pa.array(hex_strings(rng, bd.n, 32, upper=False).astype("S64"), type=pa.binary()).cast(pa.string())
    names = np.concatenate([pe.person_name, np.asarray(nm.GENERIC_AUTHORS, dtype=object)])
    aidx = np.where(bd.author >= 0, bd.author, pe.n_persons + bd.author_generic)
    author = names[aidx]
    default = getattr(bd, "author_text", None)  # background: a computer's default author
    if default is not None:
        author = np.where(pd.isna(default), author, default)
    macs = mac_notation(co.dev_mac[bd.dev_mac], bd.mac_style)
    has_text = np.zeros(bd.n, dtype=bool)
    if docs:
        nums = np.array([int(k[1:]) - 1 for k in docs], dtype=np.int64)
        has_text[nums] = True
    path = pc.binary_join_element_wise("texts/", i.bid, ".txt", "")
    path = pc.if_else(pa.array(has_text), path, pa.scalar(None, pa.string()))
    return frame({
        "bid_id": i.bid, "file_hash": fh, "ip": ip, "mac": macs,
        "machine_code": _pick(co.dev_machine, bd.dev_machine), "disk_serial": _pick(co.dev_disk, bd.dev_disk),
        "ca_lock_id": _pick(co.ca_lock, bd.ca_company), "author": author,
        "tool_serial": _pick(co.tool_serial, bd.tool_company), "created_at": _stamps(bd.created),
        "text_path": path})
