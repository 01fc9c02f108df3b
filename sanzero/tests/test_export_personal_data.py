"""Personal data in exports: masked unless the role may reveal it, and then every export is logged."""

from __future__ import annotations

import pytest

from sanzero.exporting.columns import HIDDEN_TEXT
from sanzero.models import AccessLog
from sanzero.tests.helpers import ID, MASKED_ID, MASKED_PHONE, PHONE, column, export, read_xlsx
from units.models import Subject

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_clock", "media")]


def test_petitions_are_masked_for_grid_and_department_users_and_not_logged(client_as, export_data):
    for username in ("grid_a", "dept_edu"):
        headers, rows = read_xlsx(export(client_as(username), "/petitions/"))
        assert rows
        for row in rows:
            record = dict(zip(headers, row, strict=True))
            if record["信访人"] == HIDDEN_TEXT:
                # 检举控告 about a school: never shown to the education bureau, not even masked.
                assert username == "dept_edu" and record["类型"] == "检举控告"
                assert record["身份证号"] == record["联系电话"] == record["诉求内容"] == HIDDEN_TEXT
                continue
            assert (record["信访人"], record["身份证号"], record["联系电话"]) == ("张*", MASKED_ID, MASKED_PHONE)
    assert not AccessLog.objects.exists()


def test_dispute_parties_and_subject_phones_are_masked_for_grid_and_department_users(client_as, export_data):
    Subject.objects.update(phone=PHONE)
    for username in ("grid_a", "dept_edu"):
        headers, rows = read_xlsx(export(client_as(username), "/disputes/"))
        assert rows and set(column(headers, rows, "当事人")) == {"张*、李**"}
        headers, rows = read_xlsx(export(client_as(username), "/subjects/"))
        assert rows and set(column(headers, rows, "联系电话")) == {MASKED_PHONE}
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("username", ["clerk_a", "county"])
def test_clerk_and_county_export_full_personal_data_and_each_export_is_logged(client_as, export_data, username):
    Subject.objects.update(phone=PHONE)
    client = client_as(username)
    headers, rows = read_xlsx(export(client, "/petitions/?type=检举控告"))
    assert {(r[headers.index("信访人")], r[headers.index("身份证号")], r[headers.index("联系电话")]) for r in rows} == {
        ("张伟", ID, PHONE)
    }
    headers, rows = read_xlsx(export(client, "/disputes/"))
    assert set(column(headers, rows, "当事人")) == {"张三、李小四"}
    headers, rows = read_xlsx(export(client, "/subjects/"))
    assert set(column(headers, rows, "联系电话")) == {PHONE}

    logs = list(AccessLog.objects.order_by("pk"))
    assert [(log.action, log.object_label, log.user.username) for log in logs] == [
        ("export", "petitions.petition", username),
        ("export", "disputes.dispute", username),
        ("export", "units.subject", username),
    ]
    assert logs[0].fields == "信访人,身份证号,联系电话"
    assert "信访台账" in logs[0].detail and "type=%E6%A3%80%E4%B8%BE%E6%8E%A7%E5%91%8A" in logs[0].detail
    # Lists without personal data are not logged.
    read_xlsx(export(client, "/hazards/"))
    assert AccessLog.objects.count() == 3
