"""The signature_reused threshold (states/findings.py) against drawings: one drawing saved again, scaled or
sent through JPEG stays within it; two drawings of the same name by the same hand never come within it."""
from __future__ import annotations

import itertools

import pytest
from PIL import Image

from services.adapters.field_pictures import scaled_signature, signature, signature_via_jpeg
from services.adapters.neardup import distance
from services.adapters.signatures import stroke_hash
from states.findings import rule

LIMIT = rule("signature_reused").param("max_distance")
NAMES = ("王建国", "李秀英", "Zhou Ming")
COPIES = {
    "saved again": lambda image: image.copy(),
    "scaled to 90 %": lambda image: scaled_signature(image, 0.9),
    "scaled to 75 %": lambda image: scaled_signature(image, 0.75),
    "JPEG quality 60": lambda image: signature_via_jpeg(image, 60),
    "scaled to 80 %, JPEG quality 75": lambda image: signature_via_jpeg(scaled_signature(image, 0.8), 75),
}


@pytest.mark.parametrize("copy", COPIES)
@pytest.mark.parametrize("name", NAMES)
def test_an_earlier_signature_pasted_again_stays_within_the_threshold(name, copy):
    original = signature(name, hand=1)
    assert distance(stroke_hash(original), stroke_hash(COPIES[copy](original))) <= LIMIT


@pytest.mark.parametrize("jitter", [0.01, 0.02, 0.04])  # a very steady hand, a steady one, an ordinary one
@pytest.mark.parametrize("name", NAMES)
def test_the_same_name_drawn_again_never_matches(name, jitter):
    hashes = [stroke_hash(signature(name, hand, jitter)) for hand in range(5)]
    distances = [distance(a, b) for a, b in itertools.combinations(hashes, 2)]
    assert min(distances) > LIMIT, distances


def test_where_on_the_canvas_and_how_large_the_drawing_is_do_not_change_its_hash_much():
    original = signature("王建国", hand=3)
    shifted = Image.new("RGBA", original.size, (0, 0, 0, 0))
    shifted.paste(original.crop((0, 0, original.width - 20, original.height - 10)), (20, 10))
    assert stroke_hash(shifted) == stroke_hash(original)
    assert distance(stroke_hash(original), stroke_hash(scaled_signature(original, 0.6))) <= LIMIT
