"""Make directory/data/world_map.json, the country shapes of the /browse map, from Natural Earth's 1:110m
countries as the npm package world-atlas ships them (TopoJSON; Natural Earth is public domain, world-atlas
ISC). Run once when the shapes should change, never at run time:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python tools/world_map.py package/countries-110m.json

Countries are projected with the Equal Earth projection (areas true to size), simplified to about a pixel
of a 1000-pixel-wide map and written as SVG path data keyed by ISO 3166-1 alpha-2 code. Antarctica is left
out (no universities) and so are the few shapes without an ISO code (e.g. Northern Cyprus, Somaliland).
"""
import json
import math
import sys
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parents[1] / "directory" / "data" / "world_map.json"
WIDTH = 1000
TOLERANCE = 0.7  # pixels: finer detail than this is not drawn
A1, A2, A3, A4, M = 1.340264, -0.081106, 0.000893, 0.003796, math.sqrt(3) / 2


def equal_earth(longitude, latitude):
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(M * math.sin(phi))
    t2, t6 = theta * theta, theta ** 6
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, -y


def decoded_arcs(topology):
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring, arcs):
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return unwrapped(points)


def unwrapped(points):
    """A ring that crosses the antimeridian (Fiji, eastern Russia) would be drawn as a line across the whole
    map: its points on the far side move to the side where most of it lies, held at the map's edge."""
    if not any(abs(a[0] - b[0]) > 180 for a, b in zip(points, points[1:])):
        return points
    east = sum(lon > 0 for lon, _lat in points) * 2 >= len(points)
    return [(180.0 if east and lon < 0 else -180.0 if not east and lon > 0 else lon, lat) for lon, lat in points]


def simplified(points, tolerance):
    """Douglas-Peucker (a closed ring measures from its first point)."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    length = math.hypot(x2 - x1, y2 - y1)
    far, index = 0.0, 0
    for i, (x, y) in enumerate(points[1:-1], 1):
        if length:
            distance = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length
        else:
            distance = math.hypot(x - x1, y - y1)
        if distance > far:
            far, index = distance, i
    if far <= tolerance:
        return [points[0], points[-1]]
    return simplified(points[: index + 1], tolerance)[:-1] + simplified(points[index:], tolerance)


def path_data(rings):
    """Rings of pixel points as compact SVG path data: whole pixels, relative moves."""
    parts = []
    for ring in rings:
        coords = [(round(x), round(y)) for x, y in ring]
        coords = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
        if len(coords) < 4:
            continue
        (x0, y0), steps = coords[0], []
        for (ax, ay), (bx, by) in zip(coords, coords[1:]):
            steps.append(f"{bx - ax} {by - ay}")
        parts.append(f"M{x0} {y0}l" + " ".join(steps) + "z")
    return "".join(parts).replace(" -", "-")


def main(source):
    topology = json.loads(Path(source).read_text(encoding="utf-8"))
    arcs = decoded_arcs(topology)
    scale = WIDTH / (2 * equal_earth(180, 0)[0])
    shapes = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        country = pycountry.countries.get(numeric=geometry.get("id") or "000")
        if country is None or country.alpha_2 == "AQ":
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = []
        for polygon in polygons:
            for ring in polygon:
                projected = [equal_earth(lon, lat) for lon, lat in ring_points(ring, arcs)]
                rings.append(simplified([(x * scale + WIDTH / 2, y * scale) for x, y in projected], TOLERANCE))
        shapes[country.alpha_2] = rings
    top = min(y for rings in shapes.values() for ring in rings for _x, y in ring)
    bottom = max(y for rings in shapes.values() for ring in rings for _x, y in ring)
    shifted = {code: [[(x, y - top + 2) for x, y in ring] for ring in rings] for code, rings in shapes.items()}
    paths = {code: data for code, data in ((c, path_data(r)) for c, r in sorted(shifted.items())) if data}
    OUT.write_text(json.dumps({"width": WIDTH, "height": math.ceil(bottom - top) + 4, "countries": paths},
                              separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(paths)} countries, {OUT.stat().st_size // 1024} KB in {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
