"""What an O&M agency files, and the lease rule for its vehicles, without a database."""
from __future__ import annotations

from datetime import date

import pytest

from models import Agency, AgencyKind, Contract
from services.filing.filings import FormInvalid
from services.om import vehicles
from services.om.vehicles import PLATE, plate_of
from states.filing_forms import BASIC, STAFF, sections_of, tags_of

AGENCY = Agency(name="上海恒运环保设施运维有限公司", kind=AgencyKind.OM)
CONTRACT = Contract(code="YW-2026-001", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))


def lease_problems(*args) -> dict[str, str]:
    """The lease's problems as the vehicle form shows them beside their fields."""
    return FormInvalid(vehicles.lease_problems(*args)).errors


def keys(kind) -> list[str]:
    return [s.key for s in sections_of(kind)]


def test_each_kind_of_agency_files_its_own_sections():
    assert keys(AgencyKind.MONITORING) == ["staff", "equipment", "capabilities"]
    assert keys(AgencyKind.OM) == ["staff", "equipment", "vehicles", "spare_parts"]
    # a polluter doing its own O&M has no O&M contracts for a lease to cover, and no fleet to file
    assert keys(AgencyKind.SELF_MONITORING_OM) == ["staff", "equipment", "capabilities"]


def test_om_agencies_have_om_basic_fields_and_technical_roles():
    om = [f.name for f in BASIC.applicable(tags_of(AgencyKind.OM))]
    monitoring = [f.name for f in BASIC.applicable(tags_of(AgencyKind.MONITORING))]
    assert {"registered_capital", "om_project_amount", "om_project_count"} <= set(om)
    assert "lab_address" not in om and "registered_capital" not in monitoring and "lab_address" in monitoring
    role = STAFF.get("technical_role")
    assert role.choices == ("运维人员", "技术负责人", "质量负责人", "质量监督员") and role.required
    assert role.applies(tags_of(AgencyKind.OM)) and role.applies(tags_of(AgencyKind.SELF_MONITORING_OM))
    assert not role.applies(tags_of(AgencyKind.MONITORING))


def test_a_lease_exactly_covering_the_contract_qualifies():
    assert lease_problems(AGENCY, CONTRACT, AGENCY.name, date(2026, 1, 1), date(2026, 12, 31)) == {}
    assert lease_problems(AGENCY, CONTRACT, AGENCY.name, date(2025, 7, 1), date(2027, 6, 30)) == {}


@pytest.mark.parametrize(("start", "end", "field"), [
    (date(2026, 1, 1), date(2026, 12, 30), "lease_end"),
    (date(2026, 1, 2), date(2026, 12, 31), "lease_start"),
    (date(2026, 3, 1), date(2026, 6, 30), "lease_start"),
])
def test_a_lease_not_covering_the_contract_names_both_periods(start, end, field):
    problems = lease_problems(AGENCY, CONTRACT, AGENCY.name, start, end)
    assert problems == {field: f"租赁期 {start} 至 {end} 未覆盖运维合同 YW-2026-001 的期限 2026-01-01 至 2026-12-31，"
                               "请上传租赁期覆盖合同期限的租赁合同。"}


def test_a_lease_must_be_in_the_agencys_own_name():
    problems = lease_problems(AGENCY, CONTRACT, "上海恒运汽车租赁有限公司", date(2026, 1, 1), date(2026, 12, 31))
    assert set(problems) == {"lessee"} and "须以公司名义签订租赁合同" in problems["lessee"]
    assert "lessee" in lease_problems(AGENCY, CONTRACT, None, date(2026, 1, 1), date(2026, 12, 31))
    spaced = "上海恒运 环保设施运维有限公司　"
    assert lease_problems(AGENCY, CONTRACT, spaced, date(2026, 1, 1), date(2026, 12, 31)) == {}


def test_a_lease_needs_both_dates_in_order_and_a_contract_with_a_period():
    assert set(lease_problems(AGENCY, CONTRACT, AGENCY.name, None, date(2026, 12, 31))) == {"lease_start"}
    assert set(lease_problems(AGENCY, CONTRACT, AGENCY.name, date(2026, 1, 1), None)) == {"lease_end"}
    assert "早于起始日期" in lease_problems(AGENCY, CONTRACT, AGENCY.name, date(2026, 12, 31), date(2026, 1, 1))[
        "lease_end"]
    undated = Contract(code="YW-X", period_start=None, period_end=None)
    assert "未填写合同期限" in lease_problems(AGENCY, undated, AGENCY.name, date(2026, 1, 1),
                                           date(2026, 12, 31))["contract_id"]


@pytest.mark.parametrize(("typed", "plate", "valid"), [
    ("沪A12345", "沪A12345", True), ("沪ad 12345", "沪AD12345", True), ("沪Ａ·12345", "沪A12345", True),
    ("12345", "12345", False), ("AB12345", "AB12345", False), ("沪A123", "沪A123", False),
])
def test_plates_are_folded_and_checked(typed, plate, valid):
    assert plate_of(typed) == plate and bool(PLATE.match(plate)) is valid
