"""The app's PostgreSQL connections are killed (failover, a DBA's pg_terminate_backend, a proxy restart) while
requests run: a request whose work committed still answers its success, and none answers 5xx."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from models import User
from services.core.uow import UnitOfWork
from tests.conftest import DATABASE_URL
from tests.integration.test_staff_accounts import add_person, open_account

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith("postgresql"),
    reason="pg_terminate_backend is PostgreSQL's; SQLite has no server connections to kill")


class Storm:
    """After every view has finished, before the request is torn down, every connection of the app is killed."""

    def __init__(self, app, url: str):
        self.app, self.admin, self.killed = app, create_engine(url, poolclass=NullPool), []
        app.after_request(self.terminate)

    def terminate(self, response):
        with self.admin.connect() as connection:
            self.killed.append(len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all()))
        return response

    def end(self) -> None:
        self.app.after_request_funcs[None].remove(self.terminate)
        self.admin.dispose()


@pytest.fixture
def storm(app, config):
    storm = Storm(app, config.database_url)
    yield storm
    if storm.terminate in app.after_request_funcs[None]:
        storm.end()


def test_pages_answer_while_the_database_connections_are_killed_after_each_view_and_after_the_storm(
        demo_world, login, storm):
    client = login("agency1")
    pages = ("/agency/", "/agency/tasks/", "/agency/filing/")
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert storm.killed[-1] >= 1  # the connection the view had used was killed under it
    storm.end()
    for path in pages:  # the pool's dead connections are replaced, not handed to a request
        assert client.get(path).status_code == 200, path


def test_an_account_opened_during_the_storm_is_reported_opened_and_is_there(demo_world, runtime, login, storm):
    person = add_person(runtime, filed=True)
    client = login("agency1")
    response = open_account(client, person)
    assert response.status_code == 303, response.status_code  # see the accounts page
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    with UnitOfWork(runtime) as uow:
        assert uow.session.scalar(select(User).where(User.username == "sunlei")) is not None
