"""The Flask application factory: the web panel, and the WSGI app that mounts the WeChat endpoint."""
from __future__ import annotations

from flask import Flask

from web.config import Config


def create_app(config: Config | None = None) -> Flask:
    from bot import endpoint
    from bot.deliveries import Deliveries
    from bot.robot import make_robot
    from services.runtime import build_runtime
    from web import pages

    config = config or Config.from_env()
    app = Flask(__name__)
    app.config.update(SECRET_KEY=config.secret_key, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    runtime = build_runtime(config)
    app.extensions["emss"] = runtime
    app.extensions["emss.robot"] = make_robot(config, runtime.redis)
    app.extensions["emss.deliveries"] = Deliveries(runtime.redis)
    app.register_blueprint(endpoint.bp)
    app.register_blueprint(pages.bp)
    if config.dev:
        from bot.standin import register as register_standin

        register_standin(app)
    return app
