"""The 18-character unified social credit code (统一社会信用代码) and its check character, GB 32100-2015."""
from __future__ import annotations

from functools import lru_cache

from services.core.refusal import Refusal

# the code's alphabet: digits and capitals without I, O, Z, S, V (easily mistaken); a character's value is its index
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# the weight of position i is 3^i mod 31, for the first 17 characters
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th character that the first 17 call for."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


class CreditCodeInvalid(Refusal):
    """Why a credit code is not valid: length | characters | check. Not raised alone: the registration or the
    directory row that met it refuses, carrying it as the detail `invalid`."""

    domain = "credit_code"


@lru_cache(maxsize=65536)  # an import checks each code on every row of its polluter's points and scheme
def problem(code: str) -> CreditCodeInvalid | None:
    """Why `code` is not a valid unified social credit code, or None when it is."""
    if len(code) != 18:
        return CreditCodeInvalid("length", length=len(code))
    wrong = sorted({c for c in code if c not in ALPHABET})
    if wrong:
        return CreditCodeInvalid("characters", characters="、".join(wrong))
    if check_character(code[:17]) != code[17]:
        return CreditCodeInvalid("check", expected=check_character(code[:17]))
    return None
