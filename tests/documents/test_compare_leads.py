"""What the comparison must not call collusion, each beside its planted positive (the probe of issue 17):
default Windows/ghost-image user names, a loose file beside the bidders' folders, the seams between a
DOCX's and a PDF's paragraphs and cells, lawful word variants, the agency's form file when the tender is
given as PDF only, look-alike logos, and messages that name a tender nobody gave.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from bidwatch.documents.batch import bidder_names, compare_files, summary_zh
from bidwatch.documents.compare import _grams, _text_of, lawful_variant
from bidwatch.documents.generic import is_default_author
from bidwatch.documents.reading import read_document
from tests.documents.fixtures import chinese, make_docx, make_pdf, picture
from tests.documents.test_compare import TENDER, TYPOS, USUAL, bid_docx, boq, findings, honest, run

STEMS = ["Windows 用户", "Administrator", "Lenovo", "雨林木风", "YlmF", "Deepin"]


# ------------------------------------------------------------------ 1. default user names: a low lead

@pytest.mark.parametrize(("value", "default"), [
    ("Windows 用户", True), ("windows用户", True), ("雨林木风-PC", True), ("雨林木风_pc", True), ("YLMF123", True),
    ("ylmf.2024", True), ("LENOVO-电脑", True), ("Deepin.Org", True), ("Ａｄｍｉｎｉｓｔｒａｔｏｒ", True),
    # near misses: a person, a name that only begins like a stem, a number too long for a computer name
    ("张立", False), ("雨林木风工程部", False), ("Lenovo-12345", False), ("LenovoZhang", False), ("", False),
])
def test_default_author_rule_is_the_scans(value: str, default: bool) -> None:
    assert is_default_author(value, STEMS) is default


def test_a_default_user_name_shared_is_a_low_lead_a_rare_name_high(tmp_path: Path) -> None:
    files = honest(tmp_path)
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, author="雨林木风-PC", last_modified_by="雨林木风-PC", company="")
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, author="雨林木风-PC", last_modified_by="雨林木风-PC", company="")
    files["丙/f.docx"] = bid_docx(tmp_path / "c.docx", 13, author="Windows 用户", company="")
    files["丁/f.docx"] = bid_docx(tmp_path / "d.docx", 14, author="windows 用户", company="")
    result = run(tmp_path, files)
    origin = findings(result, "doc_same_origin")
    assert set(origin) == {("乙", "甲"), ("丁", "丙")}
    for f in origin.values():
        assert f["severity"] == "low" and f["evidence"]["matches"] == []
        assert "默认用户名" in f["message"] and "弱线索" in f["message"]
        assert all("默认用户名" in v["reason"] for m in f["evidence"]["weak"] for v in m["values"])
    assert {m["field"] for m in origin[("乙", "甲")]["evidence"]["weak"]} == {"author", "last_modified_by"}
    # the near miss's positive: a name that only begins like a default one is a person's, high
    files["甲/f.docx"] = bid_docx(tmp_path / "a2.docx", 11, author="雨林木风工程部", company="")
    files["乙/f.docx"] = bid_docx(tmp_path / "b2.docx", 12, author="雨林木风工程部", company="")
    f = findings(run(tmp_path, files), "doc_same_origin")[("乙", "甲")]
    assert f["severity"] == "high" and [m["field"] for m in f["evidence"]["matches"]] == ["author"]


# ------------------------------------------------------ 2. a loose file beside the bidders' folders

def test_a_loose_file_beside_the_bidders_folders_is_no_bidders() -> None:
    names = ["标段一/开标记录表.pdf", "标段一/甲/a.docx", "标段一/甲/b.pdf", "标段一/乙/a.docx", "标段一/丙/c.pdf"]
    assert bidder_names(names) == {"标段一/开标记录表.pdf": "", "标段一/甲/a.docx": "甲", "标段一/甲/b.pdf": "甲",
                                   "标段一/乙/a.docx": "乙", "标段一/丙/c.pdf": "丙"}
    # near misses: one file per bidder, at the root or in one folder, are the bidders (by the file's name)
    assert bidder_names(["甲.pdf", "乙.docx"]) == {"甲.pdf": "甲", "乙.docx": "乙"}
    assert bidder_names(["标段一/甲.pdf", "标段一/乙.docx"]) == {"标段一/甲.pdf": "甲", "标段一/乙.docx": "乙"}
    assert bidder_names(["标段一/甲/a.docx", "标段一/乙/a.docx"]) == {"标段一/甲/a.docx": "甲", "标段一/乙/a.docx": "乙"}


def test_the_batch_is_compared_and_the_loose_file_listed(tmp_path: Path) -> None:
    files = {f"标段一/{k}": v for k, v in honest(tmp_path).items()}
    files["标段一/甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, rsids=["00C0FFEE"])
    files["标段一/乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, rsids=["00C0FFEE"])
    files["标段一/开标记录表.pdf"] = make_pdf(tmp_path / "open.pdf", ["开标记录表"])
    tender = make_docx(tmp_path / "tender.docx", TENDER + USUAL)
    result = compare_files(files, [tender], in_process=True)
    assert result.bidders == ["乙", "投标人3", "投标人4", "投标人5", "甲"]
    assert ("乙", "甲") in findings(result, "doc_same_origin")
    assert result.stray == ["标段一/开标记录表.pdf"]
    (row,) = [r for r in result.files if r["file"] == "标段一/开标记录表.pdf"]
    assert row["bidder"] == "" and "不属于任何投标人" in row["notes"] and not row["error"]
    assert "不属于任何投标人的文件" in summary_zh(result) and "开标记录表.pdf" in summary_zh(result)


# ------------------------------------------- 3. DOCX and PDF of one form: no seams taken for slips

FORM = ["四、投标函附录", "本附录所列条款为合同的组成部分。", "五、已标价工程量清单", "清单序号与招标文件一致。"]
ANNEX = [["序号", "条款名称", "约定内容"], ["1", "工期", "日历天"], ["2", "质量标准", "合格"]]


def form_pdf(path: Path, own: list[str], extra: list[str] = ()) -> Path:
    """The form as a bidder prints it to PDF: the annex table where the form has it, between paragraphs."""
    from weasyprint import HTML

    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in ANNEX)
    body = "".join(f"<p>{p}</p>" for p in TENDER[:6] + FORM[:2]) + f"<table>{cells}</table>"
    body += "".join(f"<p>{p}</p>" for p in FORM[2:] + USUAL + own + list(extra))
    HTML(string="<html><head><style>body { font-family: 'Noto Sans CJK SC', sans-serif } td { border: 1px solid"
                f" black }}</style></head><body>{body}</body></html>").write_pdf(str(path))
    return path


def form_docx(path: Path, own: list[str], extra: list[str] = ()) -> Path:
    import docx

    document = docx.Document()
    for p in TENDER[:6] + FORM[:2]:
        document.add_paragraph(p)
    table = document.add_table(rows=len(ANNEX), cols=3)
    for r, row in enumerate(ANNEX):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    for p in FORM[2:] + USUAL + own + list(extra):
        document.add_paragraph(p)
    document.save(str(path))
    return path


def test_a_docx_is_read_in_document_order_and_runs_never_span_blocks(tmp_path: Path) -> None:
    rec = read_document(form_docx(tmp_path / "f.docx", ["自有内容。"]))
    text = _text_of([rec])
    wheres = [w for _f, w, _t in text.blocks]
    at = wheres.index("第1个表格第1行")
    assert wheres[at - 1] == "第8段" and wheres[at + len(ANNEX) * 3] == "第9段"  # the table between its paragraphs
    grams = _grams(text.segmented, 4)
    assert "附录序号" not in grams and "函附录五" not in grams  # across a paragraph and a cell: nobody's run
    assert "投标函附" in grams and "组成部分" in grams


def test_two_pdf_bidders_among_docx_bidders_share_no_seams(tmp_path: Path) -> None:
    files = {f"投标人{s}/f.docx": form_docx(tmp_path / f"h{s}.docx", chinese(s, 6)) for s in (3, 4, 5)}
    files["甲/f.pdf"] = form_pdf(tmp_path / "a.pdf", chinese(11, 6))
    files["乙/f.pdf"] = form_pdf(tmp_path / "b.pdf", chinese(12, 6))
    tender = make_docx(tmp_path / "tender.docx", TENDER + FORM + USUAL, tables=[ANNEX])
    assert findings(compare_files(files, [tender], in_process=True), "doc_same_errors") == {}
    # the near miss's positive: the same two PDFs with two real slips in the form's sentences
    files["甲/f.pdf"] = form_pdf(tmp_path / "a2.pdf", chinese(11, 6), TYPOS[:1])
    files["乙/f.pdf"] = form_pdf(tmp_path / "b2.pdf", chinese(12, 6), TYPOS[:1])
    f = findings(compare_files(files, [tender], in_process=True), "doc_same_errors")[("乙", "甲")]
    assert {(e["wrong"], e["right"]) for e in f["evidence"]["errors"]} == {("记", "计"), ("正", "证")}


# ------------------------------------------------------------------------ 4. lawful word variants

LAWFUL = ["我司承诺本项目投标报价已包含规费、税金及其它费用。", "我司承诺其它事项按招标文件执行，其它要求以设计图纸为准。"]
USUAL_TOO = ["我方承诺本项目投标报价已包含规费、税金及其他费用。", "我方承诺其他事项按招标文件执行，其他要求以设计图纸为准。"]


@pytest.mark.parametrize(("written", "usual", "i", "lawful"), [
    ("费用我司承", "费用我方承", 3, True), ("税金及其它费", "税金及其他费", 4, True), ("认真地做", "认真的做", 2, True),
    ("按照施工组织设记", "按照施工组织设计", 7, False), ("保正体系", "保证体系", 1, False), ("公司承诺", "公方承诺", 1, False),
])
def test_lawful_variants(written: str, usual: str, i: int, lawful: bool) -> None:
    assert lawful_variant(written, usual, i) is lawful


def test_lawful_variants_are_no_shared_errors_but_slips_beside_them_are(tmp_path: Path) -> None:
    files = {f"投标人{s}/f.docx": bid_docx(tmp_path / f"h{s}.docx", s, extra=USUAL_TOO) for s in (3, 4, 5)}
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, extra=LAWFUL)
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, extra=LAWFUL)
    tender = make_docx(tmp_path / "tender.docx", TENDER + USUAL + USUAL_TOO)
    assert findings(compare_files(files, [tender], in_process=True), "doc_same_errors") == {}
    files["甲/f.docx"] = bid_docx(tmp_path / "a2.docx", 11, extra=LAWFUL, usual=TYPOS)
    files["乙/f.docx"] = bid_docx(tmp_path / "b2.docx", 12, extra=LAWFUL, usual=TYPOS)
    f = findings(compare_files(files, [tender], in_process=True), "doc_same_errors")[("乙", "甲")]
    assert {(e["wrong"], e["right"]) for e in f["evidence"]["errors"]} == {("记", "计"), ("正", "证")}


def test_without_the_tender_the_usual_form_must_be_a_clear_majoritys(tmp_path: Path) -> None:
    # three bidders against the pair is one of two ways of writing, not the usual form
    files = honest(tmp_path)
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, usual=TYPOS)
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, usual=TYPOS)
    assert findings(run(tmp_path, files, tender=False), "doc_same_errors") == {}
    files["投标人6/f.docx"] = bid_docx(tmp_path / "h6.docx", 6)  # four against two: a clear majority
    f = findings(run(tmp_path, files, tender=False), "doc_same_errors")[("乙", "甲")]
    assert "招标文件" not in f["message"] and "其他投标人均无此错误" in f["message"]


def test_a_rewording_of_the_tenders_sentence_is_no_slip(tmp_path: Path) -> None:
    # 日历天内完成 for the tender's 期限内完成: a run one character away from the tender's, but not a slip
    tender_terms = ["我方承诺在合同约定的期限内完成并移交全部合同工程。"]
    reworded = ["确保工期目标一百八十日历天内完成。", "路面摊铺采用全幅摊铺工艺。"]
    one_slip = ["我方将严格按照施工组织设记组织施工，并建立工程质量保证体系。"] + USUAL[1:]
    files = {f"投标人{s}/f.docx": bid_docx(tmp_path / f"h{s}.docx", s, extra=tender_terms) for s in (3, 4, 5, 6)}
    # one slip and the rewording: were the rewording counted, two "errors" would make a finding
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, extra=tender_terms + reworded, usual=one_slip)
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, extra=tender_terms + reworded, usual=one_slip)
    tender = make_docx(tmp_path / "tender.docx", TENDER + USUAL + tender_terms)
    assert findings(compare_files(files, [tender], in_process=True), "doc_same_errors") == {}
    files["甲/f.docx"] = bid_docx(tmp_path / "a2.docx", 11, extra=tender_terms + reworded, usual=TYPOS)
    files["乙/f.docx"] = bid_docx(tmp_path / "b2.docx", 12, extra=tender_terms + reworded, usual=TYPOS)
    f = findings(compare_files(files, [tender], in_process=True), "doc_same_errors")[("乙", "甲")]
    assert {e["right"] for e in f["evidence"]["errors"]} == {"计", "证"}  # 天 for 限 is not listed


# --------------------------------------------- 5. the agency's form file, the tender given as PDF

AGENCY = "云溪正信招标代理有限公司"


def test_the_agencys_form_file_with_a_pdf_tender_is_at_most_medium(tmp_path: Path) -> None:
    files = honest(tmp_path)
    form = {"rsids": ["00C0FFEE"], "company": AGENCY, "doc_id": "5A1E0D2C-1111-4A2B-9C3D-AABBCCDDEEFF"}
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, **form)
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, **form)
    pdf = make_pdf(tmp_path / "招标文件.pdf", TENDER + USUAL + [f"招标代理机构：{AGENCY}"])
    result = compare_files(files, [pdf], in_process=True)
    f = findings(result, "doc_same_origin")[("乙", "甲")]
    assert f["severity"] == "medium" and {m["field"] for m in f["evidence"]["matches"]} == {"rsid", "w15_doc_id"}
    assert "仅有PDF" in f["message"] and "Word格式文件" in f["evidence"]["note"]
    (company,) = [d for d in f["evidence"]["discounted"] if d["field"] == "company"]
    assert "招标代理机构" in company["reason"]
    assert result.notes and "仅提供了PDF" in summary_zh(result)
    # near misses: the same with the tender's Word file is high; a rare author beside the ids is high too
    docx_tender = make_docx(tmp_path / "tender.docx", TENDER + USUAL)
    assert findings(compare_files(files, [docx_tender], in_process=True), "doc_same_origin")[("乙", "甲")][
        "severity"] == "high"
    files["甲/f.docx"] = bid_docx(tmp_path / "a3.docx", 11, rsids=["00C0FFEE"], company=AGENCY, author="李造价")
    files["乙/f.docx"] = bid_docx(tmp_path / "b3.docx", 12, rsids=["00C0FFEE"], company=AGENCY, author="李造价")
    f = findings(compare_files(files, [pdf], in_process=True), "doc_same_origin")[("乙", "甲")]
    assert f["severity"] == "high" and "author" in {m["field"] for m in f["evidence"]["matches"]}


def test_a_company_property_named_by_the_tender_is_discounted(tmp_path: Path) -> None:
    files = honest(tmp_path)
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, company="云溪市城市建设投资有限公司")
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, company="云溪市城市建设投资有限公司")
    tender = make_docx(tmp_path / "tender.docx", TENDER + USUAL + ["招标人为云溪市城市建设投资有限公司。"])
    result = compare_files(files, [tender], in_process=True)
    assert findings(result, "doc_same_origin") == {}
    assert any(d["field"] == "company" and "招标人" in d["reason"] for d in result.discounted)
    # near miss: another firm's name that the tender does not hold is a finding
    files["甲/f.docx"] = bid_docx(tmp_path / "a2.docx", 11, company="云溪市某某咨询有限公司")
    files["乙/f.docx"] = bid_docx(tmp_path / "b2.docx", 12, company="云溪市某某咨询有限公司")
    f = findings(compare_files(files, [tender], in_process=True), "doc_same_origin")[("乙", "甲")]
    assert f["severity"] == "high" and [m["field"] for m in f["evidence"]["matches"]] == ["company"]


# ----------------------------------------------------------------------- 6. look-alike logos

def logo(text: str, colour: str, size: int = 300, fmt: str = "PNG", quality: int = 90) -> bytes:
    """A round logo with four characters (the CJK font WeasyPrint uses, else Pillow's own)."""
    from PIL import Image, ImageDraw, ImageFont

    im = Image.new("RGB", (300, 300), "white")
    draw = ImageDraw.Draw(im)
    draw.ellipse([20, 20, 280, 280], outline=colour, width=12)
    try:
        font: Any = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 44)
    except OSError:
        font = ImageFont.load_default()
    draw.text((60, 120), text, font=font, fill=colour)
    if size != 300:
        im = im.resize((size, size))
    buf = io.BytesIO()
    im.save(buf, format=fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return buf.getvalue()


def test_different_logos_of_one_layout_are_not_the_same_image(tmp_path: Path) -> None:
    import imagehash
    from PIL import Image

    red, brown = logo("云溪华兴", "red"), logo("恒达工程", "brown")
    d = imagehash.phash(Image.open(io.BytesIO(red))) - imagehash.phash(Image.open(io.BytesIO(brown)))
    assert d <= 6  # what the old threshold took for the same picture
    files = honest(tmp_path)
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, images=[red])
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, images=[brown])
    assert findings(run(tmp_path, files), "doc_same_images") == {}
    # the near miss's positive: the same logo re-encoded as JPEG and scaled
    files["乙/f.docx"] = bid_docx(tmp_path / "b2.docx", 12, images=[logo("云溪华兴", "red", 200, "JPEG", 60)])
    f = findings(run(tmp_path, files), "doc_same_images")[("乙", "甲")]
    assert f["evidence"]["count"] == 1 and not f["evidence"]["images"][0]["identical_bytes"]
    assert " 中的 word/media/" in f["message"] and ".docxword/" not in f["message"]


# ---------------------------------------------------------------- 7. messages without a tender

def test_without_a_tender_no_message_names_one(tmp_path: Path) -> None:
    own = chinese(50, 14)
    files = honest(tmp_path)
    for s, name in zip((3, 4, 5), list(files), strict=True):
        files[name] = bid_docx(tmp_path / f"h{s}.docx", s, images=[picture(s)])
    kw: dict[str, Any] = {"own": own, "rsids": ["00C0FFEE"], "images": [picture(7)], "tables": [boq(60, 60)]}
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, **kw)
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, **kw)
    result = run(tmp_path, files, tender=False)
    codes = {f["indicator"] for f in result.findings if f["bidders"] == ["乙", "甲"]}
    assert {"doc_same_origin", "doc_same_images", "doc_similar_text", "doc_same_tables"} <= codes
    for f in result.findings:
        assert "招标文件" not in f["message"], f["message"]
    # near miss: with the tender given, the messages say what was removed
    with_tender = run(tmp_path, files)
    assert any("招标文件" in f["message"] for f in with_tender.findings)
