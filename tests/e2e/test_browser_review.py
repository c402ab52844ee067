"""In a real browser: an agency files its basic information and then its 二审 information, each reviewed by the
regulator; a city that wants a second reviewer; an agency filing an update."""
from __future__ import annotations

from sqlalchemy import select

from models import Agency, FilingStage, User
from services.core.uow import UnitOfWork
from services.filing import filings
from tests.support import files
from tests.support.browser import sign_in

PDF = files.pdf("certificate")
QY = "上海清源检测技术有限公司"


def sign_out(desk) -> None:
    desk.click("header button:has-text('退出')")
    desk.wait_for_load_state()


def open_pending(desk, stage: str) -> None:
    """The reviewer opens QY's version of `stage` (备案基本信息 / 二审基本信息) waiting for a decision."""
    desk.click("header a:has-text('备案审核')")
    desk.click(f"tr:has-text('{QY}'):has-text('{stage}'):has-text('待') a")
    desk.wait_for_load_state()


def test_agency_files_basic_then_ersheng_information_and_the_regulator_reviews_each(demo_world, live, desk):
    sign_in(desk, live, "regulator1")
    open_pending(desk, "备案基本信息")
    assert "首次提交" in desk.inner_text("main") and "周清" in desk.inner_text("main")
    desk.click("button:has-text('审核通过')")
    assert "备案基本信息第 1 版审核通过，已生效" in desk.inner_text(".flash")
    sign_out(desk)

    sign_in(desk, live, "agency2")
    assert "备案和二审尚未全部通过" in desk.inner_text("main")
    desk.click("header a:has-text('备案管理')")
    assert "第 1 版现行有效" in desk.inner_text(".card")
    desk.click("button:has-text('提交二审基本信息审核')")
    assert "二审基本信息第 1 版已提交" in desk.inner_text(".flash")
    sign_out(desk)

    sign_in(desk, live, "regulator1")
    open_pending(desk, "二审基本信息")
    assert "吴杰" in desk.inner_text("#filed-staff + table")
    desk.click("button:has-text('审核通过')")
    assert "二审基本信息第 1 版审核通过，已生效" in desk.inner_text(".flash")
    sign_out(desk)

    sign_in(desk, live, "agency2")
    assert "已备案（备案基本信息第 1 版，二审基本信息第 1 版）" in desk.inner_text("main")


def test_where_the_city_wants_it_another_reviewer_completes_the_review(demo_world, config, live, desk):
    config.filing_second_reviewer = True
    sign_in(desk, live, "regulator1")
    open_pending(desk, "备案基本信息")
    desk.click("button:has-text('审核通过')")
    assert "初审通过，等待其他审核人员复核" in desk.inner_text(".flash")
    assert "复核须由其他审核人员完成" in desk.inner_text("main")  # the same person cannot approve twice
    sign_out(desk)

    sign_in(desk, live, "admin1")
    open_pending(desk, "备案基本信息")
    desk.click("button:has-text('复核通过')")
    assert "备案基本信息第 1 版审核通过，已生效" in desk.inner_text(".flash")


def approve_both_stages(runtime) -> None:
    """agency2's basic information approved, its 二审 information submitted and approved, before the scene starts."""
    for stage in (FilingStage.BASIC, FilingStage.RESOURCES):
        with UnitOfWork(runtime) as uow:
            s = uow.session
            agency = s.scalars(select(Agency).where(Agency.code == "QY")).one()
            pending = filings.under_review(s, agency.id, stage) or filings.submit(s, agency, stage)
            filings.approve(uow, pending, s.scalars(select(User).where(User.username == "regulator1")).one())


def test_agency_admin_updates_each_stage_after_approval_and_each_gets_a_new_version(demo_world, runtime, live, desk):
    approve_both_stages(runtime)
    sign_in(desk, live, "agency2")
    desk.click("header a:has-text('备案管理')")
    desk.click("a:has-text('添加人员')")
    for name, value in {"name": "孙磊", "id_number": "31011619950505123X", "post": "采样员",
                        "certificate_no": "HJ-505123", "certificate_valid_until": "2030-06-30"}.items():
        desk.fill(f"[name=f_{name}]", value)
    desk.set_input_files("input[name=certificate]", files=[{"name": "上岗证.pdf", "mimeType": "application/pdf",
                                                            "buffer": PDF}])
    desk.click("button:has-text('保存')")
    assert "“孙磊”已保存" in desk.inner_text(".flash")
    desk.click("button:has-text('提交二审基本信息审核')")
    assert "二审基本信息第 2 版已提交" in desk.inner_text(".flash")
    desk.fill("[name=f_contact_phone]", "021-57008888")
    desk.click("button:has-text('保存基本信息')")
    assert "基本信息已保存" in desk.inner_text(".flash")
    desk.click("button:has-text('提交备案基本信息审核')")
    assert "备案基本信息第 2 版已提交" in desk.inner_text(".flash")
    versions = desk.inner_text("#versions + table")
    assert "第 2 版" in versions and "待审核" in versions and "现行有效" in versions
    assert "第 2 版 待审核" in desk.inner_text(".card")
    sign_out(desk)

    sign_in(desk, live, "regulator1")
    open_pending(desk, "二审基本信息")
    changes = desk.inner_text(".diff")
    assert "对比第 1 版" in changes and "新增：孙磊" in changes and "021-57008888" not in changes
    open_pending(desk, "备案基本信息")
    changes = desk.inner_text(".diff")
    assert "对比第 1 版" in changes and "021-57008888" in changes and "孙磊" not in changes
