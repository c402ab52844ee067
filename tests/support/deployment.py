"""The real deployment in a subprocess: gunicorn with the shipped `gunicorn.conf.py`, as the Procfile runs it,
on a free loopback port, in production mode (no EMSS_DEV) with production-strength secrets."""
from __future__ import annotations

import dataclasses
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
STARTUP = 30.0  # seconds: importing the app in every worker on a busy 2-core machine


# production-strength secrets (>= 32 bytes, not the development values), one set per test run
STRONG_SECRETS = {"SECRET_KEY": secrets.token_hex(32), "WECHAT_TOKEN": secrets.token_hex(16),
                  "WECHAT_APP_SECRET": secrets.token_hex(16)}


def production_config(config, **settings):
    """The test configuration as a production process would run it: development off, strong secrets."""
    strong = {"secret_key": STRONG_SECRETS["SECRET_KEY"], "wechat_token": STRONG_SECRETS["WECHAT_TOKEN"],
              "wechat_app_secret": STRONG_SECRETS["WECHAT_APP_SECRET"]}
    return dataclasses.replace(config, dev=False, **{**strong, **settings})


def production_env(database_url: str, redis_url: str, instance: Path) -> dict[str, str]:
    """What an operator sets: the backends, strong secrets (>= 32 bytes, not the development values)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("EMSS_DEV", "EMSS_JOBS_INLINE", "DATABASE_URL", "REDIS_URL")}
    env.update(DATABASE_URL=database_url, EMSS_INSTANCE=str(instance), MEDIA_ROOT=str(instance / "media"),
               **STRONG_SECRETS,
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], workers: int, log: Path):
    """Yields the base URL once the app answers; the whole process group is stopped afterwards, always."""
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "-w", str(workers),
            "-b", f"127.0.0.1:{port}", "web:create_app()"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(base, proc, log)
            yield base
        finally:
            _stop(proc)


def _wait_ready(base: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"gunicorn exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if requests.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer in {STARTUP:.0f} s:\n{log.read_text(errors='replace')}")


def _stop(proc: subprocess.Popen) -> None:
    """SIGINT is gunicorn's quick shutdown: workers held by a stalled client do not delay the test. Then
    SIGKILL for whatever of the group is left (a worker that outlived its master)."""
    _signal_group(proc, signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    _signal_group(proc, signal.SIGKILL)
    proc.wait(timeout=5)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # the group start_new_session created: its id is our child's pid
    except ProcessLookupError:
        pass
