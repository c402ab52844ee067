"""The local WeChat stand-in, on only with EMSS_DEV: a fake WeChat API and a phone-like simulator page.

Never registered in production: `create_app` mounts it only when `Config.dev` is set.
"""
from __future__ import annotations


def register(app) -> None:
    from bot.standin import control, fake_api, simulator

    for blueprint in (fake_api.bp, simulator.bp, control.bp):
        app.register_blueprint(blueprint)
        app.extensions["csrf"].exempt(blueprint)  # called by servers and scripts, not by our forms
