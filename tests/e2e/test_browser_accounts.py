"""In a real browser: the system administrator opens a city regulator's account, whose holder must choose a
new password at first sign-in and then sees the whole city."""


def sign_in(desk, live: str, username: str, password: str) -> None:
    desk.goto(f"{live}/login")
    desk.fill("input[name=username]", username)
    desk.fill("input[name=password]", password)
    desk.click("button[type=submit]")


def test_the_admin_opens_a_city_regulator_who_changes_the_password_first(demo_world, live, desk):
    sign_in(desk, live, "admin1", "demo1234")
    desk.click("header >> text=账号管理")
    desk.click("text=开通管理部门账号")
    desk.fill("input[name=display_name]", "市生态环境局")
    desk.fill("input[name=username]", "shiju")
    desk.fill("input[name=password]", "initial-123")
    desk.check("input[name=scope][value=city]")
    desk.click("button[type=submit] >> text=开通账号")
    desk.wait_for_url(f"{live}/admin/accounts")
    assert "已开通管理部门账号 shiju（监管范围：全市）" in desk.inner_text("main")

    desk.click("header button >> text=退出")
    sign_in(desk, live, "shiju", "initial-123")
    desk.wait_for_url(f"{live}/account/password")
    assert "请先设置自己的密码" in desk.inner_text("main")
    desk.fill("input[name=current]", "initial-123")
    desk.fill("input[name=new]", "Chosen-2026")
    desk.fill("input[name=repeated]", "Chosen-2026")
    desk.click("button[type=submit] >> text=修改密码")
    desk.wait_for_url(f"{live}/account")
    desk.goto(f"{live}/regulator/")
    assert "监管工作台：全市" in desk.inner_text("main")
