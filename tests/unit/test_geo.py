import pytest

from services.adapters.geo import distance_m


def test_distance_along_a_meridian_matches_the_ellipsoid():
    # 0.01° of latitude near 31°N is about 1109 m on WGS-84
    assert distance_m(30.8167, 121.35, 30.8267, 121.35) == pytest.approx(1109, abs=2)


def test_shanghai_to_beijing():
    assert distance_m(31.2304, 121.4737, 39.9042, 116.4074) == pytest.approx(1_067_000, rel=0.01)


def test_same_point_is_zero_and_distance_is_symmetric():
    assert distance_m(30.8, 121.3, 30.8, 121.3) == 0
    assert distance_m(30.8, 121.3, 30.81, 121.31) == pytest.approx(distance_m(30.81, 121.31, 30.8, 121.3))


def test_nearly_antipodal_points_fall_back_to_a_great_circle():
    assert distance_m(0, 0, 0.5, 179.7) == pytest.approx(19_950_000, rel=0.01)
