"""Reading one bid file (DOCX or PDF): its text, tables, images and the traces of where it was made.

What is read, and why (条例 第40条):

- (一) 同一单位或者个人编制: the file's editing origin. DOCX: the core and app properties (author,
  lastModifiedBy, company, template, application and version, created/modified), the revision-session
  ids ``w:rsid*`` (Word gives each editing session a random 32-bit id and stamps it on the settings and
  on every paragraph and run edited in it: two bidders sharing a session id beyond their common template
  edited one file), ``w14:docId``/``w15:docId`` and WPS's ``ICV`` (GUID-like ids made when a document is
  created and kept through "save as"). PDF: the info dictionary (author, creator, producer, dates), the
  trailer ``/ID`` (its first half is made when the file is first written and kept by later updates),
  and the XMP ``xmpMM:DocumentID``/``InstanceID``/``OriginalDocumentID``.
- (四) 投标文件异常一致: the content. Text by paragraph (DOCX) or page (PDF), tables as rows of cells,
  images with their bytes (hashed by the worker).

Libraries (docs/dependencies.md): python-docx for the document model, the raw XML of the zip for what
it does not expose (read with lxml, entities and network off); pypdfium2 (PDFium, the engine of
Chromium) for PDF text, images and the detection of drawn lines, pypdf for the info dictionary, XMP
and trailer, pdfplumber for tables, only on pages that draw lines (its layout analysis costs ≈ 0.1 s a
page). A PDF page without text but with an image is a scanned page; OCR is not run (see
:data:`OCR_NOTE`).
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bidwatch.documents.safety import DEFAULT_LIMITS, Limits, UnsafeFile, check_ooxml

#: what this reader opens; anything else in a bid folder is listed as not read
SUPPORTED = {".docx": "docx", ".docm": "docx", ".pdf": "pdf"}
#: old binary formats: refused with advice rather than parsed by a fragile reader
LEGACY = {".doc", ".wps", ".rtf", ".et", ".xls", ".ppt"}

OCR_NOTE = ("扫描件无文字层，未做文字识别；可离线识别的方案：Debian 软件包 tesseract-ocr 与 tesseract-ocr-chi-sim "
            "/ scanned pages without a text layer; OCR is not run (Debian's tesseract-ocr with "
            "tesseract-ocr-chi-sim runs offline and could be added)")


@dataclass
class Block:
    """A unit of text: a DOCX paragraph or a PDF page (``unit`` 段 or 页, ``number`` from 1)."""

    unit: str
    number: int
    text: str

    @property
    def where(self) -> str:
        return f"第{self.number}{self.unit}"


@dataclass
class Table:
    """A table as rows of cell texts; ``where`` names it in its file (第2个表格 / 第12页表格). ``position``: how
    many text blocks of the file come before it (DOCX), so that text is compared in reading order; None for a
    PDF's, whose page text already holds the table where it is."""

    where: str
    rows: list[list[str]]
    position: int | None = None


@dataclass
class Image:
    """An image in the file; ``data`` is dropped after hashing unless the caller keeps images (the web
    page shows both bidders' images side by side)."""

    where: str
    width: int
    height: int
    sha256: str = ""
    phash: str = ""
    data: bytes | None = None
    #: a second, independent look at the picture: a pHash reads brightness only, so two round logos or
    #: two red seals of the same layout come close; the gradient hash and the colours (a 4×4 thumbnail,
    #: hex RGB) tell them apart while a re-encoded or scaled copy keeps all three
    dhash: str = ""
    colours: str = ""


@dataclass
class DocumentRecord:
    """Everything read from one bid file; ``error`` set (and the rest empty) when it could not be read."""

    name: str                      # the file's name in the archive (folder/file.docx)
    bidder: str = ""
    kind: str = ""                 # docx | pdf
    error: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    rsids: dict[str, str] = field(default_factory=dict)    # rsid -> where first seen
    blocks: list[Block] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    pages: int = 0
    scanned_pages: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def scanned(self) -> bool:
        """A PDF most of whose pages are images without text."""
        return self.kind == "pdf" and self.pages > 0 and len(self.scanned_pages) * 2 > self.pages

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


def ocr_available() -> bool:
    """Whether an offline OCR engine is installed (none is used yet: reported to the user)."""
    return shutil.which("tesseract") is not None


# ---------------------------------------------------------------------------------------------- DOCX

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "cust": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
}
_W = "{%s}" % _NS["w"]
_RSID_ATTR = re.compile(r"^\{%s\}rsid[A-Za-z]*$" % re.escape(_NS["w"]))
_HEX8 = re.compile(r"^[0-9A-Fa-f]{8}$")


def _xml(data: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    return etree.fromstring(data, parser=parser)


def _part(zf: zipfile.ZipFile, name: str, limits: Limits) -> bytes | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limits.max_xml_part_bytes:
        raise UnsafeFile(f"DOCX部件过大 / DOCX part too large: {name}")
    return zf.read(info)


def _docx_properties(zf: zipfile.ZipFile, limits: Limits) -> tuple[dict[str, str], dict[str, str]]:
    meta: dict[str, str] = {}
    ids: dict[str, str] = {}
    core = _part(zf, "docProps/core.xml", limits)
    if core:
        root = _xml(core)
        for key, path in (("author", "dc:creator"), ("last_modified_by", "cp:lastModifiedBy"),
                          ("title", "dc:title"), ("created", "dcterms:created"),
                          ("modified", "dcterms:modified"), ("revision", "cp:revision")):
            el = root.find(path, _NS)
            if el is not None and (el.text or "").strip():
                meta[key] = el.text.strip()
    app = _part(zf, "docProps/app.xml", limits)
    if app:
        root = _xml(app)
        for key, tag in (("application", "Application"), ("app_version", "AppVersion"), ("company", "Company"),
                         ("template", "Template"), ("manager", "Manager"), ("total_time", "TotalTime")):
            el = root.find(f"ep:{tag}", _NS)
            if el is not None and (el.text or "").strip():
                meta[key] = el.text.strip()
    custom = _part(zf, "docProps/custom.xml", limits)
    if custom:  # WPS writes ICV (a per-document id) and KSOProductBuildVer (its version)
        root = _xml(custom)
        for prop in root.findall("cust:property", _NS):
            name = prop.get("name") or ""
            value = "".join(prop.itertext()).strip()
            if name == "ICV" and value:
                ids["wps_icv"] = value
            elif name == "KSOProductBuildVer" and value:
                meta.setdefault("app_version", value)
    return meta, ids


def read_docx(path: Path, limits: Limits = DEFAULT_LIMITS) -> DocumentRecord:
    """Read a DOCX: properties, ids, rsids with where each is first seen, paragraphs, tables, images."""
    import docx
    from docx.oxml.ns import qn

    rec = DocumentRecord(name=path.name, kind="docx")
    rec.notes = check_ooxml(path, limits)
    with zipfile.ZipFile(path) as zf:
        rec.meta, rec.ids = _docx_properties(zf, limits)
        settings = _part(zf, "word/settings.xml", limits)
        if settings:
            root = _xml(settings)
            for el in root.iter(_W + "rsidRoot", _W + "rsid"):
                value = (el.get(_W + "val") or "").upper()
                if _HEX8.match(value):
                    rec.rsids.setdefault(value, "settings.xml")
                    if el.tag == _W + "rsidRoot":
                        rec.ids["rsid_root"] = value
            for prefix in ("w14", "w15"):
                el = root.find(f"{prefix}:docId", _NS)
                if el is not None:
                    value = el.get("{%s}val" % _NS[prefix]) or ""
                    if value:
                        rec.ids[f"{prefix}_doc_id"] = value
    try:
        document = docx.Document(str(path))
        body, rels = document.element.body, document.part.rels
    except ValueError as exc:  # a .docm: python-docx opens the plain document type only; the XML is the same
        if "macroEnabled" not in str(exc):
            raise
        from docx.opc.package import OpcPackage

        part = OpcPackage.open(str(path)).main_document_part
        body, rels = _xml(part.blob).find("w:body", _NS), part.rels
    n_par = n_tab = 0
    for child in _body_items(body):
        if child.tag == qn("w:p"):
            n_par += 1
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if text.strip():
                rec.blocks.append(Block("段", n_par, text))
            _collect_rsids(child, rec.rsids, f"第{n_par}段")
        elif child.tag == qn("w:tbl"):
            n_tab += 1
            rows = []
            for tr in child.iterchildren(qn("w:tr")):  # a nested table's text stays in its cell
                cells = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.iterchildren(qn("w:tc"))]
                if any(c.strip() for c in cells):
                    rows.append(cells)
            rec.tables.append(Table(f"第{n_tab}个表格", rows, position=len(rec.blocks)))
            _collect_rsids(child, rec.rsids, f"第{n_tab}个表格")
    for rel in rels.values():
        if "image" in rel.reltype and not rel.is_external:
            if len(rec.images) >= limits.max_images:
                rec.notes.append("图片过多，只读取前部 / too many images, only the first are read")
                break
            part = rel.target_part
            rec.images.append(Image(where=str(part.partname).lstrip("/"), width=0, height=0, data=part.blob))
    return rec


def _body_items(body: Any) -> Any:
    """The body's paragraphs and tables in order, including those inside content controls (``w:sdt``:
    cover pages and form fields of tender templates)."""
    for child in body.iterchildren():
        if child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _body_items(content)
        else:
            yield child


def _collect_rsids(element: Any, into: dict[str, str], where: str) -> None:
    for el in element.iter():
        for attr, value in el.attrib.items():
            if _RSID_ATTR.match(attr) and _HEX8.match(value):
                seen = into.setdefault(value.upper(), where)
                if seen == "settings.xml":  # the paragraph where it is used says more than the settings list
                    into[value.upper()] = f"settings.xml、{where}"


# ----------------------------------------------------------------------------------------------- PDF

def _pdf_string(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.hex().upper()
    return str(value).strip()


def _id_hex(value: Any) -> str:
    """A /ID half as hex: pypdf may hand the byte string over decoded as text."""
    raw = getattr(value, "original_bytes", None)
    if raw is None:
        raw = value if isinstance(value, bytes) else str(value).encode("latin-1", "replace")
    return raw.hex().upper()


def read_pdf(path: Path, limits: Limits = DEFAULT_LIMITS) -> DocumentRecord:
    """Read a PDF: info dictionary, trailer /ID, XMP ids, text and images by page, tables on ruled pages."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from pypdf import PdfReader

    rec = DocumentRecord(name=path.name, kind="pdf")
    raw_head = path.read_bytes()
    if b"/JavaScript" in raw_head or b"/JS" in raw_head:
        rec.notes.append("含脚本（未执行）/ contains JavaScript (not run)")
    if b"/Launch" in raw_head or b"/EmbeddedFile" in raw_head:
        rec.notes.append("含启动动作或附件（未执行）/ contains launch actions or attachments (not run)")
    del raw_head
    reader = PdfReader(str(path), strict=False)
    if reader.is_encrypted:
        try:
            if not reader.decrypt(""):
                raise UnsafeFile("文件已加密，无法读取 / encrypted PDF, cannot be read")
        except Exception as exc:  # noqa: BLE001  (pypdf raises several kinds for unsupported encryption)
            raise UnsafeFile(f"文件已加密，无法读取 / encrypted PDF, cannot be read ({exc})") from exc
    info = reader.metadata or {}
    for key, name in (("author", "/Author"), ("creator", "/Creator"), ("producer", "/Producer"),
                      ("title", "/Title"), ("created", "/CreationDate"), ("modified", "/ModDate"),
                      ("company", "/Company"), ("last_modified_by", "/LastModifiedBy")):
        value = _pdf_string(info.get(name))
        if value:
            rec.meta[key] = value
    trailer_id = reader.trailer.get("/ID")
    if trailer_id:
        parts = [_id_hex(v.get_object() if hasattr(v, "get_object") else v) for v in trailer_id]
        if parts and parts[0]:
            rec.ids["pdf_id"] = parts[0]
        if len(parts) > 1 and parts[1] and parts[1] != parts[0]:
            rec.ids["pdf_instance_id"] = parts[1]
    try:
        xmp = reader.xmp_metadata
    except Exception:  # noqa: BLE001  (a malformed XMP packet is no reason to refuse the file)
        xmp = None
        rec.notes.append("XMP元数据无法解析 / XMP metadata unreadable")
    if xmp is not None:
        for key, attr in (("xmp_document_id", "xmpmm_document_id"), ("xmp_instance_id", "xmpmm_instance_id")):
            value = getattr(xmp, attr, None)
            if value:
                rec.ids[key] = str(value).strip()
        original = _xmp_value(xmp, "http://ns.adobe.com/xap/1.0/mm/", "OriginalDocumentID")
        if original:
            rec.ids["xmp_original_document_id"] = original
    pdf = pdfium.PdfDocument(str(path))
    try:
        rec.pages = len(pdf)
        ruled: list[int] = []
        for i in range(min(rec.pages, limits.max_pages)):
            page = pdf[i]
            text = page.get_textpage().get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            if text.strip():
                rec.blocks.append(Block("页", i + 1, text))
            n_images = 0
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
                n_images += 1
                if len(rec.images) < limits.max_images:
                    rec.images.append(_pdf_image(obj, i + 1, n_images, limits))
            if not text.strip() and n_images:
                rec.scanned_pages.append(i + 1)
            if any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2)):
                ruled.append(i)
        if rec.pages > limits.max_pages:
            rec.notes.append(f"页数超过{limits.max_pages}，只读取前部 / more than {limits.max_pages} pages, the rest not read")
    finally:
        pdf.close()
    if ruled:
        rec.tables = _pdf_tables(path, ruled)
    if rec.scanned:
        rec.notes.append(OCR_NOTE)
    rec.images = [im for im in rec.images if im is not None]
    return rec


def _xmp_value(xmp: Any, namespace: str, name: str) -> str:
    try:
        for desc in xmp.rdf_root.getElementsByTagNameNS("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description"):
            value = desc.getAttributeNS(namespace, name)
            if value:
                return value.strip()
            for el in desc.getElementsByTagNameNS(namespace, name):
                text = "".join(n.data for n in el.childNodes if n.nodeType == n.TEXT_NODE).strip()
                if text:
                    return text
    except Exception:  # noqa: BLE001
        return ""
    return ""


def _pdf_image(obj: Any, page: int, n: int, limits: Limits) -> Image | None:
    try:
        width, height = obj.get_px_size()
    except Exception:  # noqa: BLE001
        return None
    image = Image(where=f"第{page}页第{n}幅图", width=int(width), height=int(height))
    if width * height > limits.max_image_pixels or width < 16 or height < 16:
        return image
    try:
        pil = obj.get_bitmap(render=False).to_pil()
        buf = io.BytesIO()
        pil.save(buf, format="PNG")
        image.data = buf.getvalue()
    except Exception:  # noqa: BLE001  (an undecodable image is skipped, the page is still read)
        return image
    return image


def _pdf_tables(path: Path, pages: list[int]) -> list[Table]:
    import pdfplumber

    tables: list[Table] = []
    with pdfplumber.open(str(path)) as pdf:
        for i in pages:
            page = pdf.pages[i]
            for n, table in enumerate(page.extract_tables(), start=1):
                rows = [[(c or "").replace("\n", "") for c in row] for row in table]
                rows = [r for r in rows if any(c.strip() for c in r)]
                if rows:
                    tables.append(Table(f"第{i + 1}页第{n}个表格", rows))
            page.close()
    return tables


# ------------------------------------------------------------------------------------------ any file

def read_document(path: Path, limits: Limits = DEFAULT_LIMITS, *, keep_images: bool = False) -> DocumentRecord:
    """Read one file and hash its images; never raises for a broken file: ``error`` says what is wrong."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise UnsafeFile(f"文件过大 / file too large: {size} bytes")
        if suffix in LEGACY:
            raise UnsafeFile("旧版格式不支持，请另存为DOCX或PDF / legacy format not read: save as DOCX or PDF")
        kind = SUPPORTED.get(suffix)
        if kind is None:
            raise UnsafeFile(f"不支持的文件类型 / unsupported file type: {suffix or '(none)'}")
        rec = read_docx(path, limits) if kind == "docx" else read_pdf(path, limits)
        hash_images(rec, keep=keep_images)
        return rec
    except UnsafeFile as exc:
        return DocumentRecord(name=path.name, kind=SUPPORTED.get(suffix, ""), error=str(exc))
    except Exception as exc:  # noqa: BLE001  (any parser failure is this file's error, not the batch's)
        return DocumentRecord(name=path.name, kind=SUPPORTED.get(suffix, ""),
                              error=f"文件无法读取（已损坏或格式不符）/ file cannot be read: {type(exc).__name__}: {str(exc)[:200]}")


def hash_images(rec: DocumentRecord, *, keep: bool = False) -> None:
    """sha256 of the bytes and a 64-bit perceptual hash (DCT pHash, robust to re-compression and scaling)."""
    import imagehash
    from PIL import Image as PILImage

    kept = []
    for image in rec.images:
        if image.data is None:
            continue
        image.sha256 = hashlib.sha256(image.data).hexdigest()
        try:
            with PILImage.open(io.BytesIO(image.data)) as pil:
                image.width, image.height = pil.size
                if pil.width < 16 or pil.height < 16 or pil.width * pil.height > 50_000_000:
                    continue
                rgb = pil.convert("RGB")
                image.phash = str(imagehash.phash(rgb))
                image.dhash = str(imagehash.dhash(rgb))
                image.colours = rgb.resize((4, 4), PILImage.Resampling.BOX).tobytes().hex()
        except Exception:  # noqa: BLE001  (an image format Pillow cannot read: kept by its sha256 only)
            pass
        if not keep:
            image.data = None
        kept.append(image)
    rec.images = kept
