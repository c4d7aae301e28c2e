"""Bid files made by the tests themselves (python-docx, WeasyPrint, Pillow): nothing binary is committed.

Texts are random Chinese from a fixed pool and seed, so that two bidders' own texts share nothing by
chance; the tender's boilerplate is copied into every bid, as bidders fill in the tender's forms.
"""

from __future__ import annotations

import base64
import io
import random
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

POOL = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
        "行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些"
        "然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公"
        "无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将"
        "组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金")


def chinese(seed: int, paragraphs: int = 20, length: int = 60) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(paragraphs):
        chars = [rnd.choice(POOL) for _ in range(length)]
        for i in range(12, length, 13):
            chars[i] = "，"
        out.append("".join(chars) + "。")
    return out


def picture(seed: int, size: tuple[int, int] = (240, 180), fmt: str = "PNG", quality: int = 90) -> bytes:
    """A distinct picture per seed: coloured rectangles on white."""
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    im = Image.new("RGB", (240, 180), "white")
    draw = ImageDraw.Draw(im)
    for _ in range(12):
        x, y = rnd.randrange(0, 200), rnd.randrange(0, 140)
        draw.rectangle([x, y, x + rnd.randrange(20, 90), y + rnd.randrange(20, 70)],
                       fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    if size != (240, 180):
        im = im.resize(size)
    buf = io.BytesIO()
    im.save(buf, format=fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return buf.getvalue()


def make_docx(path: Path, paragraphs: Iterable[str], *, tables: Iterable[list[list[str]]] = (),
              images: Iterable[bytes] = (), author: str | None = None, last_modified_by: str | None = None,
              company: str | None = None, template: str | None = None, rsids: Iterable[str] = (),
              rsid_root: str | None = None, doc_id: str | None = None) -> Path:
    """A DOCX with the given content and editing traces (rsids on the settings and the paragraphs)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    document = docx.Document()
    rsids = list(rsids)
    for n, text in enumerate(paragraphs):
        p = document.add_paragraph(text)
        if rsids:
            p._p.set(qn("w:rsidR"), rsids[n % len(rsids)])
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
    for data in images:
        document.add_picture(io.BytesIO(data), width=Cm(6))
    if rsids or rsid_root:
        settings = document.settings.element
        el = OxmlElement("w:rsids")
        if rsid_root:
            root = OxmlElement("w:rsidRoot")
            root.set(qn("w:val"), rsid_root)
            el.append(root)
        for value in rsids:
            r = OxmlElement("w:rsid")
            r.set(qn("w:val"), value)
            el.append(r)
        settings.append(el)
    props = document.core_properties
    props.author = author or ""
    props.last_modified_by = last_modified_by or ""
    document.save(str(path))
    app = {"Company": company, "Template": template}
    if any(v is not None for v in app.values()) or doc_id:
        _patch(path, app, doc_id)
    return path


def _patch(path: Path, app: Mapping[str, str | None], doc_id: str | None) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    xml = parts["docProps/app.xml"].decode()
    for tag, value in app.items():
        if value is None:
            continue
        xml = re.sub(f"<{tag}>.*?</{tag}>|<{tag}/>", "", xml)
        xml = xml.replace("</Properties>", f"<{tag}>{value}</{tag}></Properties>")
    parts["docProps/app.xml"] = xml.encode()
    if doc_id:
        s = parts["word/settings.xml"].decode()
        s = s.replace("<w:settings ", '<w:settings xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" ', 1)
        s = s.replace("</w:settings>", f'<w15:docId w15:val="{{{doc_id}}}"/></w:settings>')
        parts["word/settings.xml"] = s.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def make_pdf(path: Path, paragraphs: Iterable[str], *, tables: Iterable[list[list[str]]] = (),
             images: Iterable[bytes] = (), author: str | None = None, page_break_every: int = 0) -> Path:
    """A PDF with a text layer (WeasyPrint: the distribution's CJK fonts), ruled tables and images."""
    from weasyprint import HTML

    body = []
    for n, text in enumerate(paragraphs, start=1):
        body.append(f"<p>{text}</p>")
        if page_break_every and n % page_break_every == 0:
            body.append("<div style='break-after: page'></div>")
    for rows in tables:
        body.append("<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
                    + "</table>")
    for data in images:
        kind = "jpeg" if data[:2] == b"\xff\xd8" else "png"
        body.append(f"<p><img style='width:6cm' src='data:image/{kind};base64,{base64.b64encode(data).decode()}'></p>")
    head = f"<meta name='author' content='{author}'>" if author else ""
    html = (f"<html><head>{head}<style>@page {{ size: A4; margin: 2cm }} body {{ font-family: 'Noto Sans CJK SC', "
            "sans-serif; font-size: 11pt } table { border-collapse: collapse } td { border: 1px solid black; "
            f"padding: 2px 6px }}</style></head><body>{''.join(body)}</body></html>")
    HTML(string=html).write_pdf(str(path))
    return path


def make_zip(path: Path, files: Mapping[str, Path | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data if isinstance(data, bytes) else Path(data).read_bytes())
    return path
