"""现场位置示意图: a site, its fence and every check-in and photo position, to scale, with a scale bar — drawn
from coordinates alone (the machines have no internet, so no map tiles).

The plan is data (`Plan`, metres east and north of the site); web/evidence draws it as inline SVG and
services/adapters/evidence_pdf.py as a PDF drawing, so both show the same picture.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from services.adapters import geo

SIZE = 400  # the drawing is SIZE x SIZE units, the site in the middle
MARGIN = 30  # units kept free round the edge for labels
MIN_HALF_WIDTH_M = 100  # a plan never zooms closer than 200 m across
NICE_STEPS = (1, 2, 5)


@dataclass(frozen=True)
class Mark:
    """One position on the plan: a check-in (kind arrival/departure) or a photo's EXIF position (kind exif)."""

    kind: str
    label: str
    east_m: float
    north_m: float
    distance_m: float
    inside: bool


@dataclass(frozen=True)
class Plan:
    fence_m: float
    marks: tuple[Mark, ...]
    half_width_m: float  # metres from the centre to the drawable edge
    scale_bar_m: int

    @property
    def units_per_m(self) -> float:
        return (SIZE / 2 - MARGIN) / self.half_width_m

    def xy(self, east_m: float, north_m: float) -> tuple[float, float]:
        """Drawing units (y grows downwards) of a position."""
        k = self.units_per_m
        return round(SIZE / 2 + east_m * k, 1), round(SIZE / 2 - north_m * k, 1)

    @property
    def fence_r(self) -> float:
        return round(self.fence_m * self.units_per_m, 1)

    @property
    def scale_bar_units(self) -> float:
        return round(self.scale_bar_m * self.units_per_m, 1)

    @property
    def scale_bar_text(self) -> str:
        return f"{self.scale_bar_m // 1000} 公里" if self.scale_bar_m >= 1000 else f"{self.scale_bar_m} 米"


def offset_m(site: tuple[float, float], lat: float, lng: float) -> tuple[float, float]:
    """Metres east and north of `site`; bearing from the local projection, length the geodesic distance
    (exact at the distances a plan shows)."""
    east = (lng - site[1]) * math.cos(math.radians(site[0]))
    north = lat - site[0]
    length = math.hypot(east, north)
    if length == 0:
        return 0.0, 0.0
    distance = geo.distance_m(site[0], site[1], lat, lng)
    return east / length * distance, north / length * distance


def exif_position(site: tuple[float, float], lat: float, lng: float) -> tuple[float, float]:
    """A photo's EXIF position as the findings read it: WGS-84 on most phones, GCJ-02 on some; the reading
    nearer the site (services/findings/rules.py exif_distance_m) is the one drawn."""
    converted = geo.wgs84_to_gcj02(lat, lng)
    raw_d = geo.distance_m(site[0], site[1], lat, lng)
    return converted if geo.distance_m(site[0], site[1], *converted) < raw_d else (lat, lng)


def plan(fence_m: float, marks: list[Mark]) -> Plan:
    farthest = max([fence_m, *(math.hypot(m.east_m, m.north_m) for m in marks)])
    half = max(MIN_HALF_WIDTH_M, farthest * 1.15)
    return Plan(fence_m, tuple(marks), half, _nice(half / 2))


def _nice(at_most: float) -> int:
    """The largest 1, 2 or 5 × 10ⁿ metres not over `at_most`: a scale bar a reader can use."""
    power = 10 ** math.floor(math.log10(at_most))
    return int(max(step * power for step in NICE_STEPS if step * power <= at_most))
