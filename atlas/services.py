"""Writes of the 一张图: importing region boundaries (the administrator's GeoJSON) and removing one."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from sanzero.scoping import user_may
from sanzero.services import audited_delete, audited_save, require

from .geojson import parse_boundaries, shown
from .models import Boundary

ROLE_MESSAGE = "只有系统管理员可以导入或删除区划边界。"


@dataclass
class BoundaryImport:
    """What an import did, or why it did nothing (``errors``: 第N个要素…, in Chinese)."""

    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _may_import(actor) -> bool:
    return actor is None or user_may(actor, Boundary, "change")


@transaction.atomic
def boundaries_import(*, actor, data: bytes, filename: str = "", code_property: str = "") -> BoundaryImport:
    """Store the outlines of a GeoJSON file: every feature's region gets (or replaces) its boundary.

    All or nothing: a malformed or oversized file, a feature without a known division code or with a
    bad geometry refuses the whole file with every reason, and nothing is written. Each stored or
    replaced boundary is audited with the actor and the file's name.
    """
    from units.models import Region

    require(_may_import(actor), ROLE_MESSAGE)
    result = BoundaryImport()
    parsed = parse_boundaries(data, code_property=code_property.strip())
    result.errors, result.more_errors = list(parsed.errors), parsed.more_errors
    if not parsed.ok:
        return result
    codes = [o.code for o in parsed.outlines]
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    for outline in parsed.outlines:
        if outline.code not in regions:
            result.errors.append(
                f"第{outline.number}个要素：区划代码“{shown(outline.code)}”在系统中不存在，请先导入行政区划。"
            )
    if result.errors:
        return result
    existing = {b.region_id: b for b in Boundary.objects.filter(region__in=regions.values())}
    now = timezone.now()
    source = (filename or "")[:200]
    reason = f"导入区划边界（{source}）" if source else "导入区划边界"
    for outline in parsed.outlines:
        region = regions[outline.code]
        boundary = existing.get(region.pk) or Boundary(region=region)
        if boundary.pk:
            result.updated += 1
        else:
            result.created += 1
        boundary.geometry = outline.geometry
        boundary.vertex_count = outline.vertex_count
        boundary.min_lon, boundary.min_lat, boundary.max_lon, boundary.max_lat = outline.bbox
        boundary.source = source
        boundary.imported_at = now
        boundary.imported_by = actor if getattr(actor, "is_authenticated", False) else None
        audited_save(boundary, actor=actor, reason=reason)
    return result


@transaction.atomic
def boundary_delete(*, actor, boundary: Boundary) -> None:
    """Remove a region's outline (the map then draws the region without it), audited."""
    require(_may_import(actor), ROLE_MESSAGE)
    audited_delete(boundary, actor=actor, reason=f"删除“{boundary.region.name}”的区划边界")
