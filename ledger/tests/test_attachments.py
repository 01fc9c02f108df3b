"""The 附件 card, its upload, download and delete, on a hazard (every ledger shares them: ledger.testing
checks the same on each ledger's own page)."""

import datetime
import hashlib
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from hazards.tests.helpers import hazard
from ledger import services
from ledger.models import Attachment
from sanzero.testing import assert_flat_queries, check_role_matrix, queries_of

from .attachment_files import HTML, PDF, image_bytes, jpeg, upload

ANON = {"anonymous": 302}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def attach(world, entry, user="clerk_a", name="整改前.jpg", kind="before", **kwargs):
    return services.attachment_add(actor=world.users[user], entry=entry, upload=jpeg(name, **kwargs), kind=kind)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_clerk_uploads_a_photo_and_sees_it_on_the_page_with_its_thumbnail(world, client_as, settings):
    entry = hazard(world)
    client = client_as("clerk_a")
    content = image_bytes("JPEG", size=(800, 600))
    response = client.post(
        f"/hazards/{entry.pk}/attachments/", {"kind": "before", "file": upload("灭火器过期.jpg", content)}, follow=True
    )
    assert response.redirect_chain == [(f"/hazards/{entry.pk}/#attachments", 302)]
    assert messages_of(response) == ["已上传附件“灭火器过期.jpg”。"]
    attachment = Attachment.objects.get()
    assert (attachment.entry, attachment.kind, attachment.original_name) == (entry, "before", "灭火器过期.jpg")
    assert (attachment.size, attachment.mime_type) == (len(content), "image/jpeg")
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.uploaded_by == world.users["clerk_a"]
    # stored under a random key in the entry's folder, never under the uploader's name
    assert attachment.file.name.startswith(f"attachments/hazards/hazard/{entry.pk}/")
    assert "灭火器" not in attachment.file.name
    card = response.content.decode()
    when = timezone.localtime(attachment.uploaded_at).strftime("%Y-%m-%d %H:%M")
    for text in ("灭火器过期.jpg", "整改前照片", world.users["clerk_a"].display_name, when):
        assert text in card, text
    assert f'src="/hazards/{entry.pk}/attachments/{attachment.pk}/thumb/"' in card
    thumb = client.get(f"/hazards/{entry.pk}/attachments/{attachment.pk}/thumb/")
    assert thumb["Content-Type"] == "image/jpeg" and thumb["X-Content-Type-Options"] == "nosniff"
    import io

    from PIL import Image

    with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as small:
        assert max(small.size) == 320  # a small picture, not the 800×600 original


def test_the_download_is_the_file_under_its_chinese_name_never_sniffed(world, client_as):
    entry = hazard(world)
    attachment = attach(world, entry, name="整改前 照片(1).jpg")
    response = client_as("grid_a").get(f"/hazards/{entry.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == attachment.sha256
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%95%B4%E6%94%B9%E5%89%8D%20%E7%85%A7%E7%89%87%281%29.jpg"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]


def test_stored_files_have_no_public_url(world, client_as, settings):
    entry = hazard(world)
    attachment = attach(world, entry)
    for role in ("anonymous", "admin"):
        response = client_as(role).get(f"{settings.MEDIA_URL}{attachment.file.name}")
        assert response.status_code in (302, 404), role
        assert b"JFIF" not in response.content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "现场照片.jpg",
            HTML,
            "文件“现场照片.jpg”的内容是HTML/SVG 网页或脚本，只能上传JPG、PNG、WEBP、HEIC 图片或 PDF 文件",
        ),
        ("现场照片.jpg", PDF, "文件“现场照片.jpg”的扩展名是 .jpg，但内容是PDF 文件"),
        ("整改报告.docx", b"PK\x03\x04" + b"\x00" * 100, "文件“整改报告.docx”的内容是压缩包或 Office 文档"),
    ],
)
def test_a_forged_or_wrong_file_is_refused_naming_it_and_nothing_is_stored(
    world, client_as, settings, name, content, message
):
    entry = hazard(world)
    response = client_as("clerk_a").post(
        f"/hazards/{entry.pk}/attachments/", {"kind": "scene", "file": upload(name, content)}, follow=True
    )
    (shown,) = messages_of(response)
    assert shown.startswith(message), shown
    assert message in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(settings) == []


def test_a_file_over_the_limit_is_refused_with_its_size(world, client_as, settings):
    settings.ATTACHMENT_MAX_BYTES = 2 * 1024
    entry = hazard(world)
    big = image_bytes("PNG", size=(200, 200)) + b"\x00" * 4096
    response = client_as("clerk_a").post(
        f"/hazards/{entry.pk}/attachments/", {"kind": "scene", "file": upload("大照片.png", big)}, follow=True
    )
    (shown,) = messages_of(response)
    assert shown.startswith("文件“大照片.png”大小为 ") and shown.endswith("超过单个附件上限 2.0 KB。"), shown
    assert not Attachment.objects.exists() and stored_files(settings) == []


def test_an_entry_holds_at_most_the_set_number_of_attachments(world, client_as, settings):
    settings.ATTACHMENT_MAX_PER_ENTRY = 2
    entry = hazard(world)
    first, _ = attach(world, entry, name="1.jpg"), attach(world, entry, name="2.jpg")
    client = client_as("clerk_a")
    response = client.post(f"/hazards/{entry.pk}/attachments/", {"kind": "scene", "file": jpeg("3.jpg")}, follow=True)
    assert messages_of(response) == ["文件“3.jpg”未上传：每条台账最多 2 个附件，请先删除不需要的附件。"]
    assert "已达到每条 2 个附件的上限" in response.content.decode()
    services.attachment_delete(
        actor=world.users["clerk_a"], entry=entry, attachment=first
    )  # a deleted one does not count
    client.post(f"/hazards/{entry.pk}/attachments/", {"kind": "scene", "file": jpeg("3.jpg")})
    assert sorted(Attachment.objects.live().values_list("original_name", flat=True)) == ["2.jpg", "3.jpg"]


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "scene"},  # no file
        {"kind": "agreement", "file": "x"},  # a kind hazards do not offer, and a text field as the file
        {"kind": "'; DROP TABLE ledger_attachment;--"},
        {},
    ],
)
def test_missing_and_hostile_form_input_is_a_message_never_a_500(world, client_as, data):
    entry = hazard(world)
    post = dict(data)
    if post.get("file") == "x":
        post["file"] = upload("a.jpg", image_bytes())
        post["kind"] = "agreement"
    response = client_as("clerk_a").post(f"/hazards/{entry.pk}/attachments/", post, follow=True)
    assert response.status_code == 200
    shown = " ".join(messages_of(response))
    assert (
        "请选择要上传的文件" in shown
        or "请选择列出的附件类别" in shown
        or "附件类别为必填项" in shown
        or "必填" in shown
    ), shown
    assert not Attachment.objects.exists()


def test_hostile_names_are_stored_clean(world, client_as):
    entry = hazard(world)
    client_as("clerk_a").post(
        f"/hazards/{entry.pk}/attachments/",
        {"kind": "scene", "file": upload("..\\..\\\u202egpj.exe.png", image_bytes("PNG"))},
    )
    attachment = Attachment.objects.get()
    assert attachment.original_name == "gpj.exe.png"
    assert attachment.file.name.startswith(f"attachments/hazards/hazard/{entry.pk}/")


def test_roles_on_upload_download_and_delete(world, client_as):
    mine = hazard(world)  # 甲一村超市: township A, village A, 市场监督管理局
    attachment = attach(world, mine)
    base = f"/hazards/{mine.pk}/attachments/"
    check_role_matrix(
        client_as,
        f"{base}{attachment.pk}/",
        {**ANON, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 404, "grid_a": 200, "dept_edu": 404},
    )
    check_role_matrix(
        client_as,
        f"{base}{attachment.pk}/thumb/",
        {**ANON, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 404, "grid_a": 200, "dept_edu": 404},
    )
    check_role_matrix(
        client_as,
        f"{base}{attachment.pk}/delete/",
        {**ANON, "admin": 200, "county": 403, "clerk_a": 200, "clerk_b": 404, "grid_a": 200, "dept_edu": 404},
    )
    check_role_matrix(
        client_as,
        base,
        {**ANON, "county": 403, "clerk_b": 404, "dept_edu": 404},
        method="post",
        data={"kind": "scene", "file": jpeg("refused.jpg")},
    )
    check_role_matrix(
        client_as, f"{base}{attachment.pk}/delete/", {**ANON, "county": 403, "clerk_b": 404}, method="post"
    )
    assert Attachment.objects.get().is_deleted is False and Attachment.objects.count() == 1
    for role in ("admin", "clerk_a", "grid_a"):
        response = client_as(role).post(base, {"kind": "scene", "file": jpeg(f"{role}.jpg")})
        assert response.status_code == 302, role
    assert Attachment.objects.count() == 4
    assert client_as("clerk_a").get(base).status_code == 405  # the upload URL only takes a POST


def test_a_department_reads_its_subjects_attachments_but_cannot_add_any(world, client_as):
    entry = hazard(world, subject=world.school_a)  # 教育局's school in township A, outside village A
    attachment = attach(world, entry)
    client = client_as("dept_edu")
    assert client.get(f"/hazards/{entry.pk}/attachments/{attachment.pk}/").status_code == 200
    page = client.get(f"/hazards/{entry.pk}/").content.decode()
    assert "整改前.jpg" in page and 'name="file"' not in page and "/delete/" not in page
    assert client.post(f"/hazards/{entry.pk}/attachments/", {"kind": "scene", "file": jpeg()}).status_code == 403
    assert client.get(f"/hazards/{entry.pk}/attachments/{attachment.pk}/delete/").status_code == 403
    assert client_as("grid_a").get(f"/hazards/{entry.pk}/attachments/{attachment.pk}/").status_code == 404


def test_an_attachment_is_only_reached_through_its_own_entry(world, client_as):
    from disputes.tests.helpers import dispute

    entry, other = hazard(world), hazard(world)
    attachment = attach(world, entry)
    same_pk_dispute = dispute(world)
    client = client_as("admin")
    assert client.get(f"/hazards/{other.pk}/attachments/{attachment.pk}/").status_code == 404
    assert client.get(f"/disputes/{same_pk_dispute.pk}/attachments/{attachment.pk}/").status_code == 404
    assert client.get(f"/hazards/{entry.pk}/attachments/{attachment.pk + 1000}/").status_code == 404
    assert client.get(f"/hazards/99999/attachments/{attachment.pk}/").status_code == 404


def test_upload_and_delete_are_audited_on_the_entrys_page_and_the_file_is_kept(world, client_as, settings):
    entry = hazard(world)
    client = client_as("clerk_a")
    client.post(f"/hazards/{entry.pk}/attachments/", {"kind": "before", "file": jpeg("整改前.jpg")})
    attachment = Attachment.objects.get()
    confirm = client.get(f"/hazards/{entry.pk}/attachments/{attachment.pk}/delete/")
    assert "确定删除" in confirm.content.decode() and "整改前.jpg" in confirm.content.decode()
    assert not attachment.history.filter(history_type="~").exists()  # the confirmation page changed nothing
    too_long = client.post(f"/hazards/{entry.pk}/attachments/{attachment.pk}/delete/", {"reason": "长" * 201})
    assert too_long.status_code == 400 and "删除原因最多200字" in too_long.content.decode()
    response = client_as("grid_a").post(
        f"/hazards/{entry.pk}/attachments/{attachment.pk}/delete/", {"reason": "拍错了对象"}, follow=True
    )
    assert messages_of(response) == ["已删除附件“整改前.jpg”。"]
    attachment.refresh_from_db()
    assert attachment.deleted_by == world.users["grid_a"] and attachment.delete_reason == "拍错了对象"
    upload_record, delete_record = attachment.history.order_by("history_id")
    assert (upload_record.history_type, upload_record.history_user) == ("+", world.users["clerk_a"])
    assert upload_record.history_change_reason == "上传附件：整改前照片 整改前.jpg"
    assert delete_record.history_user == world.users["grid_a"]
    assert delete_record.history_change_reason == "删除附件：整改前照片 整改前.jpg（拍错了对象）"
    timeline = [(e["who"], e["title"], e["text"]) for e in response.context["timeline"]]
    grid, clerk = world.users["grid_a"].display_name, world.users["clerk_a"].display_name
    assert (grid, "删除附件", "整改前照片：整改前.jpg（原因：拍错了对象）") in timeline
    assert (clerk, "上传附件", "整改前照片：整改前.jpg") in timeline
    page = response.content.decode()
    assert "暂无附件" in page and f"/attachments/{attachment.pk}/thumb/" not in page
    assert client.get(f"/hazards/{entry.pk}/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/hazards/{entry.pk}/attachments/{attachment.pk}/delete/").status_code == 404
    # the documented rule: a deleted attachment's file and thumbnail stay in storage
    assert Path(attachment.file.path).exists() and Path(attachment.thumbnail.path).exists()


def test_the_detail_page_costs_the_same_queries_for_3_and_30_attachments(world, client_as, settings):
    settings.ATTACHMENT_MAX_PER_ENTRY = 50
    entry = hazard(world)
    client = client_as("clerk_a")

    def add(rows):
        for i in rows:
            attach(world, entry, name=f"照片{i}.jpg", size=(8, 8))

    flat = assert_flat_queries(lambda: queries_of(client, f"/hazards/{entry.pk}/"), add=add)
    assert [len(r.context["attachments"]) for r in flat.responses] == [3, 30]
    assert [sum(e["title"] == "上传附件" for e in r.context["timeline"]) for r in flat.responses] == [3, 30]


def test_a_store_failure_leaves_no_file_and_no_row(world, monkeypatch, settings):
    from ledger import models as ledger_models

    entry = hazard(world)

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(ledger_models.Attachment, "save", broken)
    with pytest.raises(RuntimeError):
        attach(world, entry)
    assert stored_files(settings) == []


def test_an_accused_department_sees_no_attachment_of_the_accusation(world, client_as):
    from petitions.tests.helpers import petition

    accusation = petition(world, subject=world.school_a, type="检举控告")  # it accuses 教育局's school
    attachment = services.attachment_add(
        actor=world.users["clerk_a"], entry=accusation, upload=upload("答复意见书.pdf", PDF), kind="reply"
    )
    client = client_as("dept_edu")
    page = client.get(f"/petitions/{accusation.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "该记录的附件对您保密" in html and "答复意见书.pdf" not in html
    assert client.get(f"/petitions/{accusation.pk}/attachments/{attachment.pk}/").status_code == 403
    assert client_as("county").get(f"/petitions/{accusation.pk}/attachments/{attachment.pk}/").status_code == 200


def test_the_admin_lists_attachments_read_only(world, client_as):
    attachment = attach(world, hazard(world))
    client = client_as("admin")
    assert "整改前.jpg" in client.get("/admin/ledger/attachment/").content.decode()
    detail = client.get(f"/admin/ledger/attachment/{attachment.pk}/change/").content.decode()
    assert attachment.file.name in detail
    assert client.post(f"/admin/ledger/attachment/{attachment.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_rectification_step_takes_the_after_photo_in_the_same_step(world, client_as):
    entry = hazard(world)
    client = client_as("grid_a")
    url = f"/hazards/{entry.pk}/do/rectify/"
    form = client.get(url).content.decode()
    assert "整改后照片（可选）" in form and 'enctype="multipart/form-data"' in form
    forged = client.post(url, {"version": entry.version, "rectified_on": "2026-03-10", "photo": upload("后.jpg", HTML)})
    assert forged.status_code == 400 and "文件“后.jpg”的内容是HTML/SVG 网页或脚本" in forged.content.decode()
    entry.refresh_from_db()
    assert entry.status == "整改中" and not Attachment.objects.exists()  # neither the step nor the photo
    done = client.post(url, {"version": entry.version, "rectified_on": "2026-03-10", "photo": jpeg("整改后.jpg")})
    assert done.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "待验收"
    assert list(Attachment.objects.values_list("kind", "original_name")) == [("after", "整改后.jpg")]
    # the accepting step offers no photo
    accept = client_as("clerk_a").get(f"/hazards/{entry.pk}/do/accept/")
    assert accept.status_code == 200 and 'name="photo"' not in accept.content.decode()


def test_the_resolution_step_takes_the_scanned_agreement_as_a_pdf(world, client_as):
    from disputes.tests.helpers import dispute

    entry = dispute(world)
    client = client_as("clerk_a")
    url = f"/disputes/{entry.pk}/do/resolve/"
    form = client.get(url).content.decode()
    assert "调解协议书（可选）" in form and 'capture="environment"' not in form
    data = {"version": entry.version, "resolved_on": "2026-03-10", "agreement_type": "书面", "agreement": "赔偿两千元"}
    assert client.post(url, {**data, "photo": upload("调解协议书（扫描）.pdf", PDF)}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == "已化解"
    assert list(Attachment.objects.values_list("kind", "original_name", "mime_type")) == [
        ("agreement", "调解协议书（扫描）.pdf", "application/pdf")
    ]
