"""The guarded reader refuses what is not a workbook, or is too big: renamed and old files, broken zips
and XML, size and row limits, zip bombs, entity expansion."""

import io
import resource
import struct
import time
import tracemalloc
import zipfile

import openpyxl

from sanzero.tests.helpers import GOOD, SPEC, make_xlsx, messages
from sanzero.xlsx import read_rows
from sanzero.xlsx.reader import MSG_BOMB, MSG_NOT_XLSX, MSG_UNREADABLE


def test_text_file_renamed_xlsx(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("所属区划代码,主体名称\n330102001001,东风村\n", encoding="utf-8")
    assert messages(read_rows(path, SPEC)) == ["文件不是有效的Excel（.xlsx）文件"]


def test_old_xls_file(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    [error] = messages(read_rows(path, SPEC))
    assert error.startswith(MSG_NOT_XLSX) and ".xlsx" in error


def test_zip_that_is_not_an_xlsx(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert messages(read_rows(path, SPEC)) == [MSG_NOT_XLSX]


def test_truncated_zip(tmp_path):
    path = make_xlsx(tmp_path / "whole.xlsx", [SPEC.headers, GOOD])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(path.read_bytes()[:3000])
    assert messages(read_rows(cut, SPEC)) == [MSG_NOT_XLSX]


def test_broken_workbook_xml(tmp_path):
    path = make_xlsx(tmp_path / "whole.xlsx", [SPEC.headers, GOOD])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = b"<not xml" if info.filename == "xl/workbook.xml" else src.read(info)
            dst.writestr(info.filename, data)
    assert messages(read_rows(broken, SPEC)) == [MSG_UNREADABLE]
    assert MSG_UNREADABLE.startswith("无法读取Excel文件：")


def test_file_over_max_bytes(tmp_path):
    path = make_xlsx(tmp_path / "big.xlsx", [SPEC.headers, GOOD])
    assert messages(read_rows(path, SPEC, max_bytes=1000)) == ["文件过大（超过1000字节）"]
    assert messages(read_rows(io.BytesIO(path.read_bytes()), SPEC, max_bytes=1000)) == ["文件过大（超过1000字节）"]
    assert read_rows(path, SPEC).ok  # default is 20MB


def test_default_size_message():
    class Huge(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):  # an endless non-seekable stream
            b[:] = b"\0" * len(b)
            return len(b)

    assert messages(read_rows(Huge(), SPEC)) == ["文件过大（超过20MB）"]


def test_more_rows_than_max_rows(tmp_path):
    path = make_xlsx(tmp_path / "rows.xlsx", [SPEC.headers] + [GOOD] * 6)
    assert read_rows(path, SPEC, max_rows=6).ok
    result = read_rows(path, SPEC, max_rows=5)
    assert messages(result)[-1] == "数据行数超过上限（5行）"


def _skeleton_parts():
    """Every part of a real one-sheet workbook except the sheet XML."""
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    with zipfile.ZipFile(buffer) as src:
        return {i.filename: src.read(i) for i in src.infolist() if i.filename != "xl/worksheets/sheet1.xml"}


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
# One cell of a long run of "x" per row: deflate packs the run at distance 1 (no extra bits), ~1000×.
ROW = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"x" * (1024 * 1024) + b"</t></is></c></row>"


def _write_xlsx_with_big_sheet(path, uncompressed_bytes, *, force_zip64):
    chunk = ROW  # ~1 MB per write: the test never holds the sheet in memory
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _skeleton_parts().items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=force_zip64) as member:
            member.write(SHEET_HEAD)
            written = 0
            while written < uncompressed_bytes:
                member.write(chunk)
                written += len(chunk)
            member.write(SHEET_TAIL)
    return path


def test_zip_bomb_is_refused_from_the_directory(tmp_path):
    path = _write_xlsx_with_big_sheet(tmp_path / "bomb.xlsx", 300 * 1024 * 1024, force_zip64=True)
    size = path.stat().st_size
    assert size < 500 * 1024, size  # a few hundred KB on disk
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 300 * 1024 * 1024

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    result = read_rows(path, SPEC)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before

    assert messages(result) == [MSG_BOMB] == ["文件解压后过大，已拒绝"]
    assert elapsed < 2.0, elapsed
    assert peak < 5 * 1024 * 1024, peak
    assert rss_growth_kb < 50 * 1024, rss_growth_kb
    print(
        f"\nbomb: file {size / 1024:.0f} KB, refused in {elapsed * 1000:.1f} ms, "
        f"tracemalloc peak {peak / 1024:.0f} KB, max RSS growth {rss_growth_kb} KB"
    )


def test_zip_bomb_by_ratio_under_the_total_limit(tmp_path):
    # 30 MB that deflate squeezes ~1000× — under 200 MB in all, but no real sheet compresses so well.
    path = _write_xlsx_with_big_sheet(tmp_path / "ratio.xlsx", 30 * 1024 * 1024, force_zip64=False)
    assert messages(read_rows(path, SPEC)) == [MSG_BOMB]
    assert read_rows(path, SPEC, max_uncompressed=10 * 1024 * 1024).errors[0].message == MSG_BOMB


def _patch_declared_size(path, member, new_size):
    """Make the zip directory (and the local header) lie about one member's uncompressed size."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(member).header_offset
    assert data[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, new_size)
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + name_len] == name:
            struct.pack_into("<I", data, pos + 24, new_size)
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    else:
        raise AssertionError("central directory entry not found")
    path.write_bytes(bytes(data))


def test_zip_bomb_with_a_lying_directory_is_still_bounded(tmp_path):
    path = _write_xlsx_with_big_sheet(tmp_path / "liar.xlsx", 50 * 1024 * 1024, force_zip64=False)
    _patch_declared_size(path, "xl/worksheets/sheet1.xml", 4096)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 4096  # passes the directory check

    tracemalloc.start()
    started = time.perf_counter()
    result = read_rows(path, SPEC)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # zipfile stops inflating at the declared size, then the XML/CRC check fails.
    assert messages(result) == [MSG_UNREADABLE]
    assert elapsed < 2.0
    assert peak < 20 * 1024 * 1024


def test_xml_entity_expansion_is_refused(tmp_path):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
    )
    path = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _skeleton_parts().items():
            archive.writestr(name, data)
        archive.writestr("xl/worksheets/sheet1.xml", laughs)
    assert messages(read_rows(path, SPEC)) == [MSG_UNREADABLE]
