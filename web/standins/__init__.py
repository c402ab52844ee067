"""Local stand-ins for the city's systems EMSS talks to (development only, mounted with EMSS_DEV like the
WeChat stand-in): 法人一证通, which verifies a registering legal entity, and the pollution-source system
(污染源综合管理信息系统), which verifies a polluter's own account."""
from __future__ import annotations


def register(app) -> None:
    from web.standins import identity, pollution_source

    app.register_blueprint(identity.bp)
    app.register_blueprint(pollution_source.bp)
    # called server to server by our own registration and sign-in
    app.extensions["csrf"].exempt(identity.token)
    app.extensions["csrf"].exempt(pollution_source.verify)
