"""In a real browser: the regulator's two reviews of a filing, and an agency filing an update."""
from __future__ import annotations

from sqlalchemy import select

from models import Agency, Filing, User
from services.core.uow import UnitOfWork
from services.filing import filings
from tests.support import files
from tests.support.browser import sign_in

PDF = files.pdf("certificate")


def sign_out(desk) -> None:
    desk.click("header button:has-text('退出')")
    desk.wait_for_load_state()


def open_pending_filing(desk) -> None:
    desk.click("header a:has-text('备案审核')")
    desk.click("tr:has-text('上海清源检测技术有限公司') a")
    desk.wait_for_load_state()


def test_regulator_approves_a_filing_and_another_reviewer_completes_the_second_review(demo_world, live, desk):
    sign_in(desk, live, "regulator1")
    open_pending_filing(desk)
    assert "首次备案" in desk.inner_text("main") and "吴杰" in desk.inner_text("main")
    desk.click("button:has-text('初审通过')")
    assert "初审通过，等待二审" in desk.inner_text(".flash")
    assert "二审须由其他审核人员完成" in desk.inner_text("main")  # the same person cannot approve twice
    sign_out(desk)

    sign_in(desk, live, "admin1")
    open_pending_filing(desk)
    desk.click("button:has-text('二审通过')")
    assert "二审通过，第 1 版备案已生效" in desk.inner_text(".flash")
    desk.click("header a:has-text('备案审核')")
    assert "审核通过" in desk.inner_text("tr:has-text('上海清源检测技术有限公司')")
    sign_out(desk)

    sign_in(desk, live, "agency2")
    assert "已备案（第 1 版）" in desk.inner_text("main")


def approve_pending(runtime) -> None:
    """The regulators' two reviews of agency2's first filing, done before the scene starts."""
    with UnitOfWork(runtime) as uow:
        s = uow.session
        pending = s.scalars(select(Filing).join(Agency).where(Agency.code == "QY")).one()
        for username in ("regulator1", "admin1"):
            filings.approve(s, pending, s.scalars(select(User).where(User.username == username)).one())
        uow.commit()


def test_agency_admin_edits_the_approved_filing_and_submits_an_update(demo_world, runtime, live, desk):
    approve_pending(runtime)
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
    desk.fill("[name=f_contact_phone]", "021-57008888")
    desk.click("button:has-text('保存基本信息')")
    assert "基本信息已保存" in desk.inner_text(".flash")
    desk.click("button:has-text('提交审核')")
    assert "第 2 版备案已提交" in desk.inner_text(".flash")
    versions = desk.inner_text("#versions + table")
    assert "第 2 版" in versions and "待初审" in versions and "现行有效" in versions
    assert "第 1 版" in desk.inner_text(".card") and "第 2 版 待初审" in desk.inner_text(".card")
    sign_out(desk)

    sign_in(desk, live, "regulator1")
    open_pending_filing(desk)
    changes = desk.inner_text(".diff")
    assert "对比第 1 版" in changes and "新增：孙磊" in changes and "021-57008888" in changes
