"""`emss` — the command line: db upgrade, demo, menu push, worker, serve, om-visits, findings rescan."""
from __future__ import annotations

import argparse
import sys

from web.config import Config, ConfigError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="emss", description="环境监测社会化服务监管系统 backend")
    sub = parser.add_subparsers(dest="command", required=True)
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="apply Alembic migrations")
    sub.add_parser("demo", help="load the demo data (idempotent)")
    menu = sub.add_parser("menu", help="the official account's custom menu").add_subparsers(dest="action",
                                                                                            required=True)
    menu.add_parser("push", help="create the menu through the WeChat API")
    sub.add_parser("worker", help="run an RQ worker")
    sub.add_parser("om-visits", help="daily: generate the O&M visits, mark unsigned ones late")
    findings = sub.add_parser("findings", help="findings (异常线索) on trips and O&M visits")
    rescan = findings.add_subparsers(dest="action", required=True).add_parser(
        "rescan", help="apply the findings rules again (idempotent; decided findings stay decided)")
    rescan.add_argument("--since", type=_day, help="only trips and visits of this day (YYYY-MM-DD) onwards")
    serve = sub.add_parser("serve", help="serve the app (embedded default: one threaded process)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args, Config.from_env())
    except ConfigError as refused:  # a sentence for the operator, not a stack trace
        print(refused, file=sys.stderr)
        return 2


def _db(args, config: Config) -> int:
    from migrations import upgrade

    config.instance_path.mkdir(parents=True, exist_ok=True)
    upgrade(config.database_url)
    print("数据库已升级到最新版本。")
    return 0


def _demo(args, config: Config) -> int:
    from services import demo
    from services.runtime import build_runtime
    from services.uow import UnitOfWork

    with UnitOfWork(build_runtime(config)) as uow:
        created = demo.load(uow.session)
        uow.commit()
    print("演示数据已加载。" if created else "演示数据已存在，未重复加载。")
    print(demo.ACCOUNTS_NOTE)
    return 0


def _menu(args, config: Config) -> int:
    from bot.menu import push
    from bot.wechat_client import WeChatClient
    from services.runtime import make_redis

    config.require_secrets("WECHAT_APP_SECRET")  # only the API credentials: no cookie, link or callback here
    print(push(WeChatClient(config, make_redis(config))))
    return 0


def _worker(args, config: Config) -> int:
    # SimpleWorker runs jobs in this process: a forking worker pays imports, a cold SQL compile cache and a
    # new database connection for every photo (measured: ~230 ms of CPU per job against ~25 ms)
    from rq import SimpleWorker

    import bot.jobs  # noqa: F401 - imported once, here, rather than in each job
    from services.jobs import QUEUE
    from web import create_app

    if config.embedded_redis:
        print("未配置 REDIS_URL：嵌入模式下任务在进程内直接执行，无需 worker。", file=sys.stderr)
        return 2
    app = create_app(config)
    with app.app_context():
        runtime = app.extensions["emss"]
        SimpleWorker([QUEUE], connection=runtime.redis).work(with_scheduler=True)
    return 0


def _om_visits(args, config: Config) -> int:
    from services import om_confirmations, om_plans
    from services.runtime import build_runtime
    from services.uow import UnitOfWork

    with UnitOfWork(build_runtime(config)) as uow:
        created = om_plans.generate_all(uow.session)
        late = om_confirmations.mark_late(uow.session)
        uow.commit()
    print(f"已生成 {created} 个现场运维任务（未来 {om_plans.HORIZON_DAYS} 天内）；{late} 条运维记录逾期未确认。")
    return 0


def _day(value: str):
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 2026-01-31（date must be YYYY-MM-DD）: {value}") from None


def _findings(args, config: Config) -> int:
    from services.findings import engine
    from services.runtime import build_runtime
    from services.uow import UnitOfWork

    runtime = build_runtime(config)
    try:
        with UnitOfWork(runtime) as uow:
            scanned = engine.rescan_since(uow.session, args.since)
            uow.commit()
    finally:
        runtime.engine.dispose()
    print(f"已重新检查 {scanned} 个采样行程和现场运维任务的异常线索。")
    return 0


def _serve(args, config: Config) -> int:
    from werkzeug.serving import run_simple

    from web import create_app

    # one process with threads: the embedded redis stand-in lives in this process
    run_simple(args.host, args.port, create_app(config), threaded=True, use_reloader=False)
    return 0


COMMANDS = {"db": _db, "demo": _demo, "menu": _menu, "worker": _worker, "serve": _serve,
            "om-visits": _om_visits, "findings": _findings}

if __name__ == "__main__":
    raise SystemExit(main())
