"""In a real browser: the agency clerk signs in."""


def test_agency_clerk_signs_in_and_sees_the_desk(demo_world, live, desk):
    desk.goto(f"{live}/login")
    desk.fill("input[name=username]", "agency1")
    desk.fill("input[name=password]", "demo1234")
    desk.click("button[type=submit]")
    desk.wait_for_url(f"{live}/agency/")
    assert "上海绿测环境检测有限公司" in desk.inner_text("main")
    assert "已备案" in desk.inner_text("main")
