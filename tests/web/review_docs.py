"""Draft tender documents for the pre-tender review tests, made with python-docx (nothing binary committed)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.core.files.uploadedfile import SimpleUploadedFile

LOCAL_REGISTRATION = "投标人须在本市注册，并具有独立法人资格。"

BASE = [
    "某区安置房一标段施工招标文件",
    "第一章 招标公告",
    "招标文件发售时间：2025年3月3日至2025年3月10日。",
    "投标截止时间为2025年3月28日9时30分。",
    "本项目估算价为1000万元。",
    "投标保证金为人民币20万元。",
    "投标人资格要求：具有建筑工程施工总承包二级及以上资质，具备有效的安全生产许可证。",
    LOCAL_REGISTRATION,
    "项目经理须具有建筑工程专业二级及以上注册建造师执业资格。",
]


def docx_bytes(paragraphs: Iterable[str]) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def upload(paragraphs: Iterable[str], name: str = "招标文件.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes(paragraphs),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def draft() -> list[str]:
    return list(BASE)


def revised() -> list[str]:
    """The tenderer's revision: the local-registration clause replaced by a lawful one."""
    return [p if p != LOCAL_REGISTRATION else "投标人须具有独立法人资格，注册地不限。" for p in BASE]
