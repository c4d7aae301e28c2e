"""The scan's evidence keys and coded values in Chinese and English: one table for the web's alert page
(``bidwatch.web.labels``) and the scan's own HTML report (``bidwatch.report``), which runs without Django."""

from __future__ import annotations

#: The scan's evidence keys in Chinese (the alert page's evidence list); other languages show the key.
EVIDENCE_ZH = {
    "standalone_level": "单独预警水平", "corroborated_by": "佐证预警",
    "price": "报价（元）", "bids": "投标", "bid_id": "投标编号", "share": "比例", "identical_items": "相同清单项",
    "compared_items": "比对清单项", "account": "账户", "payer_names": "付款人", "present": "参与企业", "group": "企业组",
    "group_id": "企业组编号", "names": "企业名称", "group_tenders": "共同参与标段数", "group_won": "组内中标次数",
    "wins": "中标次数", "winner_id": "中标人", "winner_name": "中标人", "winner_price": "中标报价", "sets": "共同投标组合",
    "threshold": "阈值", "n_bids": "投标数", "n_bidders": "投标人数", "probability": "串通概率", "rank": "排名",
    "scored_tenders": "评分标段数", "features": "特征", "expert_id": "专家编号", "expert_name": "专家", "links": "关联",
    "relations": "关系", "community_id": "关联企业圈编号", "community": "关联企业圈", "category": "类别",
    "matches": "相同特征", "flagged": "异常指标", "screens": "筛查指标值", "thresholds": "阈值", "amount": "金额（元）",
    "procedure": "采购方式", "findings": "发现", "tenderer_id": "招标人", "tenderer_name": "招标人",
    "panels_with_tenderer": "为该招标人评标次数", "expert_panels": "评标次数", "expected": "期望次数",
    "p_value": "p 值", "tenders": "标段", "patterns": "规律", "n_tenders": "标段数", "n_common": "共同评标数",
    "mean_bias": "平均偏差", "score": "分值", "others_mean": "其他专家平均分", "bias": "偏差", "awarded_on": "中标通知日期",
    "signed_on": "合同签订日期", "minimum": "法定最低要求", "publicity_until": "公示截止", "days_after_award": "中标后天数",
    "contract_ids": "合同", "contract_id": "合同编号", "buyer_id": "采购人", "buyer_name": "采购人", "subject": "采购内容",
    "person_id": "人员编号", "person_name": "人员", "days": "天数", "on_date": "投标日期", "won": "是否中标",
    "withdrawn": "是否撤回", "sanctions": "处罚记录", "evaluated_on": "评标日期（开标日）", "by": "归集方式", "n_contracts": "合同数", "total": "合计（元）",
    "first_signed": "首份合同日期", "last_signed": "末份合同日期", "suppliers": "供应商", "contracts": "合同",
    "works_started_on": "实际开工日期", "permit_on": "施工许可日期", "announced_on": "招标公告日期",
    "before_announcement": "早于招标公告", "days_before_award": "早于中标天数", "jaccard": "相似度（Jaccard）",
    "passages": "相同段落", "docs_from": "招标文件发售起始", "docs_until": "招标文件发售截止", "bid_bond": "投标保证金（元）",
    "base": "计算基数（元）", "base_field_zh": "计算基数", "over_cap": "超过80万元上限", "n_disqualified": "被否决数",
    "disqualified": "被否决投标", "issued_on": "招标文件发出日期", "deadline": "投标截止日期", "from_field_zh": "起算日期",
    "lowest_bid": "最低报价投标", "lowest_company_id": "最低报价人", "lowest_name": "最低报价人",
    "lowest_price": "最低报价（元）", "reason": "理由", "premium": "中标价高出比例", "award_price": "中标价（元）",
    "ceiling_price": "最高投标限价（元）", "below_ceiling": "低于限价比例", "payer_account": "付款账户",
    "companies": "企业", "n_bids_total": "投标总数",
    # inside records
    "value": "值", "name_zh": "名称", "name": "名称", "members": "成员", "dominance": "主导度", "contribution": "贡献",
    "kind": "类型", "kind_zh": "类型", "company_id": "企业编号", "in_company_id": "所在投标人",
    "in_company_name": "所在投标人", "found_company_id": "出现的企业", "found_company_name": "出现的企业",
    "field": "字段", "context": "上下文", "prices": "报价", "step": "差额", "common_tenders": "共同标段",
    "supplier_id": "供应商", "raw": "原值", "rule": "规则", "legal_basis": "法律依据", "match": "匹配",
    "sanction_id": "处罚编号", "measure": "措施", "via": "途径", "authority": "决定机关", "start_on": "起",
    "end_on": "止", "compared_with": "对照", "works_tender_order": "施工标段序号", "state_funded": "国有资金",
    "shingles": "文本片段数", "clause": "条款",
    # chance, thresholds and statutory clocks
    "resolution": "报价精度（元）", "tied_pairs": "相同报价对数", "expected_pairs": "偶然情况下的期望对数",
    "level": "显著性水平", "n_companies": "使用该值的企业数", "strength": "证据强度", "shared_in_tenders": "共同出现标段数",
    "systemic": "全数据集普遍如此", "dataset_hits": "数据集中符合的标段数", "dataset_checked": "数据集中可判断的标段数",
    "earliest_lawful": "最早合法日期", "deadline_exact": "截止时间精确到时刻", "days_late": "超期天数",
    "mandatory_basis": "必须招标的依据", "budget_funds": "预算资金", "investment": "投资额（元）",
    "infrastructure": "基础设施项目", "sector": "行业", "max_share": "上限比例", "cap": "金额上限（元）",
    "cap_rule": "上限规则", "expected_won": "期望中标次数", "pool_size": "专家库人数", "draw_probability": "抽中概率",
    "tenderer_panels": "该招标人评标委员会数", "indicator": "指标", "severity": "风险等级",
    "employer": "任职单位", "same_legal_rep": "同一法定代表人",
    # bid_rotation's test against chance, shared_ip's co-location, award_near_ceiling's fixed fee
    "turns_probability": "随机中标出现如此轮流的概率", "p_even": "中标均匀程度的偶然概率",
    "p_turn": "中标次序规律的偶然概率", "dated": "按日期排序检验", "colocated": "共用办公网络（各自也从该地址上传）",
    "fixed_fee": "全部报价等于限价（固定费率）",
    # a statutory period whose last day rolls to the next working day (exclusion's periods)
    "nominal_last_day": "期间届满日（未顺延）", "rolled_only": "仅因末日顺延至工作日而不足",
    "relation": "关系", "base_unusable": "计算基数不可用", "n_company_ids": "企业编号数",
    # award_above_ceiling: which figure was above the ceiling, and by how much
    "source": "价格来源", "excess": "高出限价比例",
    # a person "id" that is a bare name (same_project_manager, same_agent)
    "name_only": "仅有姓名（无证书编号）",
}

#: The same keys in English: the keys the English page would otherwise show as code (the others stay as they are).
EVIDENCE_EN = {
    "nominal_last_day": "last day of the period (not rolled)",
    "rolled_only": "short only because the last day rolls to a working day",
    "group_id": "group no.", "group": "group of companies", "names": "company names",
    "base_unusable": "base unusable", "n_company_ids": "company IDs", "name_only": "a name only (no certificate no.)",
    "same_legal_rep": "same legal representative", "state_funded": "state-funded",
}

#: The scan's coded evidence values (a relation, a strength, a category, a sector, a measure, a device trace),
#: in the page's language: (Chinese, English). A value that is no code (a name, an ID) is shown as it is.
EVIDENCE_VALUES = {
    # relations of a person or a company to a bidder (experts, collusion, network)
    "employer": ("工作单位即该投标人", "employer is the bidder"), "legal_rep": ("法定代表人", "legal representative"),
    "same_legal_rep": ("同一法定代表人", "same legal representative"), "shareholder": ("股东", "shareholder"),
    "executive": ("高级管理人员", "executive"), "shareholding": ("持股", "shareholding"),
    "same_controller": ("控股股东为同一人", "same controlling shareholder"),
    "controller_is_head": ("一方控股股东为另一方法定代表人", "one's controlling shareholder heads the other"),
    "controls": ("一方控股另一方", "one controls the other"), "holds_shares": ("一方参股另一方", "one holds shares in the other"),
    "cross_role": ("高级管理人员或股东交叉任职", "cross-held posts or shares"),
    # shared details of bidders (contact details, bid files)
    "phone": ("联系电话", "phone"), "email": ("电子邮箱", "e-mail"), "address": ("注册地址", "address"),
    "ip": ("IP地址", "IP address"), "author": ("文件作者", "document author"),
    "tool_serial": ("编制工具序列号", "tool serial number"), "file_hash": ("文件哈希值", "file hash"),
    # traces of the same device in bid files
    "mac": ("MAC地址", "MAC address"), "machine_code": ("机器码", "machine code"),
    "disk_serial": ("硬盘序列号", "disk serial number"), "ca_lock_id": ("CA锁号", "CA lock ID"),
    # how strong a shared value is (spread)
    "full": ("充分", "full"), "reduced": ("减弱", "reduced"), "generic": ("普遍使用的值", "generic value"),
    "weak": ("弱", "weak"),
    # regular price patterns
    "arithmetic": ("等差数列", "arithmetic progression"), "geometric": ("等比数列", "geometric progression"),
    # restrictive clauses: how found, and which rule (indicators/rules/restrictive_clauses.toml)
    "phrase": ("文字匹配", "phrase match"), "local_branch": ("要求设立本地分支机构", "local branch required"),
    "local_tax_social_insurance": ("要求在本地缴纳税收或社保", "local tax or social insurance required"),
    "regional_performance": ("以特定行政区域业绩或奖项作为加分或中标条件", "regional performance required"),
    "industry_performance": ("以特定行业（系统内）业绩或奖项作为加分或中标条件", "industry performance required"),
    "named_brand": ("指定品牌、专利、商标、原产地或供应商", "named brand or supplier"),
    "ownership_form": ("限定所有制形式或组织形式", "ownership form restricted"),
    # the bid bond's cap rule
    "works_goods": ("施工、货物", "works and goods"),
    # what is tendered, how
    "works": ("施工", "works"), "goods": ("货物", "goods"), "services": ("服务", "services"),
    "direct": ("直接发包", "direct award"), "state_funded": ("国有资金占控股或主导地位", "state-funded"),
    "budget_funds": ("使用预算资金", "budget funds"), "infrastructure": ("基础设施", "infrastructure"),
    # sectors
    "housing": ("住房和城乡建设", "housing and construction"), "transport": ("交通运输", "transport"),
    "water": ("水利", "water resources"), "land": ("自然资源", "natural resources"),
    # split contracts: grouped by project or by subject; the same or related suppliers
    "project": ("同一项目", "same project"), "subject": ("同一采购内容", "same subject"),
    "same": ("同一承包人", "same supplier"), "related": ("存在关联关系的承包人", "related suppliers"),
    # sanctions: the measure, and whether it was found on the company or a person of it
    "debarment": ("取消投标资格", "debarred from bidding"), "penalty": ("行政处罚", "administrative penalty"),
    "blacklist": ("严重失信主体名单", "serious dishonesty list"), "company": ("企业本身", "the company itself"),
    # award_above_ceiling's figure: the winner's bid, or the award price where the bids do not give it
    "bid": ("中标人的投标报价", "the winner's bid"), "award": ("中标价", "the award price"),
}

#: Where one key means another thing in one indicator's evidence: identical_bid_prices' and the price screens'
#: ``probability`` is the chance that independent bidders produce the coincidence, not the classifier's
#: probability of collusion (读作"串通概率", the figure 7.47e-08 said the opposite of what it means).
EVIDENCE_ZH_BY_INDICATOR = {
    code: {"probability": "偶然出现的概率（独立报价下）"}
    for code in ("identical_bid_prices", "regular_price_pattern", "price_screen")
}


def label_zh(key: str, indicator: str | None = None) -> str:
    """The Chinese label of an evidence key, the indicator's own meaning of it first (the key where none is known)."""
    return EVIDENCE_ZH_BY_INDICATOR.get(indicator or "", {}).get(key) or EVIDENCE_ZH.get(key, key)
