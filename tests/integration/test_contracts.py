"""合同管理: the agency drafts, completes and submits a contract; once submitted it is read-only."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from models import Contract
from tests.support import desk, files

PDF = files.pdf("signed contract")


def terms(demo: desk.Demo, **overrides) -> dict:
    values = {
        "code": "HT-2026-101", "polluter_id": str(demo.polluter), "parameters": "化学需氧量、氨氮、pH值",
        "period_start": "2026-01-01", "period_end": "2026-12-31", "frequency": "每季度一次",
        "sample_source": "sampling", "basis": "HJ 819-2017 排污单位自行监测技术指南 总则",
        "report_form": "纸质报告一式三份及电子版", "subcontracting": "",
        "rights_obligations": "甲方提供采样条件，乙方按规范采样并出具报告。", "billing": "按次计费，每次 3000 元",
        "liability": "逾期出具报告每日按合同金额千分之一支付违约金。", "action": "draft",
    }
    return {**values, **overrides}


def contract(runtime, code: str) -> Contract | None:
    with runtime.sessions() as s:
        row = s.scalars(select(Contract).where(Contract.code == code)).first()
        if row is not None:
            s.expunge(row)
        return row


def test_agency_saves_a_draft_then_submits_the_contract(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    demo = desk.demo_ids(runtime)
    saved = desk.post(clerk, "/agency/contracts/new", terms(demo, billing="", liability=""))
    assert saved.status_code == 302
    draft = contract(runtime, "HT-2026-101")
    assert draft.status == "draft" and draft.billing is None and draft.parameters == "化学需氧量、氨氮、pH值"
    page = clerk.get(f"/agency/contracts/{draft.id}").get_data(as_text=True)
    assert "草稿" in page and "修改" in page

    done = desk.post(clerk, f"/agency/contracts/{draft.id}/edit", terms(demo, action="submit"))
    assert done.status_code == 302
    submitted = contract(runtime, "HT-2026-101")
    assert submitted.status == "submitted" and submitted.submitted_at is not None
    assert submitted.billing == "按次计费，每次 3000 元" and submitted.sample_source == "sampling"
    assert "已提交，现在可以关联监测任务" in clerk.get(f"/agency/contracts/{draft.id}").get_data(as_text=True)


def test_submitting_with_terms_missing_keeps_the_draft_and_says_what_is_missing(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    response = desk.post(clerk, "/agency/contracts/new",
                         terms(desk.demo_ids(runtime), billing="", liability="", action="submit"))
    assert response.status_code == 400
    assert "草稿已保存，但未能提交：提交前请填写：计费方式、违约责任。" in response.get_data(as_text=True)
    assert "化学需氧量、氨氮、pH值" in response.get_data(as_text=True)  # the form shows what was typed
    kept = contract(runtime, "HT-2026-101")
    assert kept.status == "draft" and kept.frequency == "每季度一次"


def test_the_submit_button_of_the_contract_page_checks_the_terms_too(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    desk.post(clerk, "/agency/contracts/new", terms(desk.demo_ids(runtime), basis=""))
    draft = contract(runtime, "HT-2026-101")
    refused = desk.post(clerk, f"/agency/contracts/{draft.id}/submit")
    assert refused.status_code == 400 and "提交前请填写：监测依据。" in refused.get_data(as_text=True)
    assert contract(runtime, "HT-2026-101").status == "draft"


def test_a_submitted_contract_is_read_only(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    demo = desk.demo_ids(runtime)
    desk.post(clerk, "/agency/contracts/new", terms(demo, action="submit"))
    submitted = contract(runtime, "HT-2026-101")
    page = clerk.get(f"/agency/contracts/{submitted.id}/edit")
    assert page.status_code == 302 and page.headers["Location"].endswith(f"/agency/contracts/{submitted.id}")
    changed = desk.post(clerk, f"/agency/contracts/{submitted.id}/edit", terms(demo, billing="免费"))
    assert changed.status_code == 400 and "已提交，不能再修改" in changed.get_data(as_text=True)
    again = desk.post(clerk, f"/agency/contracts/{submitted.id}/submit")
    assert again.status_code == 400
    assert contract(runtime, "HT-2026-101").billing == "按次计费，每次 3000 元"
    view = clerk.get(f"/agency/contracts/{submitted.id}").get_data(as_text=True)
    assert f"/agency/contracts/{submitted.id}/edit" not in view


def test_contract_numbers_are_unique_within_the_agency(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    response = desk.post(clerk, "/agency/contracts/new", terms(desk.demo_ids(runtime), code="HT-2026-001"))
    assert response.status_code == 400
    assert "合同编号 HT-2026-001 已被本机构的其他合同使用" in response.get_data(as_text=True)


def test_a_period_ending_before_it_starts_is_refused(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    response = desk.post(clerk, "/agency/contracts/new",
                         terms(desk.demo_ids(runtime), period_start="2026-12-31", period_end="2026-01-01"))
    assert response.status_code == 400 and "结束日期不能早于开始日期" in response.get_data(as_text=True)
    assert contract(runtime, "HT-2026-101") is None


def test_a_malformed_date_is_refused_in_chinese(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    response = desk.post(clerk, "/agency/contracts/new", terms(desk.demo_ids(runtime), period_start="明年"))
    assert response.status_code == 400 and "不是有效的日期值" in response.get_data(as_text=True)


def test_the_signed_contract_is_attached_as_a_pdf_and_downloaded_under_its_name(demo_world, app, runtime, config):
    clerk = desk.sign_in(app, "agency1")
    response = desk.upload(clerk, "/agency/contracts/new", terms(desk.demo_ids(runtime)), "attachment", PDF,
                           "../../etc/示范化工合同.pdf")
    assert response.status_code == 302
    saved = contract(runtime, "HT-2026-101")
    stored = Path(config.media_root) / saved.attachment_path
    assert stored.read_bytes() == PDF and stored.resolve().is_relative_to(Path(config.media_root).resolve())
    assert "示范化工" not in saved.attachment_path and saved.attachment_name == "示范化工合同.pdf"
    with clerk.get(f"/agency/contracts/{saved.id}/attachment") as download:
        assert download.status_code == 200 and download.data == PDF
        assert download.mimetype == "application/pdf" and "attachment" in download.headers["Content-Disposition"]


def test_an_attachment_that_is_not_a_pdf_is_refused_whatever_its_name(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    response = desk.upload(clerk, "/agency/contracts/new", terms(desk.demo_ids(runtime)), "attachment",
                           b"\xff\xd8\xff\xe0 a photo", "合同.pdf")
    assert response.status_code == 400 and "合同附件须为 PDF 文件" in response.get_data(as_text=True)
    assert contract(runtime, "HT-2026-101") is None


def test_an_attachment_over_20_mb_is_refused(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    response = desk.upload(clerk, "/agency/contracts/new", terms(desk.demo_ids(runtime)), "attachment",
                           PDF + b"0" * (20 * 1024 * 1024), "大合同.pdf")
    assert response.status_code == 400 and "附件不能超过 20 MB" in response.get_data(as_text=True)
    assert contract(runtime, "HT-2026-101") is None


def test_the_polluter_reads_its_contract_but_cannot_change_it(demo_world, app, runtime):
    polluter = desk.sign_in(app, "polluter1")
    demo = desk.demo_ids(runtime)
    listing = polluter.get("/agency/contracts/").get_data(as_text=True)
    assert "HT-2026-001" in listing and "新建合同" not in listing
    page = polluter.get(f"/agency/contracts/{demo.contract}")
    assert page.status_code == 200 and "上海示范化工有限公司" in page.get_data(as_text=True)
    assert polluter.get(f"/agency/contracts/{demo.contract}/edit").status_code == 404
    assert polluter.get("/agency/contracts/new").status_code == 404
    assert desk.post(polluter, f"/agency/contracts/{demo.contract}/submit").status_code == 404
