"""The WeRoBot app: our session storage, our handlers. Parsing and crypto go through bot/endpoint.py."""
from __future__ import annotations

from flask import current_app, g
from werobot import WeRoBot

import handlers
from bot.session import RedisSessionStorage


def make_robot(config, redis) -> WeRoBot:
    robot = WeRoBot(
        token=config.wechat_token,
        app_id=config.wechat_app_id,
        app_secret=config.wechat_app_secret,
        encoding_aes_key=config.wechat_encoding_aes_key or None,
        session_storage=RedisSessionStorage(redis, config.session_ttl),
    )
    handlers.register(robot, _context)
    return robot


def _context():
    """The app's runtime and the delivery key bot/endpoint.py set for the message being handled."""
    return current_app.extensions["emss"], g.get("message_key")
