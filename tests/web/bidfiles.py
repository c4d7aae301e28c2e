"""A tender's bid files for the comparison page, made by the test code (tests/documents/fixtures.py).

Seven bidders: three honest ones; the pair 长沙甲建设有限公司 / 长沙乙建筑工程有限公司 (the small
dataset's bidders C1 and C2 on T1) sharing a Word revision-session id and two pictures; and 丙 / 丁 who
share only the generic author "Administrator" and company "微软中国" — no finding. 乙 also sends a
broken PDF, listed with its error while the rest is compared.
"""

from __future__ import annotations

from pathlib import Path

from tests.documents.fixtures import make_docx, make_zip, picture
from tests.documents.test_compare import TENDER, USUAL, bid_docx, tender_rows

PAIR = ("长沙乙建筑工程有限公司", "长沙甲建设有限公司")  # in the order the comparison names them
GENERIC = ("丁公司", "丙公司")


def bid_archive(folder: Path) -> tuple[Path, Path]:
    """(the zip of bids, the tender's own document)."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path | bytes] = {}
    for s in (3, 4, 5):
        files[f"标段一/投标人{s}/投标文件.docx"] = bid_docx(folder / f"h{s}.docx", s, images=[picture(s)])
    files[f"标段一/{PAIR[1]}/投标文件.docx"] = bid_docx(folder / "a.docx", 11, rsids=["00C0FFEE", "00A10001"],
                                                     images=[picture(7), picture(8)])
    files[f"标段一/{PAIR[0]}/投标文件.docx"] = bid_docx(folder / "b.docx", 12, rsids=["00C0FFEE", "00B20002"],
                                                     images=[picture(7), picture(8)])
    files[f"标段一/{PAIR[0]}/商务标.pdf"] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage"
    files[f"标段一/{GENERIC[1]}/投标文件.docx"] = bid_docx(folder / "c.docx", 13, author="Administrator",
                                                        company="微软中国")
    files[f"标段一/{GENERIC[0]}/投标文件.docx"] = bid_docx(folder / "d.docx", 14, author="administrator ",
                                                        company="微软中国")
    archive = make_zip(folder / "投标文件.zip", files)
    tender = make_docx(folder / "招标文件.docx", TENDER + USUAL, tables=[tender_rows()])
    return archive, tender
