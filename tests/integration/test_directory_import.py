"""The polluter directory import: the example file through the command line, every rejection reason, dry runs,
idempotence and changes reported and logged."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from models import DirectoryChange, MonitoringPoint, PointFactor, Polluter, SchemeItem
from services.adapters import geo
from services.core.uow import UnitOfWork
from services.polluters import directory_import
from services.polluters.directory_file import FileRefused
from services.texts.refusals import say
from tests.support import directory_book as books
from web import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _import(runtime, data: bytes, dry_run: bool = False, actor_id=None):
    with UnitOfWork(runtime) as uow:
        report = directory_import.run(uow.session, data, actor_id=actor_id, dry_run=dry_run)
        if report.applied:
            uow.commit()
    return report


def _count(db, model) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model))


@pytest.fixture
def cli_env(config, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", config.database_url)
    monkeypatch.setenv("EMSS_INSTANCE", str(config.instance_path))
    monkeypatch.delenv("REDIS_URL", raising=False)


def test_the_example_file_imports_through_the_command_line(cli_env, db, capsys):
    assert cli.main(["directory", "import", str(EXAMPLES / "directory-example.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "导入完成" in out and "排污单位：新增 5，变更 0，未变 0" in out and "自行监测方案：新增 30" in out
    polluters = db.scalars(select(Polluter).order_by(Polluter.credit_code)).all()
    assert [p.district for p in polluters] == ["金山区"] * 3 + ["奉贤区"] * 2
    first = polluters[0]
    assert (first.name, first.industry, first.fence_radius_m) == ("上海金申化工有限公司", "化学原料和化学制品制造业", 300)
    # given in WGS-84, stored in GCJ-02 like the check-ins it is compared with
    assert (first.latitude, first.longitude) == tuple(round(v, 7) for v in geo.wgs84_to_gcj02(30.7821, 121.4012))
    assert polluters[2].fence_radius_m == 300  # blank: the default fence
    outlet = first.points[0]
    assert (outlet.code, outlet.kind, outlet.latitude is not None) == ("DW001", "wastewater", True)
    cod = next(s for s in outlet.scheme if s.factor == "化学需氧量")
    assert (cod.times, cod.period, cod.method_standard, cod.sampling) == (1, "month", "HJ 828-2017", True)
    ph = next(s for s in outlet.scheme if s.factor == "pH值")
    assert (ph.period, ph.sampling) == ("quarter", False)
    assert [f.name for f in outlet.factors] == ["化学需氧量", "氨氮", "pH值"]  # what an agency's plan picks from


def test_the_bad_row_example_is_reported_and_nothing_is_written(cli_env, db, capsys):
    assert cli.main(["directory", "import", str(EXAMPLES / "directory-bad-row.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "未导入任何内容" in out and "拒绝 排污单位 第 7 行：统一社会信用代码校验位错误" in out
    assert _count(db, Polluter) == _count(db, MonitoringPoint) == _count(db, SchemeItem) == 0


def test_a_dry_run_shows_the_counts_and_writes_nothing(cli_env, db, capsys):
    assert cli.main(["directory", "import", "--dry-run", str(EXAMPLES / "directory-example.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "试导入" in out and "监测点位：新增 10" in out
    assert _count(db, Polluter) == 0


def test_importing_twice_changes_nothing(runtime, db):
    _import(runtime, books.example())
    again = _import(runtime, books.example())
    assert again.applied and again.changes == []
    assert [(c.new, c.changed, c.unchanged) for c in again.counts.values()] == [(0, 0, 5), (0, 0, 10), (0, 0, 30)]
    assert _count(db, Polluter) == 5 and _count(db, SchemeItem) == 30 and _count(db, PointFactor) == 30
    assert _count(db, DirectoryChange) == 0


def test_a_changed_name_and_frequency_are_reported_applied_and_logged(runtime, db):
    _import(runtime, books.example())
    polluters = [list(r) for r in books.EXAMPLE_POLLUTERS]
    polluters[1][1] = "上海金港印染集团有限公司"
    scheme = books.example_scheme()
    scheme[0][3] = "1次/季度"
    changed = books.book(polluters, books.example_points(), scheme)
    dry = _import(runtime, changed, dry_run=True)
    assert {(c.label, c.old, c.new) for c in dry.changes} == {
        ("单位名称", "上海金港印染有限公司", "上海金港印染集团有限公司"), ("监测频次", "1次/月", "1次/季度")}
    assert not dry.applied and db.scalar(select(Polluter.name).where(Polluter.credit_code == polluters[1][0])) \
        == "上海金港印染有限公司"
    db.rollback()
    report = _import(runtime, changed)
    assert report.counts["排污单位"].changed == 1 and report.counts["自行监测方案"].changed == 1
    db.rollback()
    renamed = db.scalar(select(Polluter).where(Polluter.credit_code == polluters[1][0]))
    assert renamed.name == "上海金港印染集团有限公司"
    log = db.scalars(select(DirectoryChange)).all()
    assert {(entry.source, entry.actor_id) for entry in log} == {("import", None)}
    assert sorted((entry.polluter_id == renamed.id, entry.detail) for entry in log) == [
        (False, {"点位 DW001 化学需氧量 监测频次": ["1次/月", "1次/季度"]}),
        (True, {"单位名称": ["上海金港印染有限公司", "上海金港印染集团有限公司"]})]


def _rejected(runtime, polluters=None, points=None, scheme=None) -> list[tuple[str, int, str]]:
    data = books.book(polluters if polluters is not None else books.EXAMPLE_POLLUTERS,
                      points if points is not None else books.example_points(),
                      scheme if scheme is not None else books.example_scheme())
    report = _import(runtime, data)
    assert not report.applied
    return [(r.sheet, r.row, r.reason) for r in report.rejections]


def _with(row_index: int, column: int, value, rows=None) -> list[list]:
    rows = [list(r) for r in (rows or books.EXAMPLE_POLLUTERS)]
    rows[row_index][column] = value
    return rows


@pytest.mark.parametrize(("column", "value", "reason"), [
    (0, "91310116MA0000001X", "校验位错误"),
    (1, "", "缺少单位名称"),
    (5, 160.5, "坐标超出范围"),
    (7, "BD-09", "坐标系“BD-09”无法识别"),
    (8, "-5", "围栏半径须为"),
])
def test_each_bad_polluter_row_is_rejected_with_its_reason_and_row(runtime, db, column, value, reason):
    (sheet, row, text), *orphans = _rejected(runtime, polluters=_with(0, column, value))
    assert (sheet, row) == ("排污单位", 2) and reason in text
    assert len(orphans) == (2 if column == 0 else 0)  # the true code's points, when the code itself was altered
    assert _count(db, Polluter) == 0


def test_a_duplicate_credit_code_in_the_file_is_rejected(runtime):
    polluters = [*books.EXAMPLE_POLLUTERS, books.EXAMPLE_POLLUTERS[0]]
    assert _rejected(runtime, polluters=polluters) == [
        ("排污单位", 7, f"与第 2 行重复（{books.EXAMPLE_POLLUTERS[0][0]}）")]


def test_a_point_of_an_unknown_polluter_is_rejected(runtime):
    points = [*books.example_points(), [books.credit_code(99), "DW001", "废水总排口", "废水", "", "", ""]]
    [(sheet, row, text)] = _rejected(runtime, points=points)
    assert (sheet, row) == ("监测点位", 12) and "不在名录库中" in text


def test_a_scheme_item_of_an_unknown_point_or_with_a_bad_frequency_is_rejected(runtime):
    scheme = books.example_scheme()
    scheme[0][1] = "DW009"
    scheme[1][3] = "每月一次"
    scheme[2][5] = "送样"
    reasons = _rejected(runtime, scheme=scheme)
    assert [(s, r) for s, r, _ in reasons] == [("自行监测方案", 2), ("自行监测方案", 3), ("自行监测方案", 4)]
    assert "不在名录库中" in reasons[0][2] and "监测频次“每月一次”无法识别" in reasons[1][2] and \
        "采样方式“送样”无法识别" in reasons[2][2]


def test_a_point_of_a_known_polluter_imports_on_its_own(runtime, db):
    _import(runtime, books.example())
    code = books.EXAMPLE_POLLUTERS[0][0]
    report = _import(runtime, books.book([], [[code, "DW002", "雨水排口", "废水", "", "", ""]], []))
    assert report.applied and report.counts["监测点位"].new == 1
    db.rollback()
    entry = db.scalar(select(DirectoryChange))
    assert entry.detail == {"点位 DW002": [None, "新增"]}


def test_a_file_that_is_not_a_workbook_or_lacks_a_sheet_is_refused(runtime):
    with pytest.raises(FileRefused) as refused:
        _import(runtime, b"not an excel file")
    assert say(refused.value) == "无法读取该文件：请上传 Excel（.xlsx）格式的名录库文件。"
    book = Workbook()
    book.active.title = "排污单位"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FileRefused) as refused:
        _import(runtime, out.getvalue())
    assert say(refused.value) == "工作表“排污单位”缺少列“统一社会信用代码”。"
