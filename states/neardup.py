"""Near-duplicate photos (rule `photo_near_duplicate`): the hash, the index's bands and the threshold, as data.

Measured on field-like scenes (services/adapters/field_pictures.py: chimneys, sample bottles, instrument print-outs;
8 scenes of each kind, each copied 13 ways, and the 28 look-alike pairs of each kind - two shots of the same
composition with other details, framing off by up to 8 %, other readings on the print-out). Hamming
distances by `benchmarks/neardup.py --distances`, max over the copies / min over the look-alikes:

| copy of the same photo                          | dHash 64 bits (Photo.phash) | DCT hash 256 bits (chosen) |
|-------------------------------------------------|----------------------------:|---------------------------:|
| JPEG quality 95 / 75 / 60                       | 3 / 4 / 5                   | 6 / 4 / 6                  |
| resized to 90 / 75 / 50 %                       | 9 / 9 / 10                  | 8 / 10 / 10                |
| brighter / darker by 10 %                       | 8 / 9                       | 12 / 8                     |
| cropped 1 % round the edges                     | 5                           | 20                         |
| resized to 50 %, brighter by 10 %, quality 60   | 6                           | 18                         |
| cropped 2 % round the edges                     | 8                           | 24                         |
| cropped 5 % round the edges / from one corner   | 9 / 20                      | 84 / 106                   |
| **look-alike** chimney / bottle / print-out     | 8 / 10 / 0                  | 86 / 70 / 30               |

The 64-bit dHash cannot tell two print-outs of one instrument apart (distance 0) while its copies reach 10: no
threshold separates them. A 64-bit DCT hash measured no better (copies up to 22 with crops, print-outs from 4).
The 256-bit DCT hash (Photo.dct_hash: 32x32 greyscale, 16x16 lowest frequencies) keeps every re-encoded,
resized or brightened copy within 18 (20 cropped by 1 %) and every look-alike at 30 or more. No global hash measured survives a
crop without also matching look-alikes: from 2 % of the width cropped the 256-bit hash moves past the threshold
(24 and up, 5 % gives 84-106), so crops are caught up to about 1 %; a wider crop needs local features.
"""
from __future__ import annotations

HASH_BITS = 256

# 1 over the farthest copy (20, cropped by 1 %; 3 over the re-encoded, resized, brightened ones, 18) and 9 under
# the nearest look-alike (30). 23 with 12 bands would leave 3 over the crop, but read ~4x the candidates and
# measured p95 65 ms at 8.5 million photos against the 50 ms target (benchmarks/neardup.py), so the threshold
# is the most the 11 bands below guarantee to find.
MAX_DISTANCE = 21

# 11 bands of 23-24 bits. Two hashes within MAX_DISTANCE = 21 differ in at most 21 bits, so by the pigeonhole
# principle one of the 11 bands differs in at most 1 bit (11 bands x 2 bits = 22 > 21): probing each band's
# value and its one-bit neighbours (11 x ~24 = 264 index keys) finds every such hash. A 23-bit key holds ~1
# photo per 10 million, so a lookup reads ~270 candidates (benchmarks/neardup.py); exact bands alone would
# need 22 bands of 11-12 bits for the same guarantee, ~3,000 photos per key at 10 million.
BANDS = 11
PROBE_RADIUS = 1
assert BANDS * (PROBE_RADIUS + 1) > MAX_DISTANCE, "the probes would miss hashes within MAX_DISTANCE"
