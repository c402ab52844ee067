"""A handwritten signature drawn on the phone's canvas (手写签名): posted as a PNG data URL, checked with Pillow
(a real PNG, of a canvas's size, with some ink on it) and stored re-encoded under MEDIA_ROOT; its strokes'
perceptual hash lets the findings tell a drawing from a pasted copy of an earlier one (rule signature_reused).

Pure checking, hashing and one file write: no Flask, no database.
"""
from __future__ import annotations

import base64
import binascii
import io
import warnings
from pathlib import Path

from PIL import Image

from services.adapters.photos import dct_hash
from services.core.refusal import Refusal

PREFIX = "data:image/png;base64,"
MAX_BYTES = 512 * 1024  # a phone canvas at 3x is ~1170×600; its strokes compress to tens of KB
MAX_SIDE = 2400
MAX_PIXELS = 2_500_000
MIN_WIDTH, MIN_HEIGHT = 100, 40
# ink: a pixel clearly darker than paper once drawn on white; a signature has some, a filled box is no signature
INK_LEVEL = 128
MIN_INK_PIXELS = 150
MIN_INK_SHARE = 0.001
MAX_INK_SHARE = 0.6


class SignatureProblem(Refusal):
    """Why a signature is refused; `code` is missing | not_png | too_big | bad_size | blank (the view words it)."""

    domain = "signature"


def read(data_url: str | None) -> Image.Image:
    """The signature image of a canvas's `toDataURL("image/png")`; SignatureProblem when it is none."""
    text = (data_url or "").strip()
    if not text:
        raise SignatureProblem("missing")
    if not text.startswith(PREFIX):
        raise SignatureProblem("not_png")
    encoded = text[len(PREFIX):]
    if len(encoded) > (MAX_BYTES * 4) // 3 + 4:
        raise SignatureProblem("too_big")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureProblem("not_png") from exc
    if len(data) > MAX_BYTES:
        raise SignatureProblem("too_big")
    image = _decode(data)
    if _ink_share(image) is None:
        raise SignatureProblem("blank")
    return image


def _decode(data: bytes) -> Image.Image:
    """A PNG of sane dimensions, decoded; the size is checked from the header before any pixel is."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            Image.open(io.BytesIO(data), formats=["PNG"]).verify()
            image = Image.open(io.BytesIO(data), formats=["PNG"])
            _check_size(image.size)
            image.load()
        except SignatureProblem:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise SignatureProblem("bad_size") from exc
        except Exception as exc:  # decoders raise OSError, SyntaxError, ValueError, struct.error...
            raise SignatureProblem("not_png") from exc
    return image


def _check_size(size: tuple[int, int]) -> None:
    width, height = size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS or width < MIN_WIDTH \
            or height < MIN_HEIGHT:
        raise SignatureProblem("bad_size")


def _on_white(image: Image.Image) -> Image.Image:
    """The picture as drawn on white paper, greyscale (a canvas exports transparent paper)."""
    rgba = image.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgba).convert("L")


# the card the strokes are laid on before hashing: signatures are wide, and 192x64 keeps a 6 px pen visible
CARD_ASPECT, CARD_SIZE = 3, (192, 64)


def stroke_hash(image: Image.Image) -> str:
    """256-bit DCT hash (services/adapters/photos.py) of the ink alone: the strokes cut to their bounding box and centred
    on a 3:1 card, so where on the canvas and how large the polluter signed do not count, nor the paper's colour
    or the file's encoding. Thresholds and measurements: states/findings.py, rule signature_reused."""
    ink = _on_white(image).point(lambda v: 255 if v < INK_LEVEL else 0)
    box = ink.getbbox()
    strokes = ink.crop(box) if box else ink
    width, height = strokes.size
    card_w, card_h = max(width, CARD_ASPECT * height), max(height, -(-width // CARD_ASPECT))
    card = Image.new("L", (card_w, card_h), 0)
    card.paste(strokes, ((card_w - width) // 2, (card_h - height) // 2))
    return dct_hash(card.resize(CARD_SIZE, Image.Resampling.BOX))


def _ink_share(image: Image.Image) -> float | None:
    """The share of the picture that is ink, or None when there is too little (or too much) to be a signature.
    A canvas exports transparent paper: the picture is judged as drawn on white."""
    grey = _on_white(image)
    ink = sum(grey.histogram()[:INK_LEVEL])
    pixels = grey.width * grey.height
    share = ink / pixels
    if ink < MIN_INK_PIXELS or share < MIN_INK_SHARE or share > MAX_INK_SHARE:
        return None
    return share


def store(media_root: str | Path, relative: str | Path, image: Image.Image) -> str:
    """Write the signature as a fresh PNG (only its pixels: no chunks carried over from the upload) at
    `relative` under the media root; returns the relative path to record."""
    path = Path(media_root) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("RGBA").save(path, "PNG", optimize=True)
    return str(relative)


def discard(media_root: str | Path, relative: str | Path) -> None:
    (Path(media_root) / relative).unlink(missing_ok=True)
