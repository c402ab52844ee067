"""Near-duplicate photos (rule `photo_near_duplicate`): the hash, the index's bands and the threshold, as data.

Measured on field-like scenes (tests/support/lookalikes.py: chimneys, sample bottles, instrument print-outs;
8 scenes of each kind with 12 transformations each, and the 28 look-alike pairs of each kind - two shots of
the same composition with other details, framing off by up to 8 %, other readings on the print-out). Hamming
distances, max over the copies / min over the look-alikes:

| copy of the same photo        | dHash 64 bits | DCT hash 64 | DCT hash 256 (chosen) |
|-------------------------------|--------------:|------------:|----------------------:|
| JPEG quality 95 / 75 / 60     | 3 / 2 / 5     | 2 / 2 / 4   | 4 / 6 / 6             |
| resized to 90 / 75 / 50 %     | 6 / 6 / 7     | 2 / 4 / 2   | 12 / 8 / 8            |
| brighter / darker by 10 %     | 5 / 9         | 4 / 2       | 14 / 4                |
| cropped 2 % round the edges   | 8             | 8           | 22                    |
| cropped 5 % (edges / corner)  | 9 / 20        | 20 / 22     | 88 / 104              |
| **look-alike** chimney        | 10            | 12          | 84                    |
| **look-alike** sample bottle  | 9             | 12          | 68                    |
| **look-alike** print-out      | 0             | 4           | 32                    |

The 64-bit dHash (Photo.phash) cannot tell two print-outs of one instrument apart (distance 0) and its copies
reach 9 where look-alikes start: no threshold separates them. The 256-bit DCT hash (Photo.dct_hash, 32x32
greyscale, 16x16 lowest frequencies) keeps every re-encoded, resized or brightened copy within 14 and every
look-alike at 32 or more. No global hash measured survives a crop without also matching look-alikes: a crop of
2 % or more moves the 256-bit hash past the threshold (22 and up), so crops are caught only up to about 1 %.
"""
from __future__ import annotations

HASH_BITS = 256

# Halfway between the farthest copy (14) and the nearest look-alike (32) would be 23; 20 keeps a margin of 6
# over the copies and 12 under the look-alikes, as a copy that is re-encoded several times drifts further.
MAX_DISTANCE = 20

# 11 bands of 23-24 bits. Two hashes within MAX_DISTANCE = 20 differ in at most 20 bits, so by the pigeonhole
# principle one of the 11 bands differs in at most 1 bit (11 bands x 2 bits = 22 > 20): probing each band's
# value and its one-bit neighbours (11 x ~24 = 264 index keys) finds every such hash. A 23-bit key holds ~1
# photo per 10 million, so a lookup reads a few hundred candidates; exact bands alone would need 21 bands of
# 12 bits for the same guarantee, ~2,400 photos per key at 10 million.
BANDS = 11
PROBE_RADIUS = 1
assert BANDS * (PROBE_RADIUS + 1) > MAX_DISTANCE, "the probes would miss hashes within MAX_DISTANCE"
