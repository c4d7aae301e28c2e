"""How probable a price coincidence is under independent bidding: SQL fragments shared by the price indicators.

实施条例 第40条(四) deems collusion where bid documents are *abnormally* alike (异常一致) or prices differ
*regularly* (规律性差异). "Abnormal" is a statement about chance: two firms that price independently still tie
when both bid the published ceiling price, a round discount of it, or a round 万元 on a coarse grid, and
among 14 prices some three are nearly evenly spaced. An alert must say how improbable the coincidence is for
*that* tender, from the tender's own prices:

* **Resolution.** Each price's resolution is the largest power of ten that divides it (1,045,000.00 → 1,000 元;
  1,045,123.45 → 0.01 元). Bidders heap on round values; two bids can only tie on a value at the coarser of their
  two resolutions, so the chance that bids *i* and *j* tie is about ``min(res_i, res_j) · ∫f²``, where ``f`` is the
  density of the tender's prices. With ``f`` normal with the tender's standard deviation ``s``,
  ``∫f² = 1 / (2 s √π)`` (a flatter density gives a smaller value, a more peaked one a larger: the tender's own
  sd is floored at ``collusion.chance_min_spread`` of the mean, so two identical bids, whose sd is 0, are still
  judged). Bids that heap near a computable figure (most of them within a few per mille, a few far off) are no
  normal cloud: the identical-price test takes the larger of that value and a kernel estimate from the tender's own
  different prices (:func:`kernel_density_ctes`). The expected number of tied pairs is
  ``λ = ∫f² · Σ_{i<j} min(res_i, res_j)``; the probability of at least the observed number ``k`` of tied pairs is
  bounded by ``min(1 − e^{−λ}, (λe/k)^k / √(2πk))`` (a Poisson tail with Stirling's bound on ``k!``: an upper
  bound, so the test errs towards no alert). Two equal prices have the same resolution, so each resolution ``r`` at which a tender has a tie is tested on its own: the tied
  pairs at values of resolution ≤ ``r`` against the pairs whose finer bid has resolution ≤ ``r`` (a tie to the fen
  is not excused by the tender's round prices); a tie's probability is that of its resolution, times the number
  of resolutions tested (so a round tie beside an improbable tie to the fen is not alerted with it). On the
  labelled Japanese market (../shared/datasets/cartels) the sum of ``λ`` over the clean tenders (3,708) exceeds
  their observed tied pairs (3,139): the model does not understate chance.
* **Discount grids.** Where the tender publishes a figure ``F`` (ceiling price or estimate), bidders also heap on
  round *discounts* of it: in an average-bid auction a bid is ``F · (1 − d)`` with ``d`` in hundredths of a per
  cent, a price whose decimal resolution is the fen but which can only fall on a grid of step ``F · 10⁻⁴``. A price
  within a fen of ``F · (1 − k·s)`` for a step ``s`` of ``collusion.discount_grid_steps`` has the resolution
  ``F · s`` (the coarsest that fits; a price of fen resolution lands there by chance with probability about
  ``0.02 / (F · s)``), and the chance of its ties is judged on that grid like any other. On the labelled Italian
  market (Turin road works, 60–70 bids a tender, bids stated as discounts with up to five decimals on 100 × the
  PTE) the ties are all on discounts of two decimals of a per cent.
* **Published figures.** A tie on the ceiling price or the estimate, or on a round discount of either (whole
  per cents from ``collusion.published_discount_min`` to 100 %, of the figure with or without one of the VAT /
  consumption-tax rates in ``collusion.published_tax_rates``) is explained by the figure, whatever its chance.
* **Figures computed from a published one.** Where the bids of many tenders of the dataset heap at one ratio to
  their published figure, the bidders compute a price from it by a rule: a floor price (Japan's 最低制限価格,
  below which a bid is void, so bidders who compute it exactly tie on it and the award goes by lot) or a
  评标基准价 formula. Such a ratio is found in the data (:func:`focal_ratio_ctes`): a bin of width
  ``collusion.focal_ratio_width`` of price / figure holding bids of at least ``collusion.focal_ratio_min_tenders``
  tenders and ``collusion.focal_ratio_min_share`` of the tenders with that figure, and at least
  ``collusion.focal_ratio_factor`` times as many as the bins around it (3–10 bins away on either side, the mean).
  A tie within one bin of such a ratio is explained like a tie on the published figure: on the labelled Japanese
  market 28 of the 43 high alerts were ties at 0.761, 0.790 and 0.808–0.810 of the estimate, where 50–124
  tenders' bids heap; 29 of the 30 tenders alerted were clean. A cartel that ties at one ratio in many tenders is
  not found by this indicator (the network and screen indicators still see it); the evidence of the other ties
  is unchanged.
* **Regular differences.** For three prices ``a < b < c`` on a grid ``G`` (the tender's resolution), the chance
  that independent prices put ``b`` within ``d = |(b − a) − (c − b)|`` of the midpoint is about
  ``(d + G) / (c − a)`` (given ``a`` and ``c``, ``b`` is roughly uniform between them); the tender-level
  probability multiplies this by the number of triples examined (a union bound).

All fragments are plain SQL that runs on DuckDB and transpiles to Spark (no lgamma, no quantiles); the
evidence rounds probabilities to three significant digits so that both engines write the same text.
"""

from __future__ import annotations

from bidwatch.indicators.base import ScanContext


def resolution_sql(cents: str) -> str:
    """SQL: the largest power of ten (in yuan, 0.01 to 10⁹) dividing a price given in integer fen ``cents``."""
    parts = [f"WHEN {cents} % {10 ** (j + 2)} = 0 THEN 1e{j}" for j in range(9, -1, -1)]
    return f"(CASE WHEN {cents} = 0 THEN 1e-2 {' '.join(parts)} WHEN {cents} % 10 = 0 THEN 1e-1 ELSE 1e-2 END)"


#: the figures a tender may publish; bidders heap their prices on them and on round discounts of them
PUBLISHED_FIGURES = ("ceiling_price", "estimate")


def published_figures(ctx: ScanContext) -> list[str]:
    """The columns of :data:`PUBLISHED_FIGURES` the dataset's tenders have, in that order."""
    return [f for f in PUBLISHED_FIGURES if ctx.has("tenders", f)]


def grid_resolution_sql(ctx: ScanContext, cents: str, tender: str = "t") -> str:
    """SQL: a price's resolution (yuan), given in integer fen ``cents`` of a bid of tender ``tender``: the decimal
    resolution of :func:`resolution_sql`, or the step ``F · s`` of the coarsest discount grid of a published figure
    ``F`` (ceiling price, estimate) on which it lies within a fen, whichever is coarser (the module's doc)."""
    decimal = resolution_sql(cents)
    figures = published_figures(ctx)
    steps = sorted((float(x) for x in ctx.p("collusion.discount_grid_steps")), reverse=True)
    if not figures or not steps:
        return decimal
    price = f"({cents} / 100.0)"
    grids = []
    for fig in figures:
        f = f"{tender}.{fig}"
        whens = " ".join(f"WHEN abs({price} - {f} * round({price} / {f} / {s!r}) * {s!r}) <= 0.011 THEN {f} * {s!r}"
                         for s in steps)
        grids.append(f"(CASE WHEN {f} > 0 THEN (CASE {whens} ELSE 0.0 END) ELSE 0.0 END)")
    return f"greatest({decimal}, {', '.join(grids)})"


def density_sql(ctx: ScanContext, sd: str, mean: str) -> str:
    """SQL: ∫f² of a normal density with the tender's sd (floored at ``chance_min_spread`` × mean)."""
    floor = float(ctx.p("collusion.chance_min_spread"))
    return f"(1.0 / (2.0 * sqrt(pi()) * greatest(coalesce({sd}, 0.0), {floor} * {mean})))"


def kernel_density_ctes(ctx: ScanContext, source: str, name: str) -> str:
    """SQL: two CTE definitions (``{name}_h`` and ``name``) for a WITH clause; ``name`` holds per tender of ``source``
    (a CTE with columns tender_id, bid_id, cents, price) ``n``, ``sd``, ``mean`` and ``dens``, the chance density
    ∫f² to use: the larger of the normal density of :func:`density_sql` and a kernel estimate from the tender's own
    prices.

    Bidders do not price as one normal cloud: in a tender with a computable floor price (Japan's 最低制限価格, a
    评标基准价 formula) most bids heap within a few per mille of it and a few lie far off, which inflates the sd and
    makes the normal density far too flat for the heap. The kernel estimate of ∫f² is the mean of
    ``φ_{h√2}(x_i − x_j)`` over the pairs of *different* prices (the ties under test are left out, so they do not
    explain themselves), with Silverman's bandwidth ``h = 0.9 · min(sd, IQR / 1.349) · n^(−1/5)`` (the quartiles
    from the price ranks; the scale floored like the sd). Taking the larger of the two errs towards no alert, like
    the rest of the test; on prices that form one normal cloud the two agree to within the bandwidth."""
    floor = float(ctx.p("collusion.chance_min_spread"))
    return f"""{name}_h AS (
    SELECT tender_id, count(*) AS n, stddev_samp(price) AS sd, avg(price) AS mean,
           {density_sql(ctx, "stddev_samp(price)", "avg(price)")} AS normal,
           0.9 * greatest(least(coalesce(stddev_samp(price), 0.0),
                                (max(CASE WHEN k = CAST(ceil(0.75 * n) AS BIGINT) THEN price END)
                                 - max(CASE WHEN k = CAST(ceil(0.25 * n) AS BIGINT) THEN price END)) / 1.349),
                          {floor!r} * avg(price)) * power(CAST(count(*) AS DOUBLE), -0.2) AS h
    FROM (SELECT tender_id, price, row_number() OVER (PARTITION BY tender_id ORDER BY price, bid_id) AS k,
                 count(*) OVER (PARTITION BY tender_id) AS n FROM {source}) q
    GROUP BY tender_id
),
{name} AS (
    SELECT s.tender_id, s.n, s.sd, s.mean, greatest(s.normal, coalesce(k.kde, 0.0)) AS dens
    FROM {name}_h s LEFT JOIN (
        SELECT a.tender_id, avg(exp(-power(a.price - b.price, 2) / (4.0 * h.h * h.h)) / (2.0 * h.h * sqrt(pi())))
               AS kde
        FROM {source} a JOIN {source} b ON b.tender_id = a.tender_id AND b.bid_id > a.bid_id AND b.cents <> a.cents
        JOIN {name}_h h ON h.tender_id = a.tender_id
        GROUP BY a.tender_id) k ON k.tender_id = s.tender_id
)"""


def focal_ratio_ctes(ctx: ScanContext, name: str) -> str:
    """SQL: CTE definitions for a WITH clause ending in ``name`` (columns ``fig``, ``bin``): the ratios of price to
    published figure at which the dataset's bids heap (module doc, "Figures computed from a published one"); ``bin``
    is ``floor(price / figure / collusion.focal_ratio_width)``. Empty when the tenders publish no figure."""
    figures = published_figures(ctx)
    if not figures:
        return f"{name} AS (SELECT CAST(NULL AS VARCHAR) AS fig, CAST(NULL AS BIGINT) AS bin WHERE false)"
    width = float(ctx.p("collusion.focal_ratio_width"))
    min_tenders = int(ctx.p("collusion.focal_ratio_min_tenders"))
    share = float(ctx.p("collusion.focal_ratio_min_share"))
    factor = float(ctx.p("collusion.focal_ratio_factor"))
    rows = " UNION ALL ".join(
        f"SELECT DISTINCT '{f}' AS fig, CAST(floor(b.price / t.{f} / {width!r}) AS BIGINT) AS bin, b.tender_id "
        f"FROM bids b JOIN tenders t ON t.tender_id = b.tender_id "
        f"WHERE t.{f} > 0 AND b.price > 0 AND coalesce(b.status, 'valid') <> 'withdrawn'" for f in figures)
    return f"""{name}_b AS ({rows}),
{name}_c AS (SELECT fig, bin, count(*) AS n FROM {name}_b GROUP BY fig, bin),
{name}_t AS (SELECT fig, count(DISTINCT tender_id) AS n FROM {name}_b GROUP BY fig),
{name} AS (
    SELECT c.fig, c.bin FROM {name}_c c JOIN {name}_t nt ON nt.fig = c.fig
    LEFT JOIN {name}_c o ON o.fig = c.fig AND abs(o.bin - c.bin) BETWEEN 3 AND 10
    WHERE c.n >= {min_tenders} AND c.n >= {share!r} * nt.n
    GROUP BY c.fig, c.bin, c.n
    HAVING c.n >= {factor!r} * greatest(coalesce(sum(o.n), 0) / 16.0, 1.0)
)"""


def focal_ties_sql(ctx: ScanContext, source: str, ratios: str) -> str:
    """SQL query: the distinct (tender_id, cents) of ``source`` (a CTE with those columns, cents = price in integer
    fen) whose price lies within one bin of a ratio of CTE ``ratios`` (:func:`focal_ratio_ctes`) to one of its
    tender's published figures. A join, not a correlated subquery, so that Spark runs it too."""
    width = float(ctx.p("collusion.focal_ratio_width"))
    parts = [f"SELECT s.tender_id, s.cents FROM {source} s JOIN tenders t ON t.tender_id = s.tender_id "
             f"JOIN {ratios} q ON q.fig = '{f}' WHERE t.{f} > 0 "
             f"AND q.bin - CAST(floor(s.cents / 100.0 / t.{f} / {width!r}) AS BIGINT) BETWEEN -1 AND 1"
             for f in published_figures(ctx)]
    if not parts:
        return f"SELECT tender_id, cents FROM {source} WHERE false"
    return "SELECT DISTINCT tender_id, cents FROM (" + " UNION ALL ".join(parts) + ") x"


def poisson_at_least_sql(lam: str, k: str) -> str:
    """SQL: an upper bound of P(X ≥ k) for X ~ Poisson(λ), k ≥ 1 (see the module docstring)."""
    return (f"least(1.0 - exp(-({lam})), CASE WHEN ({lam}) <= 0 THEN 0.0 "
            f"ELSE power(({lam}) * exp(1.0) / CAST({k} AS DOUBLE), CAST({k} AS DOUBLE)) "
            f"/ sqrt(2.0 * pi() * CAST({k} AS DOUBLE)) END)")


def significant_sql(x: str, digits: int = 3) -> str:
    """SQL: ``x`` rounded to ``digits`` significant digits (0 stays 0), for evidence both engines write alike.

    The rounded value is an integer divided by an exact power of ten (3.67e-05 is 367 / 10⁷), which IEEE division
    gives as the double nearest the decimal on both engines; the earlier ``round(x / 10^e, 2) * 10^e`` multiplied
    by an inexact 10⁻⁵, whose last bit Spark's POWER and DuckDB's differ in (0.000036700000000000004 against
    0.0000367: QA on the Japanese market, session 18)."""
    k = f"({digits - 1} - floor(log10({x})))"
    return (f"(CASE WHEN ({x}) <= 0 THEN 0.0 WHEN {k} >= 0 THEN round(({x}) * power(10.0, {k})) / power(10.0, {k}) "
            f"ELSE round(({x}) / power(10.0, -{k})) * power(10.0, -{k}) END)")


def published_figure_sql(ctx: ScanContext, price: str, tender: str = "t") -> str:
    """SQL condition: ``price`` equals a published figure of tender ``tender`` or a round discount of it."""
    figures = published_figures(ctx)
    step = float(ctx.p("collusion.published_discount_step"))
    low = float(ctx.p("collusion.published_discount_min"))
    taxes = [float(x) for x in ctx.p("collusion.published_tax_rates")]
    conds = []
    for fig in figures:
        for tax in taxes:
            base = f"({tender}.{fig} / {1.0 + tax!r})"
            k = f"round({price} / {base} / {step!r})"
            conds.append(f"({tender}.{fig} > 0 AND {k} * {step!r} BETWEEN {low!r} AND 1.000001 "
                         f"AND abs({price} - {base} * {k} * {step!r}) <= 0.011)")
    return "(" + " OR ".join(conds) + ")" if conds else "false"
