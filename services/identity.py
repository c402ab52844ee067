"""Who is registering: the legal entity behind a new agency account (法人一证通).

The real system verifies the entity with Shanghai's legal-entity certificate login (法人一证通). Registration
only talks to an `IdentityProvider`, so that login can be plugged in beside the local provider used in
development, which trusts a typed credit code and name once their format and check character are right.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from states.forms import normalise

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z); the last one is a check character
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
CREDIT_CODE = re.compile(rf"^[{ALPHABET}]{{2}}\d{{6}}[{ALPHABET}]{{10}}$")


@dataclass(frozen=True)
class LegalEntity:
    """A verified legal entity (法人): its unified social credit code (统一社会信用代码) and registered name."""

    credit_code: str
    name: str


class IdentityRejected(Exception):
    """The entity could not be verified; the message says why, in Chinese."""


class IdentityProvider(Protocol):
    """Verifies the legal entity behind a registration request."""

    title: str  # shown on the registration page

    def verify(self, request_data: Mapping[str, str]) -> LegalEntity: ...


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters of a credit code."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why `code` is not a valid unified social credit code, or None when it is."""
    if not CREDIT_CODE.match(code):
        return "统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z）。"
    if check_character(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对后重新输入。"
    return None


class LocalIdentityProvider:
    """For development: the entity's credit code and name typed in a form, the code checked, the name trusted."""

    title = "本地身份验证（开发环境，代替法人一证通）"

    def verify(self, request_data: Mapping[str, str]) -> LegalEntity:
        code = normalise(request_data.get("credit_code", "")).upper()
        name = normalise(request_data.get("name", ""))
        if not code:
            raise IdentityRejected("请输入统一社会信用代码。")
        problem = credit_code_problem(code)
        if problem:
            raise IdentityRejected(problem)
        if not 2 <= len(name) <= 200:
            raise IdentityRejected("请输入单位名称（营业执照上的全称）。")
        return LegalEntity(credit_code=code, name=name)


def provider(config) -> IdentityProvider:
    """The identity provider for this deployment: for now the local one (法人一证通 plugs in here)."""
    return LocalIdentityProvider()
