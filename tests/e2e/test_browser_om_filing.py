"""In a real browser: an O&M agency files a leased van — refused while its lease does not cover the O&M contract,
accepted once corrected — and the regulator reviews the vehicle in the submitted version."""
from __future__ import annotations

from models import clock
from tests.e2e.test_browser_review import sign_out
from tests.support import files
from tests.support.browser import sign_in

YEAR = clock.today().year
LEASE = {"name": "车辆租赁合同.pdf", "mimeType": "application/pdf",
         "buffer": files.pdf("vehicle lease in the company's name")}
OM_NAME = "上海恒运环保设施运维有限公司"


def fill(desk, values: dict) -> None:
    for name, value in values.items():
        desk.fill(f"[name=f_{name}]", value)


def add_leased_van(desk, lease_end: str) -> None:
    fill(desk, {"plate": "沪B12345", "lessee": OM_NAME, "lease_start": f"{YEAR}-01-01", "lease_end": lease_end})
    desk.select_option("[name=f_ownership]", "租赁")
    desk.select_option("[name=contract_id]", label=f"YW-2026-001（{YEAR}-01-01 至 {YEAR}-12-31）")
    desk.set_input_files("input[name=lease]", files=[LEASE])
    desk.click("button:has-text('保存')")
    desk.wait_for_load_state()


def test_om_agency_files_a_leased_van_and_the_regulator_reviews_it(demo_world, live, desk):
    sign_in(desk, live, "om1")
    desk.click("header a:has-text('备案管理')")
    assert "运维车辆" in desk.inner_text("main") and "监测能力" not in desk.inner_text("main")
    fill(desk, {"registered_capital": "500", "om_project_amount": "860", "om_project_count": "12"})
    desk.click("button:has-text('保存基本信息')")
    assert "基本信息已保存" in desk.inner_text(".flash")
    desk.click("button:has-text('提交备案基本信息审核')")
    assert "备案基本信息第 2 版已提交" in desk.inner_text(".flash")

    desk.click("a:has-text('添加车辆')")
    add_leased_van(desk, f"{YEAR}-12-30")  # the lease ends a day before the contract
    assert "车辆未保存" in desk.inner_text(".flash")
    assert (f"租赁期 {YEAR}-01-01 至 {YEAR}-12-30 未覆盖运维合同 YW-2026-001 的期限 {YEAR}-01-01 至 {YEAR}-12-31"
            in desk.inner_text("main"))
    add_leased_van(desk, f"{YEAR}-12-31")
    assert "车辆“沪B12345”已保存" in desk.inner_text(".flash")
    assert "沪B12345" in desk.inner_text("#vehicles + table") and OM_NAME in desk.inner_text("#vehicles + table")

    desk.click("a:has-text('添加备品备件')")
    fill(desk, {"name": "SO2 分析仪采样泵", "quantity": "2", "value_yuan": "3600", "location": "运维路 3 号备件库"})
    desk.click("button:has-text('保存')")
    assert "备品备件“SO2 分析仪采样泵”已保存" in desk.inner_text(".flash")
    desk.click("button:has-text('提交二审基本信息审核')")
    assert "二审基本信息第 2 版已提交" in desk.inner_text(".flash")
    sign_out(desk)

    sign_in(desk, live, "regulator1")
    desk.click("header a:has-text('备案审核')")
    desk.click(f"tr:has-text('{OM_NAME}'):has-text('二审基本信息'):has-text('待审核') a")
    desk.wait_for_load_state()
    assert "运维车辆 · 新增：沪B12345" in desk.inner_text(".diff")
    vehicles = desk.inner_text("#filed-vehicles + table")
    assert "沪B12345" in vehicles and "租赁" in vehicles and f"{YEAR}-12-31" in vehicles and OM_NAME in vehicles
    assert "YW-2026-001" in vehicles
    assert "SO2 分析仪采样泵" in desk.inner_text("#filed-spare_parts + table")
    with desk.expect_download() as download:
        desk.click("#filed-vehicles + table a:has-text('下载')")
    assert download.value.suggested_filename == "沪B12345-租赁合同-第2版.pdf"
    desk.click("button:has-text('审核通过')")
    assert "二审基本信息第 2 版审核通过，已生效" in desk.inner_text(".flash")
