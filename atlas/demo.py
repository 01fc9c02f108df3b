"""The demo county's geography (seed_demo): invented outlines for 青石县, its townships and villages, and
coordinates for its subjects, so that the 一张图 has something to draw. Nothing here is a real place.

The county is a lattice of village cells with jittered, shared corners and wavy shared edges; a
township is the union of a block of cells, the county the union of all. The outlines go in through
the same import as an administrator's GeoJSON file (atlas.services.boundaries_import).
"""

from __future__ import annotations

import json
import random

from units.models import Region, RegionLevel, Subject

#: townships laid out TOWN_COLS × (count / TOWN_COLS); each township a BLOCK_COLS × BLOCK_ROWS block
TOWN_COLS = 5
BLOCK_COLS, BLOCK_ROWS = 3, 5
#: the lattice's south-west corner and a cell's size, in degrees (an invented spot)
ORIGIN = (112.62, 36.02)
CELL = (0.034, 0.027)
#: share of subjects left without coordinates (as a real register would have)
UNLOCATED_SHARE = 0.03


class Lattice:
    """Corners (i, j) jittered once; each edge between neighbours a wavy polyline shared by both cells."""

    def __init__(self, cols: int, rows: int, rng: random.Random):
        self.rng = rng
        self.corners = {}
        for i in range(cols + 1):
            for j in range(rows + 1):
                jx, jy = (rng.uniform(-0.28, 0.28), rng.uniform(-0.28, 0.28))
                self.corners[(i, j)] = (
                    round(ORIGIN[0] + (i + jx) * CELL[0], 6),
                    round(ORIGIN[1] + (j + jy) * CELL[1], 6),
                )
        self.edges: dict[tuple, list] = {}

    def edge(self, a: tuple, b: tuple) -> list[tuple[float, float]]:
        """The points from corner a to corner b (both included), the same points whichever way asked."""
        key = (min(a, b), max(a, b))
        if key not in self.edges:
            (x0, y0), (x1, y1) = self.corners[key[0]], self.corners[key[1]]
            dx, dy = x1 - x0, y1 - y0
            points = [(x0, y0)]
            for t in (1 / 3, 2 / 3):
                wobble = self.rng.uniform(-0.1, 0.1)
                points.append((round(x0 + dx * t - dy * wobble, 6), round(y0 + dy * t + dx * wobble, 6)))
            points.append((x1, y1))
            self.edges[key] = points
        points = self.edges[key]
        return points if key[0] == a else list(reversed(points))

    def cell_segments(self, i: int, j: int) -> list[tuple]:
        """The cell's outline as directed segments, counter-clockwise."""
        corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
        segments = []
        for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
            path = self.edge(a, b)
            segments.extend(zip(path, path[1:], strict=False))
        return segments

    def union(self, cells) -> list[list[float]]:
        """The outline of a block of cells: the segments no two cells share, chained into one ring."""
        segments = set()
        for i, j in cells:
            for seg in self.cell_segments(i, j):
                reverse = (seg[1], seg[0])
                if reverse in segments:
                    segments.discard(reverse)
                else:
                    segments.add(seg)
        following = dict(segments)
        start = min(following)
        ring, point = [start], following[start]
        while point != start:
            ring.append(point)
            point = following[point]
        ring.append(start)
        return [list(p) for p in ring]

    def point_in(self, i: int, j: int, rng: random.Random, spread: float = 0.35) -> tuple[float, float]:
        """A point inside cell (i, j): the corners blended at (u, v) near the middle."""
        u, v = rng.uniform(0.5 - spread, 0.5 + spread), rng.uniform(0.5 - spread, 0.5 + spread)
        (x00, y00), (x10, y10) = self.corners[(i, j)], self.corners[(i + 1, j)]
        (x01, y01), (x11, y11) = self.corners[(i, j + 1)], self.corners[(i + 1, j + 1)]
        x = (1 - u) * (1 - v) * x00 + u * (1 - v) * x10 + (1 - u) * v * x01 + u * v * x11
        y = (1 - u) * (1 - v) * y00 + u * (1 - v) * y10 + (1 - u) * v * y01 + u * v * y11
        return round(x, 6), round(y, 6)


def _polygon(ring) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def seed(*, rng, subjects, year, users, today):
    from units.demo import COUNTY_CODE

    from .services import boundaries_import

    county = Region.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return {}
    townships = list(Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP).order_by("code"))
    town_rows = -(-len(townships) // TOWN_COLS)
    lattice = Lattice(TOWN_COLS * BLOCK_COLS, town_rows * BLOCK_ROWS, rng)
    features = []
    cells_of_town: dict[int, list] = {}
    cell_of_village: dict[int, tuple] = {}
    for n, town in enumerate(townships):
        ti, tj = n % TOWN_COLS, town_rows - 1 - n // TOWN_COLS  # first townships in the north
        block = [
            (ti * BLOCK_COLS + c, tj * BLOCK_ROWS + r) for r in reversed(range(BLOCK_ROWS)) for c in range(BLOCK_COLS)
        ]
        cells_of_town[town.pk] = block
        features.append({"properties": {"区划代码": town.code}, "geometry": _polygon(lattice.union(block))})
        villages = list(Region.objects.filter(parent=town).order_by("code"))
        for village, cell in zip(villages, block, strict=False):
            cell_of_village[village.pk] = cell
            features.append({"properties": {"区划代码": village.code}, "geometry": _polygon(lattice.union([cell]))})
    all_cells = [c for block in cells_of_town.values() for c in block]
    features.append({"properties": {"区划代码": county.code}, "geometry": _polygon(lattice.union(all_cells))})
    document = {"type": "FeatureCollection", "features": [{"type": "Feature", **f} for f in features]}
    result = boundaries_import(actor=None, data=json.dumps(document).encode(), filename="青石县演示边界.geojson")
    assert result.ok, result.errors

    located = []
    for subject in Subject.objects.filter(region__code__startswith=county.prefix).only(
        "pk", "region_id", "village_region_id"
    ):
        if subject.village_region_id is None and rng.random() < UNLOCATED_SHARE:
            continue
        cell = cell_of_village.get(subject.region_id)
        spread = 0.12 if subject.village_region_id else 0.38
        if cell is None:  # a unit registered at its township: anywhere in the township
            block = cells_of_town.get(subject.region_id)
            if not block:
                continue
            cell = rng.choice(block)
        subject.longitude, subject.latitude = lattice.point_in(*cell, rng, spread)
        located.append(subject)
    Subject.objects.bulk_update(located, ["longitude", "latitude"], batch_size=1000)
    return {"区划边界": len(features), "主体坐标": len(located)}
