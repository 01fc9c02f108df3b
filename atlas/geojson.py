"""Reading an administrator's GeoJSON file of region boundaries: every problem as a Chinese message that
names the feature (第N个要素), nothing trusted from the file but its geometry and the division code.

A file is a FeatureCollection (or one Feature) of Polygon / MultiPolygon features in decimal degrees,
each naming its region by a division code in its properties: 区划代码, code, adcode, … (CODE_KEYS, or
the property the administrator names). 6-, 9- and 12-digit codes are read as the 12-digit code padded
with zeros (140402 → 140402000000). Rings are closed if the file left them open; coordinates are
rounded to 6 decimals (about 0.1 m) and a third (height) value is dropped.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from django.conf import settings

#: the property names a division code is looked for under, in this order
CODE_KEYS = ("区划代码", "code", "adcode", "CODE", "ADCODE", "XZQDM", "xzqdm", "QHDM", "qhdm", "gb", "GB")
#: at most this many features in one file
MAX_FEATURES = 5000
#: at most this many coordinate pairs in one file (a county's villages at survey precision fit easily)
MAX_VERTICES = 2_000_000
#: errors listed at most; the rest are counted
MAX_ERRORS = 50
#: what a value from the file may show in a message: at most this many characters
SHOWN_LENGTH = 40


def max_bytes() -> int:
    return int(getattr(settings, "ATLAS_GEOJSON_MAX_MB", 20)) * 1024 * 1024


@dataclass
class Outline:
    """One feature's boundary, ready to store."""

    number: int  # 第N个要素 (1-based)
    code: str  # the 12-digit (or 15-digit grid) division code
    geometry: dict
    vertex_count: int
    bbox: tuple[float, float, float, float]


@dataclass
class ParsedFile:
    outlines: list[Outline] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    more_errors: int = 0

    def error(self, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)
        else:
            self.more_errors += 1

    @property
    def ok(self) -> bool:
        return not self.errors


class GeometryInvalid(Exception):
    pass


def shown(value) -> str:
    """A value of the file as a message quotes it: text, cut short (escaped where it is displayed)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "…"


def normalize_code(value) -> str | None:
    """A division code from a property value (text or a whole number), padded to 12 digits; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    code = value.strip()
    if not (code.isascii() and code.isdigit()):
        return None
    if len(code) in (2, 4, 6, 9):
        return code.ljust(12, "0")
    if len(code) in (12, 15):
        return code
    return None


def _position(raw, where: str) -> list[float]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise GeometryInvalid(f"{where}的坐标应为[经度, 纬度]数组")
    lon, lat = raw[0], raw[1]
    for value in (lon, lat):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise GeometryInvalid(f"{where}的坐标应为数字（当前为{shown(raw)}）")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeometryInvalid(f"{where}的坐标超出经纬度范围（经度-180到180，纬度-90到90；当前为{shown(raw)}）")
    return [round(float(lon), 6), round(float(lat), 6)]


def _ring(raw, where: str) -> list[list[float]]:
    if not isinstance(raw, list):
        raise GeometryInvalid(f"{where}应为坐标数组")
    ring = [_position(p, where) for p in raw]
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))  # close a ring the file left open
    if len(ring) < 4:
        raise GeometryInvalid(f"{where}至少需要3个不同的顶点")
    return ring


def _polygon(raw, where: str) -> list[list[list[float]]]:
    if not isinstance(raw, list) or not raw:
        raise GeometryInvalid(f"{where}应为由环组成的数组")
    return [_ring(r, f"{where}第{i}个环") for i, r in enumerate(raw, 1)]


def read_geometry(raw) -> dict:
    """The stored form of a GeoJSON geometry, or GeometryInvalid with the reason."""
    if not isinstance(raw, dict):
        raise GeometryInvalid("缺少几何（geometry）")
    kind = raw.get("type")
    coordinates = raw.get("coordinates")
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": _polygon(coordinates, "多边形")}
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryInvalid("MultiPolygon 应为由多边形组成的数组")
        return {
            "type": "MultiPolygon",
            "coordinates": [_polygon(p, f"第{i}个多边形") for i, p in enumerate(coordinates, 1)],
        }
    return_kind = shown(kind) if kind is not None else "空"
    raise GeometryInvalid(f"几何类型应为 Polygon 或 MultiPolygon（当前为“{return_kind}”）")


def _positions(geometry: dict):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        for ring in polygon:
            yield from ring


def _reject_constant(name: str):
    raise ValueError(f"不支持的数值 {name}")


def _load(data: bytes, parsed: ParsedFile):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed.error("文件不是 UTF-8 编码的 GeoJSON 文本，请以 UTF-8 编码另存后再导入。")
        return None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        parsed.error(f"文件不是有效的 GeoJSON（JSON 格式错误，第{exc.lineno}行第{exc.colno}列附近）。")
    except ValueError as exc:
        parsed.error(f"文件不是有效的 GeoJSON（{exc}）。")
    except RecursionError:
        parsed.error("文件不是有效的 GeoJSON（嵌套层级过深）。")
    return None


def parse_boundaries(data: bytes, *, code_property: str = "") -> ParsedFile:
    """Every feature of the file as an Outline, or the reasons it cannot be imported (``errors``)."""
    parsed = ParsedFile()
    limit = max_bytes()
    if len(data) > limit:
        parsed.error(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），GeoJSON 文件最大 {limit // 1024 // 1024} MB。")
        return parsed
    if not data.strip():
        parsed.error("文件为空。")
        return parsed
    document = _load(data, parsed)
    if not parsed.ok:
        return parsed
    if isinstance(document, dict) and document.get("type") == "Feature":
        features = [document]
    elif isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            parsed.error("FeatureCollection 缺少要素数组（features）。")
            return parsed
    else:
        parsed.error("GeoJSON 顶层应为 FeatureCollection（要素集合）或 Feature（要素）。")
        return parsed
    if not features:
        parsed.error("文件中没有任何要素。")
        return parsed
    if len(features) > MAX_FEATURES:
        parsed.error(f"要素过多（{len(features)}个），一个文件最多 {MAX_FEATURES} 个，请分批导入。")
        return parsed
    keys = (code_property,) if code_property else CODE_KEYS
    seen: dict[str, int] = {}
    vertices = 0
    for number, feature in enumerate(features, 1):
        label = f"第{number}个要素"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            parsed.error(f"{label}：不是 GeoJSON 要素（Feature）。")
            continue
        properties = feature.get("properties")
        if not isinstance(properties, dict):
            properties = {}
        present = [k for k in keys if properties.get(k) not in (None, "")]
        if not present:
            wanted = (
                f"属性“{shown(code_property)}”" if code_property else "区划代码属性（" + "、".join(CODE_KEYS) + "）"
            )
            parsed.error(f"{label}：缺少{wanted}。")
            continue
        raw_code = properties[present[0]]
        code = normalize_code(raw_code)
        if code is None:
            parsed.error(f"{label}：区划代码“{shown(raw_code)}”格式不正确（应为6、9、12或15位数字）。")
            continue
        label = f"{label}（区划代码{code}）"
        if code in seen:
            parsed.error(f"{label}：与第{seen[code]}个要素的区划代码重复。")
            continue
        seen[code] = number
        try:
            geometry = read_geometry(feature.get("geometry"))
        except GeometryInvalid as exc:
            parsed.error(f"{label}：{exc}。")
            continue
        positions = list(_positions(geometry))
        vertices += len(positions)
        if vertices > MAX_VERTICES:
            parsed.error(f"坐标点过多（超过 {MAX_VERTICES:,} 个），请先简化边界或分批导入。")
            return parsed
        lons = [p[0] for p in positions]
        lats = [p[1] for p in positions]
        parsed.outlines.append(
            Outline(number, code, geometry, len(positions), (min(lons), min(lats), max(lons), max(lats)))
        )
    return parsed
