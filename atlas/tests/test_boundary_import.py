"""导入区划边界 (the administrator's GeoJSON, /admin/atlas/boundary/import/): a valid file is stored and
audited; a malformed, oversized or unknown-code file is refused whole with a Chinese message naming the
feature; hostile property values are escaped on the page and never kept; only the administrator imports."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from atlas.geojson import normalize_code, parse_boundaries
from atlas.models import Boundary
from atlas.services import boundaries_import
from atlas.tests.helpers import county_geojson, feature, geojson_bytes, square

pytestmark = [pytest.mark.django_db]

URL = "/admin/atlas/boundary/import/"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _upload(client, data: bytes, name: str = "边界.geojson", **extra):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="application/geo+json"), **extra})


def test_the_administrator_imports_a_valid_file_and_it_is_audited(world, client_as):
    client = client_as("admin")
    assert client.get(URL).status_code == 200
    response = _upload(client, geojson_bytes(county_geojson(world)), "测试县.geojson")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/atlas/boundary/"
    assert Boundary.objects.count() == 5
    town = Boundary.objects.get(region=world.town_a)
    assert town.geometry == square(113.0, 36.0, 0.2)
    assert (town.min_lon, town.min_lat, town.max_lon, town.max_lat) == (113.0, 36.0, 113.2, 36.2)
    assert town.vertex_count == 5 and town.source == "测试县.geojson"
    record = town.history.get()
    assert (
        record.history_user == world.users["admin"] and record.history_change_reason == "导入区划边界（测试县.geojson）"
    )
    listing = client.get("/admin/atlas/boundary/").content.decode()
    assert "已导入“测试县.geojson”：新增5个、更新0个区划边界。" in listing

    # the same region again replaces its outline (no second row), audited as a change
    again = {"type": "Feature", "properties": {"code": world.town_a.code[:9]}, "geometry": square(113.0, 36.0, 0.3)}
    assert _upload(client, geojson_bytes(again)).status_code == 302
    town.refresh_from_db()
    assert Boundary.objects.count() == 5 and town.geometry == square(113.0, 36.0, 0.3)
    assert town.history.count() == 2


def test_a_file_with_6_digit_codes_an_open_ring_and_heights_is_read_as_the_map_needs_it(world):
    ring = [[113.0, 36.0, 900], [113.4, 36.0, 900], [113.4, 36.4, 900], [113.0, 36.4, 901]]  # open, with heights
    document = {
        "type": "Feature",
        "properties": {"adcode": 990121},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    result = boundaries_import(actor=world.users["admin"], data=geojson_bytes(document))
    assert result.ok and result.created == 1
    stored = Boundary.objects.get(region=world.county).geometry
    assert stored["coordinates"][0][0] == stored["coordinates"][0][-1] == [113.0, 36.0]
    assert len(stored["coordinates"][0]) == 5 and all(len(p) == 2 for p in stored["coordinates"][0])
    assert normalize_code("990121100") == "990121100000" and normalize_code("12345") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"type": "FeatureCollection", "features": [', "文件不是有效的 GeoJSON（JSON 格式错误，第1行第"),
        (b"\xff\xfe\x00garbage", "文件不是 UTF-8 编码的 GeoJSON 文本"),
        (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": NaN}]}', "不支持的数值 NaN"),
        (b'{"type": "Topology"}', "GeoJSON 顶层应为 FeatureCollection（要素集合）或 Feature（要素）"),
        (b'{"type": "FeatureCollection", "features": []}', "文件中没有任何要素"),
        (b"   ", "文件为空"),
        (b"[" * 100_000 + b"]" * 100_000, "文件不是有效的 GeoJSON"),
    ],
)
def test_a_malformed_file_is_refused_with_a_chinese_message_and_nothing_written(world, client_as, data, message):
    response = _upload(client_as("admin"), data)
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert any(message in e for e in errors), errors
    assert "文件未导入" in response.content.decode()
    assert not Boundary.objects.exists()


def test_feature_errors_name_the_feature_and_refuse_the_whole_file(world, client_as):
    point = {"type": "Point", "coordinates": [113.0, 36.0]}
    document = {
        "type": "FeatureCollection",
        "features": [
            feature(world.town_a.code, square(113.0, 36.0)),  # valid, yet not stored: the file is refused whole
            feature(world.town_b.code, point),
            {"type": "Feature", "properties": {"名称": "无代码"}, "geometry": square(0, 0)},
            feature("990121999000", square(113.0, 36.0)),
            feature(
                world.village_a.code, {"type": "Polygon", "coordinates": [[[200, 36], [113, 36], [113, 37], [200, 36]]]}
            ),
            feature(world.village_a2.code, {"type": "Polygon", "coordinates": [[[113, 36], [113.1, 36]]]}),
            feature(world.town_a.code, square(113.0, 36.0)),
            feature("99-01", square(113.0, 36.0)),
        ],
    }
    response = _upload(client_as("admin"), geojson_bytes(document))
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert "第2个要素（区划代码990121101000）：几何类型应为 Polygon 或 MultiPolygon（当前为“Point”）。" in errors
    assert any(e.startswith("第3个要素：缺少区划代码属性（区划代码、code、adcode") for e in errors)
    assert any(e.startswith("第5个要素（区划代码990121100200）：多边形第1个环的坐标超出经纬度范围") for e in errors)
    assert "第6个要素（区划代码990121100001）：多边形第1个环至少需要3个不同的顶点。" in errors
    assert "第7个要素（区划代码990121100000）：与第1个要素的区划代码重复。" in errors
    assert "第8个要素：区划代码“99-01”格式不正确（应为6、9、12或15位数字）。" in errors
    assert not Boundary.objects.exists()
    # a code no region has is found once the file itself reads well
    unknown = {"type": "FeatureCollection", "features": [feature("990121999000", square(113.0, 36.0))]}
    errors = _upload(client_as("admin"), geojson_bytes(unknown)).context["result"].errors
    assert errors == ["第1个要素：区划代码“990121999000”在系统中不存在，请先导入行政区划。"]


def test_an_oversized_file_is_refused_before_it_is_read(world, client_as, settings):
    settings.ATLAS_GEOJSON_MAX_MB = 1
    document = county_geojson(world)
    document["features"][0]["properties"]["备注"] = "长" * (1024 * 1024)
    data = geojson_bytes(document)
    assert len(data) > 1024 * 1024
    response = _upload(client_as("admin"), data)
    assert response.status_code == 400
    assert "文件过大（3.0 MB），GeoJSON 文件最大 1 MB。" in response.content.decode()
    assert not Boundary.objects.exists()
    # the service checks the size too (the command line, a script)
    result = boundaries_import(actor=None, data=data)
    assert result.errors == ["文件过大（3.0 MB），GeoJSON 文件最大 1 MB。"]


def test_too_many_features_or_vertices_are_refused(world, monkeypatch):
    from atlas import geojson

    monkeypatch.setattr(geojson, "MAX_FEATURES", 3)
    assert parse_boundaries(geojson_bytes(county_geojson(world))).errors == [
        "要素过多（5个），一个文件最多 3 个，请分批导入。"
    ]
    monkeypatch.setattr(geojson, "MAX_FEATURES", 5000)
    monkeypatch.setattr(geojson, "MAX_VERTICES", 12)
    assert parse_boundaries(geojson_bytes(county_geojson(world))).errors == [
        "坐标点过多（超过 12 个），请先简化边界或分批导入。"
    ]


def test_hostile_property_values_are_escaped_on_the_page_and_never_kept(world, client_as):
    client = client_as("admin")
    bad = {"type": "FeatureCollection", "features": [feature(HOSTILE, square(113, 36))]}
    page = _upload(client, geojson_bytes(bad)).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x" in page  # shown, as text
    property_bad = {
        "type": "FeatureCollection",
        "features": [feature(world.town_a.code, square(113, 36), name=HOSTILE, 备注=HOSTILE)],
    }
    assert _upload(client, geojson_bytes(property_bad), code_property="区划代码").status_code == 302
    stored = Boundary.objects.get(region=world.town_a)
    assert HOSTILE not in json.dumps(stored.geometry, ensure_ascii=False)
    # the map shows the region's own name, never the file's
    data = client_as("county").get("/map/data/").content.decode()
    assert "alert" not in data and "甲镇" in data
    named = {"type": "Feature", "properties": {"编码": HOSTILE}, "geometry": square(113, 36)}
    page = _upload(client, geojson_bytes(named), code_property="编码").content.decode()
    assert "第1个要素：区划代码“&lt;script&gt;" in page


def test_only_the_administrator_imports(world, client_as):
    data = geojson_bytes(county_geojson(world))
    for role in ("clerk_a", "county", "dept_edu", "grid_a"):
        response = _upload(client_as(role), data)
        assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login/"), role
        with pytest.raises(PermissionDenied):
            boundaries_import(actor=world.users[role], data=data)
    assert not Boundary.objects.exists()


def test_the_administrator_deletes_a_boundary_audited(world, client_as):
    boundaries_import(actor=world.users["admin"], data=geojson_bytes(county_geojson(world)))
    boundary = Boundary.objects.get(region=world.town_b)
    client = client_as("admin")
    response = client.post(f"/admin/atlas/boundary/{boundary.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Boundary.objects.filter(region=world.town_b).exists()
    last = Boundary.history.filter(region_id=world.town_b.pk).order_by("-history_id").first()
    assert last.history_type == "-" and last.history_user == world.users["admin"]
    assert last.history_change_reason == "删除“乙镇”的区划边界"
