"""Statistical price screens per tender and the winning price at the ceiling (collusion family, low/medium).

The nine screens (CV, SPD, DIFFP, RD, RDNOR, RDALT, KURT, SKEW, KSTEST) are computed by
:func:`bidwatch.model.screens.screens_by_tender` on the submitted (not withdrawn) bids with a price.
Each screen has a configurable threshold in ``[screens]``; a tender is flagged when at least
``screens.min_screens`` of them lie beyond their thresholds, and the evidence lists exactly which.
Screens are leads for a closer look (Imhof 2018; the Swiss COMCO opened the See-Gaster case with them),
never a finding: ``low``, or ``medium`` with many screens at once. Screens beyond thresholds also happen by
chance, above all with 4–6 bids: a tender is alerted only when independent bids with this market's shape and
the tender's own dispersion make its flagged screens at least that extreme with probability at most
``screens.max_probability`` (simulated; the evidence gives the probability). Only tenders whose bids are the
whole bid list (``complete_bid_lists``) are screened: the candidates alone have no meaningful distribution.

The ceiling price is public (条例 第27条): a winning price at the ceiling is not explained by a leak but
suggests that nobody pushed the price down, a lead to 第39条/第41条 collusion.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import orjson
import pandas as pd

from bidwatch.indicators.base import ScanContext, complete_bid_lists, indicator, names, tender_coverage
from bidwatch.model.screens import SCREEN_NAMES, screens_by_tender, screens_of_sorted

#: screen → (settings key, direction): "max" fires at or below the threshold, "min" at or above
SCREEN_RULES: dict[str, tuple[str, str]] = {
    "CV": ("cv_max", "max"), "SPD": ("spd_max", "max"), "DIFFP": ("diffp_min", "min"), "RD": ("rd_min", "min"),
    "RDNOR": ("rdnor_min", "min"), "RDALT": ("rdalt_min", "min"), "KURT": ("kurt_min", "min"),
    "SKEW": ("skew_max", "max"), "KSTEST": ("kstest_min", "min"),
}
SCREEN_ZH = {
    "CV": "变异系数", "SPD": "报价极差比", "DIFFP": "最低两价差", "RD": "相对距离", "RDNOR": "标准化相对距离",
    "RDALT": "替代相对距离", "KURT": "峰度", "SKEW": "偏度", "KSTEST": "KS统计量",
}
ALERT_COLS = ["tender_id", "project_id", "company_ids", "score", "severity", "evidence"]


def flagged_screens(values: Mapping[str, float], settings: Mapping[str, Any]) -> list[str]:
    """Names of the screens beyond their thresholds (undefined screens never fire)."""
    out = []
    for name in SCREEN_NAMES:
        v = values.get(name)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        key, direction = SCREEN_RULES[name]
        t = float(settings[key])
        if (direction == "max" and v <= t) or (direction == "min" and v >= t):
            out.append(name)
    return out


def _screens_text(row: Mapping[str, Any]) -> str:
    ev = row["evidence"]
    parts = "、".join(f"{SCREEN_ZH[s]}{s}={ev['screens'][s]:.3g}" for s in ev["flagged"])
    chance = (f"；若各投标人独立报价，这些指标同时达到这种程度的概率约为{ev['probability']:.1%}"
              if ev.get("probability") is not None else "")
    return (f"本标段{ev['n_bids']}家投标报价的{len(ev['flagged'])}项价格筛查指标超出阈值（{parts}）{chance}，"
            f"报价分布异常，需结合其他证据核查是否存在串通")


def _market_residuals(bids: pd.DataFrame, min_bids: int) -> np.ndarray:
    """The dataset's bids as standardised residuals of their tender, ``(price − mean) / sd``, pooled over the
    tenders with at least ``min_bids`` bids: the shape of a single independent bid in this market.

    Sorted, and computed from the bids in (tender, price) order: the simulation draws from the pool by position,
    so a pool in the row order of an unordered query made the same data give different alerts from run to run
    (DuckDB's parallel scan at 1M bids)."""
    bids = bids[["tender_id", "price"]].sort_values(["tender_id", "price"], kind="mergesort")
    g = bids.groupby("tender_id", sort=False)["price"]
    n = g.transform("size")
    mean = g.transform("mean")
    sd = g.transform("std")
    z = ((bids["price"] - mean) / sd)[(n >= min_bids) & (sd > 0)].to_numpy(dtype=float)
    return np.sort(z[np.isfinite(z)])


def _chance_of_flags(n: int, cv: float, observed: Mapping[str, float], cfg: Mapping[str, Any],
                     cache: dict[int, Any], market: np.ndarray) -> float:
    """P(every flagged screen at least as extreme as observed) for ``n`` independent bids with the tender's own
    coefficient of variation, by simulation (``screens.simulations`` draws, fixed seed per n).

    ``observed`` maps the flagged screens to the tender's values. Each simulated bid is ``1 + cv·z`` with ``z``
    drawn from the market's pooled standardised residuals (``market``; a standard normal where the dataset has
    too few): independent bids with this market's shape (one firm's low price, heavy tails), without the
    dependence between the bids of one tender that cover bidding creates. The six shape screens are invariant
    to ``1 + cv·z`` and are computed once per n; CV, SPD and DIFFP scale with ``cv`` and are computed per tender.
    The estimate is ``(1 + hits) / (1 + draws)``, never 0.
    """
    sims = int(cfg["simulations"])
    if n not in cache:
        rng = np.random.default_rng(20240611 + n)
        draws = (rng.choice(market, (sims, n)) if len(market) >= 100 else rng.standard_normal((sims, n)))
        z = np.sort(draws, axis=1)
        # what does not depend on the tender's cv, once per n (the same arrays as computing them per tender)
        cache[n] = (screens_of_sorted(z), z.std(axis=1, ddof=1), z.mean(axis=1), z[:, 0].copy(),
                    z[:, -1] - z[:, 0], z[:, 1] - z[:, 0])
    values, sd, z_mean, z_low, z_spread, z_gap = cache[n]
    with np.errstate(invalid="ignore", divide="ignore"):
        hit = np.ones(sims, dtype=bool)
        for name, obs in observed.items():
            if name == "CV":
                v = cv * sd / (1.0 + cv * z_mean)
            elif name == "SPD":
                v = cv * z_spread / (1.0 + cv * z_low)
            elif name == "DIFFP":
                v = cv * z_gap / (1.0 + cv * z_low)
            else:
                v = values[:, SCREEN_NAMES.index(name)]
            hit &= (v <= obs) if SCREEN_RULES[name][1] == "max" else (v >= obs)
    return float((1 + hit.sum()) / (1 + sims))


@indicator(
    code="price_screen",
    name_zh="投标报价统计筛查异常",
    name_en="Price screens beyond their thresholds",
    family="collusion",
    legal_basis="招标投标法实施条例 第39条、第40条第(四)项（统计线索）",
    severity="low",
    kind="python",
    requires={"bids": ("price",)},
    message=_screens_text,
    coverage=lambda ctx: tender_coverage(
        f"t.tender_id IN ({complete_bid_lists(ctx)}) AND t.tender_id IN (SELECT tender_id FROM bids "
        f"WHERE coalesce(status, 'valid') <> 'withdrawn' AND price > 0 GROUP BY tender_id "
        f"HAVING count(*) >= {int(ctx.p('screens.min_bids'))})")(ctx),
)
def price_screen(ctx: ScanContext) -> pd.DataFrame:
    """每个投标人名单完整的标段（至少4家有效报价）计算变异系数CV、极差比SPD、最低两价差DIFFP、相对距离RD/RDNOR/RDALT、
    峰度KURT、偏度SKEW、KS统计量，超出阈值的筛查指标不少于7项（8项以上为中风险），且各投标人独立报价（按本标段的
    报价离散程度模拟）时这些指标同时达到观测程度的概率不超过预警水平（默认1%）时预警；证据列出超出的指标和该概率。"""
    cfg = ctx.p("screens")
    min_bids, min_flags, medium = int(cfg["min_bids"]), int(cfg["min_screens"]), int(cfg["medium_screens"])
    level = float(cfg["max_probability"])
    bids = ctx.engine.query(
        "SELECT tender_id, price FROM bids "
        "WHERE coalesce(status, 'valid') <> 'withdrawn' AND price IS NOT NULL AND price > 0 "
        f"AND tender_id IN ({complete_bid_lists(ctx)})")
    if bids.empty:
        return pd.DataFrame(columns=ALERT_COLS)
    scr = screens_by_tender(bids, "tender_id", "price")
    scr = scr[scr["n"] >= min_bids].reset_index(drop=True)
    fired = np.zeros((len(scr), len(SCREEN_NAMES)), dtype=bool)
    for j, name in enumerate(SCREEN_NAMES):
        key, direction = SCREEN_RULES[name]
        v = scr[name].to_numpy(dtype=float)
        t = float(cfg[key])
        with np.errstate(invalid="ignore"):
            fired[:, j] = (v <= t) if direction == "max" else (v >= t)
    count = fired.sum(axis=1)
    keep = np.flatnonzero(count >= min_flags)
    cache: dict[int, Any] = {}
    market = _market_residuals(bids, min_bids) if len(keep) else np.empty(0)
    # plain arrays: a pandas scalar lookup per screen per tender cost more than the simulation itself
    n_of = scr["n"].to_numpy()
    screen_values = scr[list(SCREEN_NAMES)].to_numpy(dtype=float)
    chance = {int(i): _chance_of_flags(int(n_of[i]), float(screen_values[i, 0]),
                                       {name: float(screen_values[i, j])
                                        for j, name in enumerate(SCREEN_NAMES) if fired[i, j]},
                                       cfg, cache, market)
              for i in keep}
    keep = np.array([i for i in keep if chance[int(i)] <= level], dtype=int)
    if not len(keep):
        return pd.DataFrame(columns=ALERT_COLS)
    hit = scr.iloc[keep]
    ctx.engine.register("_bw_screened", hit[["tender_id"]].reset_index(drop=True))
    named = ctx.engine.query(
        "SELECT b.tender_id, list_sort(list(DISTINCT b.company_id)) AS companies FROM bids b "
        "JOIN _bw_screened s ON s.tender_id = b.tender_id "
        "WHERE coalesce(b.status, 'valid') <> 'withdrawn' AND b.price > 0 GROUP BY b.tender_id")
    bidders = {t: [str(c) for c in cs] for t, cs in zip(named["tender_id"], named["companies"], strict=True)}
    thresholds = {name: float(cfg[SCREEN_RULES[name][0]]) for name in SCREEN_NAMES}
    rows = []
    for i, r in zip(keep, hit.itertuples(index=False), strict=True):
        values = {name: (None if math.isnan(v) else round(float(v), 6))
                  for name, v in zip(SCREEN_NAMES, r[2:], strict=True)}
        flagged = [name for j, name in enumerate(SCREEN_NAMES) if fired[i, j]]
        rows.append({
            "tender_id": r.tender_id, "project_id": None, "company_ids": bidders.get(r.tender_id, []),
            "score": min(0.9, 0.3 + 0.07 * len(flagged)),
            "severity": "medium" if len(flagged) >= medium else None,
            "evidence": orjson.dumps({"n_bids": int(r.n), "flagged": flagged, "screens": values,
                                      "thresholds": thresholds, "probability": round(chance[int(i)], 4),
                                      "level": level}).decode(),
        })
    return pd.DataFrame(rows, columns=ALERT_COLS)


@indicator(
    code="award_near_ceiling",
    name_zh="中标价贴近最高投标限价",
    name_en="Winning price within 0.5% of the ceiling price",
    family="collusion",
    legal_basis="招标投标法实施条例 第39条、第41条（线索）；第27条（最高投标限价应当公布）",
    severity="low",
    requires={"tenders": ("ceiling_price", "winner_id")},
    message=lambda r: (f"中标人{names(r)}的中标价{r['evidence']['award_price']:,.2f}元"
                       + ("等于最高投标限价" if r['evidence']['below_ceiling'] == 0 else
                          f"仅比最高投标限价{r['evidence']['ceiling_price']:,.2f}元低{r['evidence']['below_ceiling']:.2%}")
                       + (f"（本标段{r['evidence']['n_bidders']}家投标）" if r['evidence'].get('n_bidders') else "")
                       + ("；全部投标报价均等于最高投标限价，系固定费率或指导价报价、价格不参与竞争的招标方式，"
                          "本身不说明串通，仅作为线索" if r['evidence'].get('fixed_fee') else
                          "，投标人之间缺乏实质性的价格竞争，可能存在串通投标，需结合其他证据核实"
                          "（最高投标限价依法公布，贴近限价本身不说明限价泄露）")),
    coverage=lambda ctx: tender_coverage("t.ceiling_price > 0 AND t.winner_id IS NOT NULL")(ctx),
)
def award_near_ceiling(ctx: ScanContext) -> str:
    """中标价（无则为中标人的投标报价）不高于最高投标限价且与之相差不超过0.5%：最高投标限价依法公布（条例第27条），
    中标价贴着限价说明投标人之间没有实质性的价格竞争，是第39条（投标人相互串通）、第41条（招标人与投标人串通）的线索。
    低风险；投标人名单完整且投标人不超过3家时（几乎没有竞争）为中风险，但全部报价都等于限价（固定费率、
    指导价：价格不参与竞争，由技术评分决定）时仍为低风险。"""
    share = float(ctx.p("screens.near_ceiling_share"))
    few = int(ctx.p("screens.near_ceiling_medium_max_bidders"))
    award = "coalesce(t.award_price, w.price)" if ctx.has("tenders", "award_price") else "w.price"
    return f"""
WITH w AS (
    SELECT b.tender_id, min(b.price) AS price, count(*) AS n_winner_bids
    FROM bids b JOIN tenders t ON t.tender_id = b.tender_id AND t.winner_id = b.company_id
    WHERE coalesce(b.status, 'valid') <> 'withdrawn' AND b.price > 0
    GROUP BY b.tender_id
),
-- bidders are counted only where the bids are the whole list: candidates-only data says nothing about competition
n AS (SELECT tender_id, count(DISTINCT company_id) AS n_bidders FROM bids
      WHERE coalesce(status, 'valid') <> 'withdrawn' AND tender_id IN ({complete_bid_lists(ctx)})
      GROUP BY tender_id),
-- every priced bid at one price: the tender fixed the fee (a 政府指导价 or a published rate) and the marks decide
p AS (SELECT tender_id, count(*) AS n_priced, min(price) AS low, max(price) AS high FROM bids
      WHERE coalesce(status, 'valid') <> 'withdrawn' AND price > 0 GROUP BY tender_id),
x AS (
    SELECT t.tender_id, t.project_id, t.winner_id, t.ceiling_price, {award} AS award_price, n.n_bidders,
           coalesce(p.n_priced >= 2 AND p.low = p.high AND p.low = t.ceiling_price, false) AS fixed_fee
    FROM tenders t LEFT JOIN w ON w.tender_id = t.tender_id LEFT JOIN n ON n.tender_id = t.tender_id
    LEFT JOIN p ON p.tender_id = t.tender_id
    WHERE t.winner_id IS NOT NULL AND t.ceiling_price > 0
)
SELECT tender_id, project_id, [winner_id] AS company_ids,
       CASE WHEN fixed_fee THEN 0.3 ELSE 0.6 END AS score,
       CASE WHEN n_bidders <= {few} AND NOT fixed_fee THEN 'medium' END AS severity,
       CAST(to_json(struct_pack(award_price := award_price, ceiling_price := ceiling_price,
                                below_ceiling := 1 - award_price / ceiling_price, n_bidders := n_bidders,
                                fixed_fee := fixed_fee, threshold := {share})) AS VARCHAR) AS evidence
FROM x
WHERE award_price IS NOT NULL AND award_price <= ceiling_price AND award_price >= (1 - {share}) * ceiling_price
"""
