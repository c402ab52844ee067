"""Field photos made in memory for the near-duplicate thresholds: three kinds of scene a sampler photographs
(a chimney, a sample bottle on a bench, an instrument print-out on a desk), the transformations a copied
photo goes through, and look-alike pairs - two shots of the same kind of scene that are NOT the same photo.

A scene is drawn from a seed: the composition is fixed by the kind, the details (positions within a few per
cent, sizes, colours, digits, the camera's framing and light) come from the seed, as two real shots differ.
"""
from __future__ import annotations

import io
import random
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

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


def encode(image: Image.Image, quality: int = 92) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
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
