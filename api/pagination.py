"""Cursor pagination: stable pages over rows that change while a platform reads them (a new entry never
shifts a page). ``?cursor=`` is the opaque position from ``next``/``previous``; ``?page_size=`` up to 1000."""

from rest_framework.exceptions import ParseError
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    invalid_cursor_message = "游标无效：请使用上一页返回的 next 或 previous 链接。"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw and not (raw.isascii() and raw.isdigit() and 0 < int(raw[:5]) and len(raw) <= 5):
            raise ParseError("page_size 应为1到1000之间的整数。")
        return super().get_page_size(request)


class CodeCursorPagination(IdCursorPagination):
    ordering = "code"
