"""Bid document texts: the tender's own template (same for every bid of a tender, ~30%) and a
company-specific technical proposal built from a phrase grammar (~70%).

A document is generated from its own seed, so any subset of bids can get texts in any order.
Copies (similar_documents) re-use another bid's sentences with 5-20% of them rewritten; mixed
packages (混装) carry another bidder's name and phone.
"""

from __future__ import annotations

import random
import string

# Two-character building blocks: a phrase is a pair of them, so the 3-grams that straddle the pair
# are specific to the combination and two independent proposals share few of them.
STAGE = ["开工前", "进场后", "浇筑前", "验收前", "施工中", "交接时", "收工前", "雨季前", "冬季", "夜间", "节假日",
         "高峰期", "试运行", "竣工前", "整改后", "复工前", "放线后", "封顶后", "交底后", "转序前"]
ORG = ["项目部", "技术部", "质量部", "安全部", "物资部", "工程部", "测量组", "试验室", "机电组", "综合办", "劳务队", "经理部"]
ROLE = ["负责人", "主管", "专员", "组长", "工程师", "班长", "技术员", "质检员", "安全员", "资料员"]
ADV = ["认真", "严格", "及时", "全面", "定期", "逐项", "重点", "动态", "分级", "统一", "主动", "系统", "专项", "全程",
       "按时", "细致"]
VERB = ["检查", "复核", "落实", "巡查", "监控", "交底", "抽检", "验收", "跟踪", "排查", "管控", "记录", "整改", "校核",
        "梳理", "核对", "评估", "测定"]
NOUN = ["钢筋", "模板", "砌体", "桩基", "塔吊", "井盖", "苗木", "管道", "路基", "基坑", "屋面", "外墙", "幕墙", "栏杆",
        "标线", "支座", "涵洞", "边坡", "护栏", "桥面", "路面", "墙面", "地坪", "门窗", "吊顶", "线管", "桥架", "风管",
        "水泵", "阀门", "电缆", "焊缝", "螺栓", "垫层", "面层", "基层", "挡墙", "排水", "照明", "配电"]
ATTR = ["厚度", "偏差", "标高", "位置", "质量", "强度", "间距", "尺寸", "坡度", "密实度", "平整度", "垂直度", "含水率",
        "观感", "接缝", "养护", "固定", "防腐", "渗漏", "外观", "轴线", "高程", "温度", "压力", "弯沉"]
GOAL = ["工程质量", "施工安全", "关键工期", "周边环境", "文明施工", "资料管理", "成本目标", "汛期安全", "交通组织",
        "扬尘治理", "用电安全", "成品保护", "使用功能", "结构安全", "整体观感"]
RESULT = ["达标", "可控", "受控", "无事故", "零投诉", "一次合格", "不受影响", "满足要求", "稳步推进", "持续改进",
          "闭环管理", "有据可查"]
MACHINES = ["挖掘机", "装载机", "压路机", "摊铺机", "自卸汽车", "混凝土泵车", "汽车吊", "塔式起重机", "钢筋调直机",
            "平板振动器", "全站仪", "水准仪", "发电机", "洒水车", "旋挖钻机", "电焊机", "切割机", "空压机"]
PHASES = ["施工准备", "基础施工", "主体施工", "管网施工", "路面施工", "装饰装修", "安装调试", "附属工程", "竣工收尾"]
MATERIALS = ["钢筋", "水泥", "商品混凝土", "砂石料", "沥青混合料", "防水卷材", "管材", "电缆", "苗木", "砌块", "钢构件"]
# phrasings per sentence type: {w} when, {o} who, {d} does, {t} what, {g} goal, {n} number ...
FRAMES = [
    ["{w}，{o}{d}{t}，确保{g}{r}。", "{o}在{w}{d}{t}，使{g}{r}。", "{w}由{o}对{t}进行{d}，{g}{r}。",
     "针对{t}，{o}于{w}{d}，做到{g}{r}。"],
    ["计划投入{m1}{k1}台、{m2}{k2}台，高峰期劳动力约{n3}人。", "本工程拟配置{m1}{k1}台及{m2}{k2}台，施工高峰投入人员{n3}名。",
     "主要机械为{m1}（{k1}台）和{m2}（{k2}台），劳动力按{n3}人组织。"],
    ["{p1}阶段安排{n1}天，与{p2}合理穿插，{g}{r}。", "{p1}计划用时{n1}日历天，{p2}同步插入，保证{g}{r}。"],
    ["{mat}进场后{n1}小时内由{o}见证取样送检。", "{mat}到场须经{o}核验，{n1}小时内完成复试。",
     "{o}负责{mat}的进场复验，检测周期不超过{n1}小时。"],
    ["{o}对{t}实行{d}制度，发现问题限期{k2}日内整改。", "{t}纳入{o}{d}清单，整改时限为{k2}日。"],
]
FRAME_WEIGHTS = [11, 3, 2, 2, 2]


class Style:
    """A company's habits: the share of the vocabulary and phrasings its writers use."""

    def __init__(self, seed: int):
        r = random.Random(seed)

        def sub(bank: list[str], frac: float = 0.35) -> list[str]:
            return r.sample(bank, max(2, round(len(bank) * frac)))

        machines = sub(MACHINES, 0.6)
        self.frames = [sub(f, 0.5) for f in FRAMES]
        self.sections = sub(SECTIONS, 0.75)
        # field -> the banks whose picks are concatenated (ranges give numbers)
        self.spec: dict[str, tuple] = {
            "w": (sub(STAGE),), "o": (sub(ORG), sub(ROLE)), "d": (sub(ADV), sub(VERB)),
            "t": (sub(NOUN), sub(ATTR)), "g": (sub(GOAL),), "r": (sub(RESULT),), "m1": (machines,),
            "m2": (machines,), "n1": (range(2, 61),), "k1": (range(1, 13),), "k2": (range(1, 9),), "n3": (range(20, 261),),
            "p1": (PHASES,), "p2": (PHASES,), "mat": (MATERIALS,)}


SECTIONS = ["施工部署", "主要施工方法", "质量保证措施", "安全文明施工措施", "环境保护措施", "进度保证措施",
            "劳动力及机械配置", "季节性施工措施", "成品保护措施", "应急预案", "项目管理机构", "新技术应用"]
TEMPLATE_CLAUSES = [
    "投标人应按招标文件第五章“工程量清单”的要求填报综合单价和合价，未填报的视为已包含在其他项目中。",
    "投标文件应使用电子交易平台提供的投标文件制作工具编制，并在投标截止时间前加密上传。",
    "投标人应对招标文件进行全面研究，如有疑问应在规定时间内通过电子交易平台提出。",
    "工程质量标准：符合国家现行施工质量验收规范，一次性验收合格。",
    "本工程实行最高投标限价，投标报价高于最高投标限价的投标将被否决。",
    "投标有效期为自投标截止之日起九十日历天。",
    "中标人不得将中标项目转包，不得违法分包。",
    "安全文明施工费按规定计取，不得作为竞争性费用。",
    "投标人拟派项目经理在投标截止时不得有在建工程。",
    "评标委员会按招标文件规定的评标办法对投标文件进行评审，未规定的标准不得作为评审依据。",
    "发包人按月进度付款，付款比例为经审核完成工程量的百分之七十五。",
    "投标人须自行踏勘现场，招标人不组织集中踏勘。",
    "施工期间应遵守国家及湖南省有关安全生产、环境保护和农民工工资支付的规定。",
    "缺陷责任期为二十四个月，自实际竣工验收合格之日起计算。",
    "投标人应在投标截止时间前按规定递交投标保证金，未按要求递交的，其投标将被否决。",
    "招标人不接受投标人提交的备选投标方案。",
]
CLOSING = ["我方承诺投标文件所载内容真实有效，如有虚假愿承担相应法律责任。",
           "我方承诺中标后按投标文件承诺的人员、设备进场，未经招标人同意不更换项目经理。",
           "我方已充分理解招标文件的全部内容，愿意按招标文件要求履行合同义务。"]


def _fields(frame: str) -> tuple[str, ...]:
    f = _FIELDS.get(frame)
    if f is None:
        f = _FIELDS[frame] = tuple(name for _, name, _, _ in string.Formatter().parse(frame) if name)
    return f


_FIELDS: dict[str, tuple[str, ...]] = {}


def sentence(r: random.Random, st: Style) -> str:
    """One sentence; all its choices come from one 128-bit draw (texts are the slow part)."""
    x = r.getrandbits(128)
    k, x = x % 20, x // 20
    frames = st.frames[0 if k < 11 else 1 if k < 14 else 2 if k < 16 else 3 if k < 18 else 4]
    frame, x = frames[x % len(frames)], x // len(frames)
    vals = {}
    for name in _fields(frame):
        parts = []
        for seq in st.spec[name]:
            n = len(seq)
            parts.append(str(seq[x % n]))
            x //= n
        vals[name] = "".join(parts)
    return frame.format(**vals)


def proposal(r: random.Random, st: Style, n_chars: int) -> list[list[str]]:
    """Technical proposal as sections of sentences (section title first)."""
    secs = r.sample(st.sections, min(len(st.sections), r.randint(6, 9)))
    out: list[list[str]] = []
    total = 0
    i = 0
    while total < n_chars:
        body = [sentence(r, st) for _ in range(r.randint(5, 8))]
        out.append([secs[i % len(secs)]] + body)
        total += sum(len(s) for s in body)
        i += 1
    return out


def template(seed: int, t: dict) -> str:
    """Text the tender itself supplies (招标文件格式条款): identical in every bid of the tender."""
    r = random.Random(seed)
    clauses = r.sample(TEMPLATE_CLAUSES, 12)
    head = (f"第二章 投标人须知及合同主要条款（{t['title']}，招标编号：{t['tender_id']}）\n"
            f"招标人：{t['tenderer']}。建设地点：{t['place']}。计划工期：{t['duration']}日历天。"
            f"投标截止时间：{t['deadline']}。\n")
    return head + "\n".join(f"{i + 1}. {c}" for i, c in enumerate(clauses)) + "\n"


def render(head: dict, tmpl: str, secs: list[list[str]], closing: str) -> str:
    lines = [f"{head['title']}", "投标文件", f"招标编号：{head['tender_id']}",
             f"投标人：{head['company']}（盖单位章）", f"法定代表人或其委托代理人：{head['agent']}（签字）",
             "", "第一章 投标函", f"致：{head['tenderer']}",
             (f"我方已仔细研究{head['title']}招标文件的全部内容，愿以人民币{head['price']}元的投标总报价，"
              f"工期{head['duration']}日历天，按合同约定实施和完成承包工程。"), "", tmpl, "第三章 技术方案"]
    for k, sec in enumerate(secs):
        lines.append(f"{k + 1}、{sec[0]}")
        lines.append("".join(sec[1:]))
    lines += ["", "第四章 承诺及联系方式", closing, f"投标人：{head['company']}", f"地址：{head['address']}",
              f"联系人：{head['agent']}", f"联系电话：{head['phone']}", f"电子邮箱：{head['email']}"]
    extra = head.get("mixed")
    if extra:  # 混装: another bidder's material left in the file
        lines.insert(-4, f"{extra['company']}承诺：{closing}")
        lines.insert(-1, f"项目联系人：{extra['agent']}，联系电话：{extra['phone']}")
    return "\n".join(lines) + "\n"


def edit_copy(r: random.Random, st: Style, secs: list[list[str]]) -> tuple[list[list[str]], float]:
    """Copy a proposal and rewrite 5-20% of its sentences."""
    flat = [(i, j) for i, sec in enumerate(secs) for j in range(1, len(sec))]
    frac = r.uniform(0.05, 0.2)
    k = max(1, round(frac * len(flat)))
    out = [list(s) for s in secs]
    for i, j in r.sample(flat, k):
        out[i][j] = sentence(r, st)
    return out, k / len(flat)
