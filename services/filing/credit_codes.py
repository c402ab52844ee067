"""The 18-character unified social credit code (统一社会信用代码) and its check character, GB 32100-2015."""
from __future__ import annotations

from functools import lru_cache

# the code's alphabet: digits and capitals without I, O, Z, S, V (easily mistaken); a character's value is its index
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# the weight of position i is 3^i mod 31, for the first 17 characters
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th character that the first 17 call for."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


@lru_cache(maxsize=65536)  # an import checks each code on every row of its polluter's points and scheme
def problem(code: str) -> str | None:
    """Why `code` is not a valid unified social credit code (Chinese), or None when it is."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，实际为 {len(code)} 位"
    wrong = sorted({c for c in code if c not in ALPHABET})
    if wrong:
        return f"统一社会信用代码含有不允许的字符：{'、'.join(wrong)}"
    if check_character(code[:17]) != code[17]:
        return f"统一社会信用代码校验位错误（按 GB 32100-2015 第 18 位应为 {check_character(code[:17])}）"
    return None
