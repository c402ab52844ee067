"""Near-duplicate photos (rule `photo_near_duplicate`): the hash, the index's bands and the threshold, as data.

Measured on field-like scenes (tests/support/lookalikes.py: chimneys, sample bottles, instrument print-outs;
8 scenes of each kind, each copied 13 ways, and the 28 look-alike pairs of each kind - two shots of the same
composition with other details, framing off by up to 8 %, other readings on the print-out). Hamming
distances by `benchmarks/neardup.py --distances`, max over the copies / min over the look-alikes:

| copy of the same photo                          | dHash 64 bits (Photo.phash) | DCT hash 256 bits (chosen) |
|-------------------------------------------------|----------------------------:|---------------------------:|
| JPEG quality 95 / 75 / 60                       | 3 / 2 / 5                   | 4 / 6 / 6                  |
| resized to 90 / 75 / 50 %                       | 6 / 6 / 7                   | 12 / 8 / 8                 |
| brighter / darker by 10 %                       | 5 / 9                       | 14 / 4                     |
| cropped 1 % round the edges                     | 4                           | 18                         |
| resized to 50 %, brighter by 10 %, quality 60   | 6                           | 18                         |
| cropped 2 % round the edges                     | 8                           | 22                         |
| cropped 5 % round the edges / from one corner   | 9 / 20                      | 88 / 104                   |
| **look-alike** chimney / bottle / print-out     | 10 / 9 / 0                  | 84 / 68 / 32               |

The 64-bit dHash cannot tell two print-outs of one instrument apart (distance 0) while its copies reach 9: no
threshold separates them. A 64-bit DCT hash measured no better (copies up to 22 with crops, print-outs from 4).
The 256-bit DCT hash (Photo.dct_hash: 32x32 greyscale, 16x16 lowest frequencies) keeps every re-encoded,
resized or brightened copy within 18 and every look-alike at 32 or more. No global hash measured survives a
crop without also matching look-alikes: from 2 % of the width cropped the 256-bit hash moves past the threshold
(22 and up, 5 % gives 88-104), so crops are caught up to about 1 %; a wider crop needs local features.
"""
from __future__ import annotations

HASH_BITS = 256

# 3 over the farthest copy (18) and 11 under the nearest look-alike (32): a copy re-encoded once more drifts a
# little further, a look-alike is far. The most the 11 bands below guarantee to find.
MAX_DISTANCE = 21

# 11 bands of 23-24 bits. Two hashes within MAX_DISTANCE = 21 differ in at most 21 bits, so by the pigeonhole
# principle one of the 11 bands differs in at most 1 bit (11 bands x 2 bits = 22 > 21): probing each band's
# value and its one-bit neighbours (11 x ~24 = 264 index keys) finds every such hash. A 23-bit key holds ~1
# photo per 10 million, so a lookup reads a few hundred candidates; exact bands alone would need 22 bands of
# 11-12 bits for the same guarantee, ~3,000 photos per key at 10 million.
BANDS = 11
PROBE_RADIUS = 1
assert BANDS * (PROBE_RADIUS + 1) > MAX_DISTANCE, "the probes would miss hashes within MAX_DISTANCE"
