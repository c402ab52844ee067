"""Photo intake for sampling evidence: validation, EXIF extraction, hashing,
thumbnail and a "watermark camera" (水印相机) style copy.

Pure image processing: no Flask, no database, no WeChat. The original bytes are
never modified; every derived image is a new JPEG.
"""

from __future__ import annotations

import hashlib
import io
import math
import operator
import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, ImageOps

from services.core.refusal import Refusal

MAX_PHOTO_BYTES = 20 * 1024 * 1024
# Our own cap, independent of Image.MAX_IMAGE_PIXELS, which other code may change.
MAX_PHOTO_PIXELS = 50_000_000

THUMBNAIL_SIDE = 320
# The watermarked copy is for looking at, on a phone or a desk: at most this long side. The original keeps every
# pixel (and its SHA-256); capping the copy lets a 50 MP photo be decoded at 1/2 scale (JPEG draft mode) instead of
# holding 150 MB of pixels twice while it is turned upright.
WATERMARKED_SIDE = 4096
THUMBNAIL_QUALITY = 80
WATERMARKED_QUALITY = 90


# Formats a phone or camera actually sends. Restricting the decoders keeps exotic
# ones (e.g. EPS, which shells out to Ghostscript) away from untrusted uploads.
# MPO (multi-picture JPEG) is reached through the JPEG opener.
_ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "AVIF")

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_TAG_DATETIME_ORIGINAL = 36867
_TAG_DATETIME = 0x0132
_EXIF_TIME_FORMAT = "%Y:%m:%d %H:%M:%S"

FONT_ENV_VAR = "EMSS_WATERMARK_FONT"
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
LATIN_FALLBACK_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

_BAND_RGBA = (0, 0, 0, 140)  # dark, semi-transparent: scene stays visible under the text
_TEXT_RGBA = (255, 255, 255, 255)
_ELLIPSIS = "..."  # ASCII so it survives the latin-1 fallback
# Pillow without FreeType only offers the bitmap ImageFont.
_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
_MAX_LINES_PER_FIELD = 3  # keeps a pathological task name from covering the photo


class PhotoRejected(Refusal):
    """A received photo that cannot be used: too_big | not_image | too_many_pixels."""

    domain = "photo"


@dataclass(frozen=True)
class Watermark:
    taken_at: datetime  # time shown on the watermark
    place: str  # e.g. '上海示范化工有限公司 30.81670,121.35000'
    task: str  # task name / code
    sampler: str  # person's display name (may be Chinese)


@dataclass(frozen=True)
class ProcessedPhoto:
    sha256: str  # hex of the ORIGINAL bytes
    phash: str  # 16 hex chars: 64-bit dHash (difference hash, 9x8 greyscale) of the image
    dct_hash: str  # 64 hex chars: 256-bit DCT hash, what near-duplicates are found by (states/neardup.py)
    width: int  # as displayed, i.e. after applying EXIF orientation
    height: int
    size: int  # byte length of original
    format: str  # 'JPEG', 'PNG', ...
    exif_time: datetime | None  # DateTimeOriginal (or DateTime) from EXIF, naive datetime
    exif_lat: float | None  # decimal degrees from EXIF GPS IFD (sign from N/S ref)
    exif_lng: float | None
    thumbnail: bytes  # JPEG, longest side 320 px
    watermarked: bytes  # JPEG, full size, upright, RGB, with the 4-line watermark band


def process_photo(data: bytes, watermark: Watermark) -> ProcessedPhoto:
    """Validate an uploaded photo and derive everything the backend stores.

    Raises PhotoRejected (Chinese message for the user) for oversized, invalid or
    pixel-bomb inputs. Malformed EXIF never raises; the affected fields are None.
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRejected("too_big")
    img, (width, height) = _decode(data)
    exif_time, exif_lat, exif_lng = _read_exif(img)
    image_format = img.format or ""
    picture, turned = _displayed(img)
    del img  # a converted picture is a new image: let the decoded one go before the derivatives
    if turned:
        width, height = height, width
    # One decode serves every derivative, and the full-size pixels exist once: the small derivatives are
    # taken first, then the watermark is drawn onto the decoded picture itself (a copy of 50 MP is 200 MB).
    small = _shrink(picture)
    phash, thumbnail = _dhash(small), _encode_jpeg(small, THUMBNAIL_QUALITY)
    return ProcessedPhoto(
        sha256=hashlib.sha256(data).hexdigest(),
        phash=phash,
        dct_hash=dct_hash(small),
        width=width,
        height=height,
        size=len(data),
        format=image_format,
        exif_time=exif_time,
        exif_lat=exif_lat,
        exif_lng=exif_lng,
        thumbnail=thumbnail,
        watermarked=_make_watermarked(picture, watermark),
    )


def dct_hash_of(data: bytes) -> str:
    """The DCT hash alone, for photos stored before it existed (`emss photos rehash`); PhotoRejected as above."""
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRejected("too_big")
    return dct_hash(_shrink(_displayed(_decode(data)[0])[0]))


def phash_distance(a: str, b: str) -> int:
    """Hamming distance between two 16-hex-char hashes (0 = same picture)."""
    return (_parse_hash(a) ^ _parse_hash(b)).bit_count()


def _dhash(small: Image.Image) -> str:
    """64-bit difference hash: is each pixel brighter than its right neighbour
    in a 9x8 greyscale reduction. Survives re-encoding and resizing.

    Taken from the thumbnail-sized picture, not the full one, which would cost a third of the
    pipeline: the 9x8 Lanczos reductions of the two differ by rounding, which flips at most a
    bit or two, no more than re-encoding the photo does, so hashes stored before stay comparable
    (tests/unit/test_photos.py; `benchmarks/photos.py --against` compares with another version)."""
    reduced = small.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = reduced.tobytes()  # one byte per pixel in mode "L", row-major
    value = 0
    for row in range(8):
        for col in range(8):
            left, right = pixels[row * 9 + col], pixels[row * 9 + col + 1]
            value = (value << 1) | (left > right)
    return f"{value:016x}"


def dct_hash(small: Image.Image) -> str:
    """256-bit DCT hash: is each of the 16x16 lowest-frequency DCT coefficients of a 32x32 greyscale reduction
    above their median. Finer than the dHash, so two shots of the same kind of scene (another print-out of the
    same instrument) stay apart, while re-encoding, resizing and brightness keep it (states/neardup.py has
    the measurements). Separable transform: 32 rows then 16 columns, ~4 ms of CPU in pure Python."""
    side, kept = _DCT_SIDE, _DCT_KEPT
    pixels = small.convert("L").resize((side, side), Image.Resampling.LANCZOS).tobytes()
    basis = _dct_basis()
    rows = [[sum(map(operator.mul, wave, pixels[y * side:(y + 1) * side])) for wave in basis] for y in range(side)]
    columns = list(zip(*rows, strict=True))  # columns[u][y]: frequency u along x, for each row y
    coefficients = [sum(map(operator.mul, basis[v], columns[u])) for v in range(kept) for u in range(kept)]
    others = sorted(coefficients[1:])  # the DC term is the brightness, left out of the median
    median = others[len(others) // 2]
    value = 0
    for coefficient in coefficients:
        value = (value << 1) | (coefficient > median)
    return f"{value:064x}"


_DCT_SIDE, _DCT_KEPT = 32, 16


@lru_cache(maxsize=1)
def _dct_basis() -> tuple[tuple[float, ...], ...]:
    """The DCT-II cosines of the kept frequencies (unnormalised: only the order of coefficients matters)."""
    side = _DCT_SIDE
    return tuple(tuple(math.cos(math.pi * (2 * x + 1) * u / (2 * side)) for x in range(side))
                 for u in range(_DCT_KEPT))


def _parse_hash(text: str) -> int:
    if len(text) != 16:
        raise ValueError(f"phash must be 16 hex chars, got {text!r}")
    return int(text, 16)


# --- decoding untrusted bytes -------------------------------------------------


def _decode(data: bytes) -> tuple[Image.Image, tuple[int, int]]:
    """Verify, then reopen and load (verify() leaves the image unusable); a JPEG larger than the watermarked
    copy needs is decoded at the smallest DCT scale that still covers it. The image and its stored size."""
    with _untrusted_decoding():
        _open_capped(data).verify()
        img = _open_capped(data)
        stored = img.size
        if img.format == "JPEG" and max(stored) > WATERMARKED_SIDE:
            # draft picks the smallest DCT scale at least as big as asked: asking half the cap yields
            # a long side between half the cap and the cap
            img.draft("RGB", _fitted(stored, WATERMARKED_SIDE // 2))
        img.load()
    return img, stored


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` scaled so that its longest side is `side` (never enlarged)."""
    longest = max(size)
    if longest <= side:
        return size
    return max(1, round(size[0] * side / longest)), max(1, round(size[1] * side / longest))


def _capped(img: Image.Image) -> Image.Image:
    """At most WATERMARKED_SIDE on the long side, before turning upright: what draft mode left over, or a big
    PNG, is reduced by a whole factor first (the turn then copies the small picture, not the big one)."""
    factor = math.ceil(max(img.size) / WATERMARKED_SIDE)
    return img.reduce(factor) if factor > 1 else img


def _displayed(img: Image.Image) -> tuple[Image.Image, bool]:
    """The picture as the phone showed it (capped, upright, RGB), and whether turning it upright swapped its
    sides (a portrait stored sideways)."""
    capped = _capped(img)
    before = capped.size
    picture = _to_rgb(_upright(capped))
    return picture, picture.size != before


def _open_capped(data: bytes) -> Image.Image:
    """Open (reads the header only) and enforce the pixel cap before any pixel
    data is decoded."""
    img = Image.open(io.BytesIO(data), formats=_available_formats())
    width, height = img.size
    if width * height > MAX_PHOTO_PIXELS:
        raise PhotoRejected("too_many_pixels")
    return img


@lru_cache(maxsize=1)
def _available_formats() -> tuple[str, ...]:
    # Asking Image.open for a format whose plugin is missing raises KeyError.
    Image.init()
    return tuple(name for name in _ACCEPTED_FORMATS if name in Image.OPEN)


@contextmanager
def _untrusted_decoding() -> Iterator[None]:
    """Map everything Pillow can throw at hostile input onto user messages.

    Pillow reports big images with a DecompressionBombWarning (turned into an
    error here so it is a rejection, not a log line) and huge ones with
    DecompressionBombError. Other decoder warnings are about the input, not our
    code, so they are silenced rather than escaping to callers running with
    warnings-as-errors.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except PhotoRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoRejected("too_many_pixels") from exc
        except Exception as exc:  # decoders raise OSError, SyntaxError, ValueError, struct.error...
            raise PhotoRejected("not_image") from exc


# --- EXIF ---------------------------------------------------------------------


def _read_exif(img: Image.Image) -> tuple[datetime | None, float | None, float | None]:
    """(time, lat, lng); any malformed part is simply None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns on corrupt EXIF; that is not our problem
        try:
            exif = img.getexif()
        except Exception:
            return None, None, None
        lat, lng = _exif_gps(exif)
        return _exif_time(exif), lat, lng


def _exif_time(exif: Image.Exif) -> datetime | None:
    try:
        candidates = (exif.get_ifd(_EXIF_IFD).get(_TAG_DATETIME_ORIGINAL), exif.get(_TAG_DATETIME))
    except Exception:
        return None
    for raw in candidates:
        parsed = _parse_exif_datetime(raw)
        if parsed is not None:
            return parsed
    return None


def _parse_exif_datetime(raw: object) -> datetime | None:
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    if not isinstance(raw, str):
        return None
    try:
        # Cameras pad with NULs or append sub-second junk; the first 19 chars are the timestamp.
        return datetime.strptime(raw.strip("\x00 ")[:19], _EXIF_TIME_FORMAT)
    except ValueError:
        return None


def _exif_gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    """Both coordinates or neither: a lone latitude is useless as evidence."""
    try:
        gps = exif.get_ifd(_GPS_IFD)
        lat = _signed_degrees(gps.get(2), gps.get(1), positive="N", negative="S", limit=90)
        lng = _signed_degrees(gps.get(4), gps.get(3), positive="E", negative="W", limit=180)
    except Exception:
        return None, None
    if lat is None or lng is None:
        return None, None
    return lat, lng


def _signed_degrees(
    dms: object, ref: object, *, positive: str, negative: str, limit: float
) -> float | None:
    """EXIF (deg, min, sec) rationals + hemisphere ref -> signed decimal degrees.
    A missing or unknown ref gives None: guessing the hemisphere could put the
    sampling point on the wrong side of the planet."""
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if not isinstance(ref, str) or ref.strip("\x00 ").upper() not in (positive, negative):
        return None
    if not isinstance(dms, Sequence) or not 1 <= len(dms) <= 3:
        return None
    parts = [float(part) for part in dms]  # IFDRational with denominator 0 becomes nan
    value = sum(part / 60**index for index, part in enumerate(parts))
    if not math.isfinite(value) or not 0 <= value <= limit:
        return None
    return -value if ref.strip("\x00 ").upper() == negative else value


# --- pixels -------------------------------------------------------------------


def _upright(img: Image.Image) -> Image.Image:
    """Apply EXIF orientation so derived images look like the phone showed them.
    In place: an upright photo costs no copy; a rotated one briefly holds both layouts."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ImageOps.exif_transpose(img, in_place=True)
        except Exception:  # malformed orientation data: keep the pixels as stored
            pass
    return img


def _to_rgb(img: Image.Image) -> Image.Image:
    """JPEG has no alpha; flatten transparency onto white instead of black."""
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return img if img.mode == "RGB" else img.convert("RGB")


def _encode_jpeg(img: Image.Image, quality: int) -> bytes:
    # No EXIF is written: orientation is already applied, re-adding it would rotate twice.
    # No optimize=True: its second Huffman pass costs 2 of every 3 ms spent encoding, for 3-4 % fewer bytes,
    # and keeps all the DCT coefficients of the picture in memory (150 MB for 50 MP).
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _thumbnail_size(width: int, height: int) -> tuple[int, int]:
    """Longest side THUMBNAIL_SIDE, aspect kept; a smaller picture keeps its size."""
    return _fitted((width, height), THUMBNAIL_SIDE)


def _shrink(picture: Image.Image) -> Image.Image:
    """The thumbnail's pixels: a box reduction by a whole factor (one cheap pass over the
    full picture, what JPEG draft mode would do while decoding), then Lanczos for the rest."""
    size = _thumbnail_size(*picture.size)
    factor = max(1, min(picture.width // size[0], picture.height // size[1]))
    reduced = picture.reduce(factor) if factor > 1 else picture
    return reduced if reduced.size == size else reduced.resize(size, Image.Resampling.LANCZOS)


def _make_watermarked(picture: Image.Image, watermark: Watermark) -> bytes:
    _draw_watermark(picture, watermark)
    return _encode_jpeg(picture, WATERMARKED_QUALITY)


# --- watermark ----------------------------------------------------------------


def _watermark_lines(watermark: Watermark) -> list[str]:
    return [
        watermark.taken_at.strftime("%Y-%m-%d %H:%M"),
        watermark.place,
        watermark.task,
        watermark.sampler,
    ]


def _draw_watermark(picture: Image.Image, watermark: Watermark) -> None:
    """Darken a band at the bottom of the RGB picture, in place, and write the 4 fields on it."""
    width, height = picture.size
    font_size = max(12, width // 40)
    font, supports_cjk = _load_font(font_size)
    padding = max(4, font_size // 2)
    lines = [
        wrapped
        for field in _watermark_lines(watermark)
        for wrapped in _wrap(field if supports_cjk else _latin1_safe(field), font, width - 2 * padding)
    ]
    line_height = _line_height(font, "Ag国" if supports_cjk else "Ag")
    band_top = max(0, height - (len(lines) * line_height + 2 * padding))

    # Drawn in place with blending: only the band's pixels are touched, no layer or copy is made.
    draw = ImageDraw.Draw(picture, "RGBA")
    draw.rectangle((0, band_top, width, height), fill=_BAND_RGBA)
    for index, line in enumerate(lines):
        draw.text((padding, band_top + padding + index * line_height), line, font=font, fill=_TEXT_RGBA)


def _line_height(font: _Font, sample: str) -> int:
    # The sample covers ascenders, descenders and (with a CJK font) full-height
    # ideographs; a latin-1 bitmap font would raise on "国", so callers pick it.
    # 30% extra is line spacing.
    top_to_bottom = font.getbbox(sample)[3]
    return max(1, int(top_to_bottom * 1.3))


def _latin1_safe(text: str) -> str:
    """Without a CJK font Chinese would render as boxes (or crash a bitmap font);
    keep what is encodable in latin-1 (time, coordinates, codes) and mark the rest '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _wrap(text: str, font: _Font, max_width: int) -> list[str]:
    """Wrap instead of truncating: the coordinates at the end of the place are the
    evidence. Chinese has no spaces, so break anywhere, but prefer the last space
    so numbers stay whole. More than _MAX_LINES_PER_FIELD lines end in '...'."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < _MAX_LINES_PER_FIELD:
        cut = _fitting_prefix_length(rest, font, max_width)
        space = rest.rfind(" ", 0, cut + 1)
        if cut < len(rest) and space > 0:
            cut = space + 1
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        lines[-1] = _with_ellipsis(lines[-1], font, max_width)
    return lines or [""]


def _fitting_prefix_length(text: str, font: _Font, max_width: int) -> int:
    """Longest prefix that fits, at least one char so wrapping always progresses.
    A longer prefix is never narrower, so a binary search finds it in a few measurements."""
    if font.getlength(text) <= max_width:
        return len(text)  # the usual case: the whole field fits on one line
    fits, too_long = 1, len(text)
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if font.getlength(text[:middle]) <= max_width:
            fits = middle
        else:
            too_long = middle
    return fits


def _with_ellipsis(text: str, font: _Font, max_width: int) -> str:
    while text and font.getlength(text + _ELLIPSIS) > max_width:
        text = text[:-1]
    return text + _ELLIPSIS


def _load_font(size: int) -> tuple[_Font, bool]:
    """(font, whether it can draw Chinese). Never fails: degrades to Pillow's built-in font."""
    path, supports_cjk = _font_choice(os.environ.get(FONT_ENV_VAR) or None)
    if path is not None:
        try:
            # Basic layout: Chinese, digits and Latin need no shaping, and Raqm (HarfBuzz) measured 5-25x
            # slower per measurement and 1.5x per rendered line with a CJK font's large tables.
            return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC), supports_cjk
        except OSError:  # unreadable or not a font file
            pass
    return ImageFont.load_default(size=size), False


@lru_cache(maxsize=8)
def _font_choice(env_path: str | None) -> tuple[str | None, bool]:
    """Cached filesystem lookup; keyed on the env value so changing it takes effect.
    A font named explicitly by the operator is trusted to cover CJK."""
    if env_path and os.path.isfile(env_path):
        return env_path, True
    for candidate in CJK_FONT_CANDIDATES:
        if os.path.isfile(candidate):
            return candidate, True
    if os.path.isfile(LATIN_FALLBACK_FONT):
        return LATIN_FALLBACK_FONT, False
    return None, False
