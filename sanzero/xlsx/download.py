"""Sending a workbook to the browser: one response shape for every .xlsx download (the committee
report, list exports, import templates and uploaded files)."""

from __future__ import annotations

from typing import IO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment_header(filename: str, fallback: str) -> str:
    """Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987): every
    browser offers the Chinese name, older ones the fallback."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def xlsx_response(content: bytes | IO[bytes], *, filename: str, fallback: str) -> HttpResponse:
    """The download of a workbook (bytes, or an open file streamed from disk); never cached."""
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    else:
        response = FileResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(filename, fallback)
    response["Cache-Control"] = "no-store"
    return response
