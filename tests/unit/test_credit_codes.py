from services.adapters import geo
from services.filing import credit_codes
from services.texts.refusals import say


def problem(code: str) -> str | None:
    invalid = credit_codes.problem(code)
    return say(invalid) if invalid else None


def test_a_published_credit_code_passes_its_check_character():
    assert credit_codes.problem("91350100M000100Y43") is None


def test_a_wrong_check_character_is_named_with_the_right_one():
    assert problem("91350100M000100Y44") == "校验位错误（按 GB 32100-2015 第 18 位应为 3）"


def test_letters_outside_the_alphabet_and_wrong_lengths_are_refused():
    assert problem("91350100M000100O43") == "含有不允许的字符：O"
    assert problem("91350100M00010") == "应为 18 位，实际为 14 位"


def test_wgs84_to_gcj02_shifts_shanghai_by_a_few_hundred_metres_and_back():
    wgs = (31.2304, 121.4737)
    gcj = geo.wgs84_to_gcj02(*wgs)
    assert 300 < geo.distance_m(*wgs, *gcj) < 800
    back = geo.gcj02_to_wgs84(*gcj)
    assert geo.distance_m(*wgs, *back) < 0.01
