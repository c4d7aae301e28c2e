"""How an indicator is declared.

An indicator is declared once with its code, names, family, legal basis, severity and the tables and
columns it needs, and a *builder*: a pure function from the scan context to SQL (DuckDB dialect) whose
rows are alerts. The builder never executes anything; :mod:`bidwatch.scan` runs it on the engine.
A few indicators need Python over the data (document texts): they are declared with ``kind="python"``
and return the alert frame themselves, still through the engine.

Alert rows have the columns of :data:`ALERT_COLUMNS`: ``tender_id`` (or NULL for contract-level
findings), ``project_id`` (may be NULL: the scan fills it from the tender), ``company_ids`` (a list),
``score`` in [0, 1], ``severity`` (NULL = the indicator's default) and ``evidence`` (JSON text with
the exact matching values and the bids concerned).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from bidwatch.engine import Engine

ALERT_COLUMNS = ("tender_id", "project_id", "company_ids", "score", "severity", "evidence")
SEVERITIES = ("high", "medium", "low")
SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}


@dataclass(frozen=True)
class Family:
    code: str
    name_zh: str
    name_en: str
    legal_basis: str
    explanation_zh: str


FAMILIES: dict[str, Family] = {
    f.code: f
    for f in (
        Family(
            "collusion", "串通投标", "Bid rigging and collusion", "招标投标法 第32条；实施条例 第34条、第39–41条；发改法规规〔2022〕1117号",
            "投标人之间或投标人与招标人之间串通。条例第40条列举的情形（同一单位或个人编制投标文件、委托同一人办理、"
            "项目管理成员为同一人、投标文件异常一致或报价呈规律性差异、相互混装、保证金从同一账户转出）依法视为串通投标；"
            "第34条规定单位负责人为同一人或存在控股、管理关系的不同单位不得参加同一标段投标。"
            "此外，报价统计筛查（变异系数、相对差距等）、中标价贴近最高投标限价、经常性抱团投标、陪标专业户、轮流坐庄和关联企业圈"
            "属于第39条、第41条所称串通投标的线索（发改法规规〔2022〕1117号要求加强对此类异常的分析研判），"
            "不单独认定串通，须结合投标文件、资金往来等证据核实。",
        ),
        Family(
            "evasion", "规避招标", "Evading mandatory tendering",
            "招标投标法 第3条、第4条、第49条；国家发展改革委令第16号 第2条、第5条；发改法规规〔2018〕843号 第2条",
            "依法必须招标的项目不招标，或化整为零、肢解发包以规避招标。施工单项合同估算价400万元、货物200万元、服务100万元"
            "以上必须招标；同一项目中可以合并进行的采购，合计达到标准的也必须招标。",
        ),
        Family(
            "works_before_award", "先建设后招标", "Works before the award",
            "招标投标法 第3条、第46条、第49条；建筑法 第7条、第8条、第64条",
            "先开工、先签合同、后补招标手续，或中标通知书发出后超过30日才签订合同。"
            "施工许可以确定施工企业为条件，未依法招标的项目确定的施工企业无效。",
        ),
        Family(
            "exclusion", "排斥潜在投标人", "Excluding potential bidders", "招标投标法 第18条、第20条、第24条；实施条例 第32条",
            "以不合理条件限制、排斥潜在投标人：地域或行业业绩加分、指定品牌、本地注册或设立分支机构、过短的投标期限、"
            "过高的投标保证金、异常的否决投标等。",
        ),
        Family(
            "expert_bias", "评标专家违规", "Evaluation-expert misconduct", "实施条例 第46条、第49条、第70–72条",
            "评标专家应当回避而未回避、打分明显偏向特定投标人、被反复抽取为同一招标人评标，"
            "或在暂停评标资格期内、被取消评标专家资格后仍参加评标。",
        ),
        Family(
            "sanctioned_bidder", "失信主体投标", "Sanctioned bidders", "法〔2016〕285号；发改法规〔2018〕457号；实施条例 第67–68条",
            "在禁止投标期限内或被列入严重失信主体名单、失信被执行人名单的单位参加投标或中标，联合惩戒措施未落实。",
        ),
    )
}


@dataclass
class ScanContext:
    """What a builder may look at: the engine, the dataset and the settings."""

    engine: Engine
    dataset: Any
    settings: Mapping[str, Any]
    #: values several indicators derive from the same data (e.g. the bid texts), computed once per scan
    cache: dict[str, Any] = field(default_factory=dict)

    def p(self, dotted: str) -> Any:
        """A setting by dotted key, e.g. ``ctx.p("collusion.boq_min_items")``."""
        node: Any = self.settings
        for part in dotted.split("."):
            node = node[part]
        return node

    def has(self, table: str, *columns: str) -> bool:
        return bool(self.dataset.has(table, *columns))

    def or_null(self, expr: str, table: str, *columns: str, sql_type: str = "VARCHAR") -> str:
        """``expr`` when the dataset has ``table`` (and its ``columns``), else a typed NULL in its place
        (``CAST(NULL AS sql_type)``): absent data reads as unknown, never as a value."""
        return expr if self.has(table, *columns) else f"CAST(NULL AS {sql_type})"

    def column_or_null(self, alias: str, table: str, column: str, sql_type: str = "VARCHAR") -> str:
        """``alias.column`` when ``table`` has ``column``, else ``CAST(NULL AS sql_type)``:
        ``ctx.column_or_null("t", "tenders", "winner_id")``."""
        return self.or_null(f"{alias}.{column}", table, column, sql_type=sql_type)


Builder = Callable[[ScanContext], "str | pd.DataFrame"]
Message = Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class Coverage:
    """What an indicator looked at: of the ``unit`` s in its scope (``scope``: SQL selecting their ids as
    ``id``), those it could judge (``checked``: SQL selecting ids as ``id``; a subset of the scope). The
    rest were *not checked* for lack of data: a reader of the alerts must know that, since absent data
    is never evidence. ``unit`` is ``tenders``, ``contracts``, ``projects`` or ``companies``."""

    unit: str
    scope: str
    checked: str


#: builds an indicator's :class:`Coverage` for a dataset
CoverageBuilder = Callable[[ScanContext], Coverage]


def tender_coverage(checked_where: str | Callable[[ScanContext], str],
                    scope_where: str | Callable[[ScanContext], str] = "true") -> CoverageBuilder:
    """Coverage over tenders ``t``: in scope where ``scope_where``, checked where ``checked_where`` too.

    Each is an SQL condition on ``t`` (it may use ``t.tender_id IN (subquery)``), or a function of the scan
    context that returns one (when it depends on which columns the dataset has)."""

    def build(ctx: ScanContext) -> Coverage:
        scope = scope_where(ctx) if callable(scope_where) else scope_where
        checked = checked_where(ctx) if callable(checked_where) else checked_where
        return Coverage(
            "tenders",
            f"SELECT t.tender_id AS id FROM tenders t WHERE {scope}",
            f"SELECT t.tender_id AS id FROM tenders t WHERE ({scope}) AND ({checked})",
        )

    return build


def in_complete_bid_lists(ctx: ScanContext) -> str:
    """SQL condition on ``t``: the tender's bids are its whole bid list (see :func:`complete_bid_lists`)."""
    return f"t.tender_id IN ({complete_bid_lists(ctx)})"


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    family: str
    legal_basis: str
    severity: str
    requires: tuple[tuple[str, tuple[str, ...]], ...]
    build: Builder
    message: Message
    kind: str = "sql"
    description_zh: str = ""
    #: alternative requirement sets: the indicator runs if ``requires`` or any of these is met
    requires_any: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] = field(default=())
    #: a Python indicator whose work is mostly its own (numpy, a model): the scan may run it on a
    #: second thread while the engine runs the SQL indicators
    background: bool = False
    #: what the indicator could judge in a dataset (``None``: every tender of the dataset)
    coverage: CoverageBuilder | None = None
    #: it judges against a standard of PRC law (a statutory period, a money threshold, a number of bidders): it does
    #: not apply to a dataset of another jurisdiction (``[scan] jurisdiction``, :func:`bidwatch.scan.jurisdiction`)
    statutory: bool = False

    def missing(self, dataset: Any) -> list[str]:
        """The tables/columns this indicator lacks in ``dataset`` (empty = it can run)."""
        options = (self.requires, *self.requires_any)
        best: list[str] | None = None
        for option in options:
            lacking = [
                f"{table}.{'/'.join(cols)}" if cols else table
                for table, cols in option
                if not dataset.has(table, *cols)
            ]
            if not lacking:
                return []
            if best is None or len(lacking) < len(best):
                best = lacking
        return best or []


CATALOGUE: dict[str, Indicator] = {}


def indicator(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    family: str,
    legal_basis: str,
    severity: str,
    requires: Mapping[str, tuple[str, ...]],
    message: Message,
    kind: str = "sql",
    description_zh: str = "",
    requires_any: tuple[Mapping[str, tuple[str, ...]], ...] = (),
    background: bool = False,
    coverage: CoverageBuilder | None = None,
    statutory: bool = False,
) -> Callable[[Builder], Builder]:
    """Declare an indicator; the decorated function is its builder."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")

    def register(build: Builder) -> Builder:
        if code in CATALOGUE:
            raise ValueError(f"indicator {code} declared twice")
        CATALOGUE[code] = Indicator(
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            family=family,
            legal_basis=legal_basis,
            severity=severity,
            requires=tuple(requires.items()),
            build=build,
            message=message,
            kind=kind,
            description_zh=description_zh or (build.__doc__ or "").strip(),
            requires_any=tuple(tuple(r.items()) for r in requires_any),
            background=background,
            coverage=coverage,
            statutory=statutory,
        )
        return build

    return register


def complete_bid_lists(ctx: ScanContext) -> str:
    """SQL of the tender ids whose bids in the dataset are the *whole* bid list (``tenders.bid_list``).

    Indicators that count bidders or compare a tender's prices as a whole (few bidders, price screens and
    patterns, the classifier, the co-bidding network's shares) judge only these tenders: where only the
    winning candidates were published (``candidates``) or no bids at all (``none``), a missing bid is not
    checked, never evidence. A dataset that does not give ``bid_list`` has it inferred: ``all`` where the
    tender has bids, ``none`` where it has none — except in a dataset of winners (:func:`winners_only`), where
    a tender whose one bidder is its winner is taken as ``candidates``. Pairwise hard evidence (the same device,
    account or person in two bids) holds on whatever bids are present and does not use this.
    """
    given = ctx.column_or_null("t", "tenders", "bid_list")
    if winners_only(ctx)["inferred"]:
        return f"""SELECT t.tender_id FROM tenders t
LEFT JOIN ({_BIDDERS}) hb ON hb.tender_id = t.tender_id
WHERE coalesce({given}, CASE WHEN hb.tender_id IS NULL THEN 'none'
                             WHEN hb.n = 1 AND hb.first = t.winner_id THEN 'candidates' ELSE 'all' END) = 'all'"""
    return f"""SELECT t.tender_id FROM tenders t
LEFT JOIN (SELECT DISTINCT tender_id FROM bids) hb ON hb.tender_id = t.tender_id
WHERE coalesce({given}, CASE WHEN hb.tender_id IS NOT NULL THEN 'all' ELSE 'none' END) = 'all'"""


#: per tender with bids: its distinct bidders (withdrawn bids are no bidder) and one of them
_BIDDERS = ("SELECT tender_id, count(DISTINCT company_id) FILTER (WHERE coalesce(status, 'valid') <> 'withdrawn') AS n, "
            "min(company_id) FILTER (WHERE coalesce(status, 'valid') <> 'withdrawn') AS first FROM bids GROUP BY tender_id")


def winners_only(ctx: ScanContext) -> dict[str, Any]:
    """Whether the dataset's bids are its winners, not its bid lists: among the awarded tenders with bids whose
    ``bid_list`` is not given, at least ``[bid_list] winners_only_share`` (and ``winners_only_min`` tenders; or all of
    them, at least ``winners_only_all_min``) have one bidder, the winner — what a dataset built from result notices (中标结果公告) holds. There a lone winning bid
    says nothing about how many firms bid, and such tenders are taken as ``candidates`` (not checked); in a dataset
    of whole bid lists a single-bid award is the exception and stays evidence. Computed once per scan:
    ``{"inferred": bool, "tenders": hits, "of": awarded tenders with bids}``."""
    found = ctx.cache.get("winners_only")
    if found is not None:
        return found
    found = {"inferred": False, "tenders": 0, "of": 0}
    if ctx.has("bids", "company_id") and ctx.has("tenders", "winner_id"):
        given = ctx.column_or_null("t", "tenders", "bid_list")
        row = ctx.engine.query(
            f"SELECT count(*) FILTER (WHERE hb.n = 1 AND hb.first = t.winner_id) AS hits, count(*) AS n "
            f"FROM tenders t JOIN ({_BIDDERS}) hb ON hb.tender_id = t.tender_id "
            f"WHERE t.winner_id IS NOT NULL AND {given} IS NULL").iloc[0]
        hits, n = int(row["hits"] or 0), int(row["n"] or 0)
        share, least = float(ctx.p("bid_list.winners_only_share")), int(ctx.p("bid_list.winners_only_min"))
        # a small ledger (a county's month: 9 tenders) whose every award has its winner's bid alone is one too
        every = int(ctx.p("bid_list.winners_only_all_min"))
        found = {"inferred": hits >= share * n and (hits >= least or (hits == n and n >= every)),
                 "tenders": hits, "of": n}
    ctx.cache["winners_only"] = found
    return found


def sql_str(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_list(values: list[str] | tuple[str, ...]) -> str:
    """A parenthesised list of SQL string literals for ``IN``."""
    return "(" + ", ".join(sql_str(v) for v in values) + ")" if values else "(NULL)"


def names(row: Mapping[str, Any]) -> str:
    """The companies of an alert as a Chinese list: 甲公司、乙公司."""
    return "、".join(row.get("company_names") or row.get("company_ids") or [])
