"""备案 and 备案审核 through the web: the agency's working copy, the two stages (备案基本信息, then 二审基本信息)
with their versions and reviews, the optional second reviewer, history, access."""
from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import (
    Agency,
    Capability,
    Equipment,
    Filing,
    FilingStage,
    FilingState,
    FilingStatus,
    MonitoringTask,
    Role,
    Staff,
    User,
    clock,
)
from services.dev import demo
from services.filing import filings
from services.users.accounts import hash_password
from tests.conftest import csrf_token
from tests.support import desk, files
from tests.support.images import jpeg

PDF = files.pdf("a certificate")
BASIC, RESOURCES = FilingStage.BASIC, FilingStage.RESOURCES
NEXT_YEAR = date(clock.today().year + 1, 6, 30).isoformat()


def token(client, page: str = "/login") -> str:
    return csrf_token(client.get(page).get_data(as_text=True))


def post(client, url: str, data: dict | None = None, files: dict | None = None):
    """A multipart form post as a browser sends it (encoded in memory, so no temporary file is left open)."""
    form = {"csrf_token": token(client), **(data or {})}
    for name, (content, filename) in (files or {}).items():
        form[name] = FileStorage(BytesIO(content), filename)
    boundary, body = encode_multipart(form)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def staff_form(**changes) -> dict:
    values = {"name": "孙磊", "id_number": "31011619950505123X", "education": "本科", "post": "采样员",
              "title": "工程师", "certificate_no": "HJ-505123", "certificate_authority": "上海市环境监测中心",
              "certificate_category": "现场采样", "certificate_valid_until": NEXT_YEAR, **changes}
    return {f"f_{k}": v for k, v in values.items()}


def equipment_form(**changes) -> dict:
    values = {"name": "便携式烟气分析仪", "model": "ZR-3211", "asset_no": "EQ-NEW-01", "factory_no": "ZR-88",
              "calibration_valid_until": NEXT_YEAR, **changes}
    return {f"f_{k}": v for k, v in values.items()}


def basic_form(**changes) -> dict:
    values = {"district": "金山区", "address": "金山区清源路 2 号", "legal_representative": "周清",
              "contact_name": "周源", "contact_phone": "021-57000002", **changes}
    return {f"f_{k}": v for k, v in values.items()}


def agency(s, code: str) -> Agency:
    return s.scalars(select(Agency).where(Agency.code == code)).one()


def lc_ammonia(s) -> Capability:
    return s.scalars(select(Capability).join(Agency).where(Agency.code == "LC", Capability.factor == "氨氮")).one()


def version(s, code: str, stage: FilingStage, number: int) -> Filing:
    return s.scalars(select(Filing).join(Agency).where(Agency.code == code, Filing.stage == stage,
                                                       Filing.version == number)).one()


def decide(client, login, username: str, filing_id: int, action: str = "approve", reason: str = ""):
    login(username)
    return post(client, f"/regulator/filings/{filing_id}/{action}", {"reason": reason})


def approve(client, login, filing_id: int) -> None:
    """The district's regulator approves the version (one reviewer: the city wants no second one by default)."""
    assert decide(client, login, "regulator1", filing_id).status_code == 302


@pytest.fixture
def second_reviewer(config):
    """A city that wants each version approved by a second, different reviewer (FILING_SECOND_REVIEWER)."""
    config.filing_second_reviewer = True


@pytest.fixture
def fresh_agency(demo_world, runtime, login):
    """A monitoring agency just registered: nothing filed yet (its administrator is `newlab`)."""
    with runtime.sessions() as s:
        lab = Agency(name="上海新检测技术有限公司", kind="monitoring", credit_code="91310116MA1NEW0017",
                     district="金山区", code="NL")
        s.add_all([lab, User(username="newlab", display_name="新检测管理员", role=Role.AGENCY_ADMIN, agency=lab,
                             password_hash=hash_password(demo.PASSWORD))])
        s.commit()
    return login("newlab")


def fill_in(client) -> None:
    """The basic information saved, and one person, one instrument and one capability for 二审."""
    assert post(client, "/agency/filing/basic", basic_form(address="金山区新路 1 号")).status_code == 302
    assert post(client, "/agency/filing/staff/new", staff_form(), {"certificate": (PDF, "cert.pdf")}) \
        .status_code == 302
    assert post(client, "/agency/filing/equipment/new", equipment_form(),
                {"certificate": (jpeg(1), "calibration.jpg")}).status_code == 302
    assert post(client, "/agency/filing/capabilities", {"f_factor": "氨氮", "f_method": "HJ 535-2009"}) \
        .status_code == 302


# --- the agency's filing ------------------------------------------------------------------------------------

def test_a_new_agency_files_basic_information_then_ersheng_information_and_then_may_run_tasks(
        fresh_agency, client, login, runtime):
    fill_in(client)
    page = client.get("/agency/filing/").get_data(as_text=True)
    assert "孙磊" in page and "便携式烟气分析仪" in page and "HJ 535-2009" in page and "金山区新路 1 号" in page
    assert post(client, "/agency/filing/submit/basic").status_code == 302
    assert "备案基本信息第 1 版已提交" in client.get("/agency/filing/").get_data(as_text=True)
    with runtime.sessions() as s:
        basic = version(s, "NL", BASIC, 1)
        assert basic.state == FilingState.SUBMITTED and basic.basic["address"] == "金山区新路 1 号"
        assert basic.snapshot == {} and filings.latest(s, basic.agency_id, RESOURCES) is None
        lab = agency(s, "NL")
        assert lab.filing_status == FilingStatus.SUBMITTED and lab.address is None  # only approval changes it
    approve(client, login, basic.id)
    with runtime.sessions() as s:
        assert version(s, "NL", BASIC, 1).state == FilingState.APPROVED
        assert agency(s, "NL").address == "金山区新路 1 号" and not filings.may_run_tasks(s, basic.agency_id)

    login("newlab")
    assert post(client, "/agency/filing/submit/resources").status_code == 302
    assert "二审基本信息第 1 版已提交" in client.get("/agency/filing/").get_data(as_text=True)
    with runtime.sessions() as s:
        resources = version(s, "NL", RESOURCES, 1)
        assert resources.state == FilingState.SUBMITTED and resources.basic == {}
        assert [e["name"] for e in resources.snapshot["staff"]] == ["孙磊"]
        assert resources.snapshot["staff"][0]["certificate_path"].endswith(".pdf")
        assert resources.snapshot["equipment"][0]["certificate_path"].endswith(".jpg")
    approve(client, login, resources.id)
    with runtime.sessions() as s:
        assert filings.may_run_tasks(s, resources.agency_id)
        assert agency(s, "NL").filing_status == FilingStatus.APPROVED
    desk_page = login("newlab").get("/agency/").get_data(as_text=True)
    assert "已备案（备案基本信息第 1 版，二审基本信息第 1 版）" in desk_page


def test_ersheng_information_waits_until_the_basic_information_is_approved(fresh_agency, client, runtime):
    fill_in(client)
    post(client, "/agency/filing/submit/basic")
    response = post(client, "/agency/filing/submit/resources")
    assert response.status_code == 400
    assert "请先提交备案基本信息并通过审核，再提交二审基本信息" in response.get_data(as_text=True)
    with runtime.sessions() as s:
        assert filings.latest(s, agency(s, "NL").id, RESOURCES) is None


def test_a_task_cannot_be_opened_with_only_the_basic_information_approved(demo_world, app, client, login, runtime):
    with runtime.sessions() as s:
        pending = version(s, "QY", BASIC, 1)
    approve(client, login, pending.id)
    clerk = desk.sign_in(app, "agency2")
    page = clerk.get("/agency/tasks/new", follow_redirects=True).get_data(as_text=True)
    assert "备案基本信息和二审基本信息尚未全部审核通过" in page
    assert desk.post(clerk, "/agency/tasks/new", desk.application(desk.demo_ids(runtime))).status_code == 302
    with runtime.sessions() as s:
        assert not filings.may_run_tasks(s, pending.agency_id)
        assert s.scalars(select(MonitoringTask).where(MonitoringTask.agency_id == pending.agency_id)).all() == []


def test_an_empty_ersheng_filing_is_refused_with_a_reason(fresh_agency, client, login, runtime):
    post(client, "/agency/filing/basic", basic_form(address="金山区新路 1 号"))
    post(client, "/agency/filing/submit/basic")
    approve(client, login, version_id(runtime, "NL", BASIC, 1))
    login("newlab")
    response = post(client, "/agency/filing/submit/resources")
    assert response.status_code == 400
    assert "二审基本信息不完整：尚未填写人员、设备、监测能力" in response.get_data(as_text=True)
    with runtime.sessions() as s:
        assert filings.latest(s, agency(s, "NL").id, RESOURCES) is None


def test_missing_basic_information_is_refused_at_submission(fresh_agency, client, runtime):
    response = post(client, "/agency/filing/submit/basic")
    assert response.status_code == 400
    assert "基本信息不完整：请先填写注册地址、法定代表人" in response.get_data(as_text=True)
    with runtime.sessions() as s:
        assert filings.latest_submitted(s, agency(s, "NL").id, BASIC) is None


def test_a_new_version_cannot_be_submitted_while_one_is_under_review(demo_world, client, login, runtime):
    login("agency2")
    post(client, "/agency/filing/basic", basic_form(contact_phone="021-57001234"))
    response = post(client, "/agency/filing/submit/basic")
    assert response.status_code == 400 and "第 1 版备案基本信息正在审核中" in response.get_data(as_text=True)
    with runtime.sessions() as s:
        assert [f.version for f in filings.versions(s, agency(s, "QY").id, BASIC)] == [2, 1]
        assert version(s, "QY", BASIC, 2).state == FilingState.DRAFT


@pytest.mark.parametrize(("stage", "label"), [("basic", "备案基本信息"), ("resources", "二审基本信息")])
def test_an_unchanged_stage_is_not_submitted_again(demo_world, client, login, stage, label):
    login("agency1")
    response = post(client, f"/agency/filing/submit/{stage}")
    assert response.status_code == 400 and f"{label}与现行有效的第 1 版相同" in response.get_data(as_text=True)


def test_basic_information_that_does_not_fit_is_refused_and_kept(demo_world, client, login, runtime):
    login("agency2")
    response = post(client, "/agency/filing/basic", basic_form(contact_name="", address="金山区改过的路 9 号"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "「联系人」为必填项" in page and "金山区改过的路 9 号" in page
    with runtime.sessions() as s:
        assert filings.working_basic(s, agency(s, "QY"))["address"] == "金山区清源路 2 号"


# --- people, equipment and their certificates ---------------------------------------------------------------

@pytest.mark.parametrize(("content", "filename", "reason"), [
    (b"just some text pretending", "cert.pdf", "须为 PDF、JPEG 或 PNG"),
    (b"GIF89a" + b"\0" * 64, "cert.png", "须为 PDF、JPEG 或 PNG"),
    (b"%PDF-" + b"0" * (10 * 1024 * 1024), "big.pdf", "不能超过 10 MB"),
])
def test_a_certificate_is_checked_by_its_content_and_size(demo_world, client, login, runtime, content, filename,
                                                          reason):
    login("agency2")
    response = post(client, "/agency/filing/staff/new", staff_form(), {"certificate": (content, filename)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and reason in page and 'value="孙磊"' in page
    with runtime.sessions() as s:
        assert s.scalars(select(Staff).where(Staff.name == "孙磊")).first() is None


def test_a_new_person_needs_a_certificate_and_a_well_formed_id_number(demo_world, client, login):
    login("agency2")
    missing = post(client, "/agency/filing/staff/new", staff_form())
    assert missing.status_code == 400 and "请上传人员证书" in missing.get_data(as_text=True)
    wrong = post(client, "/agency/filing/staff/new", staff_form(id_number="12345"), {"certificate": (PDF, "c.pdf")})
    assert wrong.status_code == 400 and "身份证号应为 18 位" in wrong.get_data(as_text=True)
    twice = post(client, "/agency/filing/staff/new", staff_form(id_number="310116199001017890"),
                 {"certificate": (PDF, "c.pdf")})
    assert twice.status_code == 400 and "已在本机构人员名单中" in twice.get_data(as_text=True)


def test_an_agency_corrects_a_person_and_the_certificate_is_replaced_not_overwritten(demo_world, client, login,
                                                                                      runtime):
    login("agency1")
    with runtime.sessions() as s:
        zhang = s.scalars(select(Staff).where(Staff.name == "张伟")).one()
    assert 'value="310116198801011234"' in client.get(f"/agency/filing/staff/{zhang.id}").get_data(as_text=True)
    post(client, f"/agency/filing/staff/{zhang.id}", staff_form(name="张伟", id_number="310116198801011234"),
         {"certificate": (PDF, "first.pdf")})
    with runtime.sessions() as s:
        first = s.get(Staff, zhang.id).certificate_path
    senior = staff_form(name="张伟", id_number="310116198801011234", title="高级工程师")
    post(client, f"/agency/filing/staff/{zhang.id}", senior, {"certificate": (jpeg(2), "2.jpg")})
    with runtime.sessions() as s:
        again = s.get(Staff, zhang.id)
        assert again.title == "高级工程师"
        assert again.certificate_path.endswith(".jpg") and again.certificate_path != first
    with client.get(f"/agency/filing/staff/{zhang.id}/certificate") as download:
        assert download.status_code == 200 and download.mimetype == "image/jpeg"
        assert download.headers["Content-Disposition"].startswith("attachment")


def test_a_deactivated_person_leaves_the_working_copy_but_not_the_version_in_force(demo_world, client, login,
                                                                                     runtime):
    login("agency1")
    with runtime.sessions() as s:
        lina = s.scalars(select(Staff).where(Staff.name == "李娜")).one()
    assert post(client, f"/agency/filing/staff/{lina.id}/deactivate").status_code == 302
    page = client.get("/agency/filing/").get_data(as_text=True)
    assert "李娜" not in page[page.index('id="staff"'):page.index('id="equipment"')]
    assert client.get(f"/agency/filing/staff/{lina.id}").status_code == 404
    with runtime.sessions() as s:
        lc = agency(s, "LC")
        assert "李娜" in [e["name"] for e in filings.filed_resources(s, lc.id).snapshot["staff"]]
        assert "李娜" not in [e["name"] for e in filings.snapshot(s, lc.id)["staff"]]


def test_a_removed_capability_can_be_added_back(demo_world, client, login, runtime):
    login("agency1")
    with runtime.sessions() as s:
        ammonia = lc_ammonia(s)
    post(client, f"/agency/filing/capabilities/{ammonia.id}/remove")
    again = post(client, "/agency/filing/capabilities", {"f_factor": "氨氮", "f_method": ammonia.method})
    assert again.status_code == 302
    twice = post(client, "/agency/filing/capabilities", {"f_factor": "氨氮", "f_method": ammonia.method})
    assert twice.status_code == 400 and "该监测能力（监测项目与方法标准）已填写" in twice.get_data(as_text=True)
    with runtime.sessions() as s:
        assert s.get(Capability, ammonia.id).active


# --- the review -----------------------------------------------------------------------------------------------

def test_one_reviewer_puts_a_version_in_force_when_the_city_wants_no_second_reviewer(demo_world, client, login,
                                                                                      runtime):
    with runtime.sessions() as s:
        pending = version(s, "QY", BASIC, 1)
    page = login("regulator1").get("/regulator/filings/").get_data(as_text=True)
    assert page.index("上海清源检测技术有限公司") < page.index("上海绿测环境检测有限公司")  # pending first
    response = client.get(f"/regulator/filings/{pending.id}").get_data(as_text=True)
    assert "备案基本信息第 1 版" in response and "审核通过" in response
    assert decide(client, login, "regulator1", pending.id).status_code == 302
    with runtime.sessions() as s:
        approved = version(s, "QY", BASIC, 1)
        assert approved.state == FilingState.APPROVED and approved.decided_at is not None
        assert [(r.round, r.decision, r.reviewer.username) for r in approved.reviews] == \
            [("first", "approve", "regulator1")]
        assert agency(s, "QY").address == "金山区清源路 2 号"


def test_a_second_reviewer_completes_the_review_only_when_the_city_wants_one(second_reviewer, demo_world, client,
                                                                             login, runtime):
    with runtime.sessions() as s:
        pending = version(s, "QY", BASIC, 1)
    assert decide(client, login, "regulator1", pending.id).status_code == 302
    again = post(client, f"/regulator/filings/{pending.id}/approve")
    assert again.status_code == 400 and "复核须由初审以外的审核人员完成" in again.get_data(as_text=True)
    with runtime.sessions() as s:
        assert version(s, "QY", BASIC, 1).state == FilingState.FIRST_APPROVED
        assert filings.in_force(s, pending.agency_id, BASIC) is None
    assert decide(client, login, "admin1", pending.id).status_code == 302
    with runtime.sessions() as s:
        approved = version(s, "QY", BASIC, 1)
        assert approved.state == FilingState.APPROVED
        assert [(r.round, r.decision, r.reviewer.username) for r in approved.reviews] == \
            [("first", "approve", "regulator1"), ("second", "approve", "admin1")]


def test_regulator_returns_a_version_with_a_reason_and_the_agency_resubmits(demo_world, client, login, runtime):
    with runtime.sessions() as s:
        pending = version(s, "QY", BASIC, 1)
    silent = decide(client, login, "regulator1", pending.id, "return", "  ")
    assert silent.status_code == 400 and "退回时请填写退回原因" in silent.get_data(as_text=True)
    assert decide(client, login, "regulator1", pending.id, "return", "法定代表人与营业执照不符").status_code == 302
    with runtime.sessions() as s:
        assert version(s, "QY", BASIC, 1).state == FilingState.RETURNED
        assert agency(s, "QY").filing_status == FilingStatus.RETURNED
    login("agency2")
    returned = client.get("/agency/filing/").get_data(as_text=True)
    assert "备案基本信息第 1 版已被退回：法定代表人与营业执照不符" in returned
    post(client, "/agency/filing/basic", basic_form(legal_representative="周源清"))
    assert post(client, "/agency/filing/submit/basic").status_code == 302
    with runtime.sessions() as s:
        resubmitted = version(s, "QY", BASIC, 1)
        assert resubmitted.state == FilingState.SUBMITTED
        assert resubmitted.basic["legal_representative"] == "周源清"
        assert [(r.decision, r.reason) for r in resubmitted.reviews] == [("return", "法定代表人与营业执照不符")]


def test_a_version_returned_by_the_second_reviewer_starts_a_fresh_round(second_reviewer, demo_world, client, login,
                                                                        runtime):
    with runtime.sessions() as s:
        pending = version(s, "QY", BASIC, 1)
    decide(client, login, "regulator1", pending.id)
    decide(client, login, "admin1", pending.id, "return", "联系电话有误")
    login("agency2")
    post(client, "/agency/filing/basic", basic_form(contact_phone="021-57001234"))
    post(client, "/agency/filing/submit/basic")
    # this round admin1 reviews first, so the second review falls to regulator1
    decide(client, login, "admin1", pending.id)
    assert decide(client, login, "admin1", pending.id).status_code == 400
    assert decide(client, login, "regulator1", pending.id).status_code == 302
    with runtime.sessions() as s:
        assert version(s, "QY", BASIC, 1).state == FilingState.APPROVED


def test_a_decided_version_takes_no_second_decision(demo_world, client, login, runtime):
    with runtime.sessions() as s:
        in_force = version(s, "LC", RESOURCES, 1)
    response = decide(client, login, "regulator1", in_force.id, "return", "再看看")
    assert response.status_code == 400 and "该版本当前不在审核中" in response.get_data(as_text=True)
    with runtime.sessions() as s:
        assert version(s, "LC", RESOURCES, 1).state == FilingState.APPROVED
        assert not version(s, "LC", RESOURCES, 1).reviews


def test_an_ersheng_update_makes_a_new_ersheng_version_only_reviewed_while_the_approved_one_stays_in_force(
        demo_world, client, login, runtime):
    login("agency1")
    post(client, "/agency/filing/equipment/new", equipment_form(), {"certificate": (PDF, "cal.pdf")})
    assert post(client, "/agency/filing/submit/resources").status_code == 302
    today = clock.today()
    with runtime.sessions() as s:
        lc = agency(s, "LC")
        assert filings.filed_resources(s, lc.id).version == 1 and filings.may_run_tasks(s, lc.id)
        assert version(s, "LC", RESOURCES, 2).state == FilingState.SUBMITTED
        assert [f.version for f in filings.versions(s, lc.id, BASIC)] == [1]
        assert "便携式烟气分析仪" not in [e.name for e in filings.schedulable_equipment(s, lc.id, today)]
        assert lc.filing_status == FilingStatus.APPROVED
    approve(client, login, version_id(runtime, "LC", RESOURCES, 2))
    with runtime.sessions() as s:
        lc = agency(s, "LC")
        assert [(f.version, f.state) for f in filings.versions(s, lc.id, RESOURCES)] == \
            [(2, FilingState.APPROVED), (1, FilingState.SUPERSEDED)]
        assert [(f.version, f.state) for f in filings.versions(s, lc.id, BASIC)] == [(1, FilingState.APPROVED)]
        assert "便携式烟气分析仪" in [e.name for e in filings.schedulable_equipment(s, lc.id, today)]
    history = login("agency1").get("/agency/filing/").get_data(as_text=True)
    assert "已被新版本替代" in history and "现行有效" in history


def test_a_basic_information_update_makes_a_new_basic_version_only(demo_world, client, login, runtime):
    login("agency1")
    post(client, "/agency/filing/basic", basic_form(contact_phone="021-57009999", address="金山区检测路 1 号",
                                                    legal_representative="陈明", contact_name="陈静"))
    assert post(client, "/agency/filing/submit/basic").status_code == 302
    with runtime.sessions() as s:
        lc = agency(s, "LC")
        assert [f.version for f in filings.versions(s, lc.id, RESOURCES)] == [1]
        assert lc.contact_phone == "021-57000001" and filings.may_run_tasks(s, lc.id)
    approve(client, login, version_id(runtime, "LC", BASIC, 2))
    with runtime.sessions() as s:
        lc = agency(s, "LC")
        assert [(f.version, f.state) for f in filings.versions(s, lc.id, BASIC)] == \
            [(2, FilingState.APPROVED), (1, FilingState.SUPERSEDED)]
        assert [(f.version, f.state) for f in filings.versions(s, lc.id, RESOURCES)] == [(1, FilingState.APPROVED)]
        assert lc.contact_phone == "021-57009999" and filings.may_run_tasks(s, lc.id)


def version_id(runtime, code: str, stage: FilingStage, number: int) -> int:
    with runtime.sessions() as s:
        return version(s, code, stage, number).id


def test_the_reviewer_sees_what_changed_against_the_version_in_force(demo_world, client, login, runtime):
    login("agency1")
    with runtime.sessions() as s:
        zhang = s.scalars(select(Staff).where(Staff.name == "张伟")).one()
        ph_meter = s.scalars(select(Equipment).where(Equipment.asset_no == "GT-EQ-002")).one()
    post(client, f"/agency/filing/staff/{zhang.id}", staff_form(name="张伟", id_number=zhang.id_number,
                                                                  certificate_valid_until="2030-01-31"),
         {"certificate": (PDF, "z.pdf")})
    post(client, f"/agency/filing/equipment/{ph_meter.id}/deactivate")
    post(client, "/agency/filing/capabilities", {"f_factor": "总磷", "f_method": "GB 11893-1989"})
    post(client, "/agency/filing/basic", basic_form(contact_phone="021-57009999", address="金山区检测路 1 号",
                                                    legal_representative="陈明", contact_name="陈静"))
    post(client, "/agency/filing/submit/basic")
    post(client, "/agency/filing/submit/resources")
    with runtime.sessions() as s:
        basic = filings.diff(s, version(s, "LC", BASIC, 2))
        assert basic.baseline.version == 1 and not any(basic.sections.values())
        assert [(c.label, c.old, c.new) for c in basic.basic] == [("联系电话", "021-57000001", "021-57009999")]
        update = version(s, "LC", RESOURCES, 2)
        changes = filings.diff(s, update)
        assert changes.baseline.version == 1 and changes.basic == []
        assert [(e.kind, e.title) for e in changes.sections["equipment"]] == [("removed", "便携式 pH 计 / GT-EQ-002")]
        assert [(e.kind, e.title) for e in changes.sections["capabilities"]] == [("added", "总磷 / GB 11893-1989")]
        [person] = changes.sections["staff"]
        assert person.kind == "changed" and person.title == "张伟"
        assert ("证书有效期至", "2030-01-31") in [(c.label, c.new) for c in person.changes]
        assert "人员证书" in [c.label for c in person.changes]
    page = login("regulator1").get(f"/regulator/filings/{update.id}").get_data(as_text=True)
    assert "对比第 1 版" in page and "删除：便携式 pH 计" in page and "新增：总磷" in page
    assert "021-57009999" not in page  # the basic information is reviewed in its own version
    basic_page = client.get(f"/regulator/filings/{version_id(runtime, 'LC', BASIC, 2)}").get_data(as_text=True)
    assert "021-57009999" in basic_page and "便携式 pH 计" not in basic_page


def test_the_reviewer_downloads_the_certificate_the_version_was_submitted_with(demo_world, client, login, runtime):
    login("agency1")
    with runtime.sessions() as s:
        zhang = s.scalars(select(Staff).where(Staff.name == "张伟")).one()
    post(client, f"/agency/filing/staff/{zhang.id}", staff_form(name="张伟", id_number=zhang.id_number),
         {"certificate": (PDF, "submitted.pdf")})
    post(client, "/agency/filing/submit/resources")
    post(client, f"/agency/filing/staff/{zhang.id}", staff_form(name="张伟", id_number=zhang.id_number),
         {"certificate": (jpeg(3), "later.jpg")})
    submitted = version_id(runtime, "LC", RESOURCES, 2)
    login("regulator1")
    with client.get(f"/regulator/filings/{submitted}/files/staff/{zhang.id}") as download:
        assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    login("agency1")
    with client.get(f"/agency/filing/versions/{submitted}/files/staff/{zhang.id}") as filed:
        assert filed.data == PDF
    with client.get(f"/agency/filing/staff/{zhang.id}/certificate") as current:
        assert current.mimetype == "image/jpeg"


def test_a_renewal_counts_for_scheduling_once_its_version_is_approved(demo_world, client, login, runtime):
    with runtime.sessions() as s:
        lc = agency(s, "LC")
        zhang = s.scalars(select(Staff).where(Staff.name == "张伟")).one()
        filed_until = zhang.certificate_valid_until
        zhang.certificate_valid_until = filed_until + timedelta(days=365)  # typed in, not yet approved
        s.commit()
        after_filed = filed_until + timedelta(days=1)
        assert "张伟" not in [p.name for p in filings.schedulable_staff(s, lc.id, after_filed)]
    login("agency1")
    post(client, "/agency/filing/submit/resources")
    approve(client, login, version_id(runtime, "LC", RESOURCES, 2))
    with runtime.sessions() as s:
        assert "张伟" in [p.name for p in filings.schedulable_staff(s, agency(s, "LC").id, after_filed)]


# --- access: every object URL of another tenant answers 404 -------------------------------------------------

@pytest.fixture
def tenants(demo_world, client, login, runtime):
    """LC's v2 under review, with 张伟's certificate; a regulator of another district (松江区)."""
    with runtime.sessions() as s:
        s.add(User(username="regulator_sj", display_name="松江区生态环境局", role=Role.REGULATOR, district="松江区",
                   password_hash=hash_password(demo.PASSWORD)))
        s.commit()
        zhang = s.scalars(select(Staff).where(Staff.name == "张伟")).one()
        meter = s.scalars(select(Equipment).where(Equipment.asset_no == "GT-EQ-001")).one()
        ammonia = lc_ammonia(s)
    login("agency1")
    post(client, f"/agency/filing/staff/{zhang.id}", staff_form(name="张伟", id_number=zhang.id_number),
         {"certificate": (PDF, "z.pdf")})
    post(client, f"/agency/filing/equipment/{meter.id}", equipment_form(name=meter.name, asset_no=meter.asset_no),
         {"certificate": (PDF, "m.pdf")})
    assert post(client, "/agency/filing/submit/resources").status_code == 302
    with runtime.sessions() as s:
        zc_filing = version(s, "ZC", RESOURCES, 1).id
    return {"staff": zhang.id, "equipment": meter.id, "capability": ammonia.id,
            "filing": version_id(runtime, "LC", RESOURCES, 2), "zc_filing": zc_filing}


AGENCY_PAGES = ["/agency/filing/staff/{staff}", "/agency/filing/staff/{staff}/certificate",
                "/agency/filing/equipment/{equipment}", "/agency/filing/equipment/{equipment}/certificate",
                "/agency/filing/versions/{filing}", "/agency/filing/versions/{filing}/files/staff/{staff}",
                "/agency/filing/versions/{filing}/files/equipment/{equipment}"]
AGENCY_ACTIONS = ["/agency/filing/staff/{staff}/deactivate", "/agency/filing/equipment/{equipment}/deactivate",
                  "/agency/filing/capabilities/{capability}/remove", "/agency/filing/staff/{staff}"]
REVIEW_PAGES = ["/regulator/filings/{filing}", "/regulator/filings/{filing}/files/staff/{staff}",
                "/regulator/filings/{filing}/files/equipment/{equipment}"]
REVIEW_ACTIONS = ["/regulator/filings/{filing}/approve", "/regulator/filings/{filing}/return"]


@pytest.mark.parametrize("url", AGENCY_PAGES)
def test_the_agencys_own_filing_pages_open_for_it(tenants, client, login, url):
    login("agency1")
    with client.get(url.format(**tenants)) as response:
        assert response.status_code == 200


@pytest.mark.parametrize("username", ["agency2", "sampler1", "selfmon1", "polluter1", "regulator1", "regulator_sj",
                                      "admin1"])
def test_another_tenants_filing_urls_answer_404(tenants, client, login, runtime, username):
    login(username)
    for url in AGENCY_PAGES:
        with client.get(url.format(**tenants)) as response:
            assert response.status_code == 404, url
    for url in AGENCY_ACTIONS:
        assert post(client, url.format(**tenants), staff_form(name="篡改")).status_code == 404, url
    with runtime.sessions() as s:
        assert s.get(Staff, tenants["staff"]).active and s.get(Staff, tenants["staff"]).name == "张伟"
        assert s.get(Capability, tenants["capability"]).active


@pytest.mark.parametrize("username", ["regulator1", "admin1"])
def test_reviewers_of_the_district_open_the_review_pages(tenants, client, login, username):
    login(username)
    for url in REVIEW_PAGES:
        with client.get(url.format(**tenants)) as response:
            assert response.status_code == 200, url


@pytest.mark.parametrize("username", ["regulator_sj", "agency1", "agency2", "sampler1", "selfmon1", "polluter1"])
def test_review_urls_answer_404_outside_the_reviewers_district(tenants, client, login, runtime, username):
    login(username)
    for url in REVIEW_PAGES:
        with client.get(url.format(**tenants)) as response:
            assert response.status_code == 404, url
    for url in REVIEW_ACTIONS:
        assert post(client, url.format(**tenants), {"reason": "越权"}).status_code == 404, url
    with runtime.sessions() as s:
        assert s.get(Filing, tenants["filing"]).state == FilingState.SUBMITTED


def test_each_district_reviews_only_its_own_agencies(tenants, client, login):
    login("regulator_sj")
    listing = client.get("/regulator/filings/").get_data(as_text=True)
    assert "上海自测示范电镀有限公司" in listing and "上海绿测环境检测有限公司" not in listing
    assert client.get(f"/regulator/filings/{tenants['zc_filing']}").status_code == 200
    login("regulator1")
    assert client.get(f"/regulator/filings/{tenants['zc_filing']}").status_code == 404


def test_an_agencys_draft_is_not_on_the_reviewers_desk(demo_world, client, login, runtime):
    login("agency2")
    post(client, "/agency/filing/basic", basic_form(contact_phone="021-57001234"))  # a draft v2 beside v1 in review
    with runtime.sessions() as s:
        draft = version(s, "QY", BASIC, 2)
        assert draft.state == FilingState.DRAFT
        assert version(s, "QY", BASIC, 1).basic["contact_phone"] == "021-57000002"
    login("regulator1")
    assert client.get(f"/regulator/filings/{draft.id}").status_code == 404
    assert "第 2 版" not in client.get("/regulator/filings/").get_data(as_text=True)


def test_a_return_reaches_the_agency_even_when_it_already_drafts_the_next_version(demo_world, client, login,
                                                                                   runtime):
    login("agency2")
    post(client, "/agency/filing/basic", basic_form(contact_phone="021-57001234"))
    decide(client, login, "regulator1", version_id(runtime, "QY", BASIC, 1), "return", "联系电话有误")
    login("agency2")
    assert "备案基本信息第 1 版已被退回：联系电话有误" in client.get("/agency/filing/").get_data(as_text=True)
    assert post(client, "/agency/filing/submit/basic").status_code == 302
    with runtime.sessions() as s:
        assert [(f.version, f.state) for f in filings.versions(s, agency(s, "QY").id, BASIC)] == \
            [(2, FilingState.SUBMITTED), (1, FilingState.RETURNED)]
        assert version(s, "QY", BASIC, 2).basic["contact_phone"] == "021-57001234"
