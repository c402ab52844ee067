"""The Flask application factory: the web panel, and the WSGI app that mounts the WeChat endpoint."""
from __future__ import annotations

from flask import Flask

from services.core.config import Config
from web.ids import IdConverter

# one blueprint per area; each module's `bp`
AREAS = ("web.pages", "web.auth", "web.agency", "web.filing", "web.review", "web.contracts", "web.tasks",
         "web.records", "web.trips", "web.polluter", "web.mobile", "web.regulator", "web.admin",
         "web.credit", "web.om", "web.om_mobile", "web.directory", "web.help",
         "web.inspections", "web.notices", "web.api", "web.evidence", "web.account", "web.positions")
MAX_UPLOAD = 25 * 1024 * 1024


def create_app(config: Config | None = None) -> Flask:
    from bot import endpoint
    from bot.deliveries import Deliveries
    from bot.robot import make_robot
    from services.core.runtime import build_runtime

    config = config or Config.from_env()
    config.require_secrets()  # every serving process (gunicorn, `emss serve`, the worker) comes through here
    app = Flask(__name__)
    app.url_map.converters["int"] = IdConverter  # before any route is added
    secure = config.public_base_url.startswith("https://")
    app.config.update(
        SECRET_KEY=config.secret_key, MAX_CONTENT_LENGTH=MAX_UPLOAD,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_SECURE=secure,
        WTF_CSRF_TIME_LIMIT=None,
    )
    runtime = build_runtime(config)
    app.extensions["emss"] = runtime
    app.extensions["emss.robot"] = make_robot(config, runtime.redis)
    app.extensions["emss.deliveries"] = Deliveries(runtime.redis)
    _web(app)
    app.register_blueprint(endpoint.bp)
    app.extensions["csrf"].exempt(endpoint.bp)  # WeChat's servers sign their requests instead
    if config.dev:
        from bot.standin import register as register_standin
        from web import standins

        register_standin(app)
        standins.register(app)
    return app


def _web(app: Flask) -> None:
    import importlib

    from services.core.policy import scope_label
    from web import db, links, nav
    from web.extensions import csrf, login_manager

    login_manager.init_app(app)
    csrf.init_app(app)
    app.teardown_appcontext(db.close)
    app.jinja_env.globals.update(nav_links=nav.nav_links, nav_name=nav.nav_name, unread_notices=nav.unread_notices,
                                 scope_label=scope_label)
    for name in AREAS:
        app.register_blueprint(importlib.import_module(name).bp)
    links.install(app)
