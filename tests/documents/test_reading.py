"""Reading untrusted bid files: what is read from DOCX and PDF, and what is refused or reported.

The archive and file checks are tested with hostile inputs built here (a path escaping the folder, a zip
bomb, a macro-enabled document, a PDF with JavaScript); the worker's time limit with a limit no parse can
meet.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import pytest

from bidwatch.documents.reading import read_document
from bidwatch.documents.safety import DEFAULT_LIMITS, UnsafeFile, check_ooxml, extract_archive
from bidwatch.documents.worker import parse_files
from tests.documents.fixtures import chinese, make_docx, make_pdf, picture


def test_docx_traces_text_tables_and_images(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "a.docx", chinese(1, 3), tables=[[["序号", "名称"], ["1", "平整场地"]]],
                     images=[picture(1)], author="张三", last_modified_by="李四", company="某建设公司",
                     template="投标模板.dotx", rsids=["00A1B2C3", "00D4E5F6"], rsid_root="00A1B2C3",
                     doc_id="1234ABCD-0000-1111-2222-333344445555")
    rec = read_document(path)
    assert rec.error is None and rec.kind == "docx"
    assert {k: rec.meta[k] for k in ("author", "last_modified_by", "company", "template")} == {
        "author": "张三", "last_modified_by": "李四", "company": "某建设公司", "template": "投标模板.dotx"}
    assert rec.meta["application"] and rec.meta["created"]
    assert rec.ids["rsid_root"] == "00A1B2C3" and rec.ids["w15_doc_id"] == "{1234ABCD-0000-1111-2222-333344445555}"
    assert rec.rsids["00D4E5F6"].startswith("settings.xml、第")
    assert [b.where for b in rec.blocks] == ["第1段", "第2段", "第3段"]
    assert rec.tables[0].rows == [["序号", "名称"], ["1", "平整场地"]]
    (image,) = rec.images
    assert image.width == 240 and len(image.phash) == 16 and len(image.sha256) == 64 and image.data is None


def test_pdf_ids_metadata_text_tables_and_images(tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject
    from pypdf.xmp import XmpInformation

    src = make_pdf(tmp_path / "src.pdf", chinese(2, 40), page_break_every=20,
                   tables=[[["序号", "名称", "单价"], ["1", "平整场地", "12.50"]]], images=[picture(2, fmt="JPEG")])
    writer = PdfWriter(clone_from=str(src))
    writer._ID = ArrayObject([ByteStringObject(bytes.fromhex("00112233445566778899AABBCCDDEEFF")),
                              ByteStringObject(bytes.fromhex("FF112233445566778899AABBCCDDEE00"))])
    xmp = XmpInformation.create()
    xmp.xmpmm_document_id = "uuid:5a1e0d2c-1111-4a2b-9c3d-aabbccddeeff"
    xmp.xmpmm_instance_id = "uuid:0b0c0d0e-2222-4a2b-9c3d-aabbccddeeff"
    writer.xmp_metadata = xmp
    writer.add_metadata({"/Author": "王五", "/Creator": "WPS 文字"})
    path = tmp_path / "a.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    rec = read_document(path)
    assert rec.error is None and rec.kind == "pdf" and rec.pages >= 2 and not rec.scanned
    assert rec.ids["pdf_id"] == "00112233445566778899AABBCCDDEEFF"
    assert rec.ids["pdf_instance_id"] == "FF112233445566778899AABBCCDDEE00"
    assert rec.ids["xmp_document_id"] == "uuid:5a1e0d2c-1111-4a2b-9c3d-aabbccddeeff"
    assert rec.ids["xmp_instance_id"].startswith("uuid:0b0c")
    assert rec.meta["author"] == "王五" and rec.meta["creator"] == "WPS 文字" and "WeasyPrint" in rec.meta["producer"]
    assert [b.where for b in rec.blocks][:2] == ["第1页", "第2页"]
    assert rec.tables and rec.tables[0].rows[1] == ["1", "平整场地", "12.50"]
    assert rec.images and rec.images[0].phash


def test_a_scanned_pdf_is_reported_as_such(tmp_path: Path) -> None:
    from PIL import Image

    pages = [Image.open(io.BytesIO(picture(s, (595, 842)))).convert("RGB") for s in (1, 2)]
    path = tmp_path / "scan.pdf"
    pages[0].save(path, save_all=True, append_images=pages[1:])
    rec = read_document(path)
    assert rec.error is None and rec.scanned and rec.scanned_pages == [1, 2] and rec.blocks == []
    assert any("扫描件" in n and "tesseract" in n for n in rec.notes)


def test_active_content_is_reported_never_run(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "m.docm", ["正文"], images=[picture(3)])
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    plain = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    assert plain in parts["[Content_Types].xml"]
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        plain, b"application/vnd.ms-word.document.macroEnabled.main+xml")
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        zf.writestr("word/vbaProject.bin", b"\x00" * 100)
        zf.writestr("word/_rels/settings.xml.rels",
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    'attachedTemplate" Target="http://example.invalid/t.dotm" '
                    'TargetMode="External"/></Relationships>')
    rec = read_document(path)
    assert rec.error is None and any("宏" in n for n in rec.notes) and any("外部链接" in n for n in rec.notes)
    assert rec.blocks[0].text == "正文" and len(rec.images) == 1  # a macro-enabled document is still read
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=str(make_pdf(tmp_path / "p.pdf", ["正文"])))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    pdf = tmp_path / "js.pdf"
    with open(pdf, "wb") as fh:
        writer.write(fh)
    rec = read_document(pdf)
    assert any("脚本" in n for n in rec.notes)


def _zip(path: Path, members: dict[str, bytes], utf8: bool = True) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


@pytest.mark.parametrize("name", ["../escape.docx", "/etc/x.docx", "C:/x.docx", "a/../../b.docx"])
def test_archive_paths_escaping_the_folder_refuse_the_archive(tmp_path: Path, name: str) -> None:
    archive = _zip(tmp_path / "bids.zip", {"甲/ok.docx": b"x", name: b"x"})
    with pytest.raises(UnsafeFile, match="不安全路径"):
        extract_archive(archive, tmp_path)


def test_zip_bombs_are_refused_whole(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "bomb.zip", {"甲/a.pdf": b"\0" * (20 * 1024 * 1024)})
    with pytest.raises(UnsafeFile, match="压缩炸弹"):
        extract_archive(archive, tmp_path)
    small = dataclasses.replace(DEFAULT_LIMITS, max_file_bytes=1000)
    with pytest.raises(UnsafeFile, match="过大"):
        extract_archive(_zip(tmp_path / "big.zip", {"甲/a.pdf": b"1" * 2000}), tmp_path, small)
    docx = make_docx(tmp_path / "b.docx", ["x"])
    with zipfile.ZipFile(docx, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/huge.bin", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(UnsafeFile, match="压缩炸弹"):
        check_ooxml(docx)
    assert "压缩炸弹" in (read_document(docx).error or "")


def test_gbk_names_from_chinese_windows_zips_are_decoded(tmp_path: Path) -> None:
    archive = tmp_path / "gbk.zip"
    class LegacyName(zipfile.ZipInfo):
        """A member named as Chinese Windows archivers name it: GBK bytes, no UTF-8 flag."""

        def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802
            return self.filename.encode("gbk"), self.flag_bits & ~0x800

    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(LegacyName("投标人甲/商务标.pdf"), b"%PDF")
    with zipfile.ZipFile(archive) as zf:
        assert not zf.infolist()[0].flag_bits & 0x800
    ((name, path),) = extract_archive(archive, tmp_path)
    assert name == "投标人甲/商务标.pdf" and path.parent == tmp_path and path.suffix == ".pdf"


def test_the_worker_time_limit_fails_one_file_and_the_rest_are_read(tmp_path: Path) -> None:
    files = [make_docx(tmp_path / f"{n}.docx", chinese(n, 200)) for n in range(3)]
    # the first file of a fresh worker is given its start-up time; later ones must finish in 1 ms
    seen: list[tuple[int, int]] = []
    records = parse_files(files, dataclasses.replace(DEFAULT_LIMITS, timeout_s=0.001), workers=1,
                          progress=lambda done, total: seen.append((done, total)))
    assert records[0].error is None and len(records[0].blocks) == 200
    assert "超时" in (records[1].error or "")
    assert records[2].error is None  # a fresh worker took over after the kill
    # progress counts every file finished, the timed-out one too (the web page's progress bar)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    seen.clear()
    parse_files(files[:2], in_process=True, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]


def test_docx_content_controls_and_nested_tables(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("前言")
    sdt = parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>投标人：某公司</w:t></w:r></w:p>'
                    '</w:sdtContent></w:sdt>')
    document.element.body.insert(1, sdt)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "外"
    table.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "内"
    path = tmp_path / "c.docx"
    document.save(str(path))
    rec = read_document(path)
    assert [b.text for b in rec.blocks] == ["前言", "投标人：某公司"]
    assert rec.tables[0].rows == [["外", "内"]]
