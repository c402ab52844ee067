"""Small test pictures made in memory, each different so their hashes differ."""
from __future__ import annotations

import io
import random
from datetime import datetime

from PIL import Image
from PIL.TiffImagePlugin import IFDRational


def jpeg(seed: int = 0, size: tuple[int, int] = (64, 48), exif: Image.Exif | None = None) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


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
