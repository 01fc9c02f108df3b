"""What an uploaded attachment really is: its type read from its content, its safe name, its digest.

A browser's file name and Content-Type are claims, not facts: the type is taken from the file's first
bytes (JPEG, PNG, WEBP, HEIC, PDF) and an image must also open and decode with Pillow; a name whose
extension claims another type (a PDF or an HTML page named 照片.jpg) is refused. The name is kept
only as a label (the stored file is named by a random key), cleaned of paths, control and direction
characters, and shortened. Every refusal is a ValidationError in Chinese naming the file.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat


@dataclass(frozen=True)
class FileType:
    label: str  # what the messages call it
    mime: str
    extensions: tuple[str, ...]  # the first is the one a stored file gets
    pillow_format: str | None = None  # set when Pillow must open and decode it (and can thumbnail it)


JPEG = FileType("JPG 图片", "image/jpeg", (".jpg", ".jpeg", ".jfif"), "JPEG")
PNG = FileType("PNG 图片", "image/png", (".png",), "PNG")
WEBP = FileType("WEBP 图片", "image/webp", (".webp",), "WEBP")
# iPhones save HEIC: recognised by its ISO box header; Pillow cannot decode it without a plug-in, so
# it is kept as uploaded, without a thumbnail.
HEIC = FileType("HEIC 图片", "image/heic", (".heic", ".heif"))
PDF = FileType("PDF 文件", "application/pdf", (".pdf",))
ALLOWED = (JPEG, PNG, WEBP, HEIC, PDF)
ALLOWED_TEXT = "JPG、PNG、WEBP、HEIC 图片或 PDF 文件"
#: for <input accept=…>: a hint to the browser only, the server decides by content
ACCEPT = ",".join([ext for t in ALLOWED for ext in t.extensions] + ["image/*", "application/pdf"])

_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_UNSAFE = re.compile(r'[<>:"|?*/\\]')


def sniff(head: bytes) -> FileType | None:
    """The allowed type these first bytes begin, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return HEIC
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def describe(head: bytes) -> str:
    """What a refused file looks like, for the message (“内容是 HTML 网页”)."""
    text = head[:512].lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")):
        return "HTML/SVG 网页或脚本"
    if head.startswith(b"PK\x03\x04"):
        return "压缩包或 Office 文档"
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        return "可执行程序"
    if head.startswith(b"GIF8"):
        return "GIF 图片"
    return ""


def size_text(size: int) -> str:
    """10.0 MB, with a plain space (filesizeformat's no-break space reads oddly in a message)."""
    return filesizeformat(size).replace("\xa0", " ")


def clean_filename(raw: str, max_chars: int | None = None) -> str:
    """A name safe to show and to send back in Content-Disposition: the last path part, without
    control, format (RTL override, zero-width) or private-use characters, reserved punctuation or
    leading/trailing dots and spaces, at most ``max_chars`` characters with its extension kept."""
    max_chars = max_chars or settings.ATTACHMENT_NAME_MAX_CHARS
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(ch) == "Zs" else ch
        for ch in name
        if not unicodedata.category(ch).startswith("C") and unicodedata.category(ch) not in ("Zl", "Zp")
    )
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, ext = os.path.splitext(name)
    if len(ext) > 10 or not re.fullmatch(r"\.[0-9A-Za-z]+", ext or ".x"):
        stem, ext = name, ""
    stem = stem.strip(" .")[: max(1, max_chars - len(ext))].rstrip(" .")
    return (stem or "附件") + ext.lower()


@dataclass(frozen=True)
class Inspected:
    name: str  # the cleaned original name, with the extension of its real type
    type: FileType
    size: int
    sha256: str

    @property
    def is_image(self) -> bool:
        return self.type.mime.startswith("image/")


def inspect_upload(upload) -> Inspected:
    """Check an uploaded file (size, real type, an image that decodes); raise ValidationError naming it.

    The result is kept on the upload: the form's clean and the service (attachment_add) both ask, and
    the file is read, decoded and hashed once."""
    found = getattr(upload, "_sanzero_inspected", None)
    if found is None:
        found = upload._sanzero_inspected = _inspect(upload)
    return found


def _inspect(upload) -> Inspected:
    name = clean_filename(getattr(upload, "name", ""))
    size = upload.size or 0
    limit = settings.ATTACHMENT_MAX_BYTES
    if size == 0:
        raise ValidationError(f"文件“{name}”是空文件，请重新选择。", code="empty")
    if size > limit:
        raise ValidationError(
            f"文件“{name}”大小为 {size_text(size)}，超过单个附件上限 {size_text(limit)}。",
            code="too_big",
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    found = sniff(head)
    if found is None:
        what = describe(head)
        raise ValidationError(
            f"文件“{name}”{'的内容是' + what + '，' if what else '不是允许的类型：'}只能上传{ALLOWED_TEXT}（按文件内容判断，不看扩展名）。",
            code="type",
        )
    stem, ext = os.path.splitext(name)
    if ext and ext not in found.extensions:
        raise ValidationError(
            f"文件“{name}”的扩展名是 {ext}，但内容是{found.label}：文件可能被改名或伪造，请核对后重新上传。",
            code="mismatch",
        )
    if not ext:
        name = clean_filename(stem + found.extensions[0])
    if found.pillow_format:
        _check_image(upload, found, name)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return Inspected(name=name, type=found, size=size, sha256=digest.hexdigest())


def _check_image(upload, found: FileType, name: str) -> None:
    from PIL import Image

    broken = ValidationError(f"文件“{name}”不是完整有效的{found.label}（文件已损坏或不完整），请重新拍摄或导出。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format != found.pillow_format:
                    raise broken
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:  # verify() leaves the image unusable; decode it for real
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(f"文件“{name}”的像素尺寸过大，不像是照片，请缩小后重新上传。") from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds (OSError, SyntaxError, ValueError…) on bad data
        raise broken from None
    finally:
        upload.seek(0)


THUMBNAIL_PIXELS = 320


def thumbnail_of(upload) -> bytes | None:
    """A small JPEG of an image (turned upright by its EXIF orientation), or None if it cannot be made."""
    from PIL import Image, ImageOps

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, "white")
                background.paste(image, mask=image.getchannel("A"))
                image = background
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80)
            return out.getvalue()
    except Exception:  # noqa: BLE001 - a thumbnail is a convenience; the checked original stays
        return None
    finally:
        upload.seek(0)
