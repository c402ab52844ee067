"""Signed links sent in WeChat messages (the trip page opened from a template message)."""
from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer


def _serializer(config) -> URLSafeSerializer:
    return URLSafeSerializer(config.secret_key, salt="trip-page")


def trip_url(config, trip_id: int) -> str:
    token = _serializer(config).dumps({"trip": trip_id})
    return f"{config.public_base_url.rstrip('/')}/trips/{trip_id}?t={token}"


def trip_token_valid(config, trip_id: int, token: str) -> bool:
    try:
        return _serializer(config).loads(token) == {"trip": trip_id}
    except BadSignature:
        return False
