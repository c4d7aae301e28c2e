"""Fill ``zh_Hans/LC_MESSAGES/django.po`` from :data:`ZH` (run after ``makemessages``), then compile.

    python src/bidwatch/web/locale/fill_po.py        # prints msgids still without a translation

Kept as code so that the translations are reviewed like the rest of the source.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

ZH: dict[str, str] = {
    "Campaign": "专项整治", "Agencies and users": "单位与用户", "Housing and construction": "住建",
    "Transport": "交通", "Water resources": "水利", "Natural resources": "自然资源", "Other": "其他",
    "Campaign office": "专项整治办公室", "Discipline inspection and supervision": "纪检监察",
    "Industry department": "行业主管部门", "Public security": "公安", "Audit": "审计", "code": "代码", "name": "名称",
    "English name": "英文名称", "kind": "类型", "sector supervised": "监管行业",
    "Department staff see and act on the tenders and alerts of this sector.": "本单位人员查看和处置该行业的标段和预警。",
    "agency": "单位", "agencies": "单位", "Administrator": "系统管理员", "Discipline commission": "纪工委/监工委",
    "Department staff": "行业部门人员", "Auditor (read-only)": "审计（只读）", "role": "角色", "user": "用户",
    "users": "用户", "login attempt": "登录尝试", "login attempts": "登录尝试",
    "Too many failed logins. Please wait 15 minutes and try again.": "登录失败次数过多，请15分钟后再试。",
    "Alerts and clues": "预警与线索", "Search": "搜索", "Family": "类别", "Severity": "等级", "All": "全部",
    "Sector": "行业", "Department": "责任部门", "Status": "状态", "From": "起", "To": "止",
    "Include alerts no longer found": "包括已不再出现的预警", "Reason for dismissal": "排除理由", "Note": "备注",
    "Assign to unit": "移交单位", "Source": "来源", "Summary of the clue": "线索摘要", "New status": "新状态",
    "High": "高", "Medium": "中", "Low": "低", "New": "待处置", "Confirmed": "已确认", "Dismissed": "已排除",
    "Clue raised": "已形成线索", "alert ID": "预警编号", "indicator": "指标", "indicator name": "指标名称",
    "family": "类别", "severity": "等级", "tender": "标段", "project ID": "项目编号", "companies": "企业",
    "score": "分值", "legal basis": "法律依据", "evidence": "证据", "finding": "预警内容", "sector": "行业",
    "district": "区县", "date": "日期", "responsible department": "责任部门", "status": "状态",
    "found by the latest scan": "最近一次扫描仍发现", "first found": "首次发现", "last found": "最近发现",
    "alert": "预警", "alerts": "预警", "Big-data analysis": "大数据分析", "Report by the public": "群众举报",
    "Complaint": "投诉", "Petition": "信访", "Inspection tour": "巡察", "Registered": "已登记",
    "Accepted by the unit": "已受理", "Being verified": "核查中", "Closed": "已办结", "source": "来源",
    "summary": "摘要", "assigned unit": "承办单位", "raised by": "提出人", "raised": "提出时间", "updated": "更新时间",
    "problem clue": "问题线索", "problem clues": "问题线索", "Raised a clue": "形成线索", "Reopened": "重新打开",
    "action": "操作", "reason": "理由", "time": "时间", "note": "备注", "Alert confirmed.": "预警已确认。",
    "Alert dismissed.": "预警已排除。", "Clue %(number)s raised.": "已形成问题线索 %(number)s。",
    "Clue updated.": "线索已更新。", "Audit log": "审计日志", "Logged in": "登录", "Failed login": "登录失败",
    "Logged out": "退出", "Viewed evidence": "查看证据", "Uploaded a dataset": "上传数据集",
    "Imported a dataset": "导入数据集", "Started a scan": "启动扫描", "Triaged an alert": "处置预警",
    "Updated a clue": "更新线索", "Changed a record": "修改记录", "Refused access": "拒绝访问",
    "user name": "用户名", "object type": "对象类型", "object": "对象", "detail": "详情", "IP address": "IP地址",
    "audit entry": "审计记录", "audit entries": "审计记录", "Imports and scans": "数据导入与扫描",
    "Dataset file": "数据文件",
    "A .zip of contract files (CSV or Parquet, one per table) or one .xlsx workbook.":
        "按数据接口规范整理的 .zip 压缩包（每张表一个 CSV 或 Parquet 文件），或一个 .xlsx 工作簿。",
    "Waiting": "等待中", "Checking": "校验中", "Rejected: problems found": "未通过：发现问题", "Accepted": "已通过校验",
    "Imported": "已导入", "Failed": "失败", "file": "文件", "size": "大小", "uploaded by": "上传人",
    "uploaded": "上传时间", "problems": "问题", "rows": "行数", "dataset import": "数据导入",
    "dataset imports": "数据导入", "Queued": "排队中", "Running": "运行中", "Dataset rejected": "数据集未通过校验",
    "Finished": "已完成", "dataset": "数据集", "run by": "执行人", "started": "开始时间", "finished": "完成时间",
    "tenders": "标段", "scan": "扫描", "scans": "扫描",
    "Upload a .zip of contract files or one .xlsx workbook.": "请上传按接口规范整理的 .zip 压缩包或一个 .xlsx 工作簿。",
    "The file is larger than the allowed size.": "文件超过允许的大小。",
    "The archive contains an unsafe path: %(name)s": "压缩包含有不安全的路径：%(name)s",
    "The archive unpacks to more than the allowed size.": "压缩包解压后超过允许的大小。",
    "Checking the dataset": "正在校验数据集", "Scanning: %(stage)s": "扫描中：%(stage)s",
    "Importing into the database": "正在导入数据库", "Importing: %(stage)s": "导入中：%(stage)s",
    "Collusion": "串通投标", "Evading tendering": "规避招标", "Timing and procedure": "时限与程序",
    "Excluding bidders": "排斥潜在投标人", "Evaluation experts": "评标专家", "Credit and sanctions": "信用与惩戒",
    "Price screens": "报价异常", "Bidder network": "投标人关联网络", "Similar bid documents": "投标文件雷同",
    "Open-contracting red flags": "开放合同风险标记", "Collusion model": "围串标模型", "Works": "施工",
    "Goods": "货物", "Services": "服务", "Open tendering": "公开招标", "Invited tendering": "邀请招标",
    "Competitive negotiation": "竞争性谈判/磋商", "Single source": "单一来源", "Direct award": "直接发包",
    "Request for quotation": "询价", "None": "无", "Debarred from bidding": "禁止投标",
    "Serious dishonesty list": "严重失信名单", "Dishonest judgment debtor": "失信被执行人", "Bribery record": "行贿记录",
    "Administrative penalty": "行政处罚", "Tender risk platform": "招投标风险监管平台", "Background tasks": "后台任务",
    "Done": "完成", "arguments": "参数", "progress": "进度", "stage": "阶段", "error": "错误", "started by": "发起人",
    "created": "创建时间", "task": "任务", "tasks": "任务", "Access refused": "拒绝访问",
    "Your role does not allow this page or action. If you need it, ask the campaign office or the administrator.":
        "您的角色无权访问此页面或执行此操作。如确有需要，请联系专项整治办公室或系统管理员。",
    "Back to the dashboard": "返回总览", "Not found": "未找到", "Log in": "登录",
    "Campaign against prominent problems in construction tendering": "工程建设项目招投标突出问题专项整治",
    "User name": "用户名", "Password": "密码", "Role": "角色", "Agency": "单位", "What this role may do": "本角色的权限",
    "%(n)s alert": "共 %(n)s 条预警", "Indicator": "指标", "Tender": "标段", "Date": "日期", "Score": "分值",
    "no longer found": "已不再出现", "No alerts match.": "没有符合条件的预警。", "Triage": "处置", "Confirm": "确认",
    "Dismiss": "排除", "Raise a clue": "形成问题线索",
    "Your role can read this alert but not triage it.": "您的角色可以查看此预警，但不能处置。", "History": "处置记录",
    "No decision yet.": "尚未处置。", "Clues": "问题线索", "Problem clue": "问题线索", "Assigned unit": "承办单位",
    "Alert": "预警", "Raised by": "提出人", "Update": "更新", "Problem clues": "问题线索台账", "Filter": "筛选",
    "Number": "编号", "Raised": "提出时间", "No clues.": "暂无线索。", "Alerts": "预警", "Finding": "预警内容",
    "Legal basis": "法律依据", "Companies": "涉及企业", "Responsible department": "责任部门", "First found": "首次发现",
    "Evidence": "证据",
    "A warning is a lead for human review; the statutory finding is made by the evaluation committee or the supervising department.":
        "预警只是供人工核查的线索；是否构成违法违规，由评标委员会或行政监督部门依法认定。",
    "Search findings, tenders, companies": "搜索预警内容、标段、企业", "All actions": "全部操作", "Time": "时间",
    "User": "用户", "Action": "操作", "Object": "对象", "Detail": "详情", "Dashboard": "总览", "Tenders": "标段",
    "Imports": "数据导入", "Users": "用户管理", "Log out": "退出",
    "Warnings are leads for human review, not findings of fact.": "预警是供人工核查的线索，不是事实认定。",
    "Scan": "扫描",
    "Imported %(tenders)s tenders and %(bids)s bids; the scan raised %(alerts)s alerts.":
        "已导入 %(tenders)s 个标段、%(bids)s 条投标，扫描产生 %(alerts)s 条预警。",
    "See the alerts": "查看预警", "Scan again": "重新扫描",
    "The dataset was rejected: %(n)s problem": "数据集未通过校验：发现 %(n)s 个问题",
    "Nothing was imported. Correct the file and upload it again.": "没有导入任何数据。请修正文件后重新上传。",
    "Table": "表", "Row": "行", "Column": "列", "Value": "值", "Expected": "应为",
    "Only the first %(shown)s are shown.": "仅显示前 %(shown)s 个。", "Scans of this dataset": "此数据集的扫描",
    "Uploaded by": "上传人", "Upload a dataset": "上传数据集", "Upload and check": "上传并校验", "Datasets": "数据集",
    "File": "文件", "Uploaded": "上传时间", "Problems": "问题数", "Nothing imported yet.": "尚未导入数据。",
    "Scans": "扫描记录", "Dataset": "数据集", "Run by": "执行人", "Started": "开始时间", "Previous": "上一页",
    "Page %(n)s of %(total)s": "第 %(n)s 页，共 %(total)s 页", "Next": "下一页", "Company ID": "企业编号",
    "Unified social credit code": "统一社会信用代码", "Legal representative": "法定代表人", "Address": "地址",
    "Bids": "投标", "Wins": "中标", "Win rate": "中标率", "Risk score": "风险评分", "Bids and wins over time": "投标与中标趋势",
    "Frequent co-bidders": "常见共同投标人", "Company": "企业", "Tenders together": "共同投标次数", "Sanctions": "信用惩戒",
    "Measure": "惩戒措施", "Authority": "决定机关", "Until": "截止", "No sanction on record.": "无惩戒记录。",
    "Recent bids": "近期投标", "Announced": "公告日期", "Bid price": "投标报价", "Result": "结果", "won": "中标",
    "Active alerts": "有效预警", "High severity": "高风险", "Awaiting triage": "待处置", "Alerts by family": "预警类别分布",
    "Alerts by severity": "预警等级分布", "Monthly trend": "月度趋势", "Alerts by sector": "行业分布",
    "Alerts by district": "区县分布", "Riskiest tenders": "高风险标段", "Risk": "风险",
    "No data yet: import a dataset.": "暂无数据：请先导入数据集。", "Riskiest companies": "高风险企业", "Facts": "基本信息",
    "Tender ID": "标段编号", "Project": "项目", "Owner": "建设单位", "District": "区县", "Category": "类别",
    "Procedure": "招标方式", "Tendering agency": "招标代理机构", "Price ceiling": "最高投标限价", "Winner": "中标人",
    "Award price": "中标价", "Timeline": "时间线", "before the award": "早于中标通知", "No dates recorded.": "无日期记录。",
    "Open and triage": "查看并处置", "No alerts for this tender.": "此标段无预警。", "Bid prices": "投标报价",
    "Links between bidders": "投标人关联关系", "Shared person": "同一人员", "Shared device": "同一设备",
    "Shared bank account": "同一银行账户", "Shared phone or e-mail": "同一电话或邮箱", "Identical file": "相同文件",
    "%(n)s link": "%(n)s 条关联",
    "No shared people, devices, accounts or phones found among the bidders.": "投标人之间未发现共用人员、设备、账户或电话。",
    "Bidder": "投标人", "Submitted": "递交时间", "Rank": "排名", "winner": "中标", "Tender ID, title or winner": "标段编号、名称或中标人",
    "All sectors": "全部行业", "Title": "名称", "Nothing found.": "未找到。", "Tenders and companies": "标段与企业",
    "company ID": "企业编号", "unified social credit code": "统一社会信用代码", "legal representative": "法定代表人",
    "phone": "电话", "address": "地址", "region code": "行政区划代码", "founded": "成立日期", "registered capital": "注册资本",
    "risk score": "风险评分", "bids": "投标", "wins": "中标", "risk detail": "风险详情", "company": "企业",
    "owner": "建设单位", "estimated amount": "估算金额", "state funded": "国有资金", "approved": "立项日期",
    "construction permit": "施工许可", "works started": "实际开工", "project": "项目", "projects": "项目",
    "tender ID": "标段编号", "title": "名称", "category": "类别", "procedure": "招标方式", "tenderer": "招标人",
    "tendering agency": "招标代理机构", "price ceiling": "最高投标限价", "estimate": "估算价", "announced": "公告日期",
    "bid deadline": "投标截止时间", "award method": "评标办法", "candidates published": "中标候选人公示",
    "awarded": "中标通知书日期", "award price": "中标价", "contract signed": "合同签订日期", "risk level": "风险等级",
    "high-severity alerts": "高等级预警", "main indicators": "主要指标", "explanation": "说明", "Valid": "有效",
    "Disqualified": "否决", "Withdrawn": "撤回", "bid ID": "投标编号", "bidder": "投标人", "bid price": "投标报价",
    "submitted": "递交时间", "reason for disqualification": "否决原因", "rank": "排名", "project manager": "项目经理",
    "agent": "委托代理人", "bid": "投标", "record ID": "记录编号", "person": "人员", "measure": "惩戒措施",
    "authority": "决定机关", "from": "起始日期", "until": "截止日期", "sanction": "惩戒记录", "sanctions": "惩戒记录",
    "attribute": "属性", "value": "值", "bidder link": "投标人关联", "bidder links": "投标人关联",
    "%(amount)s 10k yuan": "%(amount)s 万元", "unknown": "未知", "Project approved": "项目立项", "Announcement": "招标公告",
    "Bid deadline": "投标截止", "Candidates published": "中标候选人公示", "Award notice": "中标通知书",
    "Contract signed": "合同签订", "Construction permit": "施工许可", "Works started": "实际开工",
    "Bid price (yuan)": "投标报价（元）",
    # complaints (投诉)
    'Handled a complaint': '办理投诉',
    'Complaints': '投诉',
    'Tender ID, if known.': '如已知，填写标段编号。',
    'The complaint cannot be received before the complainant knew of the matter.': '收到投诉的日期不能早于投诉人知道或应当知道的日期。',
    'This date is in the future.': '该日期晚于今天。',
    'This matter needs an objection to the tenderer first (条例 第60条 第2款): give the date it was raised.': '此类事项应先向招标人提出异议（条例 第60条 第2款）：请填写提出异议的日期。',
    'The answer cannot come before the objection.': '异议答复日期不能早于提出异议的日期。',
    'Accept the complaint': '受理投诉',
    'Do not accept': '不予受理',
    'Reason not accepted': '不予受理理由',
    'Stop the clock': '暂停计时（检验、检测、鉴定、专家评审）',
    'Time not counted for': '不计入期限的事项',
    'Restart the clock': '恢复计时',
    'Record the decision': '作出处理决定',
    'Outcome': '处理结果',
    'Decision document number': '处理决定书文号',
    'Decision': '处理决定',
    'Withdrawn by the complainant': '投诉人撤回投诉',
    'Reason for withdrawal': '撤回说明',
    'Open': '办理中',
    'Overdue': '已超期',
    'Due soon': '即将到期',
    'Deadline': '办理期限',
    'Received, awaiting acceptance': '已收到，待受理',
    'Not accepted': '不予受理',
    'Accepted, being handled': '已受理，处理中',
    'Decided': '已作出处理决定',
    'Online': '网上投诉',
    'Letter': '书面邮寄',
    'In person': '当面递交',
    'Transferred by another unit': '其他单位转来',
    'Other interested party': '其他利害关系人',
    'Complainant took no part and has no interest': '投诉人不是所投诉招标投标活动的参与者，或者与投诉项目无任何利害关系',
    'Matter not specific, no effective leads': '投诉事项不具体，且未提供有效线索，难以查证',
    'No real name, signature or valid contact': '投诉书未署具投诉人真实姓名、签字和有效联系方式',
    "Legal person's complaint not signed and sealed": '以法人名义投诉的，投诉书未经法定代表人签字并加盖公章',
    'Filed after the time limit': '超过投诉时效',
    'Already decided, no new evidence': '已经作出处理决定，并且投诉人没有提出新的证据',
    'In administrative reconsideration or litigation': '投诉事项已进入行政复议或者行政诉讼程序',
    'Belongs to another department': '不属于本部门受理，告知向有权部门投诉',
    'Founded': '投诉成立',
    'Partly founded': '投诉部分成立',
    'Unfounded': '投诉不成立',
    'Rejected: false or illegally obtained evidence': '驳回（捏造事实、伪造材料或以非法手段取得证明材料）',
    'handling department': '处理部门',
    'complainant': '投诉人',
    'complainant is': '投诉人身份',
    "complainant's contact": '投诉人联系方式',
    'respondent': '被投诉人',
    'channel': '投诉方式',
    'facts': '投诉事实',
    'requests': '投诉请求',
    'knew or should have known on': '知道或应当知道之日',
    'objection to the tenderer required first': '应先提出异议',
    'Complaints about the tender documents, the bid opening or the evaluation result (条例 第60条 第2款).': '对资格预审文件、招标文件、开标或评标结果的投诉（条例 第60条 第2款）。',
    'objection raised on': '提出异议日期',
    'objection answered on': '异议答复日期',
    'received on': '收到投诉日期',
    'accepted on': '受理日期',
    'reason not accepted': '不予受理理由',
    'decided on': '办结日期',
    'outcome': '处理结果',
    'decision document number': '处理决定书文号',
    'decision': '处理决定',
    'acceptance due': '受理期限',
    'decision due': '处理期限',
    'deadline exact': '期限已按法定节假日计算',
    'time limit exact': '时效已按法定节假日计算',
    'Accepted for handling': '已受理',
    'last day to file': '投诉时效截止日',
    'filed after the time limit': '超过投诉时效',
    'registered by': '登记人',
    'registered': '登记时间',
    'complaint': '投诉',
    'complaints': '投诉',
    'Testing or inspection': '检验、检测',
    'Appraisal': '鉴定',
    'Expert review': '专家评审',
    'Empty while it lasts.': '进行中请留空。',
    'time not counted': '不计入期限的时间',
    'times not counted': '不计入期限的时间',
    'Clock stopped': '暂停计时',
    'Clock restarted': '恢复计时',
    'step': '步骤',
    'Complaint %(number)s registered; acceptance due %(due)s.': '投诉 %(number)s 已登记，应于 %(due)s 前决定是否受理。',
    'Saved.': '已保存。',
    'clock stopped': '暂停计时中',
    '%(n)s working days overdue': '已超期 %(n)s 个工作日',
    '%(n)s working days left': '剩余 %(n)s 个工作日',
    'A year in this period has no holiday schedule loaded: weekends only.': '期间内有年份未载入法定节假日安排，仅按周末估算。',
    'Handling department': '处理部门',
    'Complainant': '投诉人',
    'Respondent': '被投诉人',
    'Channel': '投诉方式',
    'Registered by': '登记人',
    'Requests': '投诉请求',
    'Statutory deadlines': '法定期限',
    'Knew or should have known on': '知道或应当知道之日',
    'Objection': '异议',
    'Last day to file': '投诉时效截止日',
    'filed late': '超过投诉时效',
    'Received on': '收到投诉日期',
    'Acceptance due': '受理期限',
    'accepted': '已受理',
    'Decision due': '处理期限',
    'Now': '当前',
    'Time not counted': '不计入期限的时间',
    'ongoing': '进行中',
    'Save': '保存',
    'Register a complaint': '登记投诉',
    'Register': '登记',
    "A complaint is filed within 10 days of when the complainant knew or should have known of the matter; the time waiting for the tenderer's answer to an objection is not counted (条例 第60条).": '投诉应当自知道或者应当知道之日起10日内提出；异议答复期间不计算在内（条例 第60条）。',
    'Due within 2 working days': '2个工作日内到期',
    'Received': '收到日期',
    'No complaints.': '暂无投诉。',
    'Deadlines: acceptance within 3 working days of receipt, decision within 30 working days of acceptance; testing, inspection, appraisal and expert review are not counted (招标投标法实施条例 第61条).': '期限：收到投诉后3个工作日内决定是否受理，受理之日起30个工作日内作出书面处理决定；需要检验、检测、鉴定、专家评审的，所需时间不计算在内（招标投标法实施条例 第61条）。',
    'Complaints: %(over)s past their statutory deadline, %(soon)s due within 2 working days.': '投诉办理提醒：%(over)s 件已超过法定期限，%(soon)s 件将在2个工作日内到期。',
    'Facts complained of': '投诉事实',
    'estimated': '估算',
    # credit registry (信用惩戒名录)
    'Sanctions registry': '信用惩戒名录',
    'Changed the sanctions registry': '变更信用惩戒名录',
    'sanctions registry entry': '信用惩戒名录记录',
    'sanctions registry entries': '信用惩戒名录记录',
    'Registry entry': '名录登记',
    'In force': '有效',
    'Period ended': '已到期',
    'Revoked (撤销)': '已撤销',
    'Entered in the registry': '录入名录',
    'person ID': '人员编号',
    'Person ID': '人员编号',
    'company name': '企业名称',
    'For display; filled from the company records when empty.': '用于显示；留空时按企业信息自动填写。',
    'document number': '文号',
    'Document number': '文号',
    'grounds': '事由',
    'Grounds': '事由',
    'Empty: no end date.': '留空表示无截止日期。',
    'entered by': '录入人',
    'Entered by': '录入人',
    'entered': '录入时间',
    'revoked on': '撤销日期',
    'Revoked on': '撤销日期',
    'reason for revocation': '撤销理由',
    'Reason for revocation': '撤销理由',
    'revoked by': '撤销人',
    'Not a valid unified social credit code: 18 characters with a correct check character (GB 32100-2015).':
        '统一社会信用代码无效：应为18位且校验位正确（GB 32100-2015）。',
    'Name the subject: a company ID, a unified social credit code or a person ID.':
        '请填写惩戒对象：企业编号、统一社会信用代码或人员编号至少一项。',
    'The end date cannot come before the start date.': '截止日期不能早于起始日期。',
    'Company name, company ID, credit code, person ID or document number': '企业名称、企业编号、统一社会信用代码、人员编号或文号',
    'Entered as %(id)s. It takes effect in scans from the next import or rescan.':
        '已录入，编号 %(id)s。自下一次导入或重新扫描起纳入扫描。',
    'Revoked. Scans from the next import or rescan no longer see it.': '已撤销。自下一次导入或重新扫描起不再纳入扫描。',
    'Period': '惩戒期间',
    'no end date': '无截止日期',
    'Revoke this entry': '撤销该记录',
    'Revoke': '撤销',
    'A revoked entry stays in the registry with its history but is no longer fed to scans.':
        '撤销的记录连同其历史保留在名录中，但不再纳入扫描。',
    'Enter a sanction': '录入惩戒记录',
    'Enter': '录入',
    "Name the subject by company ID, unified social credit code or person ID (at least one). The scans match a company by its ID or its credit code, and a person as a bidder's legal representative.":
        '惩戒对象以企业编号、统一社会信用代码或人员编号标识（至少一项）。扫描按企业编号或统一社会信用代码匹配企业，按投标人的法定代表人匹配人员。',
    'Subject': '惩戒对象',
    'No registry entries.': '名录中暂无记录。',
    "Entries that are not revoked join every dataset's sanctions at its next import or rescan, as REG-<number>; the scan checks each bid against the period. Revoked entries are kept but no longer fed to scans.":
        '未撤销的记录在下一次导入或重新扫描时以 REG-编号 并入数据集的惩戒记录，由扫描按投标日期核对惩戒期间；已撤销的记录保留但不再纳入扫描。',
    'The scan also saw %(n)s records of the sanctions registry.': '本次扫描同时纳入了信用惩戒名录中的 %(n)s 条记录。',
    # clue transfers and consultations (线索移送、会商)
    'Kind of transfer': '移送类型',
    'Receiving unit': '接收单位',
    'Grounds for the transfer': '移送理由',
    'Materials sent': '移送材料',
    'Approved by the head on': '负责人批准日期',
    'Required for a transfer to the police (第5条: decided within 3 days, sent within 24 hours).': '向公安机关移送时必填（第5条：负责人3日内作出批准决定，批准后24小时内移送）。',
    'Sent on': '移送日期',
    'This kind of transfer goes to a unit of kind “%(kind)s”.': '此类移送的接收单位应为“%(kind)s”类单位。',
    'A transfer to the police needs the date the head approved it.': '向公安机关移送须填写负责人批准日期。',
    'Answer': '答复',
    'Take the clue over': '接收线索',
    'Return it': '退回',
    'Answer or reason': '答复意见或退回理由',
    'Held on': '会商日期',
    'Convened by': '召集单位',
    'Participating units': '参加单位',
    'Topic': '会商事项',
    'Conclusions (会商意见)': '会商意见',
    'Follow-up and who does it': '后续工作及责任单位',
    'To the supervision commission (监察法 第37条)': '移送监察机关（监察法 第37条）',
    'To the public security organ (suspected crime)': '移送公安机关（涉嫌犯罪）',
    'To the competent department': '移送有管辖权的部门',
    'Sent, awaiting answer': '已移送，待答复',
    'Taken over by the receiving unit': '接收单位已接收',
    'Returned': '已退回',
    'Transfer letter': '移送函',
    'Investigation report': '调查报告',
    'List of items involved': '涉案物品清单',
    'Test or appraisal reports': '检验报告或鉴定意见',
    'Other materials': '其他材料',
    'kind of transfer': '移送类型',
    'sending unit': '移送单位',
    'receiving unit': '接收单位',
    'grounds for the transfer': '移送理由',
    'materials sent': '移送材料',
    'approved by the head on': '负责人批准日期',
    'sent on': '移送日期',
    'answer due': '答复期限',
    'answered on': '答复日期',
    'answer': '答复',
    'clue transfer': '线索移送',
    'clue transfers': '线索移送',
    'held on': '会商日期',
    'convened by': '召集单位',
    'participating units': '参加单位',
    'topic': '会商事项',
    'conclusions (会商意见)': '会商意见',
    'follow-up and who does it': '后续工作及责任单位',
    'recorded': '记录时间',
    'consultation': '会商',
    'consultations': '会商',
    'Transfers': '移送',
    'Answer due': '答复期限',
    'Not transferred.': '未移送。',
    'Consultations': '会商',
    'No consultation recorded.': '暂无会商记录。',
    'Answer the transfer to %(unit)s': '答复移送（%(unit)s）',
    'Change the status': '变更状态',
    'Transfer the clue': '移送线索',
    'Transfer': '移送',
    'Transferred to %(unit)s; answer due %(due)s.': '已移送%(unit)s，应于 %(due)s 前答复。',
    'Record a consultation': '记录会商',
    'Transfer ledger': '移送台账',
    'Awaiting answer': '待答复',
    'Answer overdue': '答复已超期',
    'Clue': '线索',
    'No transfers.': '暂无移送。',
    'The receiving unit answers within 3 days (《行政执法机关移送涉嫌犯罪案件的规定》 第8条); leads on public officials go to the supervision commission (监察法 第37条); a fine does not replace a transfer to the police (第11条).': '接收单位应在3日内答复（《行政执法机关移送涉嫌犯罪案件的规定》第8条）；涉及公职人员的问题线索移送监察机关（监察法 第37条）；不得以罚代刑（第11条）。',
}


def _unquote(lines: list[str]) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', "\n".join(lines))).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(po: Path, table: dict[str, str]) -> list[str]:
    blocks = po.read_text(encoding="utf-8").split("\n\n")
    missing, out = [], []
    for block in blocks:
        lines = block.splitlines()
        if not any(line.startswith("msgid ") for line in lines):
            out.append(block)
            continue
        keep = [line for line in lines if line.startswith("#") and not line.startswith("#, fuzzy")]
        i = next(n for n, line in enumerate(lines) if line.startswith("msgid "))
        j = i + 1
        while j < len(lines) and lines[j].startswith('"'):
            j += 1
        msgid = _unquote(lines[i:j])
        plural = lines[j].startswith("msgid_plural") if j < len(lines) else False
        if msgid == "":
            header = "\n".join(lines).replace("#, fuzzy\n", "")
            header = re.sub(r'"Language: .*?\\n"', '"Language: zh_Hans\\\\n"', header)
            header = re.sub(r'"Plural-Forms: .*?\\n"', '"Plural-Forms: nplurals=1; plural=0;\\\\n"', header)
            header = header.replace('"Content-Type: text/plain; charset=CHARSET\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"')
            out.append(header)
            continue
        translation = table.get(msgid)
        if translation is None:
            missing.append(msgid)
            translation = ""
        new = keep + [line for line in lines[i:j]]
        if plural:
            k = j + 1
            while k < len(lines) and lines[k].startswith('"'):
                k += 1
            new += lines[j:k] + [f"msgstr[0] {_quote(translation)}"]
        else:
            new.append(f"msgstr {_quote(translation)}")
        out.append("\n".join(new))
    po.write_text("\n\n".join(out).rstrip("\n") + "\n", encoding="utf-8")
    return missing


if __name__ == "__main__":
    missing = fill(HERE / "zh_Hans" / "LC_MESSAGES" / "django.po", ZH)
    for m in missing:
        print("missing:", m)
    for lang in ("zh_Hans", "en"):
        po = HERE / lang / "LC_MESSAGES" / "django.po"
        subprocess.run(["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    sys.exit(1 if missing else 0)
