"""比对/校验报告: the O&M agency uploads a point's comparison or verification report (PDF, checked) with its raw
records; each analyser's next report is due at the standard's interval, and flagged when overdue."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from models import clock
from services.adapters import uploads
from services.core.uow import UnitOfWork
from services.om import om_reports
from services.om.om_reports import ReportDraft, ReportRefused, add_months
from services.texts.refusals import say
from tests.support import files
from tests.support.om_world import om_world, other_om_agency

PDF = files.pdf("verification report")
RAW = files.zip_archive()


@pytest.fixture
def unit(runtime, demo_world):
    with UnitOfWork(runtime) as uow:
        yield uow


@pytest.fixture
def world(unit):
    return om_world(unit.session)


def upload(unit, world, point=None, pdf=PDF, raw=RAW, **values):
    fields = {"kind": "verification", "report_no": "JY-2026-001", "performed_on": clock.today(), "passed": True,
              "instrument_id": world.gas.id, **values}
    return om_reports.upload(unit, world.admin, point or world.gas_point, ReportDraft(**fields), pdf, raw)


def refusal(unit, world, **kwargs) -> str:
    with pytest.raises((ReportRefused, uploads.UploadRefused)) as caught:
        upload(unit, world, **kwargs)
    return say(caught.value)


def due(unit, world, point, instrument, kind, today=None):
    rows = om_reports.dues(unit.session, world.admin.agency_id, point, today)
    return next(d for d in rows if d.instrument.id == instrument.id and d.kind == kind)


def test_a_report_is_stored_with_its_pdf_and_raw_records(unit, world, config):
    report = upload(unit, world)
    assert report.report_no == "JY-2026-001" and report.passed is True and report.instrument_id == world.gas.id
    assert (Path(config.media_root) / report.file_path).read_bytes() == PDF
    assert (Path(config.media_root) / report.raw_path).read_bytes() == RAW and report.raw_path.endswith("-raw.zip")
    assert om_reports.reports_of(unit.session, world.admin.agency_id, world.gas_point) == [report]


def test_the_report_file_must_be_a_pdf_by_its_content(unit, world):
    assert refusal(unit, world, pdf=b"<html>report</html>").startswith("报告文件须为 PDF 文件")
    assert refusal(unit, world, pdf=None) == "请上传报告文件（PDF）。"
    assert refusal(unit, world, pdf=b"") == "上传的报告文件是空文件。"
    assert refusal(unit, world, pdf=PDF + b"0" * uploads.REPORT.max_bytes) == "报告文件不能超过 20 MB。"


def test_the_raw_records_are_required_and_of_a_document_type(unit, world):
    assert refusal(unit, world, raw=None) == "请上传原始记录。"
    assert refusal(unit, world, raw=b"MZ\x90\x00 a program").startswith(
        "原始记录须为 PDF、JPEG、PNG、Excel、Word、ZIP、RAR 或 7z 文件")


def test_number_date_and_kind_are_checked(unit, world):
    assert refusal(unit, world, report_no=" ") == "请填写报告编号。"
    assert refusal(unit, world, performed_on=None) == "请填写比对/校验实施日期。"
    assert refusal(unit, world, performed_on=clock.today() + timedelta(days=1)) == "实施日期不能晚于今天。"
    assert refusal(unit, world, kind="audit") == "报告类型只能是“比对”或“校验”。"
    assert refusal(unit, world, instrument_id=world.water.id) == "所选仪器不在该点位上。"
    upload(unit, world)
    assert refusal(unit, world) == "报告编号 JY-2026-001 已上传过。"


def test_only_points_of_the_agencys_plans(unit, world):
    other = other_om_agency(unit.session)
    with pytest.raises(ReportRefused) as refused:
        om_reports.upload(unit, other, world.gas_point, ReportDraft("verification", "X-1", clock.today()), PDF, RAW)
    assert say(refused.value) == "该点位不在本机构的运维计划内。"
    assert om_reports.points_of(unit.session, other.agency_id) == []
    assert {p.code for p in om_reports.points_of(unit.session, world.admin.agency_id)} == {"DA001", "DW001"}


def test_flue_gas_verification_without_automatic_calibration_is_due_every_three_months(unit, world):
    today = clock.today()
    upload(unit, world, performed_on=add_months(today, -3))
    on_time = due(unit, world, world.gas_point, world.gas, "verification")
    assert on_time.due_on == today and not on_time.overdue and on_time.rule.clause.startswith("HJ 75-2017 12.4")
    assert due(unit, world, world.gas_point, world.gas, "verification", today + timedelta(days=1)).overdue


def test_with_automatic_calibration_every_six_months(unit, world):
    today = clock.today()
    world.gas.auto_calibration = True
    upload(unit, world, performed_on=add_months(today, -4))
    row = due(unit, world, world.gas_point, world.gas, "verification")
    assert row.due_on == add_months(add_months(today, -4), 6) and not row.overdue
    world.gas.auto_calibration = False
    assert due(unit, world, world.gas_point, world.gas, "verification").overdue


def test_water_comparison_is_due_monthly(unit, world):
    today = clock.today()
    performed = add_months(today, -1) - timedelta(days=1)
    upload(unit, world, point=world.water_point, kind="comparison", report_no="BD-2026-007",
           instrument_id=world.water.id, performed_on=performed)
    row = due(unit, world, world.water_point, world.water, "comparison")
    assert row.overdue and row.due_on == add_months(performed, 1) and row.kind_name == "比对"
    assert [d.kind for d in om_reports.dues(unit.session, world.admin.agency_id, world.water_point)] == ["comparison"]


def test_a_report_for_the_whole_point_counts_for_each_analyser(unit, world):
    upload(unit, world, instrument_id=None)
    assert not due(unit, world, world.gas_point, world.gas, "verification").overdue


def test_before_the_first_report_it_is_counted_from_the_acceptance(unit, world):
    today = clock.today()
    world.gas.accepted_on = today - timedelta(days=30)
    row = due(unit, world, world.gas_point, world.gas, "verification")
    assert row.last is None and row.due_on == add_months(today - timedelta(days=30), 3) and not row.overdue
    world.gas.accepted_on = world.gas.installed_on = None
    assert due(unit, world, world.gas_point, world.gas, "verification").overdue


def test_the_overdue_list_of_the_agency(unit, world):
    overdue = om_reports.overdue(unit.session, world.admin.agency_id)  # the demo analysers never had a report
    assert {(d.point.code, d.kind) for d in overdue} == {("DA001", "verification"), ("DW001", "comparison")}
    upload(unit, world)
    assert {(d.point.code, d.kind) for d in om_reports.overdue(unit.session, world.admin.agency_id)} == \
        {("DW001", "comparison")}
