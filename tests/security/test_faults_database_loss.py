"""The app's PostgreSQL connections are killed (failover, a DBA's pg_terminate_backend, a proxy restart) while
requests run: a request whose work committed still answers its success, and none answers 5xx."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from models import User
from services.uow import UnitOfWork
from tests.conftest import DATABASE_URL
from tests.integration.test_staff_accounts import add_person, open_account

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith("postgresql"),
    reason="pg_terminate_backend is PostgreSQL's; SQLite has no server connections to kill")


@pytest.fixture
def storm(app, config):
    """After every view has finished, before the request is torn down, kill all of the app's connections."""
    admin = create_engine(config.database_url, poolclass=NullPool)
    killed = []

    def terminate(response):
        with admin.connect() as connection:
            pids = connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all()
        killed.append(len(pids))
        return response

    app.after_request(terminate)
    yield killed
    admin.dispose()


def test_pages_answer_while_the_database_connections_are_killed_after_each_view(demo_world, login, storm):
    client = login("agency1")
    for path in ("/agency/", "/agency/tasks/", "/agency/filing/", "/agency/tasks/"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert storm[-1] >= 1  # the connection the view had used was killed under it


def test_an_account_opened_during_the_storm_is_reported_opened_and_is_there(demo_world, runtime, login, storm):
    person = add_person(runtime, filed=True)
    client = login("agency1")
    response = open_account(client, person)
    assert response.status_code == 302, response.status_code
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    with UnitOfWork(runtime) as uow:
        assert uow.session.scalar(select(User).where(User.username == "sunlei")) is not None
