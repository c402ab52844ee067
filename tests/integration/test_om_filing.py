"""An O&M agency's filing (运维机构备案): O&M basic information, technical roles, vehicles with the lease rule,
spare parts, the regulator's review of both stages, the versions in force, and who may see what."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from models import Agency, Contract, Filing, FilingStage, FilingState, Role, SparePart, User, Vehicle, clock
from services.dev import demo
from services.users.accounts import hash_password
from tests.integration.test_filing import PDF, approve, decide, post, staff_form
from tests.support import files
from tests.support.images import jpeg

YEAR = clock.today().year
OM_NAME = "上海恒运环保设施运维有限公司"
LEASE = files.pdf("lease of a van, in the company's name")


def om_agency(s) -> Agency:
    return s.scalars(select(Agency).where(Agency.code == "HY")).one()


def om_contract(s) -> Contract:
    return s.scalars(select(Contract).where(Contract.code == "YW-2026-001")).one()


def vehicle_form(contract_id, **changes) -> dict:
    values = {"plate": "沪B12345", "ownership": "租赁", "lessee": OM_NAME, "lease_start": f"{YEAR}-01-01",
              "lease_end": f"{YEAR}-12-31", **changes}
    return {"contract_id": str(contract_id or ""), **{f"f_{k}": v for k, v in values.items()}}


def spare_part_form(**changes) -> dict:
    values = {"name": "SO2 分析仪采样泵", "quantity": "2", "value_yuan": "3600", "location": "金山区运维路 3 号备件库",
              **changes}
    return {f"f_{k}": v for k, v in values.items()}


def om_basic(**changes) -> dict:
    values = {"district": "金山区", "address": "金山区运维路 3 号", "legal_representative": "孙恒",
              "contact_name": "孙运", "contact_phone": "021-57000003", "registered_capital": "500",
              "om_project_amount": "860", "om_project_count": "12", **changes}
    return {f"f_{k}": v for k, v in values.items()}


@pytest.fixture
def om1(demo_world, login, runtime):
    """om1 signed in; yields the id of its O&M contract YW-2026-001 (this year, Jan 1 to Dec 31)."""
    client = login("om1")
    with runtime.sessions() as s:
        return client, om_contract(s).id


def version_of_om(s, stage: FilingStage, number: int) -> Filing:
    return s.scalars(select(Filing).where(Filing.agency_id == om_agency(s).id, Filing.stage == stage,
                                          Filing.version == number)).one()


def vehicles_of_om(runtime) -> list[Vehicle]:
    with runtime.sessions() as s:
        return list(s.scalars(select(Vehicle).where(Vehicle.agency_id == om_agency(s).id)))


# --- what an O&M agency files --------------------------------------------------------------------------------

def test_an_om_agency_files_vehicles_and_spare_parts_instead_of_capabilities(om1):
    client, _ = om1
    page = client.get("/agency/filing/").get_data(as_text=True)
    assert "运维车辆" in page and "运维备品备件" in page and "监测能力" not in page
    assert "注册资本" in page and "在运维项目合同金额" in page and "在运维项目数量" in page
    assert "实验室地址" not in page
    assert "技术岗位" in page and "运维人员" in page  # 刘洋's role in the staff list
    person = client.get("/agency/filing/staff/new").get_data(as_text=True)
    for role in ("运维人员", "技术负责人", "质量负责人", "质量监督员"):
        assert f'<option value="{role}">' in person


def test_the_vehicle_form_says_which_fields_a_leased_vehicle_needs_in_web_words(om1):
    client, _ = om1
    page = client.get("/agency/filing/vehicles/new").get_data(as_text=True)
    for name in ("lessee", "lease_start", "lease_end"):
        label = re.search(rf'<label for="f_{name}">(.*?)</label>', page).group(1)
        assert "（租赁车辆必填）" in label and "选填" not in label
    assert "回复" not in page  # chat wording stays in the chat


def test_a_monitoring_agency_sees_no_vehicles_or_spare_parts(demo_world, client, login):
    login("agency1")
    page = client.get("/agency/filing/").get_data(as_text=True)
    assert "监测能力" in page and "运维车辆" not in page and "备品备件" not in page and "注册资本" not in page
    assert "技术岗位" not in client.get("/agency/filing/staff/new").get_data(as_text=True)
    for url in ("/agency/filing/vehicles/new", "/agency/filing/spare_parts/new"):
        assert client.get(url).status_code == 404
    assert post(client, "/agency/filing/vehicles/new", vehicle_form(1), {"lease": (LEASE, "lease.pdf")}) \
        .status_code == 404


def test_om_staff_must_have_a_technical_role(om1, runtime):
    client, _ = om1
    response = post(client, "/agency/filing/staff/new", staff_form(), {"certificate": (PDF, "c.pdf")})
    assert response.status_code == 400 and "「技术岗位」为必填项" in response.get_data(as_text=True)
    lead = post(client, "/agency/filing/staff/new", staff_form(technical_role="技术负责人"),
                {"certificate": (PDF, "c.pdf")})
    assert lead.status_code == 302
    assert "技术负责人" in client.get("/agency/filing/").get_data(as_text=True)


# --- the lease rule ----------------------------------------------------------------------------------------

def test_a_leased_vehicle_whose_lease_just_covers_the_contract_is_accepted(om1, runtime):
    client, contract_id = om1
    response = post(client, "/agency/filing/vehicles/new", vehicle_form(contract_id), {"lease": (LEASE, "租赁.pdf")})
    assert response.status_code == 302
    assert "车辆“沪B12345”已保存" in client.get("/agency/filing/").get_data(as_text=True)
    [van] = vehicles_of_om(runtime)
    assert (van.ownership, van.contract_id, van.lessee) == ("leased", contract_id, OM_NAME)
    assert (van.lease_start, van.lease_end) == (date(YEAR, 1, 1), date(YEAR, 12, 31))
    assert van.lease_path.endswith(".pdf") and van.licence_path is None


def test_a_lease_ending_a_day_before_the_contract_is_refused_with_both_periods(om1, runtime):
    client, contract_id = om1
    response = post(client, "/agency/filing/vehicles/new", vehicle_form(contract_id, lease_end=f"{YEAR}-12-30"),
                    {"lease": (LEASE, "lease.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (f"租赁期 {YEAR}-01-01 至 {YEAR}-12-30 未覆盖运维合同 YW-2026-001 的期限 {YEAR}-01-01 至 {YEAR}-12-31"
            in page)
    assert 'value="沪B12345"' in page and f'value="{YEAR}-12-30"' in page  # what was typed stays
    assert vehicles_of_om(runtime) == []


def test_a_lease_starting_after_the_contract_is_refused(om1, runtime):
    client, contract_id = om1
    response = post(client, "/agency/filing/vehicles/new", vehicle_form(contract_id, lease_start=f"{YEAR}-01-02"),
                    {"lease": (LEASE, "lease.pdf")})
    assert response.status_code == 400 and "未覆盖运维合同 YW-2026-001" in response.get_data(as_text=True)
    assert vehicles_of_om(runtime) == []


def test_a_lease_in_someone_elses_name_is_refused(om1, runtime):
    client, contract_id = om1
    response = post(client, "/agency/filing/vehicles/new", vehicle_form(contract_id, lessee="孙恒"),
                    {"lease": (LEASE, "lease.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"租赁合同的承租方为“孙恒”，不是本机构“{OM_NAME}”：租赁车辆须以公司名义签订租赁合同" in page
    assert vehicles_of_om(runtime) == []


def test_the_lessee_may_be_typed_with_full_width_characters_and_spaces(om1, runtime):
    client, contract_id = om1
    typed = "上海 恒运环保设施运维有限公司\u3000"  # an ideographic space, as Chinese keyboards type it
    assert post(client, "/agency/filing/vehicles/new", vehicle_form(contract_id, lessee=typed),
                {"lease": (LEASE, "lease.pdf")}).status_code == 302


def test_a_lease_checked_against_another_agencys_contract_is_refused(om1, runtime):
    client, _ = om1
    with runtime.sessions() as s:
        others = s.scalars(select(Contract).where(Contract.code == "HT-2026-001")).one()
        others.period_start, others.period_end = date(YEAR, 3, 1), date(YEAR, 6, 30)
        s.commit()
    response = post(client, "/agency/filing/vehicles/new", vehicle_form(others.id), {"lease": (LEASE, "lease.pdf")})
    assert response.status_code == 400
    assert "请选择租赁合同须覆盖的运维合同（本机构已提交的合同）" in response.get_data(as_text=True)
    assert "HT-2026-001" not in client.get("/agency/filing/vehicles/new").get_data(as_text=True)
    assert vehicles_of_om(runtime) == []


def test_a_leased_vehicle_needs_the_lease_file_and_an_owned_one_its_licence(om1, runtime):
    client, contract_id = om1
    no_lease = post(client, "/agency/filing/vehicles/new", vehicle_form(contract_id))
    assert no_lease.status_code == 400 and "租赁车辆请上传以公司名义签订的租赁合同" in no_lease.get_data(as_text=True)
    owned = vehicle_form(None, ownership="自有", lessee="", lease_start="", lease_end="")
    no_licence = post(client, "/agency/filing/vehicles/new", owned)
    assert no_licence.status_code == 400 and "自有车辆请上传车辆行驶证" in no_licence.get_data(as_text=True)
    not_a_file = post(client, "/agency/filing/vehicles/new", owned, {"licence": (b"hello", "licence.jpg")})
    assert not_a_file.status_code == 400 and "车辆行驶证须为 PDF、JPEG 或 PNG 文件" in not_a_file.get_data(as_text=True)
    assert vehicles_of_om(runtime) == []
    assert post(client, "/agency/filing/vehicles/new", owned, {"licence": (jpeg(3), "行驶证.jpg")}).status_code == 302
    [car] = vehicles_of_om(runtime)
    assert car.ownership == "owned" and car.licence_path.endswith(".jpg") and car.contract_id is None


def test_a_plate_is_checked_and_filed_once(om1, runtime):
    client, contract_id = om1
    wrong = post(client, "/agency/filing/vehicles/new", vehicle_form(contract_id, plate="12345"),
                 {"lease": (LEASE, "l.pdf")})
    assert wrong.status_code == 400 and "车牌号格式不正确" in wrong.get_data(as_text=True)
    assert post(client, "/agency/filing/vehicles/new", vehicle_form(contract_id, plate="沪ｂ 12345"),
                {"lease": (LEASE, "l.pdf")}).status_code == 302
    twice = post(client, "/agency/filing/vehicles/new", vehicle_form(contract_id), {"lease": (LEASE, "l.pdf")})
    assert twice.status_code == 400 and "车牌号 沪B12345 的车辆已在本机构的运维车辆中" in twice.get_data(as_text=True)


def test_correcting_a_lease_end_keeps_the_uploaded_lease(om1, runtime):
    client, contract_id = om1
    post(client, "/agency/filing/vehicles/new", vehicle_form(contract_id), {"lease": (LEASE, "l.pdf")})
    [van] = vehicles_of_om(runtime)
    short = post(client, f"/agency/filing/vehicles/{van.id}", vehicle_form(contract_id, lease_end=f"{YEAR}-11-30"))
    assert short.status_code == 400 and "未覆盖运维合同" in short.get_data(as_text=True)
    [unchanged] = vehicles_of_om(runtime)
    assert unchanged.lease_end == date(YEAR, 12, 31)
    longer = post(client, f"/agency/filing/vehicles/{van.id}", vehicle_form(contract_id, lease_end=f"{YEAR + 1}-06-30"))
    assert longer.status_code == 302
    [longer_lease] = vehicles_of_om(runtime)
    assert longer_lease.lease_end == date(YEAR + 1, 6, 30) and longer_lease.lease_path == van.lease_path


# --- submission, review, the version in force ---------------------------------------------------------------

def test_an_om_ersheng_filing_needs_its_vehicles_and_spare_parts(om1):
    client, _ = om1
    response = post(client, "/agency/filing/submit/resources")
    assert response.status_code == 400
    assert "二审基本信息不完整：尚未填写运维车辆、运维备品备件" in response.get_data(as_text=True)


def fill_in_om(client, contract_id) -> None:
    assert post(client, "/agency/filing/vehicles/new", vehicle_form(contract_id), {"lease": (LEASE, "l.pdf")}) \
        .status_code == 302
    assert post(client, "/agency/filing/spare_parts/new", spare_part_form()).status_code == 302


def test_om_basic_information_is_required_at_submission(om1):
    client, contract_id = om1
    response = post(client, "/agency/filing/submit/basic")
    assert response.status_code == 400
    assert "基本信息不完整：请先填写注册资本、在运维项目合同金额、在运维项目数量" in response.get_data(as_text=True)


def test_the_regulator_reviews_vehicles_and_the_version_in_force_keeps_them(om1, login, runtime):
    client, contract_id = om1
    fill_in_om(client, contract_id)
    assert post(client, "/agency/filing/basic", om_basic(om_project_count="0")).status_code == 302
    assert post(client, "/agency/filing/submit/basic").status_code == 302
    assert post(client, "/agency/filing/submit/resources").status_code == 302
    with runtime.sessions() as s:
        basic, submitted = (version_of_om(s, stage, 2) for stage in (FilingStage.BASIC, FilingStage.RESOURCES))
        [van] = submitted.snapshot["vehicles"]
        assert van["plate"] == "沪B12345" and van["ownership"] == "租赁" and van["lessee"] == OM_NAME
        assert van["contract"] == f"YW-2026-001（{YEAR}-01-01 至 {YEAR}-12-31）"
        assert van["lease_end"] == f"{YEAR}-12-31" and van["lease_path"].endswith(".pdf")
        assert submitted.snapshot["spare_parts"][0]["value_yuan"] == 3600
        assert "capabilities" not in submitted.snapshot
        assert basic.basic["registered_capital"] == 500 and basic.basic["om_project_count"] == 0
        filing_id, basic_id, van_id = submitted.id, basic.id, van["id"]

    login("regulator1")
    page = client.get(f"/regulator/filings/{filing_id}").get_data(as_text=True)
    assert "运维车辆 · 新增：沪B12345" in page
    assert "运维备品备件 · 新增：SO2 分析仪采样泵 / 金山区运维路 3 号备件库" in page
    assert f"YW-2026-001（{YEAR}-01-01 至 {YEAR}-12-31）" in page
    assert "监测能力" not in page
    basic_page = client.get(f"/regulator/filings/{basic_id}").get_data(as_text=True)
    assert "500 万元" in basic_page and "0 个" in basic_page
    with client.get(f"/regulator/filings/{filing_id}/files/vehicles/{van_id}/lease") as lease:
        assert lease.status_code == 200 and lease.data == LEASE
    with client.get(f"/regulator/filings/{filing_id}/files/vehicles/{van_id}/licence") as licence:
        assert licence.status_code == 404  # a leased van filed without its licence
    approve(client, login, filing_id)

    login("om1")  # a new lease and then the van taken off: the version in force keeps what it was approved with
    new_lease = files.pdf("a renewed lease")
    assert post(client, f"/agency/filing/vehicles/{van_id}", vehicle_form(contract_id, lease_end=f"{YEAR + 1}-12-31"),
                {"lease": (new_lease, "new.pdf")}).status_code == 302
    assert post(client, f"/agency/filing/vehicles/{van_id}/deactivate").status_code == 302
    with runtime.sessions() as s:
        in_force = s.get(Filing, filing_id)
        assert in_force.state == FilingState.APPROVED
        assert in_force.snapshot["vehicles"][0]["lease_end"] == f"{YEAR}-12-31"
        assert not s.get(Vehicle, van_id).active
    page = client.get(f"/agency/filing/versions/{filing_id}").get_data(as_text=True)
    assert "沪B12345" in page and OM_NAME in page
    with client.get(f"/agency/filing/versions/{filing_id}/files/vehicles/{van_id}/lease") as filed:
        assert filed.data == LEASE


def test_a_returned_om_filing_is_corrected_and_the_diff_shows_the_lease_change(om1, login, runtime):
    client, contract_id = om1
    fill_in_om(client, contract_id)
    post(client, "/agency/filing/submit/resources")
    with runtime.sessions() as s:
        first = version_of_om(s, FilingStage.RESOURCES, 2).id
    assert decide(client, login, "regulator1", first, "return", "租赁合同扫描件不清晰").status_code == 302
    login("om1")
    [van] = vehicles_of_om(runtime)
    post(client, f"/agency/filing/vehicles/{van.id}", vehicle_form(contract_id), {"lease": (jpeg(5), "清晰.jpg")})
    assert post(client, "/agency/filing/submit/resources").status_code == 302
    with runtime.sessions() as s:
        again = s.get(Filing, first)
        assert again.state == FilingState.SUBMITTED and again.snapshot["vehicles"][0]["lease_path"].endswith(".jpg")


# --- access ------------------------------------------------------------------------------------------------

@pytest.fixture
def om_things(om1, runtime):
    client, contract_id = om1
    fill_in_om(client, contract_id)
    with runtime.sessions() as s:
        s.add(User(username="regulator_sj", display_name="松江区生态环境局", role=Role.REGULATOR, district="松江区",
                   password_hash=hash_password(demo.PASSWORD)))
        s.commit()
        agency_id = om_agency(s).id
        van = s.scalars(select(Vehicle).where(Vehicle.agency_id == agency_id)).one()
        part = s.scalars(select(SparePart).where(SparePart.agency_id == agency_id)).one()
        return {"vehicle": van.id, "part": part.id}


OM_PAGES = ["/agency/filing/vehicles/{vehicle}", "/agency/filing/vehicles/{vehicle}/lease",
            "/agency/filing/spare_parts/{part}"]
OM_ACTIONS = ["/agency/filing/vehicles/{vehicle}/deactivate", "/agency/filing/spare_parts/{part}/deactivate",
              "/agency/filing/spare_parts/{part}"]


def test_the_om_agency_opens_its_own_vehicle_and_spare_part_pages(om_things, client):
    for url in OM_PAGES:
        with client.get(url.format(**om_things)) as response:
            assert response.status_code == 200, url


@pytest.mark.parametrize("username", ["agency1", "agency2", "selfmon1", "regulator1", "regulator_sj", "admin1"])
def test_another_tenants_vehicle_and_spare_part_urls_answer_404(om_things, client, login, runtime, username):
    login(username)
    for url in OM_PAGES:
        with client.get(url.format(**om_things)) as response:
            assert response.status_code == 404, url
    for url in OM_ACTIONS:
        assert post(client, url.format(**om_things), spare_part_form(name="篡改")).status_code == 404, url
    with runtime.sessions() as s:
        assert s.get(Vehicle, om_things["vehicle"]).active
        part = s.get(SparePart, om_things["part"])
        assert part.active and part.name == "SO2 分析仪采样泵"
