"""An RQ worker process, as `emss worker` runs it, whose download from WeChat hangs: the test kills it with
SIGKILL mid-job, as the OOM killer or a lost machine would. Run as `python -m tests.support.doomed_worker`
with the test's Config fields as JSON in EMSS_DOOMED_CONFIG; it prints `downloading <media_id>` when stuck."""
from __future__ import annotations

import json
import os
import time

from rq import SimpleWorker

import services.wechat.jobs
from services.core.config import Config
from services.core.jobs import QUEUE
from web import create_app


class HangingWeChat:
    def download_media(self, media_id: str) -> bytes:
        print("downloading", media_id, flush=True)
        time.sleep(600)
        raise TimeoutError(media_id)


def main() -> None:
    config = Config(**json.loads(os.environ["EMSS_DOOMED_CONFIG"]))
    app = create_app(config)
    runtime = app.extensions["emss"]
    runtime.__dict__["wechat"] = HangingWeChat()  # services.wechat.jobs.client() hands this process's client out
    assert services.wechat.jobs.client(runtime).__class__ is HangingWeChat
    with app.app_context():
        SimpleWorker([QUEUE], connection=runtime.redis).work(burst=True)


if __name__ == "__main__":
    main()
