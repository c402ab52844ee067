"""Every upload form refuses what only looks like its file type — `%PDF-` in front of HTML, a PDF without a
page, a picture too large to decode safely, a program renamed to a document — with a Chinese reason on the
form (400), and stores nothing."""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import Contract, Instrument, MonitoringPoint, MonitoringTask, TaskStatus
from services.adapters import uploads
from services.core.uow import UnitOfWork
from services.sampling import reports
from services.texts.refusals import say
from tests.conftest import csrf_token
from tests.integration.test_contracts import terms
from tests.integration.test_filing import staff_form
from tests.integration.test_om_filing import vehicle_form
from tests.support import desk, files
from tests.support import records as R


@cache
def png(side: int) -> bytes:
    """A real PNG of side × side pixels: small on disk, huge once decoded."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")
    return buffer.getvalue()


def pageless_pdf() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


# name: (content, file name, its apparent type, the reason when the form takes that type)
BAD_FILES = {
    "html_behind_pdf_magic": (lambda: b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>",
                              "报告.pdf", "pdf", "不是可以打开的 PDF 文件"),
    "pdf_without_a_page": (pageless_pdf, "报告.pdf", "pdf", "是没有页面的 PDF 文件"),
    "png_of_144_megapixels": (lambda: png(12000), "行驶证.png", "png", "像素过多（超过 40 百万像素）"),
    "png_of_50_megapixels": (lambda: png(7100), "行驶证.png", "png", "像素过多（超过 40 百万像素）"),
    "program_named_a_spreadsheet": (lambda: b"MZ\x90\x00\x03" + b"\0" * 64, "原始记录.xlsx", "exe", ""),
}


@dataclass(frozen=True)
class Form:
    """An upload form: who posts it, where (made ready by `prepare`), the file field, what it takes."""

    user: str
    field: str
    takes: frozenset[str]
    prepare: Callable[[object], tuple[str, dict]]  # runtime -> (url, form values)
    other_files: dict = field(default_factory=dict)  # good files for the form's other file fields


def _contract(runtime):
    return "/agency/contracts/new", terms(desk.demo_ids(runtime))


def _credit(runtime):
    return "/agency/credit/upload", {"category": "management_rules", "title": "管理制度"}


def _training(runtime):
    return "/agency/credit/training", {"kind": "supervision", "held_on": "2026-01-05", "contents": "现场监督检查",
                                       "attendees": "刘洋"}


def _staff(runtime):
    return "/agency/filing/staff/new", staff_form()


def _owned_vehicle(runtime):
    return "/agency/filing/vehicles/new", vehicle_form(None, ownership="自有", lessee="", lease_start="",
                                                       lease_end="")


def _leased_vehicle(runtime):
    with runtime.sessions() as s:
        contract_id = s.scalar(select(Contract.id).where(Contract.code == "YW-2026-001"))
    return "/agency/filing/vehicles/new", vehicle_form(contract_id, plate="沪B54321")


def _om_report(number: str):
    def prepare(runtime):
        with runtime.sessions() as s:
            point = s.scalar(select(MonitoringPoint).where(MonitoringPoint.code == "DA001"))
            instrument = s.scalar(select(Instrument.id).where(Instrument.point_id == point.id))
            return f"/om/reports/points/{point.id}", {"kind": "verification", "report_no": number,
                                                     "performed_on": "2026-01-05", "passed": "1",
                                                     "instrument_id": str(instrument)}
    return prepare


def _task_report(runtime):
    task_id = R.new_task(runtime, "T-UPLOAD")
    with UnitOfWork(runtime) as uow:
        reports.issue_number(uow, uow.session.get(MonitoringTask, task_id), R.user(uow.session, "agency1"))
        uow.commit()
    return f"/records/tasks/{task_id}/report", {}


def _receipt_photo(runtime):
    task_id = R.new_task(runtime, "T-SY", status=TaskStatus.REVIEW, sampling_needed=False)
    return f"/records/tasks/{task_id}/receipt/photos", {}


def _client_sampling(runtime):
    task_id = R.new_task(runtime, "T-CS", status=TaskStatus.REPORTING, sampling_needed=False)
    return f"/records/tasks/{task_id}/client-sampling", {"sampled_by": "委托方 王强", "sampled_at": "2026-01-05T09:30",
                                                         "place": "厂区总排口"}


PDF_ONLY = frozenset({"pdf"})
CERTIFICATE = frozenset({"pdf", "png"})
FORMS = {
    "contract_attachment": Form("agency1", "attachment", PDF_ONLY, _contract),
    "credit_document": Form("om1", "file", PDF_ONLY, _credit),
    "training_evidence": Form("om1", "evidence", PDF_ONLY, _training),
    "staff_certificate": Form("agency1", "certificate", CERTIFICATE, _staff),
    "vehicle_licence": Form("om1", "licence", CERTIFICATE, _owned_vehicle),
    "vehicle_lease": Form("om1", "lease", CERTIFICATE, _leased_vehicle),
    "om_report": Form("om1", "report", PDF_ONLY, _om_report("JY-2026-501"), {"raw": (files.zip_archive(), "原始记录.zip")}),
    "om_raw_records": Form("om1", "raw", CERTIFICATE, _om_report("JY-2026-502"), {"report": (files.pdf(), "报告.pdf")}),
    "task_report": Form("agency1", "report", PDF_ONLY, _task_report),
    "receipt_photo": Form("agency1", "photo", frozenset({"png"}), _receipt_photo),
    "client_sampling_sheet": Form("agency1", "files", CERTIFICATE, _client_sampling),
}


def stored(config) -> set[Path]:
    root = Path(config.media_root)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def post(client, url: str, values: dict, files_: dict):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    form = {**values, "csrf_token": token,
            **{name: FileStorage(io.BytesIO(data), filename=filename) for name, (data, filename) in files_.items()}}
    boundary, body = encode_multipart(form)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("form_name", FORMS)
def test_each_form_refuses_each_disguised_file_in_chinese_and_stores_nothing(demo_world, app, runtime, config,
                                                                              form_name):
    form = FORMS[form_name]
    url, values = form.prepare(runtime)
    clerk = desk.sign_in(app, form.user)
    before = stored(config)
    answers = {}
    for name, (content, filename, apparent, reason) in BAD_FILES.items():
        response = post(clerk, url, values, {**form.other_files, form.field: (content(), filename)})
        expected = reason if apparent in form.takes else "须为"
        answers[name] = (response.status_code, expected in response.get_data(as_text=True))
    assert answers == {name: (400, True) for name in BAD_FILES}
    assert stored(config) == before


def test_a_good_file_still_goes_through_every_form(demo_world, app, runtime, config):
    good = {"pdf": (files.pdf("good"), "good.pdf"), "png": (png(64), "good.png")}
    for form_name, form in FORMS.items():
        url, values = form.prepare(runtime)
        clerk = desk.sign_in(app, form.user)
        kind = "pdf" if "pdf" in form.takes else "png"
        response = post(clerk, url, values, {**form.other_files, form.field: good[kind]})
        assert response.status_code in (302, 303), (form_name, response.get_data(as_text=True)[:2000])


@pytest.mark.parametrize(("policy", "limit"), [(uploads.CONTRACT, 20), (uploads.CERTIFICATE, 10),
                                               (uploads.RAW_RECORD, 20), (uploads.PHOTO, 20)])
def test_each_kind_has_its_size_cap(policy, limit):
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(files.pdf() + b"\0" * (limit * uploads.MB), policy)
    assert say(refused.value) == f"{policy.label}不能超过 {limit} MB。"


def test_pillows_own_bomb_guard_is_a_refusal_not_an_error(monkeypatch):
    """Whatever Image.MAX_IMAGE_PIXELS is set to elsewhere, a huge picture is refused in words."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(png(64), uploads.CERTIFICATE)  # over 2× the guard: Pillow raises DecompressionBombError
    assert "像素过多" in say(refused.value)


@pytest.mark.parametrize(("content", "kind"), [
    (files.pdf(), "pdf"), (files.zip_archive(), "zip"), (files.xlsx(), "xlsx"),
    (b"Rar!\x1a\x07\x01\x00" + b"\0" * 16, "rar"), (b"7z\xbc\xaf\x27\x1c" + b"\0" * 16, "7z"),
])
def test_raw_records_are_stored_as_what_their_content_is(content, kind):
    assert uploads.check(content, uploads.RAW_RECORD) == kind
