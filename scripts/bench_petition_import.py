"""Time of a 10,000-row petition import (with 身份证号 and 联系电话 on every row) and of importing the
same file again, in a throwaway SQLite database: the figure that encrypting personal data at rest
must not make much worse (issue 13). Run it on two checkouts to compare.

    .venv/bin/python scripts/bench_petition_import.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def id_number(i: int) -> str:
    from sanzero.validators import ID_CHECK, ID_WEIGHTS

    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 20000)
    body = f"110105{born:%Y%m%d}{i % 1000:03d}"
    return body + ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-petitions-")
    os.environ.update(SANZERO_VAR_DIR=tmp, DJANGO_SETTINGS_MODULE="config.settings")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import openpyxl
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sanzero.importing.engine import import_file
    from units.testing import build_world

    world = build_world()
    subjects = [("990121100200", "甲一村超市"), ("990121100000", "甲镇中心学校")]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["所属区划代码", "主体名称", "登记日期", "信访形式", "信访人", "身份证号", "联系电话", "诉求内容"])
    start = datetime.date(2026, 1, 1)
    for i in range(args.rows):
        code, name = subjects[i % 2]
        day = start + datetime.timedelta(days=i % 60)
        sheet.append(
            [code, name, day.isoformat(), "来信", f"信访人{i}", id_number(i), f"13{i % 10}{i:08d}", f"反映第{i}号事项"]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    actor = world.users["clerk_a"]
    t0 = time.perf_counter()
    first = import_file(actor=actor, kind="petitions", file=data, dry_run=False)
    t1 = time.perf_counter()
    again = import_file(actor=actor, kind="petitions", file=data, dry_run=False)
    t2 = time.perf_counter()
    assert first.ok and first.new == args.rows, first.errors[:5]
    assert again.ok and again.unchanged == args.rows, again.errors[:5]
    print(json.dumps({"rows": args.rows, "import_s": round(t1 - t0, 2), "reimport_s": round(t2 - t1, 2)}))


if __name__ == "__main__":
    main()
