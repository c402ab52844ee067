"""The near-duplicate threshold (states/neardup.py) against real transformations of field-like photos: every
copy matches, and no two shots of the same kind of scene (two chimneys, two sample bottles, two print-outs of
one instrument with other readings) do."""
from __future__ import annotations

import itertools
from functools import lru_cache

import pytest

from services.adapters.field_pictures import COPIES, SCENES, encode
from services.adapters.neardup import distance
from services.adapters.photos import dct_hash_of
from states.neardup import MAX_DISTANCE

LOOKALIKE_SEEDS = range(4)


@lru_cache(maxsize=None)
def scene(kind: str, seed: int):
    return SCENES[kind](seed)


@lru_cache(maxsize=None)
def original_hash(kind: str, seed: int) -> str:
    return dct_hash_of(encode(scene(kind, seed)))


@pytest.mark.parametrize("copy", COPIES)
@pytest.mark.parametrize("kind", SCENES)
def test_a_copied_photo_stays_within_the_threshold(kind, copy):
    copied = dct_hash_of(COPIES[copy](scene(kind, 0)))
    assert distance(original_hash(kind, 0), copied) <= MAX_DISTANCE


@pytest.mark.parametrize("kind", SCENES)
def test_two_shots_of_the_same_kind_of_scene_never_match(kind):
    pairs = itertools.combinations(LOOKALIKE_SEEDS, 2)
    distances = [distance(original_hash(kind, a), original_hash(kind, b)) for a, b in pairs]
    assert min(distances) > MAX_DISTANCE, distances

