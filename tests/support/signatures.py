"""Handwritten signatures made in memory, as a phone's signature canvas exports them (transparent PNG, black
strokes): a name's signature is a fixed path of strokes (from the name), and each time it is drawn the hand
varies it - every point off by a few per cent, the slant, size, place on the canvas and pen width - as two real
signatures of one person differ. A copy is one drawing saved again, scaled or re-encoded.
"""
from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

CANVAS = (900, 300)  # a phone canvas at 3x (services/signatures.py)


def _path(name: str) -> list[list[tuple[float, float]]]:
    """The name's strokes in unit coordinates (x 0..1 left to right, y 0..1): one per character, a few
    control points each, plus a final flourish."""
    rng = random.Random(f"signature:{name}")
    strokes, width = [], 1 / (len(name) + 1)
    for n, _ in enumerate(name):
        left = n * width
        strokes.append([(left + rng.uniform(0, width * 1.2), rng.uniform(0.1, 0.9)) for _ in range(rng.randint(4, 7))])
    strokes.append([(rng.uniform(0, 0.3), rng.uniform(0.75, 0.95)), (0.5, rng.uniform(0.8, 1.0)),
                    (rng.uniform(0.85, 1.0), rng.uniform(0.6, 0.9))])
    return strokes


def _curve(points: list[tuple[float, float]], steps: int = 12) -> list[tuple[float, float]]:
    """Catmull-Rom through the control points: a hand's stroke is smooth."""
    padded = [points[0], *points, points[-1]]
    out = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1:i + 3]
        for s in range(steps):
            t = s / steps
            out.append(tuple(0.5 * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t * t
                                    + (-a + 3 * b - 3 * c + d) * t ** 3) for a, b, c, d in zip(p0, p1, p2, p3, strict=True)))
    out.append(points[-1])
    return out


def drawing(name: str, hand: int, jitter: float = 0.04) -> Image.Image:
    """One drawing of `name`'s signature; `hand` seeds this drawing's variations."""
    rng = random.Random(f"hand:{name}:{hand}")
    width, height = CANVAS
    box_w, box_h = width * rng.uniform(0.6, 0.8), height * rng.uniform(0.45, 0.6)
    left, top = rng.uniform(20, width - box_w - 20), rng.uniform(20, height - box_h - 20)
    slant = rng.uniform(-0.12, 0.12)
    image = Image.new("RGBA", CANVAS, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    pen = rng.randint(4, 7)
    for stroke in _path(name):
        moved = [(x + rng.gauss(0, jitter), y + rng.gauss(0, jitter * 2)) for x, y in stroke]
        points = [(left + (x + slant * (1 - y)) * box_w, top + y * box_h) for x, y in _curve(moved)]
        draw.line(points, fill=(20, 20, 30, 255), width=pen, joint="curve")
    return image


def scaled(image: Image.Image, factor: float) -> Image.Image:
    """The drawing scaled (a screenshot of it pasted back at another size), on a canvas of the usual size."""
    small = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.BILINEAR)
    canvas = Image.new("RGBA", CANVAS, (0, 0, 0, 0))
    canvas.alpha_composite(small.crop((0, 0, min(small.width, CANVAS[0]), min(small.height, CANVAS[1]))))
    return canvas


def via_jpeg(image: Image.Image, quality: int = 75) -> Image.Image:
    """The drawing sent as a JPEG picture and turned back into a canvas image."""
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    buffer = io.BytesIO()
    Image.alpha_composite(white, image).convert("RGB").save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGBA")
