"""In a real browser: an O&M agency registers through 法人一证通 (the local stand-in) and lands on its filing."""
from tests.integration.test_identity import valid_code


def test_an_om_agency_registers_through_the_identity_provider_and_starts_its_filing(demo_world, live, desk):
    desk.goto(f"{live}/login")
    desk.click("a[href='/register']")
    desk.click("#verify")
    desk.wait_for_url(f"{live}/fake-identity/authorize?*")
    desk.fill("#credit_code", valid_code("91310115MA1PJREG1"))
    desk.fill("#name", "上海浦江运维服务有限公司")
    desk.click("button[value=login]")
    desk.wait_for_url(f"{live}/register/account")
    assert "上海浦江运维服务有限公司" in desk.inner_text("main")
    desk.check("input[name=kind][value=om]")
    desk.select_option("#district", "浦东新区")
    desk.fill("#username", "pujiangom")
    desk.fill("#password", "secret123")
    desk.fill("#password_again", "secret123")
    desk.click("text=完成注册")
    desk.wait_for_url(f"{live}/agency/filing/")
    assert "注册成功" in desk.inner_text("main")
