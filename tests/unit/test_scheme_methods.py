"""A plan's method names the self-monitoring scheme's method standard: by its number, spaces and case aside."""
from __future__ import annotations

import pytest

from services.sampling.tasks import follows_standard


@pytest.mark.parametrize(("method", "standard"), [
    ("HJ 828-2017 重铬酸盐法", "HJ 828-2017"),
    ("hj828-2017", "HJ 828-2017 重铬酸盐法"),
    ("GB/T 16157-1996 固定污染源排气中颗粒物测定", "GB/T16157-1996"),
    ("HJ/T 399-2007", "HJ/T 399-2007 快速消解分光光度法"),
    ("按厂内作业指导书 A-1", "按厂内作业指导书 A-1"),
])
def test_a_method_naming_the_schemes_standard_follows_it(method, standard):
    assert follows_standard(method, standard)


@pytest.mark.parametrize(("method", "standard"), [
    ("HJ 399-2007 快速消解分光光度法", "HJ 828-2017"),
    ("HJ 828-2016", "HJ 828-2017"),
    ("重铬酸盐法", "HJ 828-2017 重铬酸盐法"),
    ("HJ/T 399-2007", "HJ 399-2007"),
])
def test_a_method_naming_another_standard_or_none_does_not(method, standard):
    assert not follows_standard(method, standard)
