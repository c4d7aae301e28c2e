"""A file made in memory (a workbook, a PDF) sent as a download under its own, possibly Chinese, name."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """``data`` as a download named ``filename`` (RFC 5987 ``filename*``, so a Chinese name survives)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
