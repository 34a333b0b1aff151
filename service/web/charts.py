"""Geometry for the server-rendered SVG charts of the self-check page.

Only numbers come out of here; the templates draw them (autoescaped), so no text from a
profile ever reaches SVG markup unescaped.
"""

from __future__ import annotations

BAR_WIDTH = 300  # px of the 0-100 scale
BAR_HEIGHT = 22
BAR_GAP = 12
LABEL_WIDTH = 150


def network_bars(networks: list[dict]) -> dict:
    """One bar per found network: its network score (0-100) and its contribution."""
    rows = [n for n in networks if n.get("network_score") is not None]
    bars = []
    for i, n in enumerate(rows):
        y = i * (BAR_HEIGHT + BAR_GAP)
        score = max(0.0, min(100.0, float(n["network_score"])))
        bars.append({
            "label": n["account"], "y": y, "text_y": y + BAR_HEIGHT * 0.7,
            "width": round(BAR_WIDTH * score / 100.0, 1), "score": round(score),
            "contribution": n.get("contribution"),
        })
    height = max(len(rows) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP, BAR_HEIGHT)
    return {"bars": bars, "height": height, "label_width": LABEL_WIDTH,
            "bar_width": BAR_WIDTH, "bar_height": BAR_HEIGHT,
            "width": LABEL_WIDTH + BAR_WIDTH + 50}


def sparkline(points: list[dict], width: int = 240, height: int = 48) -> dict | None:
    """Polyline over the scored snapshots (score 1-100 on a fixed axis); None if none."""
    scored = [p for p in points if p.get("score") is not None]
    if not scored:
        return None
    pad = 4
    n = len(scored)
    coords = []
    for i, p in enumerate(scored):
        x = pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)
        y = pad + (height - 2 * pad) * (1 - (p["score"] - 1) / 99.0)
        coords.append((round(x, 1), round(y, 1)))
    return {
        "width": width, "height": height,
        "points": " ".join(f"{x},{y}" for x, y in coords),
        "last": coords[-1], "first_date": scored[0]["date"], "last_date": scored[-1]["date"],
        "first_score": scored[0]["score"], "last_score": scored[-1]["score"], "count": n,
        "rows": scored,
    }
