"""The baseline for `bot_load.py`: a bare WeRoBot echo bot behind werobot.contrib.flask.make_view.

Same token as EMSS (WECHAT_TOKEN, default "emss-dev-token"), so the load generator signs both alike. The
WeRoBot session is switched off: left on, WeRoBot would write a SQLite session file on every message, which
is WeRoBot's default storage rather than the framework's cost of parsing, dispatching and rendering.

    gunicorn -w 4 -b 127.0.0.1:8091 'benchmarks.echo_app:create_app()'
"""
from __future__ import annotations

import os

from flask import Flask
from werobot import WeRoBot
from werobot.contrib.flask import make_view

DEFAULT_TOKEN = "emss-dev-token"


def create_app() -> Flask:
    robot = WeRoBot(token=os.environ.get("WECHAT_TOKEN") or DEFAULT_TOKEN, SESSION_STORAGE=False)

    @robot.text
    def echo(message):
        return message.content

    app = Flask(__name__)
    app.add_url_rule("/wechat", endpoint="werobot", view_func=make_view(robot), methods=["GET", "POST"])
    return app
