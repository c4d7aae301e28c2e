"""Which tenders carry which planted scheme, and the ground-truth labels.

``Plan.choose`` runs before bidders are drawn: it reserves tenders (one mechanism per tender),
makes the tender-level changes (bid count, owner, periods, bond, clauses) and fixes forced bidders.
The per-bid changes are made later by ``plant_bids`` and ``plant_process`` at the matching stage.
Near misses are reserved the same way but never labelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bidwatch.synth import names as nm
from bidwatch.synth.entities import INSTITUTE, OWNER, WORKS, Cols
from bidwatch.synth.tenders import CATEGORIES, WORKS_C, restrictive_requirements

# (scheme, mechanism, weight, tenders per case; 0 = contracts only)
MECHANISMS: list[tuple[str, str, float, float]] = [
    ("collusion", "same_preparer", 3.0, 1), ("collusion", "same_agent", 1.5, 1),
    ("collusion", "same_project_manager", 1.5, 1), ("collusion", "identical_unit_prices", 1.5, 1),
    ("collusion", "similar_documents", 2.0, 1), ("collusion", "identical_bid_prices", 1.0, 1),
    ("collusion", "regular_price_pattern", 1.5, 1), ("collusion", "mixed_packages", 1.0, 1),
    ("collusion", "same_bond_account", 1.5, 1), ("collusion", "related_bidders", 1.5, 1),
    ("collusion", "shared_contact_details", 1.0, 1), ("collusion", "bid_rotation", 0.25, 9),
    ("evasion", "untendered_contract", 1.0, 0), ("evasion", "contract_splitting", 1.0, 0),
    ("works_before_award", "works_before_award", 1.5, 1),
    ("works_before_award", "contract_before_award", 1.0, 1), ("works_before_award", "late_contract", 1.0, 1),
    ("exclusion", "short_bid_period", 1.0, 1), ("exclusion", "short_document_sale", 1.0, 1),
    ("exclusion", "restrictive_clause", 1.5, 1), ("exclusion", "few_bidders", 1.0, 1),
    ("exclusion", "excessive_bid_bond", 1.0, 1), ("exclusion", "all_but_winner_disqualified", 0.8, 1),
    ("exclusion", "lowest_bid_disqualified", 0.8, 1),
    ("expert_bias", "expert_related_to_bidder", 1.0, 1), ("expert_bias", "expert_favouritism", 0.3, 4.5),
    ("expert_bias", "expert_repeat_panel", 0.3, 5.5),
    ("sanctioned_bidder", "sanctioned_bidder", 1.0, 1),
]
SCHEME = {m: s for s, m, _, _ in MECHANISMS}
NEAR_MISSES = ["same_mac_different_tenders", "shared_phone_never_cobid", "prices_3pct_no_pattern",
               "contract_just_under_threshold", "works_day_after_award", "bid_period_exactly_20_days",
               "expert_employer_not_bidding", "sanction_expired_before_deadline",
               "contract_signed_30_days_after_award"]
SINGLE_PROJECT = ("works_before_award", "contract_before_award", "late_contract",
                  "works_day_after_award", "contract_signed_30_days_after_award")
PLANTED_PER_TENDER = 1 / 17
# plants that change a company's own records get companies no other plant uses (forced as bidders)
FORCED_FREE = {"related_bidders": 2, "shared_contact_details": 2, "sanctioned_bidder": 1,
               "sanction_expired_before_deadline": 1}  # about one planted tender in 17


@dataclass
class Case:
    mechanism: str
    tenders: list[int] = field(default_factory=list)
    companies: list[int] = field(default_factory=list)
    project: int = -1  # extra-project index for contract-level cases
    info: dict = field(default_factory=dict)

    @property
    def scheme(self) -> str:
        return SCHEME[self.mechanism]


def case_counts(n_tenders: int) -> dict[str, int]:
    per = sum(w * k for _, _, w, k in MECHANISMS if k)
    s = n_tenders * PLANTED_PER_TENDER / per
    floor = 3 if n_tenders >= 200 else 1
    return {m: max(floor, round(s * w)) for _, m, w, _ in MECHANISMS}


class Plan:
    def __init__(self, n_tenders: int):
        self.n = n_tenders
        self.cases: list[Case] = []
        self.near: list[Case] = []
        self.reserved = np.zeros(n_tenders, dtype=bool)
        self.forced: dict[int, list[int]] = {}
        self.forced_winner: dict[int, int] = {}
        self.fixed_slots: dict[tuple[int, int], int] = {}
        self.planted_pairs: set[tuple[int, int]] = set()
        self.used_companies: set[int] = set()
        self.used_experts: set[int] = set()
        self.extra_payers: list[tuple[str, str]] = []  # (account, name)
        self.counts = case_counts(n_tenders)

    # -- selection helpers -------------------------------------------------
    def take(self, rng: np.random.Generator, mask: np.ndarray, k: int) -> list[int]:
        pool = np.flatnonzero(mask & ~self.reserved)
        if len(pool) < k:
            raise ValueError(f"not enough tenders to plant ({len(pool)} < {k}); use more tenders")
        pick = rng.choice(pool, k, replace=False)
        self.reserved[pick] = True
        return [int(t) for t in pick]

    def by_mechanism(self, mech: str) -> list[Case]:
        return [c for c in self.cases if c.mechanism == mech]

    def near_kind(self, kind: str) -> list[Case]:
        return [c for c in self.near if c.mechanism == kind]

    def free_companies(self, rng: np.random.Generator, co: Cols, kind: int, city: int, k: int) -> list[int]:
        """``k`` contractors of ``kind`` not used by another plant, from ``city`` if possible."""
        # prefer rarely bidding firms, so that the linked pair seldom meets again by chance
        quiet = co.activity < np.quantile(co.activity[co.kind == kind], 0.3)
        pool: list[int] = []
        for m in ((co.city == city) & quiet, quiet, np.ones(co.n, dtype=bool)):
            if len(pool) >= k:
                break
            cand = rng.permutation(np.flatnonzero((co.kind == kind) & m))
            pool += [int(c) for c in cand if int(c) not in self.used_companies and int(c) not in pool]
        if len(pool) < k:
            raise ValueError("not enough contractors to plant; use more tenders")
        self.used_companies.update(pool[:k])
        return pool[:k]

    def free_expert(self, rng: np.random.Generator, ex: Cols, co: Cols) -> int:
        pool = np.flatnonzero(co.kind[ex.employer] == INSTITUTE)
        for _ in range(1000):
            e = int(pool[rng.integers(0, len(pool))])
            if e not in self.used_experts:
                self.used_experts.add(e)
                return e
        raise ValueError("expert pool exhausted")

    # -- stage 1: before bidders -----------------------------------------
    def choose(self, rng: np.random.Generator, co: Cols, pj: Cols, td: Cols, ex: Cols) -> None:
        n = td.n
        single = pj.n_tenders[td.project] == 1
        works = td.category == WORKS_C
        cnt = self.counts
        n_near = max(2, n // 5000) if n >= 200 else 1
        self._rings(rng, co, pj, td, cnt["bid_rotation"], single & works)
        self._repeat_panels(rng, co, pj, td, ex, cnt["expert_repeat_panel"], single)
        self._favouritism(rng, co, pj, td, ex, cnt["expert_favouritism"], works)
        for mech in SINGLE_PROJECT:
            k = cnt.get(mech, n_near)
            for t in self.take(rng, single, k):
                (self.cases if mech in SCHEME else self.near).append(Case(mech, [t]))
        for _, mech, _, per in MECHANISMS:
            if per != 1 or mech in SINGLE_PROJECT:
                continue
            mask = td.n_bids >= 3 if mech != "regular_price_pattern" else np.ones(n, dtype=bool)
            if mech == "short_bid_period":
                # 法 第24条's 20 days bind 依法必须进行招标的项目: plant it where the project is (state funded, and large
                # enough that its contracts reach 16号令's thresholds), not on a 98万 consultancy the law leaves alone
                public = np.array([nm.OWNER_TYPES[k][2] >= 1.0 for k in co.owner_type[pj.owner]])
                mask = mask & public[td.project] & (pj.estimated[td.project] >= 4e6)
            for t in self.take(rng, mask, cnt[mech]):
                self.cases.append(Case(mech, [t]))
                self._tender_level(rng, td, mech, t)
                if mech in FORCED_FREE:
                    city = co.city[pj.owner[td.project[t]]]
                    self.forced[t] = self.free_companies(rng, co, int(td.category[t]), city, FORCED_FREE[mech])
        for kind in ("prices_3pct_no_pattern", "bid_period_exactly_20_days", "expert_employer_not_bidding",
                     "sanction_expired_before_deadline"):
            for t in self.take(rng, np.ones(n, dtype=bool), n_near):
                self.near.append(Case(kind, [t]))
                if kind == "prices_3pct_no_pattern":
                    td.n_bids[t] = rng.integers(4, 7)
                elif kind == "bid_period_exactly_20_days":
                    td.period_days[t] = 20
                    td.sale_days[t] = min(td.sale_days[t], 10)
                elif kind in FORCED_FREE:
                    city = co.city[pj.owner[td.project[t]]]
                    self.forced[t] = self.free_companies(rng, co, int(td.category[t]), city, FORCED_FREE[kind])
        for _ in range(n_near):
            t1, t2 = self.take(rng, np.ones(n, dtype=bool), 2)
            self.near.append(Case("same_mac_different_tenders", [t1, t2]))
        for _ in range(n_near):
            self.near.append(Case("shared_phone_never_cobid"))
            self.near.append(Case("contract_just_under_threshold"))
        for _ in range(cnt["untendered_contract"]):
            self.cases.append(Case("untendered_contract"))
        for _ in range(cnt["contract_splitting"]):
            self.cases.append(Case("contract_splitting"))
        seen: dict[str, int] = {}
        for c in self.cases + self.near:
            c.info["k"] = seen.get(c.mechanism, 0)
            seen[c.mechanism] = c.info["k"] + 1

    def _tender_level(self, rng: np.random.Generator, td: Cols, mech: str, t: int) -> None:
        c = self.cases[-1]
        if mech == "few_bidders":
            td.n_bids[t] = 2
        elif mech == "regular_price_pattern":
            td.n_bids[t] = max(td.n_bids[t], 6)
        elif mech == "short_bid_period":
            td.period_days[t] = rng.integers(10, 20)
            td.sale_days[t] = min(td.sale_days[t], 7)
            c.info["detail"] = f"{td.period_days[t]} days from docs_from to the deadline"
        elif mech == "short_document_sale":
            td.sale_days[t] = rng.integers(1, 5)
            c.info["detail"] = f"documents on sale {td.sale_days[t]} days"
        elif mech == "restrictive_clause":
            td.requirements[t] = restrictive_requirements(rng, CATEGORIES[td.category[t]])
        elif mech == "excessive_bid_bond":
            est = td.estimate[t]
            if est >= 5e7 and rng.random() < 0.5:
                td.bond[t] = 1_000_000.0  # within 2% of the estimate but above the 800,000 cap
            else:
                td.bond[t] = float(np.ceil(est * rng.uniform(0.025, 0.05) / 1000) * 1000)
            c.info["detail"] = f"bond {td.bond[t]:.0f} = {100 * td.bond[t] / est:.2f}% of the estimate"
        elif mech == "lowest_bid_disqualified":
            td.method[t] = "lowest_price"

    def _rings(self, rng: np.random.Generator, co: Cols, pj: Cols, td: Cols, k: int, mask: np.ndarray) -> None:
        works = np.flatnonzero(co.kind == WORKS)
        owners = np.flatnonzero(co.kind == OWNER)
        for _ in range(k):
            size = int(rng.integers(4, 6))
            for _try in range(200):
                o = int(owners[rng.integers(0, len(owners))])
                local = [int(c) for c in works[co.city[works] == co.city[o]] if int(c) not in self.used_companies]
                if len(local) >= size + 3:
                    break
            else:
                raise ValueError("no city with enough contractors for a bid-rotation ring")
            ring = [int(c) for c in rng.choice(local, size, replace=False)]
            self.used_companies.update(ring)
            ts = self.take(rng, mask, int(rng.integers(8, 11)))
            pj.owner[td.project[ts]] = o
            ts.sort(key=lambda t: td.announced[t])
            for i, t in enumerate(ts):
                order = [int(c) for c in rng.permutation(ring)]
                self.forced[t] = order
                self.forced_winner[t] = ring[i % size]
                td.n_bids[t] = size + int(rng.integers(0, 3))
            self.cases.append(Case("bid_rotation", ts, ring, info={"owner": o}))

    def _repeat_panels(self, rng: np.random.Generator, co: Cols, pj: Cols, td: Cols, ex: Cols, k: int,
                       mask: np.ndarray) -> None:
        owners = np.flatnonzero(co.kind == OWNER)
        used_owners = {c.info.get("owner") for c in self.cases}
        for _ in range(k):
            o = int(owners[rng.integers(0, len(owners))])
            while o in used_owners:
                o = int(owners[rng.integers(0, len(owners))])
            used_owners.add(o)
            e = self.free_expert(rng, ex, co)
            # the expert sits on as many panels as a fifth of the tenderer's others: 5–6 beside a county owner's 15–25 in a world of
            # 600 tenders, and as large a share of a bigger owner's (a fixed 6 of 60 panels is within chance: p ≈ 0.03)
            n = int(rng.integers(5, 7))
            own = int(np.count_nonzero(pj.owner[td.project] == o))
            ts = self.take(rng, mask, max(n, int(np.ceil(0.2 * own))))
            pj.owner[td.project[ts]] = o
            for t in ts:
                self.fixed_slots[(t, int(rng.integers(0, 5)))] = e
            self.planted_pairs.add((e, o))
            self.cases.append(Case("expert_repeat_panel", ts, [], info={"owner": o, "expert": e}))

    def _favouritism(self, rng: np.random.Generator, co: Cols, pj: Cols, td: Cols, ex: Cols, k: int,
                     mask: np.ndarray) -> None:
        works = np.flatnonzero(co.kind == WORKS)
        tender_owner = pj.owner[td.project]
        for _ in range(k):
            a = int(works[rng.integers(0, len(works))])
            while a in self.used_companies:
                a = int(works[rng.integers(0, len(works))])
            self.used_companies.add(a)
            e = self.free_expert(rng, ex, co)
            m = int(rng.integers(4, 6))
            local = mask & (co.city[tender_owner] == co.city[a])
            cand = np.flatnonzero(local & ~self.reserved)
            cand = cand if len(np.unique(tender_owner[cand])) >= m else np.flatnonzero(mask & ~self.reserved)
            ts: list[int] = []
            seen: set[int] = set()
            for t in rng.permutation(cand):
                if int(tender_owner[t]) not in seen:
                    ts.append(int(t))
                    seen.add(int(tender_owner[t]))
                if len(ts) == m:
                    break
            if len(ts) < m:
                raise ValueError("not enough tenders for expert favouritism")
            self.reserved[ts] = True
            for t in ts:
                self.forced[t] = [a]
                self.fixed_slots[(t, int(rng.integers(0, 5)))] = e
            self.cases.append(Case("expert_favouritism", ts, [a], info={"expert": e}))

    # -- labels ----------------------------------------------------------
    def labels(self, ids: Cols) -> pd.DataFrame:
        rows = []
        for c in self.cases:
            comp = ";".join(ids.company[x] for x in c.info.get("label_companies", c.companies))
            tenders = c.info.get("label_tenders", c.tenders)
            if not tenders:
                rows.append(("", c.scheme, comp, c.mechanism, ids.project[c.project] if c.project >= 0 else "",
                             _detail(c, ids)))
            for t in tenders:
                rows.append((ids.tender[t], c.scheme, comp, c.mechanism, "",
                             _detail(c, ids) if t in c.tenders else "same companies, other tender"))
        df = pd.DataFrame(rows, columns=["tender_id", "scheme", "company_ids", "mechanism", "project_id", "detail"])
        return df.drop_duplicates(["tender_id", "mechanism", "project_id"]).reset_index(drop=True)

    def near_misses(self, ids: Cols) -> pd.DataFrame:
        rows = []
        for c in self.near:
            rows.append((c.mechanism, ";".join(ids.tender[t] for t in c.tenders),
                         ";".join(ids.company[x] for x in c.companies),
                         ids.project[c.project] if c.project >= 0 else "", _detail(c, ids)))
        return pd.DataFrame(rows, columns=["kind", "tender_ids", "company_ids", "project_id", "detail"])


def _detail(c: Case, ids: Cols) -> str:
    """Free-text detail of a case (which field, variant, expert ...)."""
    parts = [c.info["detail"]] if c.info.get("detail") else []
    if "expert" in c.info:
        parts.append(f"expert {ids.expert[c.info['expert']]}")
    if "owner" in c.info and c.mechanism != "bid_rotation":
        parts.append(f"tenderer {ids.company[c.info['owner']]}")
    return "; ".join(parts)
