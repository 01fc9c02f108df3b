"""What an upload really is (ledger.attachments): the type from the content, a safe name, the limits."""

import pytest
from django.core.exceptions import ValidationError

from ledger.attachments import HEIC as HEIC_TYPE
from ledger.attachments import JPEG, PNG, WEBP, clean_filename, inspect_upload
from ledger.attachments import PDF as PDF_TYPE

from .attachment_files import HEIC, HTML, PDF, image_bytes, upload


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("现场.jpg", image_bytes("JPEG"), JPEG),
        ("现场.JPEG", image_bytes("JPEG"), JPEG),
        ("截图.png", image_bytes("PNG"), PNG),
        ("手机.webp", image_bytes("WEBP"), WEBP),
        ("苹果手机.heic", HEIC, HEIC_TYPE),
        ("调解协议书.pdf", PDF, PDF_TYPE),
    ],
)
def test_allowed_types_are_recognised_by_their_content(settings, name, content, found):
    info = inspect_upload(upload(name, content, "application/octet-stream"))  # the browser's claim is ignored
    assert info.type == found
    assert info.size == len(content) and len(info.sha256) == 64


def test_a_file_without_extension_gets_the_one_of_its_content():
    assert inspect_upload(upload("IMG_0001", image_bytes("PNG"))).name == "IMG_0001.png"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        (
            "照片.jpg",
            HTML,
            ["文件“照片.jpg”的内容是HTML/SVG 网页或脚本", "只能上传JPG、PNG、WEBP、HEIC 图片或 PDF 文件"],
        ),
        ("照片.jpg", PDF, ["文件“照片.jpg”的扩展名是 .jpg，但内容是PDF 文件", "伪造"]),
        ("协议书.pdf", image_bytes("JPEG"), ["扩展名是 .pdf，但内容是JPG 图片"]),
        ("说明.txt", "纯文本".encode(), ["文件“说明.txt”不是允许的类型"]),
        ("病毒.exe", b"MZ\x90\x00" + b"\x00" * 60, ["内容是可执行程序"]),
        ("动图.gif", b"GIF89a" + b"\x00" * 20, ["内容是GIF 图片"]),
        ("残缺.jpg", image_bytes("JPEG")[:120], ["文件“残缺.jpg”不是完整有效的JPG 图片"]),
        ("空.png", b"", ["文件“空.png”是空文件"]),
    ],
)
def test_forged_broken_and_unknown_files_are_refused_naming_the_file(name, content, words):
    with pytest.raises(ValidationError) as refused:
        inspect_upload(upload(name, content))
    message = " ".join(refused.value.messages)
    for word in words:
        assert word in message, message


def test_a_file_over_the_size_limit_is_refused_with_both_sizes(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    content = image_bytes("PNG", size=(300, 300), colour=None) + b"\x00" * 2048
    with pytest.raises(ValidationError) as refused:
        inspect_upload(upload("大图.png", content))
    (message,) = refused.value.messages
    assert message.startswith("文件“大图.png”大小为 ") and "超过单个附件上限 1.0 KB" in message, message


def test_a_decompression_bomb_is_refused(monkeypatch):
    from PIL import Image

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # a 40×30 photo is "too many pixels" here
    with pytest.raises(ValidationError) as refused:
        inspect_upload(upload("炸弹.png", image_bytes("PNG")))
    assert "像素尺寸过大" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\王\\桌面\\照片.JPG", "照片.jpg"),
        ("照\x00片.jpg", "照片.jpg"),
        ("\u202egpj.exe.png", "gpj.exe.png"),  # the right-to-left override that makes it read “png.exe.jpg”
        ("协议\u200b书.pdf", "协议书.pdf"),
        ('a<b>:"c|?*.pdf', "a_b___c___.pdf"),
        ("...", "附件"),
        ("  .hidden.png ", "hidden.png"),
        ("", "附件"),
        ("全角\u3000空格.png", "全角 空格.png"),
    ],
)
def test_hostile_names_are_cleaned(raw, clean):
    assert clean_filename(raw) == clean


def test_a_very_long_name_is_cut_keeping_its_extension(settings):
    name = clean_filename("很" * 300 + ".pdf")
    assert len(name) == settings.ATTACHMENT_NAME_MAX_CHARS and name.endswith("很.pdf")
