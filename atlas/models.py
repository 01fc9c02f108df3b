"""Region boundaries for the 一张图 map (imported by the administrator as GeoJSON)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from sanzero.scoping import ScopedQuerySet


class Boundary(models.Model):
    """The outline of one region: a GeoJSON Polygon or MultiPolygon in decimal degrees, as imported
    (rings closed, coordinates rounded to 6 decimals). Nothing else of the imported file is kept: its
    feature properties (names, notes) never reach a page; the region's own name is shown."""

    scope_region_path = "region"
    scope_department_path = None

    region = models.OneToOneField(
        "units.Region", verbose_name="区划", on_delete=models.CASCADE, related_name="boundary"
    )
    geometry = models.JSONField("边界几何")
    vertex_count = models.PositiveIntegerField("坐标点数")
    # the outline's extent, for the map's initial view
    min_lon = models.FloatField("最小经度")
    min_lat = models.FloatField("最小纬度")
    max_lon = models.FloatField("最大经度")
    max_lat = models.FloatField("最大纬度")
    source = models.CharField("来源文件", max_length=200, blank=True)
    imported_at = models.DateTimeField("导入时间")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # who imported or removed which region's outline, when, from which file (the geometry itself is
    # left out of the history: a county's outlines would fill it)
    history = HistoricalRecords(excluded_fields=["geometry"])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "区划边界"
        verbose_name_plural = "区划边界"
        ordering = ["region__code"]

    def __str__(self) -> str:
        return f"{self.region}的边界"
