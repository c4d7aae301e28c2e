"""Plain-pandas reference detectors, one per planted mechanism.

Each returns the set of tender ids (or project ids) where the signal is present in the generated
tables. The tests assert "planted => detected" and "detected => planted": every plant is really in
the data, and ordinary data and near misses carry none of the signals.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd

GENERIC_AUTHORS = {"Administrator", "admin", "微软用户"}
THRESHOLD = {"works": 4_000_000.0, "goods": 2_000_000.0, "services": 1_000_000.0}
RESTRICTIVE = re.compile(r"本地|本市|本省|分支机构|指定品牌|注册资本不低于")
BANS = ("debarment", "blacklist", "dishonest_debtor")


def norm_mac(s: str) -> str:
    return re.sub(r"[^0-9a-f]", "", str(s).lower())


def _bidders(t: dict) -> pd.DataFrame:
    return t["bids"][["bid_id", "tender_id", "company_id"]]


def _shared_value(df: pd.DataFrame, col: str) -> set[str]:
    """Tenders where two different companies have the same non-empty ``col``."""
    d = df.dropna(subset=[col])
    n = d.groupby(["tender_id", col])["company_id"].nunique()
    return set(n[n >= 2].index.get_level_values(0))


def same_preparer(t: dict) -> set[str]:
    f = t["bid_files"].merge(_bidders(t), on="bid_id")
    f = f.assign(mac=f["mac"].map(norm_mac))
    f.loc[f["author"].isin(GENERIC_AUTHORS), "author"] = None
    out: set[str] = set()
    for col in ("machine_code", "mac", "disk_serial", "ca_lock_id", "author", "tool_serial"):
        out |= _shared_value(f, col)
    return out


def same_agent(t: dict) -> set[str]:
    return _shared_value(t["bids"], "agent_id")


def same_project_manager(t: dict) -> set[str]:
    return _shared_value(t["bids"], "project_manager_id")


def same_bond_account(t: dict) -> set[str]:
    return _shared_value(t["bonds"].merge(_bidders(t), on="bid_id"), "payer_account")


def identical_bid_prices(t: dict) -> set[str]:
    return _shared_value(t["bids"], "price")


def identical_unit_prices(t: dict, share: float = 0.85) -> set[str]:
    items = t["bid_items"].merge(_bidders(t), on="bid_id")
    n_items = items.groupby("bid_id").size()
    j = items.merge(items, on=["tender_id", "item_code", "unit_price"])
    j = j[j["bid_id_x"] < j["bid_id_y"]]
    same = j.groupby(["tender_id", "bid_id_x", "bid_id_y"]).size().reset_index(name="n")
    same["k"] = same["bid_id_x"].map(n_items)
    return set(same.loc[same["n"] >= share * same["k"], "tender_id"])


def regular_price_pattern(t: dict, tol: float = 0.001) -> set[str]:
    b = t["bids"].dropna(subset=["price"]).sort_values(["tender_id", "price"])
    out = set()
    for tid, p in b.groupby("tender_id")["price"]:
        v = p.to_numpy()
        for i in range(len(v) - 2):
            g1, g2 = v[i + 1] - v[i], v[i + 2] - v[i + 1]
            r1, r2 = v[i + 1] / v[i] - 1, v[i + 2] / v[i + 1] - 1
            if g1 > 0 and (abs(g2 - g1) <= tol * g1 or abs(r2 - r1) <= tol * r1):
                out.add(tid)
    return out


def _pairs_with(t: dict, key: pd.Series) -> set[str]:
    b = _bidders(t).assign(k=t["bids"]["company_id"].map(key))
    return _shared_value(b.rename(columns={"k": "key"}), "key")


def related_bidders(t: dict) -> set[str]:
    co = t["companies"].set_index("company_id")
    out = _pairs_with(t, co["legal_rep_id"])
    ppl = t["people"]
    hold = ppl[(ppl["role"] == "shareholder") & (ppl["share_pct"] >= 50) & ppl["person_id"].isin(co.index)]
    if len(hold):
        bidders = _bidders(t)
        a = bidders.merge(hold[["person_id", "company_id"]], left_on="company_id", right_on="person_id")
        a = a.merge(bidders, left_on=["tender_id", "company_id_y"], right_on=["tender_id", "company_id"])
        out |= set(a["tender_id"])
    return out


def shared_contact_details(t: dict) -> set[str]:
    co = t["companies"].set_index("company_id")
    out: set[str] = set()
    for col in ("phone", "email", "address"):
        out |= _pairs_with(t, co[col])
    return out


_GRAMS: dict[str, np.ndarray] = {}


def grams(text: str) -> np.ndarray:
    """Sorted distinct character 3-grams of ``text`` as integers (21 bits per character)."""
    g = _GRAMS.get(text)
    if g is None:
        c = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        g = _GRAMS[text] = np.unique((c[:-2] << np.uint64(42)) | (c[1:-1] << np.uint64(21)) | c[2:])
    return g


def _tender_jaccards(t: dict, texts: dict[str, str]):
    """(tender_id, Jaccard) of every pair of documents in a tender, after dropping the 3-grams that
    every document of the tender has (the tender's own template)."""
    b = _bidders(t)
    for tid, g in b[b["bid_id"].isin(texts.keys())].groupby("tender_id"):
        ids = list(g["bid_id"])
        if len(ids) < 2:
            continue
        gs = [grams(texts[x]) for x in ids]
        if len(ids) > 2:
            common = gs[0]
            for x in gs[1:]:
                common = np.intersect1d(common, x, assume_unique=True)
            gs = [np.setdiff1d(x, common, assume_unique=True) for x in gs]
        for i, j in itertools.combinations(range(len(ids)), 2):
            inter = len(np.intersect1d(gs[i], gs[j], assume_unique=True))
            yield tid, len(ids), inter / (len(gs[i]) + len(gs[j]) - inter)


def similar_documents(t: dict, texts: dict[str, str], threshold: float = 0.5) -> set[str]:
    return {tid for tid, _, jac in _tender_jaccards(t, texts) if jac >= threshold}


def jaccards(t: dict, texts: dict[str, str]) -> list[float]:
    """Template-free Jaccard of every pair of documents in tenders with 3+ documents."""
    return [jac for _, n, jac in _tender_jaccards(t, texts) if n >= 3]


def mixed_packages(t: dict, texts: dict[str, str]) -> set[str]:
    name = t["companies"].set_index("company_id")["name"]
    b = _bidders(t)
    out = set()
    for tid, g in b[b["bid_id"].isin(texts.keys())].groupby("tender_id"):
        others = b[b["tender_id"] == tid]
        for bid, comp in zip(g["bid_id"], g["company_id"], strict=True):
            if any(name[c] in texts[bid] for c in others["company_id"] if c != comp):
                out.add(tid)
    return out


def untendered_contract(t: dict) -> set[str]:
    c = t["contracts"].merge(t["projects"][["project_id", "state_funded"]], on="project_id")
    m = c["tender_id"].isna() & (c["category"] == "works") & (c["amount"] >= 4e6) & c["state_funded"]
    return set(c.loc[m, "project_id"])


def contract_splitting(t: dict) -> set[str]:
    c = t["contracts"]
    c = c[c["tender_id"].isna()].copy()
    c["thr"] = c["category"].map(THRESHOLD)
    out = set()
    for (_, pid), g in c.groupby(["buyer_id", "project_id"]):
        if len(g) < 2 or not (g["amount"] < g["thr"]).all():
            continue
        span = (g["signed_on"].max() - g["signed_on"].min()).days
        if span <= 60 and g["amount"].sum() >= g["thr"].iloc[0]:
            out.add(pid)
    return out


def _timing(t: dict) -> pd.DataFrame:
    return t["tenders"].merge(t["projects"][["project_id", "permit_on", "works_started_on"]], on="project_id")


def works_before_award(t: dict) -> set[str]:
    d = _timing(t)
    m = (d["works_started_on"] < d["awarded_on"]) | (d["permit_on"] < d["awarded_on"])
    return set(d.loc[m, "tender_id"])


def contract_before_award(t: dict) -> set[str]:
    d = t["tenders"]
    return set(d.loc[d["contract_signed_on"] < d["awarded_on"], "tender_id"])


def late_contract(t: dict) -> set[str]:
    d = t["tenders"]
    return set(d.loc[(d["contract_signed_on"] - d["awarded_on"]).dt.days > 30, "tender_id"])


def short_bid_period(t: dict) -> set[str]:
    d = t["tenders"]
    return set(d.loc[(d["bid_deadline"].dt.normalize() - d["docs_from"]).dt.days < 20, "tender_id"])


def short_document_sale(t: dict) -> set[str]:
    d = t["tenders"]
    return set(d.loc[(d["docs_until"] - d["docs_from"]).dt.days < 5, "tender_id"])


def restrictive_clause(t: dict) -> set[str]:
    d = t["tenders"]
    return set(d.loc[d["requirements_text"].str.contains(RESTRICTIVE), "tender_id"])


def few_bidders(t: dict) -> set[str]:
    n = t["bids"].groupby("tender_id").size()
    return set(n[n < 3].index)


def excessive_bid_bond(t: dict) -> set[str]:
    d = t["tenders"]
    return set(d.loc[(d["bid_bond"] > 0.02 * d["estimate"]) | (d["bid_bond"] > 800_000), "tender_id"])


def all_but_winner_disqualified(t: dict) -> set[str]:
    b = t["bids"].merge(t["tenders"][["tender_id", "winner_id"]], on="tender_id")
    others = b[b["company_id"] != b["winner_id"]]
    g = others.groupby("tender_id")["status"].agg(lambda s: (s == "disqualified").all())
    return set(g[g].index)


def lowest_bid_disqualified(t: dict) -> set[str]:
    b = t["bids"].merge(t["tenders"][["tender_id", "award_method"]], on="tender_id")
    b = b[(b["award_method"] == "lowest_price") & b["price"].notna()]
    low = b.loc[b.groupby("tender_id")["price"].idxmin()]
    return set(low.loc[low["status"] == "disqualified", "tender_id"])


def _panels(t: dict) -> pd.DataFrame:
    return t["evaluations"][["tender_id", "expert_id"]].drop_duplicates()


def expert_related_to_bidder(t: dict) -> set[str]:
    p = _panels(t).merge(t["experts"][["expert_id", "employer_id"]], on="expert_id")
    j = p.merge(_bidders(t), left_on=["tender_id", "employer_id"], right_on=["tender_id", "company_id"])
    return set(j["tender_id"])


def expert_favouritism(t: dict, gap: float = 15.0, min_tenders: int = 4) -> set[str]:
    e = t["evaluations"]
    g = e.groupby(["tender_id", "company_id"])["score"].agg(["sum", "count"]).reset_index()
    e = e.merge(g, on=["tender_id", "company_id"])
    e["dev"] = e["score"] - (e["sum"] - e["score"]) / (e["count"] - 1)
    hi = e[e["dev"] >= gap]
    n = hi.groupby(["expert_id", "company_id"])["tender_id"].nunique()
    keep = n[n >= min_tenders].index
    hi = hi.set_index(["expert_id", "company_id"]).loc[keep] if len(keep) else hi.iloc[0:0]
    return set(hi["tender_id"])


def expert_repeat_panel(t: dict, min_panels: int = 5) -> set[str]:
    p = _panels(t).merge(t["tenders"][["tender_id", "tenderer_id"]], on="tender_id")
    n = p.groupby(["expert_id", "tenderer_id"])["tender_id"].transform("nunique")
    return set(p.loc[n >= min_panels, "tender_id"])


def sanctioned_bidder(t: dict, measures: tuple[str, ...] = BANS) -> set[str]:
    s = t["sanctions"][t["sanctions"]["measure"].isin(measures)]
    co = t["companies"][["company_id", "uscc"]]
    by_uscc = s.dropna(subset=["uscc"]).merge(co, on="uscc", suffixes=("_s", ""))
    s = pd.concat([s.dropna(subset=["company_id"])[["company_id", "start_on", "end_on"]],
                   by_uscc[["company_id", "start_on", "end_on"]]])
    b = t["bids"].merge(t["tenders"][["tender_id", "bid_deadline"]], on="tender_id").merge(s, on="company_id")
    day = b["bid_deadline"].dt.normalize()
    active = (b["start_on"] <= day) & (b["end_on"].isna() | (b["end_on"] >= day))
    return set(b.loc[active, "tender_id"])


TENDER_LEVEL = {
    "same_preparer": same_preparer, "same_agent": same_agent, "same_project_manager": same_project_manager,
    "identical_unit_prices": identical_unit_prices, "identical_bid_prices": identical_bid_prices,
    "regular_price_pattern": regular_price_pattern, "same_bond_account": same_bond_account,
    "related_bidders": related_bidders, "shared_contact_details": shared_contact_details,
    "works_before_award": works_before_award, "contract_before_award": contract_before_award,
    "late_contract": late_contract, "short_bid_period": short_bid_period,
    "short_document_sale": short_document_sale, "restrictive_clause": restrictive_clause,
    "few_bidders": few_bidders, "excessive_bid_bond": excessive_bid_bond,
    "all_but_winner_disqualified": all_but_winner_disqualified, "lowest_bid_disqualified": lowest_bid_disqualified,
    "expert_related_to_bidder": expert_related_to_bidder, "expert_favouritism": expert_favouritism,
    "expert_repeat_panel": expert_repeat_panel, "sanctioned_bidder": sanctioned_bidder,
}
TEXT_LEVEL = {"similar_documents": similar_documents, "mixed_packages": mixed_packages}
PROJECT_LEVEL = {"untendered_contract": untendered_contract, "contract_splitting": contract_splitting}


def bid_rotation_ok(t: dict, tenders: list[str], ring: list[str]) -> list[str]:
    """Problems with one planted ring (empty list = a proper rotation)."""
    problems = []
    td = t["tenders"].set_index("tender_id").loc[tenders]
    if len(tenders) < 8:
        problems.append("fewer than 8 tenders")
    if td["tenderer_id"].nunique() != 1:
        problems.append("more than one tenderer")
    bids = t["bids"][t["bids"]["tender_id"].isin(tenders)]
    winners = td["winner_id"]
    if not set(winners) <= set(ring) or set(winners) != set(ring):
        problems.append(f"winners {sorted(set(winners))} are not every ring member")
    for tid, g in bids.groupby("tender_id"):
        if not set(ring) <= set(g["company_id"]):
            problems.append(f"{tid}: ring member missing")
        wp = g.loc[g["company_id"] == winners[tid], "price"].iloc[0]
        cover = g[g["company_id"].isin(ring) & (g["company_id"] != winners[tid])]["price"] / wp - 1
        if not ((cover >= 0.029) & (cover <= 0.081)).all():
            problems.append(f"{tid}: cover bids not 3-8% above the winner")
    return problems
