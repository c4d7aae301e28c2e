"""Networks across the whole dataset: 抱团投标, 陪标专业户, 轮流坐庄 and relationship communities.

Everything starts from bounded per-tender work so that the cost grows linearly with the number of bids:
co-bidding pairs, triples and quadruples are formed only inside a tender and only for tenders with at
most ``network.max_bidders_per_tender`` bidders (at most C(K, 4) sets per tender, and only cliques of
pairs that are frequent across the dataset); per-company statistics (陪标) are one aggregation over the
bids; relationship values are grouped per value, and values shared by more than
``network.community_max_value_share`` companies are treated as generic (an agency's phone, a
training-room computer). The graphs handed to networkx hold only the strong links, so they stay small.
Alerts land on each tender where a group shows up and name the members present; the companies get the
alerts, hence a network risk (scoring).

Family: ``collusion`` (条例 第39条 agreements are what these patterns suggest; 1117号 names 陪标专业户 and
经常性"抱团"投标 as signals). All are statistical patterns: ``medium`` at most; frequent co-bidding alone is
``low`` (local contractors of a regional market meet as a matter of course). Co-bidding counts, shares and
expected wins use only tenders whose bids are the whole bid list (``complete_bid_lists``): where only the
winning candidates were published, the other bidders are unknown, not absent.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import orjson
import pandas as pd

from bidwatch.indicators.base import ScanContext, complete_bid_lists, indicator, names, sql_list
from bidwatch.indicators.spread import bidders_coverage

NOT_WITHDRAWN = "coalesce(status, 'valid') <> 'withdrawn'"
ALERT_COLS = ["tender_id", "project_id", "company_ids", "score", "severity", "evidence"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=ALERT_COLS)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=ALERT_COLS) if rows else _empty()


# ---- relationship links (also used by evasion for related suppliers) -----------------------------

def relation_links_sql(ctx: ScanContext, roles: tuple[str, ...] | list[str], max_share: int | None = None) -> str | None:
    """Pairs ``(c1 < c2, kind, value)`` of companies directly related through a person.

    Same legal representative (companies.legal_rep_id or people role legal_rep), a person holding one of
    ``roles`` in both, or one company being a shareholder of the other. Persons present in more than
    ``max_share`` companies are skipped (the pairs of a value grow quadratically).
    """
    cap = int(max_share or ctx.p("network.community_max_value_share"))
    parts = []
    if ctx.has("companies", "legal_rep_id"):
        parts.append(f"""
        SELECT 'legal_rep' AS kind, legal_rep_id AS value, company_id FROM companies
        WHERE legal_rep_id IS NOT NULL AND legal_rep_id IN (
            SELECT legal_rep_id FROM companies WHERE legal_rep_id IS NOT NULL
            GROUP BY legal_rep_id HAVING count(*) BETWEEN 2 AND {cap})""")
    if ctx.has("people", "person_id", "role") and roles:
        parts.append(f"""
        SELECT 'person' AS kind, person_id AS value, company_id FROM people
        WHERE role IN {sql_list(list(roles))} AND person_id IN (
            SELECT person_id FROM people WHERE role IN {sql_list(list(roles))}
            GROUP BY person_id HAVING count(DISTINCT company_id) BETWEEN 2 AND {cap})""")
    sql = []
    if parts:
        sql.append(f"""
        SELECT DISTINCT a.company_id AS c1, b.company_id AS c2, a.kind, a.value
        FROM ({" UNION ALL ".join(parts)}) a
        JOIN ({" UNION ALL ".join(parts)}) b ON a.kind = b.kind AND a.value = b.value AND a.company_id < b.company_id""")
    if ctx.has("people", "person_id", "role"):
        sql.append("""
        SELECT DISTINCT least(p.company_id, c.company_id) AS c1, greatest(p.company_id, c.company_id) AS c2,
               'shareholding' AS kind, c.company_id AS value
        FROM people p JOIN companies c ON p.person_id = c.company_id
        WHERE p.role = 'shareholder' AND p.company_id <> c.company_id""")
    return " UNION ALL ".join(sql) if sql else None


# ---- co-bidding groups (抱团投标) and rotation (轮流坐庄) ---------------------------------------------
#
# A group is a set of 3 or 4 companies that all bid in the same tender at least ``group_min_tenders``
# times and make up, on average, at least ``group_min_dominance`` of the bidders there: the same firms
# repeatedly *are* the competition. Large firms of one segment meet often too, but among many other
# bidders, so their sets fail the dominance test. Sets are enumerated as cliques of pairs that are
# themselves frequent (an Apriori bound: every pair of a frequent set is frequent), per tender, so the
# work per tender is bounded by the tender's own size. Overlapping sets (sharing all but one member)
# merge into one group.

def _distinct_bidders_sql(ctx: ScanContext) -> str:
    k = int(ctx.p("network.max_bidders_per_tender"))
    return f"""
    WITH b AS (SELECT DISTINCT tender_id, company_id FROM bids
               WHERE {NOT_WITHDRAWN} AND tender_id IN ({complete_bid_lists(ctx)})),
    n AS (SELECT tender_id, count(*) AS k FROM b GROUP BY tender_id)
    SELECT b.tender_id, b.company_id, n.k FROM b JOIN n ON n.tender_id = b.tender_id
    WHERE n.k BETWEEN 3 AND {k}"""


def frequent_sets(ctx: ScanContext) -> pd.DataFrame:
    """Sets of 3 and 4 companies bidding together often: ``members``, ``tenders``, ``dominance`` (cached)."""
    if "network_sets" in ctx.cache:
        return ctx.cache["network_sets"]
    m = int(ctx.p("network.group_min_tenders"))
    sets = ctx.engine.query(f"""
    WITH bb AS ({_distinct_bidders_sql(ctx)}),
    pt AS (
        SELECT a.tender_id, a.company_id AS ca, b.company_id AS cb
        FROM bb a JOIN bb b ON a.tender_id = b.tender_id AND a.company_id < b.company_id
    ),
    pc AS (SELECT ca, cb FROM pt GROUP BY ca, cb HAVING count(*) >= {m}),
    sp AS (SELECT pt.tender_id, pt.ca, pt.cb FROM pt JOIN pc ON pc.ca = pt.ca AND pc.cb = pt.cb),
    tri AS (
        SELECT x.tender_id, x.ca AS c1, x.cb AS c2, y.cb AS c3
        FROM sp x JOIN sp y ON y.tender_id = x.tender_id AND y.ca = x.cb
        JOIN sp z ON z.tender_id = x.tender_id AND z.ca = x.ca AND z.cb = y.cb
    ),
    ct AS (SELECT c1, c2, c3 FROM tri GROUP BY c1, c2, c3 HAVING count(*) >= {m}),
    tri2 AS (SELECT tri.* FROM tri JOIN ct ON ct.c1 = tri.c1 AND ct.c2 = tri.c2 AND ct.c3 = tri.c3),
    quad AS (
        SELECT t.tender_id, t.c1, t.c2, t.c3, w.cb AS c4
        FROM tri2 t
        JOIN sp w ON w.tender_id = t.tender_id AND w.ca = t.c3
        JOIN sp u ON u.tender_id = t.tender_id AND u.ca = t.c1 AND u.cb = w.cb
        JOIN sp v ON v.tender_id = t.tender_id AND v.ca = t.c2 AND v.cb = w.cb
    ),
    cq AS (SELECT c1, c2, c3, c4 FROM quad GROUP BY c1, c2, c3, c4 HAVING count(*) >= {m}),
    occ AS (
        SELECT tender_id, [c1, c2, c3] AS members, 3 AS size FROM tri2
        UNION ALL
        SELECT q.tender_id, [q.c1, q.c2, q.c3, q.c4], 4 FROM quad q
        JOIN cq ON cq.c1 = q.c1 AND cq.c2 = q.c2 AND cq.c3 = q.c3 AND cq.c4 = q.c4
    ),
    k AS (SELECT tender_id, any_value(k) AS k FROM bb GROUP BY tender_id)
    SELECT o.members, list_sort(list(o.tender_id)) AS tenders, avg(o.size / k.k) AS dominance
    FROM occ o JOIN k ON k.tender_id = o.tender_id
    GROUP BY o.members
    """)
    sets["members"] = [[str(c) for c in ms] for ms in sets["members"]]
    sets["tenders"] = [[str(t) for t in ts] for ts in sets["tenders"]]
    # engines return groups in any order; grouping and "the first five sets" below must not depend on it
    sets = sets.iloc[sorted(range(len(sets)), key=lambda i: (len(sets["members"][i]), sets["members"][i]))]
    sets = sets.reset_index(drop=True)
    ctx.cache["network_sets"] = sets
    return sets


def cobidding_groups(ctx: ScanContext) -> list[dict[str, Any]]:
    """Groups (merged dominant sets): ``members``, ``tenders`` and the sets they came from (cached)."""
    if "network_groups" in ctx.cache:
        return ctx.cache["network_groups"]
    sets = frequent_sets(ctx)
    sets = sets[sets["dominance"] >= float(ctx.p("network.group_min_dominance"))].reset_index(drop=True)
    parent = list(range(len(sets)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_subset: dict[tuple[str, ...], int] = {}
    for i, members in enumerate(sets["members"]):
        # sets sharing all but one member belong together (two triples sharing a pair, a triple inside a quadruple)
        keys = [tuple(members)] + [tuple(members[:d] + members[d + 1:]) for d in range(len(members))]
        for key in keys:
            if key in by_subset:
                parent[find(i)] = find(by_subset[key])
            else:
                by_subset[key] = i
    merged: dict[int, dict[str, Any]] = {}
    for i, row in sets.iterrows():
        g = merged.setdefault(find(i), {"members": set(), "tenders": set(), "sets": []})
        g["members"].update(row["members"])
        g["tenders"].update(row["tenders"])
        g["sets"].append({"members": row["members"], "tenders": len(row["tenders"]),
                          "dominance": round(float(row["dominance"]), 3), "tender_ids": row["tenders"]})
    max_size = int(ctx.p("network.group_max_size"))
    groups = sorted(({"members": sorted(g["members"]), "tenders": sorted(g["tenders"]), "sets": g["sets"]}
                     for g in merged.values() if len(g["members"]) <= max_size), key=lambda g: g["members"])
    for n, g in enumerate(groups, start=1):
        g["group_id"] = n
    if groups:
        ctx.engine.register("_bw_group_tenders", pd.DataFrame(
            [(g["group_id"], t) for g in groups for t in g["tenders"]], columns=["group_id", "tender_id"]))
        ctx.engine.register("_bw_group_members", pd.DataFrame(
            [(g["group_id"], c) for g in groups for c in g["members"]], columns=["group_id", "company_id"]))
        winner = ctx.column_or_null("t", "tenders", "winner_id")
        present = ctx.engine.query(f"""
        WITH k AS (
            SELECT b.tender_id, count(DISTINCT b.company_id) AS k FROM bids b
            WHERE b.tender_id IN (SELECT tender_id FROM _bw_group_tenders)
              AND {NOT_WITHDRAWN.replace('status', 'b.status')}
            GROUP BY b.tender_id
        )
        SELECT gt.group_id, gt.tender_id, list_sort(list(DISTINCT b.company_id)) AS present,
               any_value({winner}) AS winner_id, count(DISTINCT b.company_id) / any_value(k.k) AS share
        FROM _bw_group_tenders gt
        JOIN tenders t ON t.tender_id = gt.tender_id
        JOIN k ON k.tender_id = gt.tender_id
        JOIN bids b ON b.tender_id = gt.tender_id AND {NOT_WITHDRAWN.replace('status', 'b.status')}
        JOIN _bw_group_members gm ON gm.group_id = gt.group_id AND gm.company_id = b.company_id
        GROUP BY gt.group_id, gt.tender_id
        ORDER BY gt.group_id, gt.tender_id
        """)
        by_group = {gid: g for gid, g in present.groupby("group_id")}
        for g in groups:
            rows = by_group[g["group_id"]]
            g["present"] = {t: [str(c) for c in p] for t, p in zip(rows["tender_id"], rows["present"], strict=True)}
            g["winner"] = {t: (w if isinstance(w, str) else None)
                           for t, w in zip(rows["tender_id"], rows["winner_id"], strict=True)}
            g["share"] = dict(zip(rows["tender_id"], rows["share"].astype(float), strict=True))
    ctx.cache["network_groups"] = groups
    return groups


def _company_names(ctx: ScanContext, ids: set[str]) -> dict[str, str]:
    """Names of a few companies (for evidence that lists more than the alert's own companies)."""
    if not ids:
        return {}
    ctx.engine.register("_bw_name_ids", pd.DataFrame({"company_id": sorted(ids)}))
    names_ = ctx.engine.query("SELECT c.company_id, c.name FROM companies c "
                              "JOIN _bw_name_ids i ON i.company_id = c.company_id")
    return {str(c): str(n) for c, n in zip(names_["company_id"], names_["name"], strict=True)}


def _named(ev: Mapping[str, Any], ids: list[str]) -> str:
    got = ev.get("names") or {}
    return "、".join(got.get(c) or c for c in ids)


def _group_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    best = max(ev["sets"], key=lambda s: s["tenders"])
    return (f"投标人{names(row)}属于经常同场投标的企业群组（群组{ev['group_id']}，共{len(ev['group'])}家），"
            f"其中{_named(ev, best['members'])}共同出现在{best['tenders']}个标段，平均占投标人的"
            f"{best['dominance']:.0%}，疑似抱团投标")


@indicator(
    code="cobidding_group",
    name_zh="经常性抱团投标",
    name_en="Companies that repeatedly bid together",
    family="collusion",
    legal_basis="招标投标法实施条例 第39条（线索）；发改法规规〔2022〕1117号",
    # a lead: in a regional market the same few local contractors meet as a matter of course (on the synthetic
    # world 31 of 458 unplanted tenders had such a group); the rotation of the wins (bid_rotation) or hard
    # evidence on the same tender is what raises it
    severity="low",
    kind="python",
    requires={"bids": ("company_id",)},
    message=_group_text,
    coverage=bidders_coverage("SELECT tender_id, company_id FROM bids WHERE coalesce(status, 'valid') <> 'withdrawn'",
                              3, complete=True),
)
def cobidding_group(ctx: ScanContext) -> pd.DataFrame:
    """同一组3至4家企业同时出现在至少6个标段、且平均占这些标段投标人一半以上（同一批企业反复构成全部竞争），
    相互重叠的组合并为群组；在群组成员占投标人一半以上的每个标段给出预警。只统计3至30家投标的标段，
    组合按标段内的频繁企业对逐段枚举，计算量与投标数成正比。"""
    groups = cobidding_groups(ctx)
    dominance = float(ctx.p("network.group_min_dominance"))
    all_names = _company_names(ctx, {c for g in groups for c in g["members"]})
    rows = []
    for g in groups:
        group_names = {c: all_names.get(c, c) for c in g["members"]}
        for t in g["tenders"]:
            if g["share"].get(t, 0.0) < dominance:  # members a minority here: they could not steer this tender
                continue
            present = g["present"].get(t, [])
            rows.append({
                "tender_id": t, "project_id": None, "company_ids": present,
                "score": min(0.8, 0.4 + 0.03 * len(g["tenders"])), "severity": None,
                "evidence": orjson.dumps({"group_id": g["group_id"], "group": g["members"], "names": group_names,
                                          "group_tenders": len(g["tenders"]), "present": present,
                                          "sets": [{k: v for k, v in st.items() if k != "tender_ids"}
                                                   for st in g["sets"][:5]]}).decode(),
            })
    return _frame(rows)


def _percent(p: float) -> str:
    """A probability as a reader takes it in: 43%, 0.2%, 2.0e-05."""
    return f"{p:.0%}" if p >= 0.01 else f"{p:.1%}" if p >= 0.001 else f"{p:.1e}"


def _rotation_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    wins = "、".join(f"{_named(ev, [c])}中标{n}次" for c, n in ev["wins"].items())
    head = (f"企业群组{ev['group_id']}（共{len(ev['group'])}家）同场投标的{ev['group_tenders']}个标段中"
            f"{ev['group_won']}个由群组成员中标（{wins}），本标段由{_named(ev, [ev['winner_id']])}中标，"
            f"同组的{names(row)}参与投标")
    p = ev.get("turns_probability")
    if p is None:  # evidence of an earlier scan
        return head + "，疑似轮流坐庄"
    chance = f"若每个标段由在场成员随机中标，中标如此均匀或如此轮流的概率约为{_percent(p)}（预警水平{_percent(ev['level'])}）"
    if p <= ev["level"]:
        return f"{head}，中标在成员间轮流分配：{chance}，疑似轮流坐庄"
    return (f"{head}，但{chance}，与成员之间的正常竞争相符，仅作为线索"
            f"{'' if ev.get('dated', True) else '（数据无投标截止或公告日期，只检验了中标分布的均匀程度）'}")


def _wins_tail(observed: int, chances: list[float]) -> float:
    """P(at least ``observed`` successes) among independent trials with the given chances (Poisson binomial,
    exact by convolution: a group has at most a few hundred common tenders)."""
    dist = np.zeros(len(chances) + 1)
    dist[0] = 1.0
    for q in chances:
        q = min(max(float(q), 0.0), 1.0)
        dist[1:] = dist[1:] * (1 - q) + dist[:-1] * q
        dist[0] *= 1 - q
    return float(min(1.0, dist[observed:].sum()))


def _tender_dates(ctx: ScanContext, ids: set[str]) -> dict[str, str]:
    """The order of tenders in time (bid deadline, else announcement) as ISO text; empty where neither is given."""
    cols = [c for c in ("bid_deadline", "announced_on") if ctx.has("tenders", c)]
    if not cols or not ids:
        return {}
    ctx.engine.register("_bw_dated_ids", pd.DataFrame({"tender_id": sorted(ids)}))
    got = ctx.engine.query(f"SELECT t.tender_id, CAST(coalesce({', '.join('t.' + c for c in cols)}) AS VARCHAR) AS d "
                           "FROM tenders t JOIN _bw_dated_ids i ON i.tender_id = t.tender_id")
    return {str(t): str(d) for t, d in zip(got["tender_id"], got["d"], strict=True) if isinstance(d, str)}


def _turns_chance(winners: list[str], present: list[list[str]], sims: int, seed: int,
                  ordered: bool = True) -> dict[str, Any]:
    """How probable wins as evenly spread, and as much in turns, as ``winners`` (the member winning each of the
    set's tenders, in date order) would be if each tender's winner were drawn at random among the members present
    there (``present``): the chance of 轮流坐庄 arising from competition alone.

    Two statistics, each by ``sims`` draws of the whole sequence: *evenness* — the sum of squared win counts (lower
    = more even); *turns* — Σ (gap − m)² over each member's successive wins, ``m`` the number of different winners
    (0 in a strict round of m firms; a tender taken out of turn adds little, chance gaps are geometric). Members of
    unequal strength make chance wins less even, not more, so the uniform draw is the conservative null. Returns
    both tail probabilities and their Bonferroni minimum; where the tenders are not ``ordered`` (no dates) there
    are no turns: evenness alone (``p_turn`` None).
    """
    members = sorted({c for p in present for c in p} | set(winners))
    index = {c: i for i, c in enumerate(members)}
    n, m_all = len(winners), len(members)
    obs = np.array([index[w] for w in winners])
    rng = np.random.default_rng(seed)
    draws = np.empty((sims, n), dtype=np.int64)
    for j, p in enumerate(present):
        pool = np.array([index[c] for c in p] or [obs[j]])
        draws[:, j] = pool[rng.integers(0, len(pool), sims)]

    def evenness(seq: np.ndarray) -> np.ndarray:
        counts = np.zeros((seq.shape[0], m_all), dtype=np.int64)
        np.add.at(counts, (np.arange(seq.shape[0])[:, None], seq), 1)
        return (counts ** 2).sum(axis=1)

    m = len(set(winners))

    def irregularity(seq: np.ndarray) -> np.ndarray:
        # Σ (gap − m)² over each member's successive wins: 0 in a strict round of m firms, large by chance
        rows = np.arange(seq.shape[0])
        last = np.full((seq.shape[0], m_all), -1, dtype=np.int64)
        total = np.zeros(seq.shape[0])
        for j in range(seq.shape[1]):
            prev = last[rows, seq[:, j]]
            total += np.where(prev >= 0, (j - prev - m) ** 2, 0)
            last[rows, seq[:, j]] = j
        return total

    p_even = float((np.count_nonzero(evenness(draws) <= evenness(obs[None, :])[0]) + 1) / (sims + 1))
    if not ordered:
        return {"p_even": p_even, "p_turn": None, "p": p_even, "dated": False}
    p_turn = float((np.count_nonzero(irregularity(draws) <= irregularity(obs[None, :])[0]) + 1) / (sims + 1))
    return {"p_even": p_even, "p_turn": p_turn, "p": min(1.0, 2 * min(p_even, p_turn)), "dated": True}


@indicator(
    code="bid_rotation",
    name_zh="轮流坐庄",
    name_en="Winners rotating inside a stable group",
    family="collusion",
    legal_basis="招标投标法实施条例 第39条第(二)(三)项（线索）；发改法规规〔2022〕1117号",
    severity="medium",
    kind="python",
    requires={"bids": ("company_id",), "tenders": ("winner_id",)},
    message=_rotation_text,
    coverage=lambda ctx: bidders_coverage("SELECT b.tender_id, b.company_id FROM bids b JOIN tenders t ON t.tender_id = b.tender_id "
                                           "WHERE t.winner_id IS NOT NULL", 3, complete=True)(ctx),
)
def bid_rotation(ctx: ScanContext) -> pd.DataFrame:
    """抱团投标群组中，某一组企业同场投标的标段（至少6个）至少75%由群组成员中标，且这些标段的中标者至少两家、
    没有一家占群组中标数的70%以上：在群组成员中标的这些标段给出预警。中标比随机更均匀或更按次序轮流
    （模拟检验，概率不超过 ``network.rotation_level``）为中风险，否则只是低风险线索。"""
    min_t = int(ctx.p("network.rotation_min_tenders"))
    min_share = float(ctx.p("network.rotation_min_group_win_share"))
    min_winners = int(ctx.p("network.rotation_min_winners"))
    max_top = float(ctx.p("network.rotation_max_top_share"))
    dominance = float(ctx.p("network.group_min_dominance"))
    level = float(ctx.p("network.rotation_level"))
    sims = int(ctx.p("network.rotation_simulations"))
    rows = []
    groups = cobidding_groups(ctx)
    all_names = _company_names(ctx, {c for g in groups for c in g["members"]})
    dates = _tender_dates(ctx, {t for g in groups for t in g["tenders"]}) if groups else {}
    for g in groups:
        members = set(g["members"])
        tenders: set[str] = set()
        won_by_set: dict[str, str] = {}
        chance_of: dict[str, dict[str, Any]] = {}  # tender -> the turns test of the likeliest-rotating set holding it
        for st in g["sets"]:  # each set on its own tenders, so that a loosely attached set does not dilute
            # the turns are taken inside the set that bids together: a tender of the merged group won by a firm
            # outside that set is the regional market's competition, not the set's turn
            in_set = set(st["members"])
            won = [t for t in st["tender_ids"] if g["winner"].get(t) in in_set]
            if len(st["tender_ids"]) >= min_t and len(won) >= min_share * len(st["tender_ids"]):
                tenders.update(st["tender_ids"])
                won_by_set.update({t: g["winner"][t] for t in won})
                # turns against chance: the set's won tenders in date order, each winner drawn among the set's
                # members present there
                seq = sorted(won, key=lambda t: (dates.get(t) or "", t))
                # without a date for every tender there is no order, hence no turns: evenness alone decides
                chance = _turns_chance([g["winner"][t] for t in seq], [[c for c in g["present"][t] if c in in_set]
                                                                        for t in seq],
                                       sims, zlib.crc32("|".join(seq).encode()), all(t in dates for t in seq))
                for t in seq:
                    if t not in chance_of or chance["p"] < chance_of[t]["p"]:
                        chance_of[t] = chance
        won = sorted((t, w) for t, w in won_by_set.items() if g["share"].get(t, 0.0) >= dominance)
        if not won:
            continue
        counts = pd.Series([w for _, w in won]).value_counts()
        if len(counts) < min_winners or counts.iloc[0] > max_top * len(won):
            continue
        # for the reader: how improbable so many wins would be if every bidder had the same chance (members
        # present / bidders); not a condition, as a ring that fills the bidder list wins by construction
        member_wins = sum(g["winner"].get(t) in members for t in tenders)
        p_value = _wins_tail(member_wins, [g["share"].get(t, 0.0) for t in sorted(tenders)])
        wins = {str(k): int(v) for k, v in sorted(counts.items())}
        for t, w in won:
            chance = chance_of[t]
            significant = chance["p"] <= level
            rows.append({
                "tender_id": t, "project_id": None, "company_ids": g["present"][t],
                "score": min(0.85, 0.5 + 0.03 * len(won)) if significant else 0.4,
                "severity": None if significant else "low",
                "evidence": orjson.dumps({"group_id": g["group_id"], "group": g["members"],
                                          "names": {c: all_names.get(c, c) for c in g["members"]},
                                          "group_tenders": len(tenders), "group_won": len(won),
                                          "expected_won": round(sum(g["share"].get(x, 0.0) for x in tenders), 2),
                                          "p_value": float(f"{p_value:.3g}"),
                                          "turns_probability": float(f"{chance['p']:.3g}"),
                                          "p_even": float(f"{chance['p_even']:.3g}"),
                                          "p_turn": (None if chance["p_turn"] is None
                                                     else float(f"{chance['p_turn']:.3g}")), "level": level,
                                          "dated": chance["dated"], "wins": wins, "winner_id": w}).decode(),
            })
    return _frame(rows)


# ---- serial losers --------------------------------------------------------------------------------

def _loser_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    return (f"{ev['loser_name'] or ev['loser_id']}共投标{ev['n_bids']}次、中标{ev['wins']}次（按竞争人数应约中标"
            f"{ev['expected_wins']:.1f}次，偶然出现的概率{ev['p_value']:.1e}），本标段陪同{ev['winner_name'] or ev['winner_id']}"
            f"投标（共{ev['times_with_winner']}次输给该企业），疑似陪标专业户")


@indicator(
    code="serial_loser",
    name_zh="陪标专业户",
    name_en="Serial loser (bids often, almost never wins)",
    family="collusion",
    legal_basis="发改法规规〔2022〕1117号；招标投标法实施条例 第39条第(三)项（线索）",
    severity="medium",
    kind="python",
    requires={"bids": ("company_id",), "tenders": ("winner_id",)},
    message=_loser_text,
    coverage=bidders_coverage("SELECT b.tender_id, b.company_id FROM bids b JOIN tenders t ON t.tender_id = b.tender_id "
                              "WHERE t.winner_id IS NOT NULL", complete=True),
)
def serial_loser(ctx: ScanContext) -> pd.DataFrame:
    """投标次数多（默认不少于10次）而中标次数远低于按每个标段投标人数计算的期望值（不超过期望的20%，
    泊松概率不超过0.001）的企业；在它输给同一中标人2次以上的那些标段给出预警，指明陪同的中标人。"""
    min_bids = int(ctx.p("network.loser_min_bids"))
    max_ratio = float(ctx.p("network.loser_max_ratio"))
    max_p = float(ctx.p("network.loser_max_pvalue"))
    min_partner = int(ctx.p("network.loser_partner_min_tenders"))
    stats = ctx.engine.query(f"""
    WITH b AS (SELECT DISTINCT tender_id, company_id FROM bids
               WHERE {NOT_WITHDRAWN} AND tender_id IN ({complete_bid_lists(ctx)})),
    n AS (SELECT tender_id, count(*) AS k FROM b GROUP BY tender_id),
    t AS (SELECT tender_id, winner_id FROM tenders WHERE winner_id IS NOT NULL)
    SELECT b.company_id, count(*) AS n_bids,
           sum(CASE WHEN t.winner_id = b.company_id THEN 1 ELSE 0 END) AS wins,
           sum(1.0 / n.k) AS expected
    FROM b JOIN n ON n.tender_id = b.tender_id JOIN t ON t.tender_id = b.tender_id
    WHERE n.k >= 2
    GROUP BY b.company_id
    HAVING count(*) >= {min_bids}
    """)
    if stats.empty:
        return _empty()
    from scipy.stats import poisson  # 0.3–1.5 s to import: only when this indicator runs

    stats["p_value"] = poisson.cdf(stats["wins"], stats["expected"])
    losers = stats[(stats["wins"] <= max_ratio * stats["expected"]) & (stats["p_value"] <= max_p)]
    if losers.empty:
        return _empty()
    ctx.engine.register("_bw_serial_losers", losers[["company_id"]].reset_index(drop=True))
    lost = ctx.engine.query(f"""
    WITH l AS (
        SELECT DISTINCT b.tender_id, b.company_id AS loser_id, t.winner_id
        FROM bids b JOIN _bw_serial_losers s ON s.company_id = b.company_id
        JOIN tenders t ON t.tender_id = b.tender_id
        WHERE {NOT_WITHDRAWN.replace('status', 'b.status')} AND t.winner_id IS NOT NULL AND t.winner_id <> b.company_id
    ),
    partners AS (
        SELECT loser_id, winner_id, count(*) AS times FROM l GROUP BY loser_id, winner_id HAVING count(*) >= {min_partner}
    )
    SELECT l.tender_id, l.loser_id, l.winner_id, p.times,
           (SELECT any_value(name) FROM companies c WHERE c.company_id = l.loser_id) AS loser_name,
           (SELECT any_value(name) FROM companies c WHERE c.company_id = l.winner_id) AS winner_name
    FROM l JOIN partners p ON p.loser_id = l.loser_id AND p.winner_id = l.winner_id
    ORDER BY l.loser_id, l.tender_id
    """)
    by_company = losers.set_index("company_id")
    rows = []
    for r in lost.itertuples(index=False):
        s = by_company.loc[r.loser_id]
        rows.append({
            "tender_id": r.tender_id, "project_id": None, "company_ids": sorted([r.loser_id, r.winner_id]),
            "score": min(0.8, 0.4 + 0.05 * int(r.times)), "severity": None,
            "evidence": orjson.dumps({
                "loser_id": r.loser_id, "loser_name": r.loser_name, "winner_id": r.winner_id,
                "winner_name": r.winner_name, "n_bids": int(s["n_bids"]), "wins": int(s["wins"]),
                "expected_wins": round(float(s["expected"]), 2), "p_value": float(f"{float(s['p_value']):.3g}"),
                "times_with_winner": int(r.times),
            }).decode(),
        })
    return _frame(rows)


# ---- relationship communities -----------------------------------------------------------------------

LINK_KIND_ZH = {
    "legal_rep": "法定代表人", "person": "同一人员任职", "shareholding": "持股", "phone": "联系电话",
    "email": "电子邮箱", "address": "注册地址", "machine_code": "机器码", "mac": "MAC地址",
    "disk_serial": "硬盘序列号", "ca_lock_id": "CA锁号",
}
_CONTACT = {
    "phone": "regexp_replace(regexp_replace(phone, '[^0-9]', '', 'g'), '^(0086|86)(1[0-9]{10})$', '\\2')",
    "email": "lower(trim(email))",
    "address": "regexp_replace(address, '[\\s,，。.、()（）-]', '', 'g')",
}


_DEVICE_KINDS = frozenset({"machine_code", "mac", "disk_serial", "ca_lock_id"})


def _communities(edges: pd.DataFrame, a: str, b: str, min_size: int, max_size: int,
                 weight: str | None = None) -> dict[str, int]:
    """company → group number: connected components, large ones split by Louvain (fixed seed)."""
    import networkx as nx  # on first use: a scan with no links to group does not pay for its import

    g = nx.Graph()
    for row in edges.itertuples(index=False):
        g.add_edge(getattr(row, a), getattr(row, b), weight=float(getattr(row, weight)) if weight else 1.0)
    groups: list[set[str]] = []
    for comp in nx.connected_components(g):
        if len(comp) <= max_size:
            groups.append(set(comp))
        else:
            sub = g.subgraph(comp)
            groups.extend(set(c) for c in nx.community.louvain_communities(sub, weight="weight", seed=20240501))
    out: dict[str, int] = {}
    ordered = sorted((sorted(s) for s in groups if min_size <= len(s) <= max_size), key=lambda s: s[0])
    for i, members in enumerate(ordered):
        for c in members:
            out[str(c)] = i + 1
    return out


def _relationship_values(ctx: ScanContext) -> pd.DataFrame:
    """Every shared value linking companies: ``kind``, ``value``, ``companies`` (2 to the cap of them).

    One grouped pass per kind of value (no pairs are formed, so a value shared by many companies costs
    no more than its rows): contacts, legal representatives, people in linking roles, devices; plus the
    pairs where one company is a shareholder of the other.
    """
    cap = int(ctx.p("network.community_max_value_share"))
    roles = tuple(ctx.p("network.community_link_roles"))
    values = []
    for col, expr in _CONTACT.items():
        if ctx.has("companies", col):
            values.append(f"SELECT company_id, '{col}' AS kind, {expr} AS value FROM companies "
                          f"WHERE {col} IS NOT NULL AND length({expr}) >= 5")  # '-', '0', '无' are no contact
    if ctx.has("companies", "legal_rep_id"):
        values.append("SELECT company_id, 'legal_rep' AS kind, legal_rep_id AS value FROM companies "
                      "WHERE legal_rep_id IS NOT NULL")
    if ctx.has("people", "person_id", "role") and roles:
        values.append(f"SELECT company_id, CASE WHEN role = 'legal_rep' THEN 'legal_rep' ELSE 'person' END AS kind, "
                      f"person_id AS value FROM people WHERE role IN {sql_list(list(roles))}")
    devices = []
    cols = [c for c in ctx.p("network.community_device_fields") if ctx.has("bid_files", c)]
    if cols:
        generic = sql_list([str(v).upper() for v in ctx.p("collusion.generic_fingerprints")])
        # one pass over the bids, kept as a small table: distinct devices per company (a company submits many
        # bids from one machine), so that the per-field selections below do not rescan the bids
        ctx.engine.register("_bw_company_devices", ctx.engine.query(
            f"SELECT DISTINCT b.company_id, {', '.join('bf.' + c for c in cols)} "
            f"FROM bid_files bf JOIN bids b ON b.bid_id = bf.bid_id"))
        for col in cols:
            devices.append(f"""SELECT company_id, '{col}' AS kind, upper(replace({col}, ' ', '')) AS value
                FROM _bw_company_devices WHERE {col} IS NOT NULL AND upper(replace({col}, ' ', '')) NOT IN {generic}""")
    parts = []
    for rows, limit in ((values, cap), (devices, int(ctx.p("network.community_max_device_share")))):
        if not rows:
            continue
        parts.append(f"""
        SELECT kind, value, list_sort(list(DISTINCT company_id)) AS companies
        FROM ({" UNION ALL ".join(rows)}) x
        WHERE value IS NOT NULL AND value <> ''
        GROUP BY kind, value
        HAVING count(DISTINCT company_id) BETWEEN 2 AND {limit}""")
    if ctx.has("people", "person_id", "role"):
        parts.append("""
        SELECT 'shareholding' AS kind, c.company_id AS value, list_sort([p.company_id, c.company_id]) AS companies
        FROM people p JOIN companies c ON p.person_id = c.company_id
        WHERE p.role = 'shareholder' AND p.company_id <> c.company_id""")
    if not parts:
        return pd.DataFrame(columns=["kind", "value", "companies"])
    frame = ctx.engine.query(" UNION ALL ".join(f"SELECT * FROM ({p}) q{i}" for i, p in enumerate(parts)))
    frame["companies"] = [[str(c) for c in cs] for cs in frame["companies"]]
    return frame


def _community_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    kinds = "、".join(dict.fromkeys(LINK_KIND_ZH.get(k["kind"], k["kind"]) for k in ev["links"])) or "间接关联"
    return (f"投标人{names(row)}同属一个关联企业圈（圈{ev['community_id']}，{len(ev['community'])}家企业，"
            f"通过{kinds}相互关联），在同一标段投标")


@indicator(
    code="related_company_community",
    name_zh="关联企业圈同场投标",
    name_en="Members of one company-relationship community bidding in the same tender",
    family="collusion",
    legal_basis="招标投标法实施条例 第34条、第39条（线索）；发改法规规〔2022〕1117号",
    severity="medium",
    kind="python",
    requires={"companies": ("legal_rep_id",)},
    requires_any=({"people": ("person_id", "role")}, {"companies": ("phone",)}, {"companies": ("address",)},
                  {"bid_files": ("machine_code",)}, {"bid_files": ("mac",)}),
    message=_community_text,
    coverage=bidders_coverage("SELECT tender_id, company_id FROM bids WHERE coalesce(status, 'valid') <> 'withdrawn'"),
)
def related_company_community(ctx: ScanContext) -> pd.DataFrame:
    """以共同的法定代表人、股东、高管、委托代理人、联系电话、电子邮箱、注册地址、投标设备（机器码、MAC、硬盘、CA锁）
    把企业连成关系图，按连通分量（过大的再用Louvain划分）得到关联企业圈；同一圈的两家以上企业在同一标段投标时预警。
    被超过6家企业共用的值（如代理机构电话）视为通用值不计。同场成员之间只有设备关联（在其他标段共用过电脑）时为低风险线索。"""
    values = _relationship_values(ctx)
    if values.empty:
        return _empty()
    star = pd.DataFrame([(cs[0], c) for cs in values["companies"] for c in cs[1:]], columns=["c1", "c2"])
    groups = _communities(star, "c1", "c2", int(ctx.p("network.community_min_size")),
                          int(ctx.p("network.community_max_size")))
    if not groups:
        return _empty()
    ctx.engine.register("_bw_rel_communities", pd.DataFrame({"company_id": list(groups),
                                                             "community_id": list(groups.values())}))
    frame = ctx.engine.query(f"""
    WITH b AS (SELECT DISTINCT tender_id, company_id FROM bids WHERE {NOT_WITHDRAWN})
    SELECT b.tender_id, g.community_id, list_sort(list(b.company_id)) AS present
    FROM b JOIN _bw_rel_communities g ON g.company_id = b.company_id
    GROUP BY b.tender_id, g.community_id
    HAVING count(*) >= 2
    ORDER BY g.community_id, b.tender_id
    """)
    if frame.empty:
        return _empty()
    members: dict[int, list[str]] = {}
    for c, gid in groups.items():
        members.setdefault(gid, []).append(c)
    by_comm: dict[int, list[tuple[str, str, list[str]]]] = {}
    for kind, value, cs in values.itertuples(index=False):
        gid = groups.get(cs[0])
        if gid is not None:
            by_comm.setdefault(gid, []).append((kind, value, cs))
    rows = []
    for r in frame.itertuples(index=False):
        present = [str(c) for c in r.present]
        s = set(present)
        links = [{"kind": k, "value": v, "companies": sorted(s.intersection(cs))}
                 for k, v, cs in by_comm.get(r.community_id, []) if len(s.intersection(cs)) >= 2][:10]
        rows.append({
            "tender_id": r.tender_id, "project_id": None, "company_ids": present,
            # members linked only by a device that prepared a bid of each in some other tender: a lead (low; the
            # same computer in another tender is no evidence for this one); a person, shareholding or contact: medium
            "score": 0.7 if links else 0.5,
            "severity": "low" if links and all(k["kind"] in _DEVICE_KINDS for k in links) else None,
            "evidence": orjson.dumps({"community_id": int(r.community_id),
                                      "community": sorted(members[r.community_id]),
                                      "present": present, "links": links}).decode(),
        })
    return _frame(rows)
