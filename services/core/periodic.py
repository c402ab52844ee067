"""Work a long-running process repeats in the background (the photo sweeper, the reminders): now, then every
few seconds, in a daemon thread, surviving a database or Redis outage, until its event is set."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def start(app, name: str, every: float, work: Callable[[object], object]) -> threading.Event:
    """Run `work(runtime)` now and then every `every` seconds; set the returned event to stop."""
    stop = threading.Event()
    threading.Thread(target=_repeat, args=(app, name, every, work, stop), name=name, daemon=True).start()
    return stop


def _repeat(app, name: str, every: float, work, stop: threading.Event) -> None:
    runtime = app.extensions["emss"]
    with app.app_context():  # jobs run inline on the embedded default, and find their runtime in it
        while True:
            try:
                work(runtime)
            except Exception:  # noqa: BLE001 - an outage must not end the repeating for good
                log.exception("%s failed; trying again in %ss", name, every)
            if stop.wait(every):
                return
