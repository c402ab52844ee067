"""Local stand-ins for the city's systems EMSS talks to (development only, mounted with EMSS_DEV like the
WeChat stand-in): 法人一证通, which verifies a registering legal entity."""
from __future__ import annotations


def register(app) -> None:
    from web.standins import identity

    app.register_blueprint(identity.bp)
    app.extensions["csrf"].exempt(identity.token)  # called server to server by our own registration
