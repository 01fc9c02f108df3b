"""The /imports/ pages: who may open them, the templates to download, upload → dry run → confirm, refused uploads."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from sanzero.importing.base import KINDS, kind_names
from sanzero.models import ImportJob
from sanzero.testing import check_role_matrix
from sanzero.tests.helpers import SUBJECT_HEADERS, VALID, upload, xlsx
from units.models import Subject

pytestmark = pytest.mark.usefixtures("media")  # uploads and import records go to a temporary MEDIA_ROOT


def test_who_may_open_the_import_pages(world, client_as):
    url = reverse("importing:index")
    responses = check_role_matrix(
        client_as,
        url,
        {
            "admin": 200,
            "county": 200,
            "clerk_a": 200,
            "clerk_b": 200,
            "grid_a": 200,
            "dept_edu": 403,
            "anonymous": 302,
        },
    )
    kinds = {
        name: {c[0] for c in r.context["form"].fields["kind"].choices if c[0]}
        for name, r in responses.items()
        if r.status_code == 200
    }
    assert kinds["admin"] == set(kind_names())
    assert kinds["county"] == {"targets", "holidays", "listings"}  # 挂牌督办 is county staff's
    ledgers = {"disputes", "hazards", "accidents", "petitions", "cases", "places", "persons", "public_order"}
    assert kinds["clerk_a"] == {"subjects", *ledgers}
    assert kinds["grid_a"] == ledgers
    check_role_matrix(client_as, reverse("importing:history"), {"dept_edu": 403, "anonymous": 302, "grid_a": 200})
    check_role_matrix(
        client_as,
        reverse("importing:template", args=["subjects"]),
        {"clerk_a": 200, "county": 403, "dept_edu": 403, "anonymous": 302},
    )


def test_the_nav_offers_imports_to_importing_roles(world, client_as):
    assert "/imports/" in client_as("clerk_a").get("/").content.decode()
    assert "/imports/" not in client_as("dept_edu").get("/").content.decode()


def test_the_template_of_each_kind(world, client_as):
    client = client_as("admin")
    for name, kind in KINDS.items():
        response = client.get(reverse("importing:template", args=[name]))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        book = openpyxl.load_workbook(
            io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
        )
        sheet = book.worksheets[0]
        assert [c.value for c in sheet[1]] == kind.spec().headers
        assert "说明" in book.sheetnames
        if name in ("disputes", "hazards", "petitions", "subjects"):
            assert sheet.data_validations.dataValidation, name
    subjects = openpyxl.load_workbook(io.BytesIO(client.get(reverse("importing:template", args=["subjects"])).content))
    formats = {cell.number_format for cell in subjects.worksheets[0]["I"][1:5]}
    assert formats == {"yyyy-mm-dd"}
    assert client.get("/imports/template/nothing.xlsx").status_code == 404


def test_the_web_flow_upload_dry_run_confirm(world, client_as):
    client = client_as("clerk_a")
    bad = xlsx(
        [
            SUBJECT_HEADERS,
            ["网页单位", "企业", "990121100000", None, None, None, None, None, None, None],
            ["网页坏行", "学堂", "990121100000", None, None, None, None, None, None, None],
        ]
    )
    response = client.post(reverse("importing:index"), {"kind": "subjects", "file": upload("坏文件.xlsx", bad)})
    job = ImportJob.objects.get(filename="坏文件.xlsx")
    assert response.status_code == 302 and response["Location"] == reverse("importing:job", args=[job.pk])
    assert job.status == "invalid" and job.file.name.endswith(".xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "试导入未通过" in page and "第3行" in page and "主体类别" in page and "确认导入" not in page

    good = xlsx(
        [
            SUBJECT_HEADERS,
            ["网页单位", "企业", "990121100000", None, None, None, None, None, None, None],
            ["甲一村超市", "企业", "990121100200", None, "市场监督管理局", None, None, None, None, None],
        ]
    )
    response = client.post(reverse("importing:index"), {"kind": "subjects", "file": upload("好文件.xlsx", good)})
    job = ImportJob.objects.get(filename="好文件.xlsx")
    assert (job.status, job.total_rows, job.new_rows, job.changed_rows, job.unchanged_rows) == ("validated", 2, 1, 0, 1)
    page = client.get(response["Location"]).content.decode()
    assert "试导入通过" in page and "确认导入（新增1行，修改0行）" in page
    assert not Subject.objects.filter(name="网页单位").exists()

    response = client.post(reverse("importing:confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.finished_at is not None
    assert Subject.objects.get(name="网页单位").history.get().history_user == world.users["clerk_a"]
    assert "导入完成" in client.get(reverse("importing:job", args=[job.pk])).content.decode()
    again = client.post(reverse("importing:confirm", args=[job.pk]), follow=True)
    assert "不能确认导入" in again.content.decode()
    assert Subject.objects.filter(name="网页单位").count() == 1

    mine = client.get(reverse("importing:history")).content.decode()
    assert "好文件.xlsx" in mine and "坏文件.xlsx" in mine
    assert client.get(reverse("importing:download", args=[job.pk])).status_code == 200
    # Someone else's job is not there for them.
    assert client_as("clerk_b").get(reverse("importing:job", args=[job.pk])).status_code == 404
    assert client_as("clerk_b").post(reverse("importing:confirm", args=[job.pk])).status_code == 404


def test_the_upload_form_refuses_other_files_and_kinds(world, client_as):
    client = client_as("clerk_a")
    response = client.post(reverse("importing:index"), {"kind": "subjects", "file": upload("a.xls", b"old")})
    assert response.status_code == 400 and "只能上传Excel的.xlsx文件" in response.content.decode()
    response = client.post(reverse("importing:index"), {"kind": "targets", "file": upload("t.xlsx", b"x")})
    assert response.status_code == 400  # not a kind a clerk may import
    renamed = client.post(reverse("importing:index"), {"kind": "subjects", "file": upload("r.xlsx", b"plain text")})
    job = ImportJob.objects.get(filename="r.xlsx")
    assert renamed.status_code == 302 and job.status == "invalid"
    assert job.errors[0]["message"] == "文件不是有效的Excel（.xlsx）文件"
    assert ImportJob.objects.count() == 1


def test_department_staff_cannot_upload(world, client_as):
    data = xlsx(VALID["subjects"][1])
    response = client_as("dept_edu").post(
        reverse("importing:index"), {"kind": "subjects", "file": upload("s.xlsx", data)}
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
