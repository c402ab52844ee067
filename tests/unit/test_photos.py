"""Unit tests for services.adapters.photos: every test image is built in memory with Pillow."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import subprocess
import sys
import warnings
import zlib
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps, ImageStat
from PIL.TiffImagePlugin import IFDRational

from services.adapters import photos
from services.adapters.photos import (
    MAX_PHOTO_BYTES,
    PhotoRejected,
    ProcessedPhoto,
    Watermark,
    phash_distance,
    process_photo,
)
from services.texts.refusals import SENTENCES, say

MARK = Watermark(
    taken_at=datetime(2024, 5, 1, 10, 30, 59),
    place="上海示范化工有限公司 30.81670,121.35000",
    task="RW-2024-017 雨水排口采样",
    sampler="张三",
)


# --- builders -----------------------------------------------------------------


def scene(size: tuple[int, int] = (800, 600)) -> Image.Image:
    """Photo-like picture: bright sky gradient, shapes in the middle, and a flat
    mid-grey strip at the bottom so the watermark's effect there is measurable."""
    width, height = size
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    img = Image.merge("RGB", (img.getchannel(0), img.getchannel(0), Image.new("L", size, 230)))
    draw = ImageDraw.Draw(img)
    draw.rectangle((width * 0.1, height * 0.3, width * 0.4, height * 0.6), fill=(200, 40, 40))
    draw.ellipse((width * 0.5, height * 0.2, width * 0.9, height * 0.65), fill=(30, 160, 60))
    draw.rectangle((0, height * 0.75, width, height), fill=(128, 128, 128))
    return img


def jpeg(img: Image.Image, quality: int = 90, exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def decode(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def exif_with(
    *,
    original: str | None = None,
    datetime_ifd0: str | None = None,
    gps: dict[int, object] | None = None,
    orientation: int | None = None,
) -> Image.Exif:
    exif = Image.Exif()
    if datetime_ifd0 is not None:
        exif[0x0132] = datetime_ifd0
    if orientation is not None:
        exif[0x0112] = orientation
    if original is not None:
        exif.get_ifd(0x8769)[36867] = original
    if gps is not None:
        exif.get_ifd(0x8825).update(gps)
    return exif


def dms(degrees: int, minutes: int, seconds: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(round(seconds * 100), 100)


def png_header_claiming(width: int, height: int) -> bytes:
    """A ~70-byte, structurally valid 1-bit PNG that claims width x height pixels:
    the kind of file that only explodes once someone decodes it."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def png_with_bad_idat_checksum() -> bytes:
    """Decodes fine, but the pixel data's CRC is wrong: only verify() notices."""
    data = bytearray(png(scene((64, 48))))
    idat = data.index(b"IDAT")
    (length,) = struct.unpack(">I", data[idat - 4 : idat])
    data[idat + 4 + length] ^= 0xFF  # first byte of the CRC that follows the chunk body
    return bytes(data)


def noisy(img: Image.Image, spread: int = 24) -> Image.Image:
    """Sensor-like noise: the fine detail a camera photo has and a drawn scene lacks."""
    noise = Image.effect_noise(img.size, spread).convert("RGB")
    return ImageChops.add(img, noise, offset=-128)


def mean_abs_diff(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def rejection_message(data: bytes) -> str:
    with pytest.raises(PhotoRejected) as caught:
        process_photo(data, MARK)
    return say(caught.value)


# --- a valid photo ------------------------------------------------------------


@pytest.fixture(scope="module")
def original_bytes() -> bytes:
    return jpeg(scene())


@pytest.fixture(scope="module")
def processed(original_bytes: bytes) -> ProcessedPhoto:
    return process_photo(original_bytes, MARK)


def test_sha256_and_size_describe_the_untouched_original_bytes(original_bytes, processed):
    assert processed.sha256 == hashlib.sha256(original_bytes).hexdigest()
    assert processed.size == len(original_bytes)


def test_dimensions_and_format_are_reported(processed):
    assert (processed.width, processed.height, processed.format) == (800, 600, "JPEG")


def test_thumbnail_is_a_decodable_jpeg_whose_longest_side_is_320(processed):
    thumb = decode(processed.thumbnail)
    assert thumb.format == "JPEG"
    assert thumb.size == (320, 240)


def test_watermarked_copy_is_a_full_size_jpeg(processed):
    marked = decode(processed.watermarked)
    assert marked.format == "JPEG"
    assert marked.mode == "RGB"
    assert marked.size == (800, 600)


def test_watermark_darkens_the_bottom_band_and_writes_light_text_on_it(original_bytes, processed):
    before, after = decode(original_bytes), decode(processed.watermarked)
    bottom = (0, 560, 800, 600)  # inside the flat grey strip of the scene
    assert ImageStat.Stat(before.crop(bottom).convert("L")).median[0] > 110
    band = after.crop(bottom).convert("L")
    assert ImageStat.Stat(band).median[0] < 90  # the semi-transparent dark band
    assert band.getextrema()[1] > 200  # white text drawn on it


def test_watermark_leaves_the_top_left_of_the_picture_alone(original_bytes, processed):
    top_left = (0, 0, 300, 200)
    before, after = decode(original_bytes).crop(top_left), decode(processed.watermarked).crop(top_left)
    assert mean_abs_diff(before, after) < 3  # only JPEG re-encoding noise


def test_watermark_lines_are_time_to_the_minute_place_task_and_sampler():
    assert photos._watermark_lines(MARK) == [
        "2024-05-01 10:30",
        "上海示范化工有限公司 30.81670,121.35000",
        "RW-2024-017 雨水排口采样",
        "张三",
    ]


def test_long_place_wraps_onto_more_lines_and_keeps_the_coordinates_whole():
    font = ImageFont.load_default(size=20)
    place = "Shanghai Demo Chemical Co., Ltd. No. 88 Industrial Road 30.81670,121.35000"
    lines = photos._wrap(place, font, 300)
    assert len(lines) > 1
    assert all(font.getlength(line) <= 300 for line in lines)
    assert " ".join(lines) == place
    assert lines[-1].endswith("30.81670,121.35000")


def test_chinese_without_spaces_wraps_anywhere():
    font = ImageFont.load_default(size=20)
    lines = photos._wrap("上海示范化工有限公司第二污水处理站雨水排口", font, 100)
    assert len(lines) > 1
    assert all(font.getlength(line) <= 100 for line in lines)
    assert "".join(lines) == "上海示范化工有限公司第二污水处理站雨水排口"


def test_absurdly_long_field_is_cut_to_three_lines_ending_in_dots():
    font = ImageFont.load_default(size=20)
    lines = photos._wrap("x" * 5000, font, 200)
    assert len(lines) == 3
    assert lines[-1].endswith("...")
    assert font.getlength(lines[-1]) <= 200


def test_band_grows_when_the_place_needs_more_lines():
    short, long = Image.new("RGB", (400, 600), (200, 200, 200)), Image.new("RGB", (400, 600), (200, 200, 200))
    photos._draw_watermark(short, MARK)  # draws onto the picture it is given
    long_place = "Industrial Road 88 " * 6 + "30.81670,121.35000"
    photos._draw_watermark(long, replace(MARK, place=long_place))
    row = next(y for y in range(600) if short.getpixel((200, y))[0] < 150)  # top of the short band
    assert long.getpixel((200, row - 10))[0] < 150  # the long band starts higher


def test_without_a_cjk_font_chinese_becomes_question_marks_but_numbers_survive():
    assert photos._latin1_safe("上海 30.81670,121.35000 é") == "?? 30.81670,121.35000 é"


def test_watermark_falls_back_to_pillows_builtin_font_when_no_font_file_exists(monkeypatch):
    monkeypatch.delenv(photos.FONT_ENV_VAR, raising=False)
    monkeypatch.setattr(photos, "CJK_FONT_CANDIDATES", ("/nonexistent/cjk.ttc",))
    monkeypatch.setattr(photos, "LATIN_FALLBACK_FONT", "/nonexistent/latin.ttf")
    photos._font_choice.cache_clear()
    try:
        result = process_photo(jpeg(scene((400, 300))), MARK)
    finally:
        photos._font_choice.cache_clear()
    assert decode(result.watermarked).size == (400, 300)


def test_font_named_by_environment_variable_wins_and_is_trusted_for_chinese(monkeypatch, tmp_path):
    font_file = tmp_path / "operator-font.ttf"
    font_file.write_bytes(Path(photos.LATIN_FALLBACK_FONT).read_bytes())
    monkeypatch.setenv(photos.FONT_ENV_VAR, str(font_file))
    font, supports_cjk = photos._load_font(20)
    assert font.path == str(font_file)
    assert supports_cjk is True


def test_bitmap_only_font_without_freetype_still_watermarks_chinese_text(monkeypatch):
    # Pillow built without FreeType only has a latin-1 bitmap font, which raises on Chinese.
    monkeypatch.setattr(photos, "_load_font", lambda size: (ImageFont.load_default_imagefont(), False))
    result = process_photo(jpeg(scene((400, 300))), MARK)
    assert decode(result.watermarked).size == (400, 300)


def test_tiny_image_is_still_watermarked_without_crashing():
    result = process_photo(png(Image.new("RGB", (40, 30), (90, 90, 90))), MARK)
    assert decode(result.watermarked).size == (40, 30)
    assert result.format == "PNG"


def test_transparent_png_is_flattened_onto_white_not_black():
    result = process_photo(png(Image.new("RGBA", (400, 300), (0, 0, 0, 0))), MARK)
    assert decode(result.watermarked).getpixel((5, 5)) >= (250, 250, 250)


# --- EXIF ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat_ref", "lng_ref", "lat", "lng"),
    [
        ("N", "E", 30.81670, 121.35000),  # Shanghai
        ("S", "W", -33.86513, -70.66912),  # Santiago de Chile
    ],
)
def test_exif_time_and_signed_gps_position_are_read(lat_ref, lng_ref, lat, lng):
    gps = {1: lat_ref, 2: dms(*_to_dms(abs(lat))), 3: lng_ref, 4: dms(*_to_dms(abs(lng)))}
    exif = exif_with(original="2024:05:01 09:15:42", datetime_ifd0="2024:06:30 18:00:00", gps=gps)
    result = process_photo(jpeg(scene((320, 240)), exif=exif), MARK)
    assert result.exif_time == datetime(2024, 5, 1, 9, 15, 42)
    assert result.exif_lat == pytest.approx(lat, abs=1e-5)
    assert result.exif_lng == pytest.approx(lng, abs=1e-5)


def _to_dms(value: float) -> tuple[int, int, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return degrees, minutes, (value - degrees - minutes / 60) * 3600


def test_exif_time_falls_back_to_ifd0_datetime_without_datetime_original():
    result = process_photo(jpeg(scene((320, 240)), exif=exif_with(datetime_ifd0="2023:12:31 23:59:01")), MARK)
    assert result.exif_time == datetime(2023, 12, 31, 23, 59, 1)


def test_photo_without_exif_has_no_time_and_no_position(processed):
    assert (processed.exif_time, processed.exif_lat, processed.exif_lng) == (None, None, None)


@pytest.mark.parametrize(
    "gps",
    [
        {1: "X", 2: dms(30, 49, 0), 3: "E", 4: dms(121, 21, 0)},  # unknown hemisphere
        {2: dms(30, 49, 0), 3: "E", 4: dms(121, 21, 0)},  # latitude ref missing
        {1: "N", 2: (IFDRational(30, 0), IFDRational(0, 1), IFDRational(0, 1)), 3: "E", 4: dms(121, 0, 0)},
        {1: "N", 2: dms(95, 0, 0), 3: "E", 4: dms(121, 0, 0)},  # beyond the pole
        {1: "N", 2: dms(30, 49, 0) + (IFDRational(1, 1),), 3: "E", 4: dms(121, 0, 0)},  # 4 parts
    ],
)
def test_malformed_gps_is_ignored_silently(gps):
    exif = exif_with(original="not a date", gps=gps)
    result = process_photo(jpeg(scene((320, 240)), exif=exif), MARK)
    assert (result.exif_time, result.exif_lat, result.exif_lng) == (None, None, None)


# --- orientation --------------------------------------------------------------


def test_exif_orientation_6_gives_an_upright_watermarked_copy_with_swapped_sides():
    stored = Image.new("RGB", (400, 200), (60, 60, 200))
    stored.paste((255, 0, 0), (0, 0, 40, 40))  # marker in the stored top-left corner
    result = process_photo(jpeg(stored, exif=exif_with(orientation=6)), MARK)

    marked = decode(result.watermarked)
    assert marked.size == (200, 400)
    assert (result.width, result.height) == (200, 400)
    assert decode(result.thumbnail).size == (160, 320)
    red, green, _ = marked.getpixel((200 - 20, 20))  # rotated 90° clockwise: now top-right
    assert red > 200 and green < 60


# --- rejections ---------------------------------------------------------------


def test_more_than_20_mb_is_rejected_before_looking_at_the_content():
    assert rejection_message(b"\0" * (MAX_PHOTO_BYTES + 1)) == "照片超过 20 MB，请压缩后重新发送。"


def test_size_limit_is_inclusive(monkeypatch, original_bytes):
    monkeypatch.setattr(photos, "MAX_PHOTO_BYTES", len(original_bytes))
    assert process_photo(original_bytes, MARK).size == len(original_bytes)
    monkeypatch.setattr(photos, "MAX_PHOTO_BYTES", len(original_bytes) - 1)
    assert rejection_message(original_bytes) == SENTENCES["photo"]["too_big"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(random.Random(20240501).randbytes(4096), id="random-bytes"),
        pytest.param("采样记录：雨水排口，pH 7.2\n".encode() * 50, id="text-file"),
        pytest.param(b"", id="empty"),
        pytest.param(jpeg(scene())[:3000], id="truncated-jpeg"),
        pytest.param(png(scene((64, 48)))[:-30], id="png-with-broken-tail"),
        pytest.param(png_with_bad_idat_checksum(), id="png-with-bad-checksum"),
    ],
)
def test_bytes_that_are_not_a_usable_image_are_rejected(data):
    assert rejection_message(data) == "收到的文件不是有效的图片，请重新拍照发送。"


def test_formats_a_phone_never_sends_are_refused():
    out = io.BytesIO()
    scene((64, 48)).save(out, "PPM")
    assert rejection_message(out.getvalue()) == SENTENCES["photo"]["not_image"]


@pytest.mark.parametrize(
    "global_limit", [Image.MAX_IMAGE_PIXELS, None], ids=["pillow-default", "pillow-unlimited"]
)
@pytest.mark.parametrize(
    ("width", "height"),
    [
        (8000, 7000),  # above our 50 MP cap, below Pillow's warning threshold
        (10000, 10000),  # Pillow would emit DecompressionBombWarning
        (20000, 20000),  # Pillow would raise DecompressionBombError
    ],
)
def test_decompression_bomb_is_rejected_and_no_warning_escapes(monkeypatch, global_limit, width, height):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", global_limit)
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        message = rejection_message(png_header_claiming(width, height))
    assert message == "图片尺寸过大，无法处理，请调低相机分辨率后重新拍摄。"
    assert escaped == []


def test_pixel_cap_is_inclusive(monkeypatch):
    data = png(Image.new("RGB", (100, 50), (10, 20, 30)))
    monkeypatch.setattr(photos, "MAX_PHOTO_PIXELS", 5000)
    assert process_photo(data, MARK).width == 100
    monkeypatch.setattr(photos, "MAX_PHOTO_PIXELS", 4999)
    assert rejection_message(data) == SENTENCES["photo"]["too_many_pixels"]


# --- perceptual hash ----------------------------------------------------------


def test_phash_is_16_lowercase_hex_chars(processed):
    assert len(processed.phash) == 16
    assert int(processed.phash, 16) >= 0
    assert processed.phash == processed.phash.lower()


def test_same_picture_reencoded_at_another_quality_keeps_a_near_identical_phash():
    picture = scene()
    high = process_photo(jpeg(picture, quality=95), MARK)
    low = process_photo(jpeg(picture, quality=35), MARK)
    assert high.sha256 != low.sha256
    assert phash_distance(high.phash, low.phash) <= 6


def test_unrelated_pictures_have_distant_phashes():
    gradient = Image.linear_gradient("L").rotate(90).resize((640, 480)).convert("RGB")
    checkerboard = Image.new("RGB", (640, 480), "white")
    draw = ImageDraw.Draw(checkerboard)
    for row in range(0, 480, 40):
        for col in range(0, 640, 40):
            if (row // 40 + col // 40) % 2:
                draw.rectangle((col, row, col + 39, row + 39), fill="black")
    a = process_photo(jpeg(gradient), MARK).phash
    b = process_photo(jpeg(checkerboard), MARK).phash
    assert phash_distance(a, b) >= 20


def test_the_dct_hash_comes_from_the_same_decode_and_equals_the_one_rehash_computes_from_the_file(processed):
    data = jpeg(noisy(scene((800, 600))), exif=exif_with(orientation=6))
    assert len(processed.dct_hash) == 64 and int(processed.dct_hash, 16) >= 0
    assert process_photo(data, MARK).dct_hash == photos.dct_hash_of(data)


def test_phash_distance_counts_differing_bits():
    assert phash_distance("0" * 16, "0" * 16) == 0
    assert phash_distance("0000000000000001", "0000000000000000") == 1
    assert phash_distance("f" * 16, "0" * 16) == 64
    assert phash_distance("FF00000000000000", "ff000000000000f0") == 4


def test_phash_distance_refuses_hashes_of_the_wrong_length():
    with pytest.raises(ValueError):
        phash_distance("abc", "0" * 16)


def full_resolution_dhash(data: bytes) -> str:
    """The hash as photos stored before this pipeline took it from the thumbnail: from every upright pixel."""
    small = ImageOps.exif_transpose(decode(data)).convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = small.tobytes()
    bits = "".join("1" if pixels[r * 9 + c] > pixels[r * 9 + c + 1] else "0" for r in range(8) for c in range(8))
    return f"{int(bits, 2):016x}"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(jpeg(scene((800, 600))), id="scene-800x600"),
        pytest.param(jpeg(noisy(scene((1600, 1200)))), id="noisy-1600x1200"),
        pytest.param(jpeg(noisy(scene((600, 1000)))), id="noisy-portrait-600x1000"),
        pytest.param(jpeg(noisy(scene((800, 600))), exif=exif_with(orientation=6)), id="noisy-stored-sideways"),
        pytest.param(png(scene((200, 150))), id="smaller-than-a-thumbnail"),
    ],
)
def test_phash_stays_comparable_with_hashes_stored_from_full_resolution_pixels(data):
    # A hash that moved further than re-encoding moves it would no longer find the photos already stored.
    assert phash_distance(process_photo(data, MARK).phash, full_resolution_dhash(data)) <= 2


_PEAK_PROBE = """
import sys
from datetime import datetime
from pathlib import Path
from services.adapters.photos import Watermark, process_photo

def peak_kib():  # VmHWM: this process's own peak, not one inherited from its parent like ru_maxrss
    return next(int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM"))

data = Path(sys.argv[1]).read_bytes()
before = peak_kib()
process_photo(data, Watermark(datetime(2024, 5, 1), "place", "task", "sampler"))
print(peak_kib() - before)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc to read the peak RSS")
def test_a_large_photo_is_processed_holding_its_full_size_pixels_only_once(tmp_path):
    # 4000x3000 decodes to 48 MB (4 bytes a pixel); each full-size copy or layer would add as much again.
    photo = tmp_path / "large.jpg"
    photo.write_bytes(jpeg(Image.new("RGB", (4000, 3000), (90, 120, 150))))
    probe = subprocess.run([sys.executable, "-c", _PEAK_PROBE, str(photo)], capture_output=True, text=True,
                           check=True, cwd=Path(photos.__file__).resolve().parent.parent, timeout=60)
    growth_mb = int(probe.stdout) * 1024 / 1e6
    assert 40 < growth_mb < 1.5 * 48


def test_a_huge_photo_keeps_its_size_on_record_and_gets_a_display_copy_of_at_most_4096_px():
    data = jpeg(scene((5200, 3900)), quality=80)
    result = process_photo(data, MARK)
    assert (result.width, result.height) == (5200, 3900)  # the original, untouched, is the evidence
    shown = Image.open(io.BytesIO(result.watermarked))
    assert max(shown.size) <= photos.WATERMARKED_SIDE and shown.width > shown.height
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_a_huge_portrait_stored_sideways_is_recorded_and_shown_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone held upright, the sensor stored it sideways
    result = process_photo(jpeg(scene((5200, 3900)), quality=80, exif=exif), MARK)
    assert (result.width, result.height) == (3900, 5200)
    shown = Image.open(io.BytesIO(result.watermarked))
    assert shown.height > shown.width and max(shown.size) <= photos.WATERMARKED_SIDE


def test_a_huge_png_is_reduced_before_its_display_copy_is_made():
    buffer = io.BytesIO()
    scene((4400, 1000)).save(buffer, "PNG")
    result = process_photo(buffer.getvalue(), MARK)
    assert (result.width, result.height) == (4400, 1000)
    assert max(Image.open(io.BytesIO(result.watermarked)).size) <= photos.WATERMARKED_SIDE
