"""Renders the demo plant drawing (SVG, 1 unit = 1 m) from the same layout the areas come from."""

from __future__ import annotations

from xml.sax.saxutils import escape

from anguan.simulator.plant_layout import AREAS, EQUIPMENT, HEIGHT_M, SITE_NAME, WIDTH_M

FILL = {
    "tank_farm": "#eef3fb",
    "dike": "#f7f7f7",
    "process_unit": "#fdf6e3",
    "warehouse": "#f3eefa",
    "control_room": "#e9f7f0",
    "office": "#eaf6fb",
    "road": "#d9d9d9",
    "gate": "#ffe7d1",
    "utility": "#e6f4f4",
    "loading": "#fdeef5",
    "other": "#fafafa",
}


def _pts(polygon: list[list[float]]) -> str:
    return " ".join(f"{x:g},{HEIGHT_M - y:g}" for x, y in polygon)


def render_svg() -> str:
    """The site drawing as SVG text (y is flipped so north is up)."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH_M:g} {HEIGHT_M:g}" '
        f'width="{WIDTH_M * 2:g}" height="{HEIGHT_M * 2:g}" font-family="Noto Sans CJK SC, sans-serif">',
        f'<rect x="0" y="0" width="{WIDTH_M:g}" height="{HEIGHT_M:g}" fill="#fbfbf8"/>',
        '<g stroke="#e8e8e0" stroke-width="0.3">',
    ]
    for gx in range(0, int(WIDTH_M) + 1, 20):
        out.append(f'<line x1="{gx}" y1="0" x2="{gx}" y2="{HEIGHT_M:g}"/>')
    for gy in range(0, int(HEIGHT_M) + 1, 20):
        out.append(f'<line x1="0" y1="{gy}" x2="{WIDTH_M:g}" y2="{gy}"/>')
    out.append("</g>")
    out.append(
        f'<rect x="1" y="1" width="{WIDTH_M - 2:g}" height="{HEIGHT_M - 2:g}" fill="none" '
        'stroke="#595959" stroke-width="2" stroke-dasharray="8 4"/>'
    )
    for a in sorted(AREAS, key=lambda a: (a.kind != "road", a.parent is not None)):
        dash = ' stroke-dasharray="4 2"' if a.kind == "dike" else ""
        out.append(
            f'<polygon points="{_pts(a.polygon)}" fill="{FILL.get(a.kind, "#fafafa")}" '
            f'stroke="#8c8c8c" stroke-width="{1.4 if a.kind == "dike" else 0.8}"{dash}/>'
        )
        if a.kind not in ("road", "gate", "dike"):
            xs = [p[0] for p in a.polygon]
            ys = [p[1] for p in a.polygon]
            out.append(
                f'<text x="{min(xs) + 4:g}" y="{HEIGHT_M - max(ys) + 10:g}" font-size="8" fill="#434343">'
                f"{escape(a.name)}</text>"
            )
    for e in EQUIPMENT:
        cx, cy = e.x, HEIGHT_M - e.y
        if e.kind == "tank":
            out.append(
                f'<circle cx="{cx:g}" cy="{cy:g}" r="{e.radius:g}" fill="#ffffff" stroke="#1d39c4" stroke-width="1.2"/>'
            )
            out.append(
                f'<circle cx="{cx:g}" cy="{cy:g}" r="{e.radius * 0.6:g}" fill="none" stroke="#adc6ff" stroke-width="0.6"/>'
            )
        elif e.kind in ("reactor", "column"):
            out.append(
                f'<circle cx="{cx:g}" cy="{cy:g}" r="{e.radius:g}" fill="#fff7e6" stroke="#d46b08" stroke-width="1.2"/>'
            )
        else:
            out.append(
                f'<rect x="{cx - 3:g}" y="{cy - 3:g}" width="6" height="6" fill="#f0f0f0" stroke="#595959" stroke-width="0.6"/>'
            )
        out.append(
            f'<text x="{cx:g}" y="{cy + (e.radius or 4) + 7:g}" font-size="5.5" text-anchor="middle" '
            f'fill="#262626">{escape(e.tag)}</text>'
        )
    out.append(
        f'<text x="{WIDTH_M - 8:g}" y="{HEIGHT_M - 8:g}" font-size="9" text-anchor="end" fill="#595959">'
        f"{escape(SITE_NAME)} · 总平面布置图 1:1000</text>"
    )
    out.append(
        f'<g transform="translate(24,{HEIGHT_M - 40:g})"><path d="M0,-14 L5,4 L0,0 L-5,4 Z" fill="#262626"/>'
        '<text x="0" y="14" font-size="8" text-anchor="middle">N</text></g>'
    )
    out.append("</svg>")
    return "\n".join(out)
