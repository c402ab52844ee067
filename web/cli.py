"""`emss` — the command line: db upgrade, demo, scenario load, directory import, menu push, worker, serve,
om-visits, photos rehash, audit, findings rescan, api-token."""
from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager

from services.core.config import Config, ConfigError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="emss", description="环境监测社会化服务监管系统 backend")
    sub = parser.add_subparsers(dest="command", required=True)
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="apply Alembic migrations")
    sub.add_parser("demo", help="load the demo data (idempotent)")
    scenario = sub.add_parser("scenario", help="scripted worlds for development and tests").add_subparsers(
        dest="action", required=True)
    scenario.add_parser("load", help="load a scenario JSON file (idempotent by its keys)").add_argument("file")
    menu = sub.add_parser("menu", help="the official account's custom menu").add_subparsers(dest="action",
                                                                                            required=True)
    menu.add_parser("push", help="create the menu through the WeChat API")
    directory = sub.add_parser("directory", help="the polluter directory (名录库)").add_subparsers(
        dest="action", required=True)
    directory_import = directory.add_parser("import", help="import polluters, points and schemes from an .xlsx")
    directory_import.add_argument("file")
    directory_import.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    sub.add_parser("worker", help="run an RQ worker")
    sub.add_parser("om-visits", help="daily: generate the O&M visits, mark unsigned ones late")
    sub.add_parser("reminders", help="send the reminders due now (each cause once; run every few minutes)")
    photos = sub.add_parser("photos", help="stored photos").add_subparsers(dest="action", required=True)
    photos.add_parser("rehash", help="DCT hash and near-duplicate index for photos stored before them")
    audit = sub.add_parser("audit", help="the tamper-evident record").add_subparsers(dest="action", required=True)
    audit.add_parser("verify", help="walk the hash chains and the sealed roots").add_argument(
        "--since", type=_day, help="only the chains that grew since this China-time day (YYYY-MM-DD)")
    audit.add_parser("seal", help="daily: store a day's root hash (default: yesterday)").add_argument(
        "day", type=_day, nargs="?")
    findings = sub.add_parser("findings", help="findings (异常线索) on trips and O&M visits")
    rescan = findings.add_subparsers(dest="action", required=True).add_parser(
        "rescan", help="apply the findings rules again (idempotent; decided findings stay decided)")
    rescan.add_argument("--since", type=_day, help="only trips and visits of this day (YYYY-MM-DD) onwards")
    tokens = sub.add_parser("api-token", help="bearer tokens of the open API (regulators)").add_subparsers(
        dest="action", required=True)
    tokens.add_parser("create", help="make a token for a regulator and print it once").add_argument("username")
    revoke = tokens.add_parser("revoke", help="revoke a regulator's tokens (all active ones, or --id)")
    revoke.add_argument("username")
    revoke.add_argument("--id", type=int, dest="token_id", help="only the token with this number")
    serve = sub.add_parser("serve", help="serve the app (embedded default: one threaded process)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args, Config.from_env())
    except ConfigError as refused:  # a sentence for the operator, not a stack trace
        print(refused, file=sys.stderr)
        return 2


@contextmanager
def _runtime(config: Config):
    """A one-shot command's runtime: no connection left behind in the pool afterwards."""
    from services.core.runtime import build_runtime

    runtime = build_runtime(config)
    try:
        yield runtime
    finally:
        runtime.engine.dispose()
        runtime.redis.close()


@contextmanager
def _unit_of_work(config: Config):
    from services.core.uow import UnitOfWork

    with _runtime(config) as runtime, UnitOfWork(runtime) as uow:
        yield uow


def _refuse_outside_development(config: Config, what: str) -> bool:
    """Demo data and scenarios make accounts with published passwords: never in production."""
    if config.dev:
        return False
    print(f"{what}只用于开发和测试：请设置 EMSS_DEV=1。/ {what} is for development and tests only: set EMSS_DEV=1.",
          file=sys.stderr)
    return True


def _db(args, config: Config) -> int:
    from migrations import upgrade

    config.instance_path.mkdir(parents=True, exist_ok=True)
    upgrade(config.database_url)
    print("数据库已升级到最新版本。")
    return 0


def _demo(args, config: Config) -> int:
    from services.dev import demo

    if _refuse_outside_development(config, "演示数据"):
        return 2
    with _unit_of_work(config) as uow:
        created = demo.load(uow.session)
    print("演示数据已加载。" if created else "演示数据已存在，未重复加载。")
    print(demo.ACCOUNTS_NOTE)
    return 0


def _scenario(args, config: Config) -> int:
    import json

    from services.dev import scenarios

    if _refuse_outside_development(config, "场景"):
        return 2
    try:
        with open(args.file, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        print(f"无法读取场景文件 / cannot read the scenario file: {exc}", file=sys.stderr)
        return 2
    try:
        with _unit_of_work(config) as uow:
            ids = scenarios.load(uow, data)
    except scenarios.ScenarioProblem as problem:
        print(f"场景文件有误，未加载任何内容：{problem.chinese}\n"
              f"The scenario file is wrong, nothing was loaded: {problem.english}", file=sys.stderr)
        return 2
    print(json.dumps(ids, ensure_ascii=False, indent=2))
    return 0


def _directory(args, config: Config) -> int:
    from services.polluters import directory_import
    from services.polluters.directory_file import FileRefused
    from services.polluters.directory_report import lines
    from services.texts.refusals import say

    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        print(f"无法读取文件 / cannot read the file: {exc}", file=sys.stderr)
        return 2
    try:
        with _unit_of_work(config) as uow:
            report = directory_import.run(uow.session, data, dry_run=args.dry_run)
    except FileRefused as refused:
        print(say(refused), file=sys.stderr)
        return 2
    print("\n".join(lines(report)))
    return 1 if report.rejections else 0


def _menu(args, config: Config) -> int:
    from bot.menu import push
    from services.core.runtime import make_redis
    from services.wechat.client import WeChatClient

    config.require_secrets("WECHAT_APP_SECRET")  # only the API credentials: no cookie, link or callback here
    print(push(WeChatClient(config, make_redis(config))))
    return 0


def _worker(args, config: Config) -> int:
    # SimpleWorker runs jobs in this process: a forking worker pays imports, a cold SQL compile cache and a
    # new database connection for every photo (measured: ~230 ms of CPU per job against ~25 ms)
    from rq import SimpleWorker

    from services.adapters import photo_sweep
    from services.core.jobs import QUEUE
    from services.notifying import reminders
    from web import create_app

    if config.embedded_redis:
        print("未配置 REDIS_URL：嵌入模式下任务在进程内直接执行，无需 worker。", file=sys.stderr)
        return 2
    app = create_app(config)
    with app.app_context():
        runtime = app.extensions["emss"]
        stop = photo_sweep.start(app)  # photos whose job was lost are queued again within a minute
        quiet = reminders.start(app)  # each worker runs them; every cause is told once
        try:
            SimpleWorker([QUEUE], connection=runtime.redis).work(with_scheduler=True)
        finally:
            stop.set()
            quiet.set()
    return 0


def _om_visits(args, config: Config) -> int:
    from services.om import om_confirmations, om_plans

    with _unit_of_work(config) as uow:
        created = om_plans.generate_all(uow.session)
        late = om_confirmations.mark_late(uow.session)
        uow.commit()
    print(f"已生成 {created} 个现场运维任务（未来 {om_plans.HORIZON_DAYS} 天内）；{late} 条运维记录逾期未确认。")
    return 0


def _reminders(args, config: Config) -> int:
    from services.notifying import reminders

    with _runtime(config) as runtime:
        told = reminders.run(runtime)
    print(f"已发送 {told} 条提醒。")
    return 0


def _photos(args, config: Config) -> int:
    from services.adapters import neardup
    from services.core.uow import UnitOfWork

    total, after = 0, 0
    with _runtime(config) as runtime:
        while after is not None:  # one transaction per batch: a long backfill keeps what it has done
            with UnitOfWork(runtime) as uow:
                done, after = neardup.rehash(uow.session, config.media_root, after)
            total += done
    print(f"已为 {total} 张照片补算感知哈希并加入近似重复索引。")
    return 0


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def _audit(args, config: Config) -> int:
    return _audit_verify(config, args.since) if args.action == "verify" else _audit_seal(config, args.day)


def _audit_verify(config: Config, since) -> int:
    from services.core import audit

    with _unit_of_work(config) as uow:
        broken = audit.verify(uow.session, since)
    if broken:
        print(f"记录不完整 / BROKEN: {broken}", file=sys.stderr)
        return 1
    print("记录完整 / OK")
    return 0


def _audit_seal(config: Config, day) -> int:
    from datetime import timedelta

    from models import clock
    from services.core import audit
    from services.texts.refusals import say

    with _unit_of_work(config) as uow:
        try:
            sealed, new = audit.seal(uow.session, day or clock.today() - timedelta(days=1))
        except audit.NotOver as refused:
            print(say(refused), file=sys.stderr)
            return 2
    print(f"{sealed.day.isoformat()} 记录根哈希{'已封存' if new else '此前已封存，未改动'}：{sealed.root}"
          f"（{sealed.chains} 条记录链）")
    return 0


def _findings(args, config: Config) -> int:
    from services.findings import engine

    with _unit_of_work(config) as uow:
        scanned = engine.rescan_since(uow.session, args.since)
    print(f"已重新检查 {scanned} 个采样行程和现场运维任务的异常线索。")
    return 0


def _api_token(args, config: Config) -> int:
    from services.texts.refusals import say
    from services.users import api_tokens

    try:
        with _unit_of_work(config) as uow:
            if args.action == "create":
                row, token = api_tokens.create(uow.session, args.username)
                message = (f"已为 {args.username} 生成开放接口令牌（编号 {row.id}）。令牌只显示这一次，请妥善保存：\n"
                           f"{token}")
            else:
                count = api_tokens.revoke(uow.session, args.username, args.token_id)
                message = f"已吊销 {args.username} 的 {count} 个令牌。"
            uow.commit()
    except api_tokens.TokenProblem as problem:
        print(say(problem), file=sys.stderr)
        return 2
    print(message)
    return 0


def _serve(args, config: Config) -> int:
    from werkzeug.serving import run_simple

    from services.adapters import photo_sweep
    from services.notifying import reminders
    from web import create_app

    app = create_app(config)
    if config.jobs_inline:  # no worker: this process runs the jobs, sweeps for the ones a crash lost, reminds
        photo_sweep.start(app)
        reminders.start(app)
    # one process with threads: the embedded redis stand-in lives in this process
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    return 0


COMMANDS = {"db": _db, "demo": _demo, "scenario": _scenario, "directory": _directory, "menu": _menu, "worker": _worker,
            "serve": _serve, "om-visits": _om_visits, "reminders": _reminders, "photos": _photos, "audit": _audit,
            "findings": _findings, "api-token": _api_token}

if __name__ == "__main__":
    raise SystemExit(main())
