"""Untrusted bid files: size limits, zip-bomb and path checks, the uploaded archive unpacked safely.

Bid files come from the bidders, the very parties under suspicion, through an agency's upload: every
one is treated as hostile. Nothing in them is executed (macros, PDF JavaScript and external links are
only reported); XML is parsed without entities or network; each file is parsed in a worker process
with a time and memory limit (:mod:`bidwatch.documents.worker`); a broken file yields a clear error for
that file and the batch goes on.

The checks are those of the dataset import (``web.datasets.services._safe_extract``: no absolute paths,
no ``..``, no drive letters, a cap on what the archive unpacks to), plus what a bid archive needs:
names in GBK (Windows zips made in China carry no UTF-8 flag), a cap on members and on each member,
a compression-ratio check, and sizes counted while copying rather than trusted from the header.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one comparison accepts (a deployment may lower or raise them)."""

    max_archive_bytes: int = 2048 * MiB        # the uploaded zip of bids
    max_unpacked_bytes: int = 4096 * MiB       # everything the zip unpacks to
    max_members: int = 5000                    # files in the zip of bids
    max_file_bytes: int = 300 * MiB            # one bid file (a 500-page scanned PDF is ≈ 150 MB)
    max_ratio: float = 200.0                   # uncompressed / compressed, for members above 1 MiB
    max_docx_members: int = 5000               # parts inside one DOCX
    max_docx_unpacked_bytes: int = 1024 * MiB  # what one DOCX unpacks to
    max_xml_part_bytes: int = 200 * MiB        # one XML part of a DOCX read into memory
    max_pages: int = 5000                      # pages read from one PDF
    max_images: int = 2000                     # images hashed per file
    max_image_pixels: int = 50_000_000         # a larger image is reported, not decoded
    timeout_s: float = 120.0                   # parsing one file
    memory_bytes: int = 3072 * MiB             # address space of a worker process


DEFAULT_LIMITS = Limits()


class UnsafeFile(Exception):
    """A file or archive refused before parsing; the message is for the user (Chinese / English)."""


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the author's system wrote it: zips from Chinese Windows carry GBK names
    without the UTF-8 flag, which :mod:`zipfile` decodes as CP437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name.replace("\\", "/")


def check_member(info: zipfile.ZipInfo, name: str, limits: Limits, *, max_bytes: int) -> None:
    """Refuse unsafe paths, links and members whose size or compression ratio marks a zip bomb."""
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
        raise UnsafeFile(f"压缩包含不安全路径 / unsafe path in archive: {name}")
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        raise UnsafeFile(f"压缩包含符号链接 / symbolic link in archive: {name}")
    if info.file_size > max_bytes:
        raise UnsafeFile(f"文件过大 / file too large: {name} ({info.file_size} bytes > {max_bytes})")
    if info.file_size > MiB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise UnsafeFile(f"压缩比异常（疑似压缩炸弹）/ compression ratio of a zip bomb: {name}")


def copy_limited(src: IO[bytes], dst: IO[bytes], limit: int, what: str) -> int:
    """Copy at most ``limit`` bytes, counting what is really read (headers can lie)."""
    total = 0
    while chunk := src.read(MiB):
        total += len(chunk)
        if total > limit:
            raise UnsafeFile(f"解压后超过大小限制 / unpacks to more than the limit: {what}")
        dst.write(chunk)
    return total


def skipped_member(name: str) -> bool:
    """Folders and the metadata that archivers add (macOS resource forks, Windows thumbnails)."""
    path = PurePosixPath(name)
    return (name.endswith("/") or "__MACOSX" in path.parts or path.name.startswith("._")
            or path.name.lower() in {"thumbs.db", ".ds_store", "desktop.ini"})


def extract_archive(archive: Path, into: Path, limits: Limits = DEFAULT_LIMITS) -> list[tuple[str, Path]]:
    """Unpack the zip of bids into ``into``; returns (name in the archive, extracted path) per file.

    Raises :class:`UnsafeFile` for the whole archive when it is unsafe (a path escaping the folder, a
    bomb, too many members): an archive built to attack is not partly trusted.
    """
    if archive.stat().st_size > limits.max_archive_bytes:
        raise UnsafeFile(f"压缩包过大 / archive too large: {archive.stat().st_size} bytes")
    out: list[tuple[str, Path]] = []
    total = 0
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise UnsafeFile(f"不是有效的zip压缩包 / not a valid zip archive: {exc}") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise UnsafeFile(f"压缩包文件数过多 / too many files in archive: {len(infos)} > {limits.max_members}")
        names = [member_name(i) for i in infos]
        for info, name in zip(infos, names, strict=True):
            check_member(info, name, limits, max_bytes=limits.max_file_bytes)
        for n, (info, name) in enumerate(zip(infos, names, strict=True)):
            if skipped_member(name) or info.is_dir():
                continue
            # stored under a plain numbered name: the archive's names never reach the file system
            target = into / f"{n:05d}{PurePosixPath(name).suffix.lower()[:10]}"
            with zf.open(info) as src, open(target, "wb") as dst:
                total += copy_limited(src, dst, min(limits.max_file_bytes, limits.max_unpacked_bytes - total), name)
            out.append((name, target))
    return out


def check_ooxml(path: Path, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """Check a DOCX (a zip of XML parts) before parsing; returns notes on active content found.

    Macros (``vbaProject.bin``), ActiveX controls, embedded OLE objects and external relationships
    (a remote template can be used to track or attack the reader) are reported, never run or fetched.
    """
    notes: list[str] = []
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UnsafeFile(f"文件已损坏或不是DOCX / broken file or not a DOCX: {exc}") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_docx_members:
            raise UnsafeFile(f"DOCX部件过多 / too many parts in the DOCX: {len(infos)}")
        total = 0
        for info in infos:
            name = member_name(info)
            check_member(info, name, limits, max_bytes=limits.max_docx_unpacked_bytes)
            total += info.file_size
            low = name.lower()
            if low.endswith("vbaproject.bin"):
                notes.append("含宏代码（未执行）/ contains macros (not run)")
            elif low.startswith("word/activex/"):
                notes.append("含ActiveX控件（未执行）/ contains ActiveX controls (not run)")
            elif low.startswith("word/embeddings/"):
                notes.append("含嵌入对象（未打开）/ contains embedded objects (not opened)")
        if total > limits.max_docx_unpacked_bytes:
            raise UnsafeFile(f"DOCX解压后过大（疑似压缩炸弹）/ DOCX unpacks to too much: {total} bytes")
        for info in infos:
            if info.filename.endswith(".rels") and info.file_size < limits.max_xml_part_bytes:
                if b'TargetMode="External"' in zf.read(info):
                    notes.append("含外部链接（未访问）/ contains external links (not fetched)")
                    break
    return sorted(set(notes))


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
