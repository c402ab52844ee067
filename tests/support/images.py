"""Small test pictures made in memory, each different so their hashes differ."""
from __future__ import annotations

import io
import random

from PIL import Image

from services.adapters.field_pictures import camera_exif

__all__ = ["camera_exif", "jpeg"]


def jpeg(seed: int = 0, size: tuple[int, int] = (64, 48), exif: Image.Exif | None = None) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()
