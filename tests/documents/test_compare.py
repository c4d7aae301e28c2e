"""Bid-file comparison on generated DOCX/PDF files: every finding type planted, and its lawful near miss.

Each bidder's file is the tender's boilerplate (bidders fill in the tender's forms) plus its own text;
colluding pairs share something beyond that. Files are read in this process (``in_process``): the
worker processes and the CLI are tested in test_cli.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bidwatch.documents.batch import BatchResult, compare_files
from tests.documents.fixtures import chinese, make_docx, make_pdf, picture

TENDER = chinese(1000, 12)
#: a sentence every bid repeats from the tender, in which a pair makes its slips
USUAL = ["我方将严格按照施工组织设计组织施工，并建立工程质量保证体系。", "项目部配备专职安全员负责现场安全文明施工管理。",
         "混凝土浇筑前应对模板支撑系统进行验收。"]
BOQ_HEAD = ["序号", "项目编码", "项目名称", "单位", "工程量", "综合单价"]


def boq(seed: int, prices: int) -> list[list[str]]:
    """A priced bill of quantities: the tender's items, each bidder's own prices (seeded)."""
    import random

    rnd = random.Random(prices)
    rows = [BOQ_HEAD]
    for i in range(12):
        rows.append([str(i + 1), f"01010{i:04d}", f"分项工程{i + 1}", "m3", str(100 + 10 * i), f"{rnd.uniform(50, 900):.2f}"])
    return rows


def tender_rows() -> list[list[str]]:
    return [BOQ_HEAD] + [[str(i + 1), f"01010{i:04d}", f"分项工程{i + 1}", "m3", str(100 + 10 * i), ""] for i in range(12)]


def bid_docx(path: Path, seed: int, *, usual: list[str] | None = None, extra: list[str] | None = None,
             own: list[str] | None = None, **kw: Any) -> Path:
    paragraphs = TENDER[:6] + (usual if usual is not None else USUAL) + (own if own is not None else chinese(seed, 12)) + (extra or [])
    kw.setdefault("tables", [boq(seed, seed)])
    kw.setdefault("author", f"编制人{seed}")
    kw.setdefault("company", f"投标单位{seed}")
    return make_docx(path, paragraphs, **kw)


def run(tmp_path: Path, files: dict[str, Path], tender: bool = True) -> BatchResult:
    tender_paths = [make_docx(tmp_path / "tender.docx", TENDER + USUAL, tables=[tender_rows()])] if tender else []
    return compare_files(files, tender_paths, in_process=True)


def findings(result: BatchResult, code: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {tuple(f["bidders"]): f for f in result.findings if f["indicator"] == code}


def honest(tmp_path: Path, seeds: tuple[int, ...] = (3, 4, 5)) -> dict[str, Path]:
    return {f"投标人{s}/投标文件.docx": bid_docx(tmp_path / f"h{s}.docx", s) for s in seeds}


def test_honest_bidders_sharing_only_the_tender_raise_nothing(tmp_path: Path) -> None:
    result = run(tmp_path, honest(tmp_path, (1, 2, 3, 4)))
    assert result.findings == []
    assert result.bidders == ["投标人1", "投标人2", "投标人3", "投标人4"]


def test_shared_rsid_beyond_the_template_is_the_same_editing_origin(tmp_path: Path) -> None:
    files = honest(tmp_path)
    files["甲/投标文件.docx"] = bid_docx(tmp_path / "a.docx", 11, rsids=["00C0FFEE", "00A10001"])
    files["乙/投标文件.docx"] = bid_docx(tmp_path / "b.docx", 12, rsids=["00C0FFEE", "00B20002"])
    result = run(tmp_path, files)
    origin = findings(result, "doc_same_origin")
    assert list(origin) == [("乙", "甲")]
    f = origin[("乙", "甲")]
    assert f["legal_basis"].endswith("第40条第(一)项") and f["severity"] == "high"
    (match,) = f["evidence"]["matches"]
    assert match["field"] == "rsid" and match["count"] == 1 and match["values"][0]["value"] == "00C0FFEE"
    assert match["values"][0]["spread"] == "2/5" and "第" in match["values"][0]["a"]["where"]
    # the template's own rsids (python-docx's default document, which the tender is made from) are discounted
    assert any(d["field"] == "rsid" and "招标文件" in d["reason"] for d in f["evidence"]["discounted"])
    assert "修订会话标识" in f["message"]


def test_template_rsids_without_the_tender_are_discounted_by_their_spread(tmp_path: Path) -> None:
    files = honest(tmp_path)
    files["甲/投标文件.docx"] = bid_docx(tmp_path / "a.docx", 11, rsids=["00C0FFEE"])
    files["乙/投标文件.docx"] = bid_docx(tmp_path / "b.docx", 12, rsids=["00C0FFEE"])
    result = run(tmp_path, files, tender=False)
    assert list(findings(result, "doc_same_origin")) == [("乙", "甲")]
    discounted = findings(result, "doc_same_origin")[("乙", "甲")]["evidence"]["discounted"]
    assert any(d["field"] == "rsid" and d["spread"] == "5/5" for d in discounted)


def test_generic_author_alone_raises_nothing_but_a_rare_one_does(tmp_path: Path) -> None:
    files = honest(tmp_path)
    files["甲/投标文件.docx"] = bid_docx(tmp_path / "a.docx", 11, author="Administrator", company="微软中国")
    files["乙/投标文件.docx"] = bid_docx(tmp_path / "b.docx", 12, author="administrator ", company="微软中国")
    result = run(tmp_path, files)
    assert findings(result, "doc_same_origin") == {}
    # what was shared and set aside is said, with its spread
    said = {d["field"]: d for d in result.discounted}
    assert said["author"]["value"].strip().lower() == "administrator" and said["author"]["spread"] == "2/5"
    assert "通用值" in said["author"]["reason"] and said["company"]["value"] == "微软中国"
    assert said["rsid"]["count"] > 1 and "招标文件" in said["rsid"]["reason"]
    from bidwatch.documents.batch import summary_zh
    assert "文件作者" in summary_zh(result) and "2/5家" in summary_zh(result)
    # a value most of the batch shares identifies nobody either (spread 4 of 5)
    files = {f"投标人{s}/f.docx": bid_docx(tmp_path / f"g{s}.docx", s, last_modified_by="zhang.gong") for s in (1, 2, 3, 4)}
    files["投标人5/f.docx"] = bid_docx(tmp_path / "g5.docx", 5)
    assert findings(run(tmp_path, files), "doc_same_origin") == {}
    # the near miss's positive: the same uncommon author and template in two bids only
    files = honest(tmp_path)
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, author="李造价", template="某造价咨询投标模板.dotx")
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, author="李造价 ", template="某造价咨询投标模板.dotx")
    f = findings(run(tmp_path, files), "doc_same_origin")[("乙", "甲")]
    assert {m["field"] for m in f["evidence"]["matches"]} == {"author", "template"}


def test_same_document_id_in_two_bids(tmp_path: Path) -> None:
    files = honest(tmp_path)
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, doc_id="5A1E0D2C-1111-4A2B-9C3D-AABBCCDDEEFF")
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, doc_id="5a1e0d2c-1111-4a2b-9c3d-aabbccddeeff")
    f = findings(run(tmp_path, files), "doc_same_origin")[("乙", "甲")]
    assert [m["field"] for m in f["evidence"]["matches"]] == ["w15_doc_id"]


TYPOS = ["我方将严格按照施工组织设记组织施工，并建立工程质量保正体系。", "项目部配备专职安全员负责现场安全文明施工管理。",
         "混凝土浇筑前应对模板支撑系统进行验收。"]


def test_the_same_uncommon_errors(tmp_path: Path) -> None:
    files = honest(tmp_path)
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, usual=TYPOS)
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, usual=TYPOS)
    result = run(tmp_path, files)
    f = findings(result, "doc_same_errors")[("乙", "甲")]
    assert f["legal_basis"].endswith("第40条第(四)项")
    assert {(e["wrong"], e["right"]) for e in f["evidence"]["errors"]} == {("记", "计"), ("正", "证")}
    e = f["evidence"]["errors"][0]
    assert e["a"]["where"].startswith("第") and e["b"]["where"].startswith("第")
    assert set(findings(result, "doc_same_errors")) == {("乙", "甲")}


def test_errors_that_are_not_shared_uncommon_slips_raise_nothing(tmp_path: Path) -> None:
    # one slip only; a slip the tender itself makes (copied by all); a word choice others make too
    tender_typo = ["混凝土浇筑前应对模板支撑系统进行验搜。"]
    usual = USUAL[:2] + tender_typo
    files = {f"投标人{s}/f.docx": bid_docx(tmp_path / f"h{s}.docx", s, usual=usual) for s in (3, 4, 5)}
    one_slip = ["我方将严格按照施工组织设记组织施工，并建立工程质量保证体系。"] + USUAL[1:2] + tender_typo
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, usual=one_slip)
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, usual=one_slip)
    tender = make_docx(tmp_path / "tender.docx", TENDER + usual)
    result = compare_files(files, [tender], in_process=True)
    assert findings(result, "doc_same_errors") == {}


def test_the_same_image_survives_recompression_and_conversion_to_pdf(tmp_path: Path) -> None:
    files = honest(tmp_path)
    for s, f in zip((3, 4, 5), list(files), strict=True):
        files[f] = bid_docx(tmp_path / f"h{s}.docx", s, images=[picture(s), picture(99)])  # 99: the tender's logo
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, images=[picture(7), picture(8), picture(99)])
    # the copy: re-encoded as JPEG, scaled, and put in a PDF
    files["乙/f.pdf"] = make_pdf(tmp_path / "b.pdf", TENDER[:6] + chinese(12, 12),
                                 images=[picture(7, (300, 225), "JPEG", 55), picture(8, (200, 150), "JPEG", 70)])
    tender = make_docx(tmp_path / "tender.docx", TENDER + USUAL, images=[picture(99)])
    result = compare_files(files, [tender], in_process=True)
    got = findings(result, "doc_same_images")
    assert list(got) == [("乙", "甲")]
    f = got[("乙", "甲")]
    assert f["evidence"]["count"] == 2 and f["severity"] == "high"
    assert all(m["a"]["where"].endswith("幅图") and m["b"]["where"].startswith("word/media/")
               for m in f["evidence"]["images"])
    # a common picture (the tender's logo, in every bid) is no finding
    assert not any(f["indicator"] == "doc_same_images" and "投标人3" in f["bidders"] for f in result.findings)


def test_boilerplate_only_overlap_is_no_similar_text(tmp_path: Path) -> None:
    # every bid is half tender text: without removing it, Jaccard would be ≈ 0.3–0.5 for every pair
    files = {f"投标人{s}/f.docx": bid_docx(tmp_path / f"h{s}.docx", s, own=TENDER[6:] + chinese(s, 6))
             for s in (1, 2, 3)}
    result = run(tmp_path, files)
    assert findings(result, "doc_similar_text") == {}
    # two bidders only and no tender document: nothing to subtract, their common boilerplate is the finding's
    two = {k: v for k, v in list(files.items())[:2]}
    assert findings(compare_files(two, [], in_process=True), "doc_similar_text") != {}


def test_near_identical_text_beyond_the_tender(tmp_path: Path) -> None:
    own = chinese(50, 14)
    files = honest(tmp_path)
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, own=own)
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, own=own[:12] + chinese(51, 2))
    f = findings(run(tmp_path, files), "doc_similar_text")[("乙", "甲")]
    assert f["evidence"]["jaccard"] > 0.6  # 12 of 14 own paragraphs and the tables differ (own prices)
    p = f["evidence"]["passages"][0]
    assert p["a"]["where"].startswith("第") and p["b"]["where"].startswith("第")


ZW = "\u200b"
HOMOGLYPHS = str.maketrans({"0": "０", "1": "１", "2": "２", "m": "ｍ", "a": "а", "o": "о", "e": "е", "c": "с"})


def disguise(text: str) -> str:
    """Zero-width spaces between the characters, Cyrillic look-alikes, full-width digits and letters."""
    return ZW.join(text).translate(HOMOGLYPHS)


def test_a_disguised_copy_still_matches_text_tables_and_errors(tmp_path: Path) -> None:
    own = chinese(60, 14) + ["本项目采用ecmo-2024型号设备，编号A1020。"]
    table = boq(60, 60)
    files = honest(tmp_path)
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, own=own, tables=[table], usual=TYPOS)
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, own=[disguise(p) for p in own],
                                  tables=[[[disguise(c) for c in row] for row in table]],
                                  usual=[disguise(p) for p in TYPOS])
    result = run(tmp_path, files)
    for code in ("doc_similar_text", "doc_same_tables", "doc_same_errors"):
        assert ("乙", "甲") in findings(result, code), code
    assert findings(result, "doc_similar_text")[("乙", "甲")]["evidence"]["jaccard"] > 0.95
    # the look-alikes alone would hide the Latin and digit runs from textsim's plain normalisation
    from bidwatch.documents.normalise import comparable_text
    from bidwatch.shingling import normalise_text
    assert normalise_text(disguise("ecmo-2024")) != "ecmo2024" and comparable_text(disguise("ecmo-2024")) == "ecmo2024"


def test_a_disguised_author_and_company_still_match(tmp_path: Path) -> None:
    files = honest(tmp_path)
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, author="Zhang Wei", company="某某建设有限公司")
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, author="Ｚhаng\u200b Wеi", company="某某\u200d建设有限公司")
    f = findings(run(tmp_path, files), "doc_same_origin")[("乙", "甲")]
    assert {m["field"] for m in f["evidence"]["matches"]} == {"author", "company"}


def test_a_copy_resaved_as_pdf_matches_on_text_and_tables(tmp_path: Path) -> None:
    own = chinese(70, 14)
    table = boq(70, 70)
    files = honest(tmp_path)
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, own=own, tables=[table])
    files["乙/f.pdf"] = make_pdf(tmp_path / "b.pdf", TENDER[:6] + USUAL + own, tables=[table], author="王某")
    result = run(tmp_path, files)
    assert findings(result, "doc_similar_text")[("乙", "甲")]["evidence"]["jaccard"] > 0.8
    t = findings(result, "doc_same_tables")[("乙", "甲")]
    assert t["evidence"]["identical_rows"] == 12 and t["severity"] == "high"
    assert re.match(r"第\d+页第1个表格第\d+行", t["evidence"]["examples"][0]["a"]["where"])
    assert t["evidence"]["examples"][0]["b"]["where"].startswith("第1个表格")


def test_tables_sharing_only_the_tenders_rows_raise_nothing(tmp_path: Path) -> None:
    # honest bidders price the tender's bill differently; unpriced rows are the tender's own
    files = {f"投标人{s}/f.docx": bid_docx(tmp_path / f"h{s}.docx", s, tables=[tender_rows(), boq(s, s)])
             for s in (1, 2, 3)}
    assert findings(run(tmp_path, files), "doc_same_tables") == {}


def test_a_broken_file_is_reported_and_the_others_compared(tmp_path: Path) -> None:
    files = honest(tmp_path)
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, rsids=["00C0FFEE"])
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, rsids=["00C0FFEE"])
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    files["乙/商务标.pdf"] = broken
    notzip = tmp_path / "x.docx"
    notzip.write_bytes(b"this is not a zip")
    files["丙/f.docx"] = notzip
    legacy = tmp_path / "old.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0")
    files["丁/f.doc"] = legacy
    result = run(tmp_path, files)
    errors = {e["file"]: e["error"] for e in result.errors}
    assert set(errors) == {"乙/商务标.pdf", "丙/f.docx", "丁/f.doc"}
    assert "无法读取" in errors["乙/商务标.pdf"] and "DOCX" in errors["丙/f.docx"] and "另存为" in errors["丁/f.doc"]
    assert ("乙", "甲") in findings(result, "doc_same_origin")


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"])
def test_csv_cells_that_start_a_formula_are_neutralised(text: str, tmp_path: Path) -> None:
    import csv

    from bidwatch.documents.batch import _write_csv

    _write_csv(tmp_path / "f.csv", ["bidder", "n"], [{"bidder": text, "n": 3}, {"bidder": "投标人" + text, "n": -2}])
    rows = list(csv.reader((tmp_path / "f.csv").open(encoding="utf-8-sig")))
    assert rows[1] == ["'" + text, "3"] and rows[2] == ["投标人" + text, "-2"]


def test_template_values_are_counted_among_the_bidders_whose_files_carry_them(tmp_path: Path) -> None:
    # three bidders send DOCX made from one template, three send PDFs: the template's rsids are in 3 of
    # the 3 DOCX bids (generic), not in "3 of 6 bidders" (which would make every DOCX pair a finding)
    files = honest(tmp_path)
    for s in (6, 7, 8):
        files[f"投标人{s}/f.pdf"] = make_pdf(tmp_path / f"p{s}.pdf", TENDER[:6] + chinese(s, 4))
    result = run(tmp_path, files, tender=False)
    assert findings(result, "doc_same_origin") == {}


def test_the_same_wrong_figure_counts_as_a_shared_error(tmp_path: Path) -> None:
    terms = ["本工程计划工期为150日历天，质量标准为合格。"]
    wrong = ["本工程计划工期为180日历天，质量标准为合格。"]
    one_typo = ["我方将严格按照施工组织设记组织施工，并建立工程质量保证体系。"] + USUAL[1:]
    files = {f"投标人{s}/f.docx": bid_docx(tmp_path / f"h{s}.docx", s, extra=terms) for s in (3, 4)}
    files["投标人5/f.docx"] = bid_docx(tmp_path / "h5.docx", 5, extra=wrong)  # alone with it: a slip of one bidder
    files["甲/f.docx"] = bid_docx(tmp_path / "a.docx", 11, usual=one_typo, extra=wrong)
    files["乙/f.docx"] = bid_docx(tmp_path / "b.docx", 12, usual=one_typo, extra=wrong)
    tender = make_docx(tmp_path / "tender.docx", TENDER + USUAL + terms)
    result = compare_files(files, [tender], in_process=True)
    # 180 is written by three bidders (甲, 乙, 投标人5): not the pair's own slip; the one typo alone is no finding
    assert findings(result, "doc_same_errors") == {}
    files["投标人5/f.docx"] = bid_docx(tmp_path / "h5.docx", 5, extra=terms)
    result = compare_files(files, [tender], in_process=True)
    f = findings(result, "doc_same_errors")[("乙", "甲")]
    assert {(e["wrong"], e["right"]) for e in f["evidence"]["errors"]} == {("记", "计"), ("180", "150")}


def with_ids(src: Path, out: Path, pdf_id: str, instance: str, xmp_doc: str | None = None) -> Path:
    """The PDF re-written with a trailer /ID and an XMP DocumentID, as Word and Acrobat write them."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject
    from pypdf.xmp import XmpInformation

    writer = PdfWriter(clone_from=str(src))
    writer._ID = ArrayObject([ByteStringObject(bytes.fromhex(pdf_id)), ByteStringObject(bytes.fromhex(instance))])
    if xmp_doc:
        xmp = XmpInformation.create()
        xmp.xmpmm_document_id = xmp_doc
        writer.xmp_metadata = xmp
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


def test_the_same_pdf_id_and_xmp_document_id(tmp_path: Path) -> None:
    files: dict[str, Path] = {}
    for s in (3, 4, 5):
        src = make_pdf(tmp_path / f"s{s}.pdf", TENDER[:6] + chinese(s, 4))
        files[f"投标人{s}/f.pdf"] = with_ids(src, tmp_path / f"h{s}.pdf", f"{s:032X}", f"{s + 100:032X}",
                                           f"uuid:0000000{s}-aaaa-4bbb-8ccc-dddddddddddd")
    a = make_pdf(tmp_path / "sa.pdf", TENDER[:6] + chinese(11, 4))
    b = make_pdf(tmp_path / "sb.pdf", TENDER[:6] + chinese(12, 4))
    same = "9F86D081884C7D659A2FEAA0C55AD015"
    files["甲/f.pdf"] = with_ids(a, tmp_path / "a.pdf", same, "0" * 31 + "1", "uuid:5a1e0d2c-1111-4a2b-9c3d-aabbccddeeff")
    files["乙/f.pdf"] = with_ids(b, tmp_path / "b.pdf", same, "0" * 31 + "2", "uuid:5A1E0D2C-1111-4A2B-9C3D-AABBCCDDEEFF")
    result = run(tmp_path, files)
    origin = findings(result, "doc_same_origin")
    assert list(origin) == [("乙", "甲")]
    assert [m["field"] for m in origin[("乙", "甲")]["evidence"]["matches"]] == ["pdf_id", "xmp_document_id"]
    # the producer every WeasyPrint file shares is supporting at most, and here generic by its spread
    assert any(d["field"] == "producer" for d in origin[("乙", "甲")]["evidence"]["discounted"])
