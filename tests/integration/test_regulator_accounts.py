"""管理部门账号: the system administrator opens regulator accounts for the whole city, a district or an
industrial park, and every regulator page covers exactly that scope."""
from __future__ import annotations

from models import AccountEvent, Role, User
from services.dev import demo
from tests.support.accounts import account, first_login, post_form

SINCE_NOTHING = "/regulator/coverage?since=2099-01-01"  # every polluter in scope lacks a record since then
CHEMICAL, PLATING = "上海示范化工有限公司", "上海自测示范电镀有限公司"  # 金山区, 松江区
PLATING_CODE = "91310117MA1SELF001"
PENDING_AGENCY = "上海清源检测技术有限公司"  # 金山区, its first filing awaiting review


def open_regulator(admin, **fields):
    return post_form(admin, "/admin/accounts/regulators/new",
                     **{"password": "initial-123", "display_name": "市生态环境局", **fields})


def test_the_admin_opens_a_city_regulator_who_sees_every_district(demo_world, runtime, app, login):
    admin = login("admin1")
    response = open_regulator(admin, username="city1", scope="city")
    assert response.status_code == 303
    assert "已开通管理部门账号 city1（监管范围：全市）" in admin.get("/admin/accounts").get_data(as_text=True)
    city = first_login(app.test_client(), "city1", "initial-123")
    desk = city.get("/regulator/").get_data(as_text=True)
    assert "监管工作台：全市" in desk
    coverage = city.get(SINCE_NOTHING).get_data(as_text=True)
    assert CHEMICAL in coverage and PLATING in coverage
    assert PENDING_AGENCY in city.get("/regulator/filings/").get_data(as_text=True)
    user = account(runtime, "city1")
    assert (user.role, user.scope, user.district, user.park_id) == (Role.REGULATOR, "city", None, None)


def test_a_park_regulator_sees_only_the_parks_polluters(demo_world, runtime, app, login):
    admin = login("admin1")
    assert post_form(admin, "/admin/parks/new", name="松江示范园区", credit_codes=PLATING_CODE).status_code == 303
    park_id = _park_id(runtime)
    assert open_regulator(admin, username="park1", display_name="松江示范园区管委会", scope="park",
                          park_id=str(park_id)).status_code == 303
    park = first_login(app.test_client(), "park1", "initial-123")
    assert "监管工作台：松江示范园区" in park.get("/regulator/").get_data(as_text=True)
    coverage = park.get(SINCE_NOTHING).get_data(as_text=True)
    assert PLATING in coverage and CHEMICAL not in coverage
    assert PENDING_AGENCY not in park.get("/regulator/filings/").get_data(as_text=True)  # works for no park polluter


def test_a_district_regulator_sees_only_its_district(demo_world, app, login):
    admin = login("admin1")
    assert open_regulator(admin, username="jinshan2", display_name="金山区生态环境局", scope="district",
                          district="金山区").status_code == 303
    district = first_login(app.test_client(), "jinshan2", "initial-123")
    coverage = district.get(SINCE_NOTHING).get_data(as_text=True)
    assert CHEMICAL in coverage and PLATING not in coverage


def test_a_regulator_without_a_scope_sees_nothing_and_is_told_so(demo_world, runtime, client, login):
    with runtime.sessions() as s:  # an account made before scopes, with no district
        s.add(User(username="nowhere", display_name="某局", role=Role.REGULATOR, password_hash=demo._demo_hash()))
        s.commit()
    login("nowhere")
    desk = client.get("/regulator/").get_data(as_text=True)
    assert "未设定监管范围" in desk and "全部辖区" not in desk
    coverage = client.get(SINCE_NOTHING).get_data(as_text=True)
    assert CHEMICAL not in coverage and PLATING not in coverage and "共 0 家" in coverage


def test_the_admin_changes_a_regulators_scope_and_the_log_says_who_and_what(demo_world, runtime, app, login):
    admin = login("admin1")
    regulator1 = account(runtime, "regulator1")
    url = f"/admin/accounts/{regulator1.id}/scope"
    assert post_form(admin, url, scope="city").status_code == 303
    jinshan = app.test_client()
    post_form(jinshan, "/login", username="regulator1", password=demo.PASSWORD)
    assert PLATING in jinshan.get(SINCE_NOTHING).get_data(as_text=True)
    log = admin.get(f"/admin/accounts/log?user_id={regulator1.id}").get_data(as_text=True)
    assert "修改账号" in log and "系统管理员（admin1）" in log
    assert "修改前（监管范围：区，区：金山区，园区编号：—）→ 修改后（监管范围：全市，区：—，园区编号：—）" in log
    with runtime.sessions() as s:
        assert s.query(AccountEvent).filter_by(user_id=regulator1.id, action="edited").count() == 1


def test_a_scope_without_its_district_or_park_is_refused_in_chinese(demo_world, runtime, login):
    admin = login("admin1")
    response = open_regulator(admin, username="half", scope="district")
    assert response.status_code == 400 and "监管范围为区时，请选择所在区。" in response.get_data(as_text=True)
    response = open_regulator(admin, username="half", scope="park", park_id="999")
    assert response.status_code == 400 and "监管范围为园区时，请选择园区。" in response.get_data(as_text=True)
    response = post_form(admin, "/admin/parks/new", name="空园区", credit_codes="91310000XXXXXXXX0X")
    assert response.status_code == 400 and "不在名录库中：91310000XXXXXXXX0X" in response.get_data(as_text=True)
    with runtime.sessions() as s:
        assert s.query(User).filter_by(username="half").count() == 0


def _park_id(runtime) -> int:
    from models import Park

    with runtime.sessions() as s:
        return s.query(Park).filter_by(name="松江示范园区").one().id
