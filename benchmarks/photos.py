"""Photo pipeline benchmark: the peak memory of one 50 MP photo, and worker CPU per photo. Standalone: no
server, database or Redis.

A program, not a test:

    .venv/bin/python benchmarks/photos.py                      # 50 MP memory, then 60 photos of 1600x1200
    .venv/bin/python benchmarks/photos.py --against /tmp/old   # also another checkout's services/adapters/photos.py

What it does:
1. processes one 50 MP photo (8160x6120, a 50 MP phone sensor's size, under the 20 MB cap), once upright and
   once stored sideways (EXIF orientation 6, as many phones store portraits), each in a fresh subprocess that
   first imports what the RQ worker holds (the web app, services.wechat.jobs, rq) and writes the three files as
   services.adapters.media does; reports the child's peak RSS (ru_maxrss, as getrusage RUSAGE_CHILDREN has it, taken
   per child with wait4) against the target. It runs first, while this process is small: a child's ru_maxrss
   starts from its parent's peak;
2. generates camera-like 1600x1200 JPEGs (quality 92, 4:2:0, EXIF with time, GPS, make and model): smooth
   light, shapes with hard edges, thin lines and sensor noise in luma and chroma, about 2.5 bits per pixel
   like a phone camera's own JPEG; flat pictures would compress and decode unrealistically fast. WeChat
   usually recompresses the photos it delivers, so these are if anything heavier than what the worker gets;
3. runs `services.adapters.photos.process_photo` (verify, EXIF, thumbnail, watermark, SHA-256, perceptual hash) on
   them in this process, --photos times after a warm-up, and reports the CPU time of each call
   (time.process_time: robust to other processes sharing the cores, which wall time is not): mean, median
   and p95, the target on the mean, and the photos one worker processes per second of CPU. The watermark
   font matters (a CJK font renders slower than DejaVu): the run names the one it found.

--against DIR loads DIR/services/photos.py as well (for instance main's, `git show main:services/adapters/photos.py`),
times both alternately on the same photos, so load from others on the machine hits both alike, and compares
their perceptual hashes on the benchmark photos and on re-encoded copies of them.
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from types import ModuleType

from PIL import Image, ImageChops, ImageDraw, ImageFilter
from PIL.TiffImagePlugin import IFDRational

ROOT = Path(__file__).resolve().parent.parent
TARGET_CPU_MS = 25.0
TARGET_PEAK_MB = 400.0
PHOTO_SIZE = (1600, 1200)
BIG_SIZE = (8160, 6120)  # 49.9 MP, under services.adapters.photos.MAX_PHOTO_PIXELS
BIG_NOISE = 16


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--photos", type=int, default=60, help="timed pipeline runs (default 60)")
    p.add_argument("--distinct", type=int, default=6, help="different generated photos cycled through (default 6)")
    p.add_argument("--against", type=Path, metavar="DIR", help="also measure DIR/services/photos.py")
    p.add_argument("--skip-big", action="store_true", help="skip the 50 MP memory measurement")
    p.add_argument("--one-photo", type=Path, help=argparse.SUPPRESS)  # the child of the 50 MP measurement
    p.add_argument("--code", type=Path, default=ROOT, help=argparse.SUPPRESS)
    p.add_argument("--make-big", type=Path, help=argparse.SUPPRESS)  # the child writing the 50 MP photo
    p.add_argument("--orientation", type=int, default=1, help=argparse.SUPPRESS)
    return p.parse_args(argv)


# --- the photos -------------------------------------------------------------------------------------------

def camera_like(size: tuple[int, int], seed: int) -> Image.Image:
    """Smooth light, shapes, thin lines, slight blur (a lens), then luma and chroma noise (a sensor)."""
    rnd = random.Random(seed)
    width, height = size
    light = Image.frombytes("RGB", (16, 12), rnd.randbytes(16 * 12 * 3))
    img = light.resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(60):
        x, y = rnd.randrange(width), rnd.randrange(height)
        box = (x, y, x + rnd.randrange(20, width // 3), y + rnd.randrange(20, height // 3))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)(box, fill=_colour(rnd))
    for _ in range(200):
        ends = (rnd.randrange(width), rnd.randrange(height), rnd.randrange(width), rnd.randrange(height))
        draw.line(ends, fill=_colour(rnd), width=rnd.randrange(1, 4))
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    luma = _noise(rnd, "L", size, 10)
    img = ImageChops.add(img, Image.merge("RGB", (luma, luma, luma)), offset=-5)
    return ImageChops.add(img, _noise(rnd, "RGB", size, 4), offset=-2)


def _colour(rnd: random.Random) -> tuple[int, int, int]:
    return rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)


def _noise(rnd: random.Random, mode: str, size: tuple[int, int], spread: int) -> Image.Image:
    """Uniform noise in 0..spread (add it with offset -spread/2)."""
    bands = len(mode)
    raw = Image.frombytes(mode, size, rnd.randbytes(size[0] * size[1] * bands))
    return raw.point([value * spread // 255 for value in range(256)] * bands)


def camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Xiaomi", "Redmi Note 12", orientation
    exif[0x0132] = "2026:11:26 09:15:42"
    exif.get_ifd(0x8769)[36867] = "2026:11:26 09:15:42"  # DateTimeOriginal
    exif.get_ifd(0x8825).update({1: "N", 2: (IFDRational(30), IFDRational(49), IFDRational(1201, 100)),
                                 3: "E", 4: (IFDRational(121), IFDRational(21), IFDRational(0))})
    return exif


def to_jpeg(img: Image.Image, quality: int = 92, orientation: int = 1) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, exif=camera_exif(orientation))
    return out.getvalue()


def watermark(pipeline: ModuleType):
    return pipeline.Watermark(taken_at=datetime(2026, 11, 26, 9, 15), task="RW-2026-017 雨水排口采样",
                              place="上海示范化工有限公司 30.81670,121.35000", sampler="张三")


# --- CPU per photo ----------------------------------------------------------------------------------------

def load_pipeline(root: Path, name: str) -> ModuleType:
    """services/adapters/photos.py of a checkout, by path: it imports only the standard library and Pillow."""
    spec = importlib.util.spec_from_file_location(name, root / "services" / "photos.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def time_pipelines(pipelines: dict[str, ModuleType], photos: list[bytes], runs: int) -> dict[str, list[float]]:
    """CPU ms of each call, the pipelines taking turns photo by photo."""
    marks = {name: watermark(pipeline) for name, pipeline in pipelines.items()}
    for data in photos:  # warm-up: fonts, caches, allocator
        for name, pipeline in pipelines.items():
            pipeline.process_photo(data, marks[name])
    times: dict[str, list[float]] = {name: [] for name in pipelines}
    for index in range(runs):
        data = photos[index % len(photos)]
        for name, pipeline in pipelines.items():
            start = time.process_time()
            pipeline.process_photo(data, marks[name])
            times[name].append((time.process_time() - start) * 1000)
    return times


def report_cpu(name: str, times: list[float]) -> bool:
    mean, p95 = statistics.fmean(times), percentile(times, 95)
    ok = mean <= TARGET_CPU_MS
    print(f"{name}: CPU per photo mean {mean:.1f} ms, median {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms over {len(times)} photos; one worker: {1000 / mean:.1f} photos/s of CPU")
    print(f"  {'PASS' if ok else 'FAIL'}  mean CPU per 1600x1200 photo <= {TARGET_CPU_MS:.0f} ms ({mean:.1f} ms)")
    return ok


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def compare_hashes(new: ModuleType, old: ModuleType, photos: list[bytes]) -> None:
    """Bits that differ between the two pipelines' hash of the same photo, next to the bits that differ
    for one pipeline between a photo and the same photo re-encoded at quality 75 (what the hash tolerates)."""
    definition, reencoding = [], []
    for data in photos:
        again = to_jpeg(Image.open(io.BytesIO(data)), quality=75)
        new_hash = new.process_photo(data, watermark(new)).phash
        definition.append(new.phash_distance(new_hash, old.process_photo(data, watermark(old)).phash))
        reencoding.append(new.phash_distance(new_hash, new.process_photo(again, watermark(new)).phash))
    print(f"perceptual hash, new vs --against, same photo: max {max(definition)} bits, "
          f"mean {statistics.fmean(definition):.2f} over {len(photos)} photos; "
          f"for scale, new hash vs the photo re-encoded at quality 75: max {max(reencoding)} bits")


# --- peak memory of a 50 MP photo -------------------------------------------------------------------------

def big_photo(path: Path, orientation: int) -> None:
    """A 50 MP camera-like JPEG under the 20 MB cap: the 1600x1200 scene enlarged, with full-size noise.
    Run in a child of its own: the parent's peak RSS would otherwise be passed on to the measured child."""
    scene = camera_like((2040, 1530), seed=50).resize(BIG_SIZE, Image.Resampling.BICUBIC)
    scene = ImageChops.add(scene, _noise(random.Random(51), "RGB", BIG_SIZE, BIG_NOISE), offset=-BIG_NOISE // 2)
    path.write_bytes(to_jpeg(scene, quality=90, orientation=orientation))


def peak_rss(argv: list[str]) -> tuple[float, str]:
    """Peak RSS (MB of 10^6 bytes) of a fresh child: its own ru_maxrss, as getrusage(RUSAGE_CHILDREN)
    reports it, taken with wait4 so that earlier children do not count."""
    child = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), *argv], stdout=subprocess.PIPE, text=True)
    said = child.stdout.read().strip()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{argv} failed with exit code {child.returncode}")
    return usage.ru_maxrss * 1024 / 1e6, said


def process_one(path: Path, code: Path) -> None:
    """Child: hold what the RQ worker holds, then process the photo and write its three files."""
    sys.path.insert(0, str(ROOT))
    import rq  # noqa: F401

    import services.wechat.jobs  # noqa: F401
    import web  # noqa: F401

    pipeline = load_pipeline(code, "photos_in_child")
    before = resident_mb()
    data = path.read_bytes()
    result = pipeline.process_photo(data, watermark(pipeline))
    with tempfile.TemporaryDirectory() as folder:
        for name, content in (("original", data), ("thumb", result.thumbnail), ("wm", result.watermarked)):
            (Path(folder) / f"{name}.jpg").write_bytes(content)
    print(f"{result.width}x{result.height}, {len(data) / 1e6:.1f} MB; RSS {before:.0f} MB after the worker's imports")


def resident_mb() -> float:
    status = Path("/proc/self/status").read_text()
    kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return kib * 1024 / 1e6


def measure_big(code: Path, label: str) -> bool:
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        for orientation, what in ((1, "upright"), (6, "stored sideways, EXIF orientation 6")):
            path = Path(folder) / f"big-{orientation}.jpg"
            peak_rss(["--make-big", str(path), "--orientation", str(orientation)])
            peak, said = peak_rss(["--one-photo", str(path), "--code", str(code)])
            passed = peak < TARGET_PEAK_MB
            ok = ok and passed
            print(f"  {'PASS' if passed else 'FAIL'}  {label}: peak RSS {peak:.0f} MB < {TARGET_PEAK_MB:.0f} MB "
                  f"for a 50 MP photo {what} ({said})", flush=True)
    return ok


def measure_cpu(args) -> bool:
    photos = [to_jpeg(camera_like(PHOTO_SIZE, seed)) for seed in range(args.distinct)]
    mean_bytes = statistics.fmean(len(p) for p in photos)
    print(f"CPU: {args.distinct} camera-like 1600x1200 JPEGs, mean {mean_bytes / 1e3:.0f} kB "
          f"({mean_bytes * 8 / (PHOTO_SIZE[0] * PHOTO_SIZE[1]):.2f} bits per pixel), {args.photos} timed runs",
          flush=True)
    here = load_pipeline(ROOT, "photos_here")
    pipelines = {"this checkout": here}
    font = here._font_choice(os.environ.get(here.FONT_ENV_VAR) or None)[0]
    print(f"  watermark font: {font or 'Pillow built-in (no font file found)'}", flush=True)
    if args.against:
        pipelines[f"--against {args.against}"] = load_pipeline(args.against, "photos_against")
    times = time_pipelines(pipelines, photos, args.photos)
    verdicts = [report_cpu(name, values) for name, values in times.items()]
    if args.against:
        base, other = (statistics.fmean(values) for values in times.values())
        print(f"this checkout takes {base / other:.2f} x the CPU of --against")
        compare_hashes(*pipelines.values(), photos)
    return verdicts[0]


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.one_photo:
        process_one(args.one_photo, args.code)
        return 0
    if args.make_big:
        big_photo(args.make_big, args.orientation)
        return 0
    print(f"{datetime.now():%Y-%m-%d %H:%M} benchmarks/photos.py", flush=True)
    ok = True
    if not args.skip_big:
        # First, while this process is small: a child starts with its parent's peak RSS in ru_maxrss.
        print("peak memory, one 50 MP photo in a fresh process:", flush=True)
        ok = measure_big(ROOT, "this checkout")
        if args.against:
            measure_big(args.against, f"--against {args.against}")
    return 0 if measure_cpu(args) and ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
