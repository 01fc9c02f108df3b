"""Pinyin initials of a name (甲镇中心学校 → jzzxxx), stored beside subject and region names so a
picker finds a subject by what a clerk types on a keyboard without switching the input method."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

INITIALS_MAX_LENGTH = 100


def name_initials(name: str) -> str:
    """Lower-case initials of the Han characters; ASCII letters and digits kept, anything else dropped.

    pypinyin takes the most frequent reading of a polyphonic character (with its phrase dictionary),
    so a rare reading (长治 read zhang) gives other initials than a person would type.
    """
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(
        unicodedata.normalize("NFKC", name or ""), style=Style.FIRST_LETTER, errors="default", strict=False
    )
    text = "".join(parts).lower()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())[:INITIALS_MAX_LENGTH]


def fill_initials(objects: Iterable) -> list:
    """Set ``name_initials`` on regions or subjects about to be bulk-created (bulk_create skips save())."""
    objects = list(objects)
    for obj in objects:
        obj.name_initials = name_initials(obj.name)
    return objects
