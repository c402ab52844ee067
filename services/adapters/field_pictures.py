"""Pictures made in memory, for scenarios (services/dev/scenarios.py), the near-duplicate thresholds, benchmarks and
tests: three kinds of scene a sampler photographs (a chimney, a sample bottle on a bench, an instrument
print-out on a desk), the transformations a copied photo goes through, look-alike pairs - two shots of the same
kind of scene that are NOT the same photo - the EXIF a phone camera writes, and handwritten signatures.

A scene is drawn from a seed: the composition is fixed by the kind, the details (positions within a few per
cent, sizes, colours, digits, the camera's framing and light) come from the seed, as two real shots differ.
"""
from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import datetime

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont
from PIL.TiffImagePlugin import IFDRational

SIZE = (1024, 768)
_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(_FONT, size)
    except OSError:
        return ImageFont.load_default(size=size)


def _jitter(rng: random.Random, value: float, spread: float) -> int:
    return round(value * (1 + rng.uniform(-spread, spread)))


def _canvas(seed: int, background: tuple[tuple[int, int], ...]) -> tuple[random.Random, Image.Image,
                                                                          ImageDraw.ImageDraw]:
    """The scene's random source and a picture of a background colour drawn from it (one range per channel)."""
    rng = random.Random(seed)
    image = Image.new("RGB", SIZE, tuple(rng.randint(low, high) for low, high in background))
    return rng, image, ImageDraw.Draw(image)


def chimney(seed: int) -> Image.Image:
    """A stack against the sky above a factory roofline."""
    rng = random.Random(seed)
    width, height = SIZE
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    sky = (rng.randint(120, 170), rng.randint(160, 200), rng.randint(200, 235))
    for y in range(height):  # sky darkening towards the top
        shade = 0.75 + 0.25 * y / height
        draw.line((0, y, width, y), fill=tuple(int(c * shade) for c in sky))
    ground = _jitter(rng, height * 0.72, 0.04)
    draw.rectangle((0, ground, width, height), fill=(rng.randint(70, 110),) * 3)
    for _ in range(rng.randint(3, 6)):  # buildings of the plant
        left = rng.randint(0, width - 120)
        top = ground - rng.randint(60, 200)
        draw.rectangle((left, top, left + rng.randint(80, 260), ground), fill=(rng.randint(90, 150),) * 3)
    centre, stack_w = _jitter(rng, width * 0.5, 0.06), _jitter(rng, 70, 0.2)
    top = _jitter(rng, height * 0.15, 0.3)
    draw.rectangle((centre - stack_w // 2, top, centre + stack_w // 2, ground), fill=(150, 60, 50))
    for band in range(rng.randint(1, 3)):  # red and white bands
        y = top + 20 + band * 45
        draw.rectangle((centre - stack_w // 2, y, centre + stack_w // 2, y + 18), fill=(235, 235, 235))
    for _ in range(rng.randint(4, 9)):  # smoke plume
        x, y, r = centre + rng.randint(-20, 160), top - rng.randint(10, 110), rng.randint(25, 60)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(rng.randint(200, 240),) * 3)
    return _camera(image, rng)


def bottle(seed: int) -> Image.Image:
    """A labelled sample bottle standing on a lab bench."""
    rng, image, draw = _canvas(seed, ((180, 220), (180, 210), (160, 200)))
    width, height = SIZE
    bench = _jitter(rng, height * 0.7, 0.04)
    draw.rectangle((0, bench, width, height), fill=(rng.randint(100, 140), rng.randint(80, 100), 60))
    centre, bottle_w = _jitter(rng, width * 0.5, 0.06), _jitter(rng, 220, 0.12)
    top = _jitter(rng, height * 0.25, 0.15)
    liquid = (rng.randint(150, 230), rng.randint(150, 220), rng.randint(60, 200))
    draw.rectangle((centre - bottle_w // 2, top, centre + bottle_w // 2, bench), fill=(225, 230, 235))
    level = top + rng.randint(40, 140)
    draw.rectangle((centre - bottle_w // 2 + 6, level, centre + bottle_w // 2 - 6, bench - 6), fill=liquid)
    draw.rectangle((centre - 35, top - 60, centre + 35, top), fill=(rng.randint(20, 60), 60, 160))  # cap
    label_top = _jitter(rng, top + 120, 0.1)
    draw.rectangle((centre - bottle_w // 2 + 10, label_top, centre + bottle_w // 2 - 10, label_top + 90), fill="white")
    code = f"W{rng.randint(0, 99999):05d}"
    draw.text((centre - bottle_w // 2 + 20, label_top + 25), code, font=_font(34), fill="black")
    for _ in range(rng.randint(2, 5)):  # other glassware in the background
        x = rng.choice((rng.randint(40, centre - 200), rng.randint(centre + 200, width - 40)))
        draw.rectangle((x - 30, bench - rng.randint(80, 200), x + 30, bench), fill=(rng.randint(150, 210),) * 3)
    return _camera(image, rng)


def printout(seed: int) -> Image.Image:
    """An instrument's thermal print-out on a desk: the same layout, other readings."""
    rng, image, draw = _canvas(seed, ((90, 130), (80, 110), (70, 90)))
    width, height = SIZE
    left, top = _jitter(rng, width * 0.3, 0.08), _jitter(rng, height * 0.06, 0.3)
    paper_w, paper_h = _jitter(rng, width * 0.4, 0.05), _jitter(rng, height * 0.88, 0.03)
    draw.rectangle((left, top, left + paper_w, top + paper_h), fill=(245, 245, 240))
    font = _font(26)
    lines = ["FLUE GAS ANALYZER", f"NO.{rng.randint(1000, 9999)}", f"2026-11-{rng.randint(1, 28):02d}"]
    lines += [f"{name} {rng.uniform(0, 300):7.1f}" for name in ("SO2", "NOx", "O2", "CO", "T", "V", "P")]
    for index, line in enumerate(lines):
        draw.text((left + 20, top + 25 + index * 58), line, font=font, fill=(30, 30, 30))
    rotated = image.rotate(rng.uniform(-3, 3), resample=Image.Resampling.BICUBIC, fillcolor=(100, 90, 80))
    return _camera(rotated, rng)


def _camera(image: Image.Image, rng: random.Random) -> Image.Image:
    """What a hand-held phone adds: framing off by a little, light, sensor noise, softness."""
    width, height = image.size
    # A second shot is framed anew: up to 8 % off to a side and 6 % closer or farther.
    zoom = rng.uniform(0.88, 0.94)
    crop_w, crop_h = round(width * zoom), round(height * zoom)
    dx, dy = rng.randint(0, width - crop_w), rng.randint(0, height - crop_h)
    framed = image.crop((dx, dy, dx + crop_w, dy + crop_h)).resize(image.size)
    lit = ImageEnhance.Brightness(framed).enhance(rng.uniform(0.95, 1.05))
    # from the scene's own random source: Image.effect_noise draws from an unseeded one
    noise = Image.frombytes("L", image.size, rng.randbytes(width * height)).convert("RGB")
    return Image.blend(lit, noise, 0.06).filter(ImageFilter.GaussianBlur(0.6))


SCENES: dict[str, Callable[[int], Image.Image]] = {"chimney": chimney, "bottle": bottle, "printout": printout}


def encode(image: Image.Image, quality: int = 92, exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def _crop(image: Image.Image, share: float, anchor: str) -> Image.Image:
    """Cut `share` of the width and of the height away: from one corner or evenly round the edges."""
    width, height = image.size
    cut_w, cut_h = round(width * share), round(height * share)
    if anchor == "centre":
        return image.crop((cut_w // 2, cut_h // 2, width - (cut_w - cut_w // 2), height - (cut_h - cut_h // 2)))
    return image.crop((cut_w, cut_h, width, height))


def _resize(image: Image.Image, scale: float) -> Image.Image:
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BILINEAR)


# Every transformation a copy must still match through (issue 11: JPEG quality 60-95, resize 50-100 %,
# brightness +-10 %, a light crop), alone and combined; each yields the bytes a copier would send.
COPIES: dict[str, Callable[[Image.Image], bytes]] = {
    "jpeg-q95": lambda img: encode(img, 95),
    "jpeg-q75": lambda img: encode(img, 75),
    "jpeg-q60": lambda img: encode(img, 60),
    "resize-90%": lambda img: encode(_resize(img, 0.9)),
    "resize-75%": lambda img: encode(_resize(img, 0.75)),
    "resize-50%": lambda img: encode(_resize(img, 0.5)),
    "brighter-10%": lambda img: encode(ImageEnhance.Brightness(img).enhance(1.1)),
    "darker-10%": lambda img: encode(ImageEnhance.Brightness(img).enhance(0.9)),
    "crop-1%-edges": lambda img: encode(_crop(img, 0.01, "centre")),
    "resize-50%+brighter-10%+q60": lambda img: encode(ImageEnhance.Brightness(_resize(img, 0.5)).enhance(1.1), 60),
}

# Crops the chosen hash does not follow (states/neardup.py): measured by `benchmarks/neardup.py --distances`.
WIDER_CROPS: dict[str, Callable[[Image.Image], bytes]] = {
    "crop-2%-edges": lambda img: encode(_crop(img, 0.02, "centre")),
    "crop-5%-edges": lambda img: encode(_crop(img, 0.05, "centre")),
    "crop-5%-corner": lambda img: encode(_crop(img, 0.05, "corner")),
}


# --- what the camera writes ------------------------------------------------------------------------------------

def camera_exif(taken: datetime | None = None, where: tuple[float, float] | None = None) -> Image.Exif:
    """What a phone camera writes: the local capture time (DateTimeOriginal) and a northern/eastern GPS fix."""
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[36867] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if where is not None:
        exif.get_ifd(0x8825).update({1: "N", 2: _dms(where[0]), 3: "E", 4: _dms(where[1])})
    return exif


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(round(seconds * 100), 100)


# --- handwritten signatures --------------------------------------------------------------------------------------
# A name's signature is a fixed path of strokes (from the name); each time it is drawn the hand varies it - every
# point off by a few per cent, the slant, size, place on the canvas and pen width - as two real signatures of one
# person differ. A copy is one drawing saved again, scaled or re-encoded.

SIGNATURE_CANVAS = (900, 300)  # a phone canvas at 3x (services/adapters/signatures.py)


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
                                    + (-a + 3 * b - 3 * c + d) * t ** 3)
                             for a, b, c, d in zip(p0, p1, p2, p3, strict=True)))
    out.append(points[-1])
    return out


def signature(name: str, hand: int, jitter: float = 0.04) -> Image.Image:
    """One drawing of `name`'s signature; `hand` seeds this drawing's variations."""
    rng = random.Random(f"hand:{name}:{hand}")
    width, height = SIGNATURE_CANVAS
    box_w, box_h = width * rng.uniform(0.6, 0.8), height * rng.uniform(0.45, 0.6)
    left, top = rng.uniform(20, width - box_w - 20), rng.uniform(20, height - box_h - 20)
    slant = rng.uniform(-0.12, 0.12)
    image = Image.new("RGBA", SIGNATURE_CANVAS, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    pen = rng.randint(4, 7)
    for stroke in _path(name):
        moved = [(x + rng.gauss(0, jitter), y + rng.gauss(0, jitter * 2)) for x, y in stroke]
        points = [(left + (x + slant * (1 - y)) * box_w, top + y * box_h) for x, y in _curve(moved)]
        draw.line(points, fill=(20, 20, 30, 255), width=pen, joint="curve")
    return image


def scaled_signature(image: Image.Image, factor: float) -> Image.Image:
    """The drawing scaled (a screenshot of it pasted back at another size), on a canvas of the usual size."""
    small = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.BILINEAR)
    canvas = Image.new("RGBA", SIGNATURE_CANVAS, (0, 0, 0, 0))
    width, height = SIGNATURE_CANVAS
    canvas.alpha_composite(small.crop((0, 0, min(small.width, width), min(small.height, height))))
    return canvas


def signature_via_jpeg(image: Image.Image, quality: int = 75) -> Image.Image:
    """The drawing sent as a JPEG picture and turned back into a canvas image."""
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    buffer = io.BytesIO()
    Image.alpha_composite(white, image).convert("RGB").save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGBA")
