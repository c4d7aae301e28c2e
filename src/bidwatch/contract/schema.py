"""The tables of the tender data contract (招投标数据接口规范), declared once.

Everything else in :mod:`bidwatch.contract` (reader, validation, writer) and the rest of the product
reads these declarations; the human-readable spec is ``shared/data-contract.md``.

Header aliases: the spec gives one alias "招标文件发售起止" for both ``docs_from`` and ``docs_until``,
which cannot name two columns.  We use ``招标文件发售起始日期`` (also ``发售开始日期``, ``发售起始日期``)
for ``docs_from`` and ``招标文件发售截止日期`` (also ``发售截止日期``) for ``docs_until``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["id", "text", "money", "number", "integer", "date", "timestamp", "bool", "enum"]

#: DuckDB type of each column kind in the loaded tables.
SQL_TYPES: dict[str, str] = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "money": "DOUBLE",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
    "enum": "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    """One contract column.

    ``zh`` is the Chinese header accepted as an alias; ``aliases`` are further accepted headers.
    ``enum`` maps each English code to its Chinese word; a word written ``A/B`` (e.g. ``否决/废标``)
    also accepts ``A`` and ``B`` alone on input.
    """

    name: str
    zh: str
    kind: Kind = "text"
    required: bool = False
    enum: dict[str, str] | None = field(default=None, hash=False)
    aliases: tuple[str, ...] = ()

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]


@dataclass(frozen=True)
class ForeignKey:
    """``columns`` of this table reference ``ref_columns`` of ``ref_table``.

    Checked only when ``ref_table`` is present in the dataset (optional tables may be absent);
    empty values are never dangling.
    """

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    required: bool = False
    _by_name: dict[str, Column] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _fk(column: str, ref_table: str, ref_column: str | None = None) -> ForeignKey:
    return ForeignKey((column,), ref_table, (ref_column or column,))


C = Column

SECTOR = {"housing": "住建", "transport": "交通", "water": "水利", "land": "自然资源", "other": "其他"}
CATEGORY = {"works": "施工", "goods": "货物", "services": "服务"}
#: 发改法规规〔2018〕843号 第2条: infrastructure and utilities that must be tendered whatever their funding
INFRASTRUCTURE = {"energy": "能源", "transport": "交通运输", "telecom": "通信", "water": "水利", "urban": "城建",
                  "none": "否"}
#: the kind of a services tender (the survey and design rules cap the bid bond lower, excessive_bid_bond)
SERVICE_KIND = {"survey": "勘察", "design": "设计", "survey_design": "勘察设计", "supervision": "监理", "other": "其他"}
PROCEDURE = {
    "open": "公开招标",
    "invited": "邀请招标",
    "negotiated": "竞争性谈判/磋商",
    "single_source": "单一来源",
    "direct": "直接发包",
    "inquiry": "询价",
}
#: how complete a tender's bids are in the dataset (data-contract.md tenders.bid_list): only ``all``
#: may be counted or compared; ``candidates`` (中标候选人公示) and ``none`` are "not checked"
BID_LIST = {"all": "全部投标人", "candidates": "仅中标候选人", "none": "无投标数据"}
AWARD_METHOD = {"lowest_price": "经评审的最低投标价法", "comprehensive": "综合评估法", "other": "其他"}
BID_STATUS = {"valid": "有效", "disqualified": "否决/废标", "withdrawn": "撤回"}
ROLE = {
    "legal_rep": "法定代表人",
    "shareholder": "股东",
    "executive": "高管",
    "project_manager": "项目经理",
    "agent": "委托代理人",
    "contact": "联系人",
    "employee": "员工",
}
MEASURE = {
    "debarment": "禁止投标",
    "blacklist": "严重失信名单",
    "dishonest_debtor": "失信被执行人",
    "bribery_record": "行贿记录",
    "penalty": "行政处罚",
    # measures on an evaluation expert (person_id = experts.expert_id): 实施条例 第71条 (banned from evaluating in
    # mandatory tenders for a period) and 第71–72条 (取消担任评标委员会成员的资格, open-ended)
    "expert_suspended": "暂停评标资格",
    "expert_removed": "取消评标专家资格",
    "other": "其他",
}
#: the measures whose subject is an evaluation expert: their record names the expert by ``person_id``
EXPERT_MEASURES = ("expert_suspended", "expert_removed")

_TABLES: tuple[Table, ...] = (
    Table(
        "companies",
        "市场主体",
        (
            C("company_id", "企业编号", "id", True),
            C("name", "企业名称", "text", True),
            C("uscc", "统一社会信用代码", "id"),
            C("legal_rep", "法定代表人"),
            C("legal_rep_id", "法定代表人证件号", "id"),
            C("phone", "联系电话"),
            C("email", "电子邮箱"),
            C("address", "注册地址"),
            C("region_code", "行政区划代码", "id"),
            C("founded_on", "成立日期", "date"),
            C("registered_capital", "注册资本", "money"),
        ),
        primary_key=("company_id",),
        required=True,
    ),
    Table(
        "people",
        "人员关系",
        (
            C("person_id", "人员编号", "id", True),
            C("name", "姓名"),
            C("company_id", "企业编号", "id", True),
            C("role", "角色", "enum", True, ROLE),
            C("share_pct", "持股比例", "number"),
            C("since", "起始日期", "date"),
            C("until", "终止日期", "date"),
        ),
        primary_key=("person_id", "company_id", "role"),
        foreign_keys=(_fk("company_id", "companies"),),
    ),
    Table(
        "projects",
        "工程项目",
        (
            C("project_id", "项目编号", "id", True),
            C("name", "项目名称", "text", True),
            C("owner_id", "建设单位编号", "id"),
            C("owner_name", "建设单位"),
            C("sector", "行业", "enum", False, SECTOR),
            C("estimated_amount", "估算金额", "money"),
            C("state_funded", "国有资金", "bool"),
            # 16号令 第2条第(一)项: budget funds ≥ 200万元 and ≥ 10% of the investment (untendered_contract)
            C("budget_funds", "预算资金", "money", aliases=("财政预算资金",)),
            C("total_investment", "总投资", "money", aliases=("投资额", "项目总投资")),
            # 843号 第2条: infrastructure type; absent, the sector (water, transport) is used as a presumption
            C("infrastructure", "基础设施类型", "enum", False, INFRASTRUCTURE, aliases=("基础设施类别",)),
            C("approved_on", "立项日期", "date"),
            C("permit_on", "施工许可日期", "date"),
            C("works_started_on", "实际开工日期", "date"),
            C("region_code", "行政区划代码", "id"),
        ),
        primary_key=("project_id",),
        foreign_keys=(_fk("owner_id", "companies", "company_id"),),
    ),
    Table(
        "tenders",
        "招标项目",
        (
            C("tender_id", "标段编号", "id", True),
            C("project_id", "项目编号", "id"),
            C("title", "标段名称"),
            C("category", "类别", "enum", False, CATEGORY),
            C("service_kind", "服务类型", "enum", False, SERVICE_KIND, aliases=("服务类别",)),
            C("procedure", "招标方式", "enum", False, PROCEDURE),
            C("tenderer_id", "招标人编号", "id"),
            C("agency", "招标代理机构"),
            C("ceiling_price", "最高投标限价", "money", aliases=("招标控制价",)),
            C("estimate", "招标估算价", "money"),
            C("bid_bond", "投标保证金", "money"),
            C("announced_on", "公告发布日期", "date"),
            C("docs_from", "招标文件发售起始日期", "date", aliases=("发售开始日期", "发售起始日期")),
            C("docs_until", "招标文件发售截止日期", "date", aliases=("发售截止日期",)),
            C("bid_deadline", "投标截止时间", "timestamp"),
            C("award_method", "评标办法", "enum", False, AWARD_METHOD),
            C("candidates_published_on", "中标候选人公示日期", "date"),
            C("publicity_until", "公示截止日期", "date"),
            C("awarded_on", "中标通知书日期", "date"),
            C("winner_id", "中标人编号", "id"),
            C("award_price", "中标价", "money"),
            C("contract_signed_on", "合同签订日期", "date"),
            C("requirements_text", "资格条件"),
            C("bid_list", "投标人名单", "enum", False, BID_LIST),
            C("last_amendment_on", "澄清修改日期", "date"),
        ),
        primary_key=("tender_id",),
        foreign_keys=(
            _fk("project_id", "projects"),
            _fk("winner_id", "companies", "company_id"),
            _fk("tenderer_id", "companies", "company_id"),
        ),
        required=True,
    ),
    Table(
        "bids",
        "投标",
        (
            C("bid_id", "投标编号", "id", True),
            C("tender_id", "标段编号", "id", True),
            C("company_id", "企业编号", "id", True),
            # Required unless status is withdrawn: checked by a dedicated rule, not the generic one.
            C("price", "投标报价", "money"),
            C("submitted_at", "递交时间", "timestamp"),
            C("status", "状态", "enum", False, BID_STATUS),
            C("disqualify_reason", "否决原因"),
            C("rank", "排名", "integer"),
            C("score", "综合得分", "number"),
            C("project_manager_id", "项目经理", "id"),
            C("agent_id", "委托代理人", "id"),
            # 条例 第57条第2款: refunded within 5 days of the contract (late_bond_refund)
            C("bond_refunded_on", "保证金退还日期", "date", aliases=("投标保证金退还日期",)),
        ),
        primary_key=("bid_id",),
        foreign_keys=(_fk("tender_id", "tenders"), _fk("company_id", "companies")),
        required=True,
    ),
    Table(
        "bid_files",
        "投标文件电子特征",
        (
            C("bid_id", "投标编号", "id", True),
            C("file_hash", "文件哈希", "id"),
            C("ip", "上传IP", "id"),
            C("mac", "MAC地址", "id"),
            C("machine_code", "机器码", "id"),
            C("disk_serial", "硬盘序列号", "id"),
            C("ca_lock_id", "加密锁号", "id"),
            C("author", "文件作者"),
            C("tool_serial", "编制工具序列号", "id"),
            C("created_at", "创建时间", "timestamp"),
            C("text_path", "正文文本"),
        ),
        foreign_keys=(_fk("bid_id", "bids"),),
    ),
    Table(
        "bid_items",
        "清单报价",
        (
            C("bid_id", "投标编号", "id", True),
            C("item_code", "清单编码", "id", True),
            C("unit_price", "综合单价", "money", True),
            C("quantity", "工程量", "number"),
        ),
        primary_key=("bid_id", "item_code"),
        foreign_keys=(_fk("bid_id", "bids"),),
    ),
    Table(
        "bonds",
        "投标保证金",
        (
            C("bid_id", "投标编号", "id", True),
            C("payer_account", "付款账号", "id", True),
            C("payer_name", "付款户名"),
            C("amount", "金额", "money"),
            C("paid_at", "缴纳时间", "timestamp"),
        ),
        foreign_keys=(_fk("bid_id", "bids"),),
    ),
    Table(
        "evaluations",
        "评标打分",
        (
            C("tender_id", "标段编号", "id", True),
            C("expert_id", "专家编号", "id", True),
            C("company_id", "企业编号", "id", True),
            C("score", "分数", "number", True),
        ),
        foreign_keys=(
            _fk("tender_id", "tenders"),
            _fk("company_id", "companies"),
            _fk("expert_id", "experts"),
        ),
    ),
    Table(
        "experts",
        "评标专家",
        (
            C("expert_id", "专家编号", "id", True),
            C("name", "姓名"),
            C("employer_id", "工作单位编号", "id"),
            C("specialty", "专业"),
        ),
        primary_key=("expert_id",),
        foreign_keys=(_fk("employer_id", "companies", "company_id"),),
    ),
    Table(
        "contracts",
        "合同",
        (
            C("contract_id", "合同编号", "id", True),
            C("project_id", "项目编号", "id"),
            C("tender_id", "标段编号", "id"),
            C("buyer_id", "发包人编号", "id", True),
            C("supplier_id", "承包人编号", "id", True),
            C("category", "类别", "enum", False, CATEGORY),
            C("procedure", "采购方式", "enum", False, PROCEDURE, aliases=("招标方式",)),
            C("amount", "合同金额", "money", True),
            C("signed_on", "签订日期", "date", True),
            C("subject", "合同内容"),
            # 条例 第58条: at most 10% of the contract price (excessive_performance_bond)
            C("performance_bond", "履约保证金", "money", aliases=("履约保证金金额",)),
        ),
        primary_key=("contract_id",),
        foreign_keys=(
            _fk("tender_id", "tenders"),
            _fk("project_id", "projects"),
            _fk("buyer_id", "companies", "company_id"),
            _fk("supplier_id", "companies", "company_id"),
        ),
    ),
    Table(
        "sanctions",
        "信用惩戒记录",
        (
            # One of company_id / uscc / person_id is required: a dedicated rule checks it.
            C("sanction_id", "记录编号", "id", True),
            C("company_id", "企业编号", "id"),
            C("uscc", "统一社会信用代码", "id"),
            C("person_id", "人员编号", "id"),
            C("measure", "惩戒措施", "enum", True, MEASURE),
            C("authority", "决定机关"),
            C("reason", "事由"),
            C("start_on", "起始日期", "date", True),
            C("end_on", "截止日期", "date"),
        ),
        primary_key=("sanction_id",),
    ),
)

#: Further headers of the same columns in what clerks and platforms export: the field names of the national
#: 公共资源交易平台数据规范 (GGZY codes such as BID_SECTION_CODE, BIDDER_ORG_CODE, WIN_NOTICE_SEND_TIME: provincial
#: supervision platforms export under them, ../shared/domain-cn.md §5.2) and the usual Chinese variants of the
#: contract's own headers. Only unambiguous ones: a header that could mean two columns of the table (报价 for a price
#: or a rate, 发布日期 of which notice) is left out, so the file says which it is. They give way to the contract's
#: headers (sources.map_headers): a file with both 投标截止时间 and 开标时间 reads the first, keeps the second as an
#: extra column and says so; a file that loaded before these aliases loads the same.
PLATFORM_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "companies": {
        "company_id": ("企业代码", "单位编号", "单位代码"),
        "name": ("单位名称", "公司名称"),
        "uscc": ("社会信用代码", "统一社会信用代码证号"),
        "legal_rep": ("法人代表", "法定代表人姓名"),
        "phone": ("联系方式",),
        "address": ("企业地址", "注册地"),
        "founded_on": ("成立时间",),
        "registered_capital": ("注册资金",),
    },
    "projects": {
        "project_id": ("PROJECT_CODE", "工程项目编号"),
        "name": ("PROJECT_NAME", "工程名称", "工程项目名称"),
        "owner_name": ("项目业主", "项目法人", "OWNER_NAME"),
    },
    "tenders": {
        "tender_id": ("标段(包)编号", "标段（包）编号", "标段号", "标段代码", "BID_SECTION_CODE"),
        "title": ("标段(包)名称", "标段（包）名称", "BID_SECTION_NAME"),
        "procedure": ("TENDER_MODE",),
        "tenderer_id": ("招标人代码", "招标人统一社会信用代码", "TENDERER_CODE"),
        "agency": ("代理机构", "招标代理", "TENDER_AGENCY_NAME"),
        "ceiling_price": ("控制价", "最高限价", "拦标价"),
        # not CONTRACT_RECKON_PRICE, CONTROL_PRICE, MARGIN_AMOUNT: their unit is a code in another column
        # (PLATFORM_UNIT_CODED), read as 元 they made 12500 (万元) an estimate of 12,500 元
        "estimate": ("合同估算价", "标段合同估算价"),
        "announced_on": ("招标公告发布日期", "招标公告发布时间", "公告发布时间"),
        # 法 第34条: the bids are opened at the bid deadline, so the opening time is that deadline
        "bid_deadline": ("开标时间", "投标截止日期", "提交投标文件截止时间", "BID_DOC_REFER_END_TIME", "BID_OPEN_TIME"),
        "award_method": ("评标方法",),
        "candidates_published_on": ("公示开始日期", "公示开始时间", "PUBLICITY_START_TIME"),
        "publicity_until": ("公示结束日期", "公示结束时间", "公示截止时间", "PUBLICITY_END_TIME"),
        "awarded_on": ("中标通知书发出日期", "中标通知书发出时间", "WIN_NOTICE_SEND_TIME"),
        "winner_id": ("中标人代码", "中标单位编号", "中标人统一社会信用代码", "WIN_BIDDER_CODE"),
        "award_price": ("中标金额", "中标价格", "BID_AMOUNT"),
        "contract_signed_on": ("合同签订时间", "CONTRACT_SIGN_TIME"),
        "requirements_text": ("投标人资格条件", "资格要求", "BID_QUALIFICATION"),
    },
    "bids": {
        "tender_id": ("标段(包)编号", "标段（包）编号", "标段号", "标段代码", "BID_SECTION_CODE"),
        "company_id": ("投标人编号", "投标单位编号", "投标人代码", "投标人统一社会信用代码", "BIDDER_ORG_CODE"),
        "price": ("投标价", "投标价格", "投标总价", "投标总报价", "BID_PRICE"),
        "submitted_at": ("投标文件递交时间", "CHECKIN_TIME"),
        "status": ("投标状态",),
        "disqualify_reason": ("否决理由", "废标原因", "VETO_REASON_DETAIL"),
        "rank": ("名次",),
        "score": ("总得分", "评标得分"),
        "project_manager_id": ("项目负责人", "BID_MANAGER"),
    },
    "contracts": {
        "tender_id": ("标段(包)编号", "标段（包）编号", "BID_SECTION_CODE"),
        "amount": ("合同价款", "合同价", "CONTRACT_PRICE"),
        "signed_on": ("合同签订日期", "合同签订时间", "CONTRACT_SIGN_TIME"),
    },
}

#: The 公共资源交易平台数据规范 gives an amount as a bare number and its unit as a code in a column of its own, per row:
#: ``CONTRACT_RECKON_PRICE=12500`` with ``PRICE_UNIT=1`` is 12,500万元 (the spec's enumeration PRICE_UNIT, 0 元 and
#: 1 万元, shared by CONTROL_PRICE_UNIT and MARGIN_AMOUNT_UNIT; table SECTION, TENDER_FILE_CLARI_MODI). Such an amount is
#: read only with its unit: table -> platform header -> (contract column, header of its unit code). Not in
#: :data:`PLATFORM_ALIASES`, so that a loader that does not read the code keeps the column as an extra one rather than
#: read 万元 as 元. (BID_PRICE and BID_AMOUNT stay there: files under them loaded before, most in 元.)
PLATFORM_UNIT_CODED: dict[str, dict[str, tuple[str, str]]] = {
    "tenders": {
        "CONTRACT_RECKON_PRICE": ("estimate", "PRICE_UNIT"),
        "CONTROL_PRICE": ("ceiling_price", "CONTROL_PRICE_UNIT"),
        "MARGIN_AMOUNT": ("bid_bond", "MARGIN_AMOUNT_UNIT"),
    },
    "bids": {"BID_PRICE": ("price", "PRICE_UNIT")},
}
#: the codes of the spec's PRICE_UNIT enumeration and the unit each names; any other code is a problem, not a guess
PRICE_UNIT_CODES: dict[str, str] = {"0": "元", "1": "万元"}


#: Every contract table by English name, in dependency-friendly order.
TABLES: dict[str, Table] = {t.name: t for t in _TABLES}

for _table, _extra in PLATFORM_ALIASES.items():
    if not set(_extra) <= set(TABLES[_table].column_names):
        raise ValueError(f"PLATFORM_ALIASES names no column of {_table}: {sorted(set(_extra) - set(TABLES[_table].column_names))}")
for _table, _coded in PLATFORM_UNIT_CODED.items():
    for _header, (_column, _unit) in _coded.items():
        if TABLES[_table].column(_column).kind != "money":
            raise ValueError(f"PLATFORM_UNIT_CODED: {_table}.{_column} is no amount")

#: Tables a dataset must contain.
REQUIRED_TABLES: tuple[str, ...] = tuple(t.name for t in _TABLES if t.required)
