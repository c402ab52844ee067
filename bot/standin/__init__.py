"""The local WeChat stand-in, on only with EMSS_DEV: a fake WeChat API and a phone-like simulator page.

Never registered in production: `create_app` mounts it only when `Config.dev` is set.
"""
from __future__ import annotations


def register(app) -> None:
    from bot.standin import fake_api

    app.register_blueprint(fake_api.bp)
    try:
        from bot.standin import simulator
    except ImportError:  # the simulator page is optional for the API stand-in
        return
    app.register_blueprint(simulator.bp)
