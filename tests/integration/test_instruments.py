"""仪器备案: the polluter registers the automatic monitoring instruments of its outlets on the site page
(企业排口), corrects them and takes them out of service; the O&M agency whose plan covers the site, and the
district's regulator, read the register; nobody else finds it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import Instrument, MonitoringPoint, OmPlanItem, Polluter, Role, User, clock
from services.dev.demo import PASSWORD
from services.om import instruments
from services.om.instruments import InstrumentRefused, Particulars
from services.texts.refusals import say
from services.users.accounts import hash_password
from tests.support import desk


def point_id(runtime, code: str, polluter: str = desk.DEMO_POLLUTER) -> int:
    with runtime.sessions() as s:
        return s.scalars(select(MonitoringPoint.id).join(Polluter)
                         .where(Polluter.name == polluter, MonitoringPoint.code == code)).one()


def polluter_id(runtime, name: str = desk.DEMO_POLLUTER) -> int:
    with runtime.sessions() as s:
        return s.scalars(select(Polluter.id).where(Polluter.name == name)).one()


def registered(runtime, serial: str) -> Instrument | None:
    with runtime.sessions() as s:
        row = s.scalars(select(Instrument).where(Instrument.serial_no == serial)).first()
        if row is not None:
            s.expunge(row)
        return row


def dust_meter(**overrides) -> dict:
    """新增仪器备案 of a particulate analyser on the flue-gas point, as typed into the form."""
    values = {"kind": "analyser", "f_name": "颗粒物连续监测仪", "f_model": "LM-3086", "f_manufacturer": "北京雪迪龙",
              "f_serial_no": "LM3086-2025-0102", "f_factors": "颗粒物", "f_range_low": "0", "f_range_high": "200",
              "f_unit": "mg/m³", "f_principle": "激光后散射法", "f_analyte_class": "颗粒物",
              "f_auto_calibration": "是", "f_installed_on": "2025-01-10", "f_accepted_on": "2025-02-20",
              "f_dau": "HY-DAU-01"}
    return {**values, **overrides}


def water_sampler(**overrides) -> dict:
    values = {"kind": "auto_sampler", "f_name": "水质自动采样器", "f_model": "BC-9600", "f_manufacturer": "杭州聚光",
              "f_serial_no": "BC9600-2024-0088", "f_installed_on": "2024-05-06", "f_accepted_on": "2024-06-01",
              "f_dau": "HY-DAU-02"}
    return {**values, **overrides}


@pytest.fixture
def polluter1(demo_world, app):
    return desk.sign_in(app, "polluter1")


def test_the_polluter_registers_an_analyser_on_its_flue_gas_point(polluter1, runtime):
    gas = point_id(runtime, "DA001")
    page = polluter1.get(f"/polluter/site?point={gas}").get_data(as_text=True)
    assert "烟气连续监测系统 SO2 分析仪" in page and "新增仪器备案（分析仪器）" in page
    assert "自动采样器" not in page  # a flue-gas point carries analysers only

    saved = desk.post(polluter1, f"/polluter/site/points/{gas}/instruments", dust_meter())
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/polluter/site?point={gas}")
    row = registered(runtime, "LM3086-2025-0102")
    assert row.point_id == gas and row.kind == "analyser" and row.active
    # (the form folds full-width and superscript characters: ³ is stored as 3)
    assert (row.range_low, row.range_high, row.unit, row.full_scale) == (0, 200, "mg/m3", 200)
    assert row.analyte_class == "particulate" and row.auto_calibration is True
    assert (row.installed_on, row.accepted_on, row.dau) == (date(2025, 1, 10), date(2025, 2, 20), "HY-DAU-01")
    with runtime.sessions() as s:
        assert row.registered_by_id == s.scalars(select(User.id).where(User.username == "polluter1")).one()
    listed = polluter1.get(f"/polluter/site?point={gas}").get_data(as_text=True)
    assert "已备案分析仪器：颗粒物连续监测仪（出厂编号 LM3086-2025-0102）" in listed
    assert "LM-3086" in listed and "0～200 mg/m3" in listed and "激光后散射法" in listed


def test_a_wastewater_point_shows_analysers_and_automatic_samplers(polluter1, runtime):
    water = point_id(runtime, "DW001")
    page = polluter1.get(f"/polluter/site?point={water}").get_data(as_text=True)
    assert "<h3>分析仪器</h3>" in page and "<h3>自动采样器</h3>" in page and "化学需氧量在线分析仪" in page
    form = polluter1.get(f"/polluter/site?point={water}&kind=auto_sampler").get_data(as_text=True)
    assert "新增仪器备案（自动采样器）" in form
    assert 'name="f_range_high"' not in form and 'name="f_analyte_class"' not in form  # nothing it does not have

    assert desk.post(polluter1, f"/polluter/site/points/{water}/instruments", water_sampler()).status_code == 303
    row = registered(runtime, "BC9600-2024-0088")
    assert row.kind == "auto_sampler" and row.point_id == water and row.range_high is None
    assert row.analyte_class is None and row.auto_calibration is False
    assert "BC-9600" in polluter1.get(f"/polluter/site?point={water}").get_data(as_text=True)


def test_an_automatic_sampler_is_refused_on_a_flue_gas_point(polluter1, runtime):
    gas = point_id(runtime, "DA001")
    refused = desk.post(polluter1, f"/polluter/site/points/{gas}/instruments", water_sampler())
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "自动采样器只能登记在废水测点上，DA001 锅炉废气排放口 是废气测点。" in page
    assert "BC9600-2024-0088" in page  # what was typed is still in the form
    assert registered(runtime, "BC9600-2024-0088") is None


@pytest.mark.parametrize(("typed", "reason"), [
    ({"f_name": "", "f_serial_no": ""}, "「仪器名称」为必填项。"),
    ({"f_range_low": "200", "f_range_high": "100"}, "量程上限必须大于量程下限。"),
    ({"f_range_low": "0", "f_range_high": "0"}, "量程上限必须大于量程下限。"),
    ({"f_installed_on": "2025-03-01", "f_accepted_on": "2025-02-01"}, "验收日期不能早于安装日期。"),
    ({"f_analyte_class": "烟尘"}, "请回复选项前的数字"),
])
def test_the_form_refuses_what_does_not_fit_and_keeps_what_was_typed(polluter1, runtime, typed, reason):
    gas = point_id(runtime, "DA001")
    refused = desk.post(polluter1, f"/polluter/site/points/{gas}/instruments", dust_meter(**typed))
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert reason in page
    assert 'value="LM-3086"' in page and 'data-unsaved="1"' in page  # the form starts dirty: nothing saved
    with runtime.sessions() as s:
        assert s.scalars(select(Instrument).where(Instrument.point_id == gas)).all().__len__() == 1


def test_dates_in_the_future_are_refused(polluter1, runtime):
    gas = point_id(runtime, "DA001")
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    refused = desk.post(polluter1, f"/polluter/site/points/{gas}/instruments",
                        dust_meter(f_installed_on="2025-01-10", f_accepted_on=tomorrow))
    assert refused.status_code == 400
    assert f"验收日期不能晚于今天（{clock.today().isoformat()}）。" in refused.get_data(as_text=True)
    assert registered(runtime, "LM3086-2025-0102") is None


def test_a_serial_number_is_registered_once_per_point(polluter1, runtime):
    gas, water = point_id(runtime, "DA001"), point_id(runtime, "DW001")
    refused = desk.post(polluter1, f"/polluter/site/points/{gas}/instruments",
                        dust_meter(f_serial_no=" scs900-2024-0311 "))  # the SO2 analyser's, typed loosely
    assert refused.status_code == 400
    assert "测点 DA001 锅炉废气排放口 已登记出厂编号为 scs900-2024-0311 的仪器（烟气连续监测系统 SO2 分析仪）" \
        in refused.get_data(as_text=True)
    # another point may carry an instrument with that number
    water_analyser = dust_meter(f_serial_no="SCS900-2024-0311", f_name="氨氮在线分析仪", f_analyte_class="氨氮",
                                f_unit="mg/L", f_range_high="50")
    assert desk.post(polluter1, f"/polluter/site/points/{water}/instruments", water_analyser).status_code == 303


def test_the_service_says_which_required_particulars_are_missing(demo_world, db):
    polluter1 = db.scalars(select(User).where(User.username == "polluter1")).one()
    gas = next(p for p in polluter1.polluter.points if p.code == "DA001")
    with pytest.raises(InstrumentRefused) as refusal:
        instruments.register(db, polluter1, gas, Particulars(kind="analyser", name="  ", model="M",
                                                             manufacturer="厂", serial_no="S-1"))
    assert say(refusal.value) == \
        "请填写：仪器名称、测量因子、量程下限、量程上限、量程单位、测量原理、质控类别、安装日期。"
    sampler = Particulars(kind="auto_sampler", name="采样器", model="M", manufacturer="厂", serial_no="S-2",
                          range_high=10, installed_on=date(2024, 1, 1))
    water = next(p for p in polluter1.polluter.points if p.code == "DW001")
    row = instruments.register(db, polluter1, water, sampler)
    assert row.range_high is None  # what an automatic sampler does not have is not stored


def test_the_polluter_corrects_an_instrument_and_a_refused_correction_changes_nothing(polluter1, runtime):
    gas = point_id(runtime, "DA001")
    so2 = registered(runtime, "SCS900-2024-0311")
    form = polluter1.get(f"/polluter/site?point={gas}&edit={so2.id}").get_data(as_text=True)
    assert "修改仪器信息：烟气连续监测系统 SO2 分析仪" in form and 'value="SCS-900"' in form
    assert 'value="500"' in form and '<option value="气态污染物" selected>' in form

    current = {"f_name": so2.name, "f_model": so2.model, "f_manufacturer": so2.manufacturer,
               "f_serial_no": so2.serial_no, "f_factors": "二氧化硫、氮氧化物", "f_range_low": "0",
               "f_range_high": "1000", "f_unit": "mg/m³", "f_principle": so2.principle,
               "f_analyte_class": "气态污染物", "f_auto_calibration": "否", "f_installed_on": "2024-03-01",
               "f_accepted_on": "2024-04-01", "f_dau": so2.dau}
    refused = desk.post(polluter1, f"/polluter/site/instruments/{so2.id}", {**current, "f_range_high": "-5"})
    assert refused.status_code == 400 and "量程上限必须大于量程下限。" in refused.get_data(as_text=True)
    assert registered(runtime, "SCS900-2024-0311").range_high == 500

    assert desk.post(polluter1, f"/polluter/site/instruments/{so2.id}", current).status_code == 303
    row = registered(runtime, "SCS900-2024-0311")
    assert row.range_high == 1000 and row.factors == "二氧化硫、氮氧化物" and row.id == so2.id


def test_deactivating_keeps_the_instrument_for_history(polluter1, runtime):
    gas = point_id(runtime, "DA001")
    so2 = registered(runtime, "SCS900-2024-0311")
    done = desk.post(polluter1, f"/polluter/site/instruments/{so2.id}/deactivate", {"reason": "更换新分析仪"})
    assert done.status_code == 303
    row = registered(runtime, "SCS900-2024-0311")
    assert row.active is False and row.deactivation_reason == "更换新分析仪" and row.deactivated_at is not None
    with runtime.sessions() as s:
        assert s.scalars(select(OmPlanItem).where(OmPlanItem.instrument_id == so2.id)).all()  # plans still refer
        point = s.get(MonitoringPoint, gas)
        assert instruments.on_point(s, point) == []  # no longer offered for new O&M work
        assert [i.id for i in instruments.on_point(s, point, in_service_only=False)] == [so2.id]
    page = polluter1.get(f"/polluter/site?point={gas}").get_data(as_text=True)
    assert "已停用：烟气连续监测系统 SO2 分析仪（出厂编号 SCS900-2024-0311），历史记录仍保留。" in page
    assert "已停用仪器（历史记录）" in page and "更换新分析仪" in page and "暂无在用的分析仪器。" in page

    again = desk.post(polluter1, f"/polluter/site/instruments/{so2.id}/deactivate", {})
    assert "仪器 烟气连续监测系统 SO2 分析仪 已停用，不能再修改。" in polluter1.get(again.headers["Location"]) \
        .get_data(as_text=True)
    assert polluter1.get(f"/polluter/site?point={gas}&edit={so2.id}").status_code == 404
    edited = desk.post(polluter1, f"/polluter/site/instruments/{so2.id}", dust_meter(f_serial_no="X"))
    assert edited.status_code == 400 and "不能再修改" in edited.get_data(as_text=True)
    # its serial number may be registered again on the point: the replacement of the same unit after repair
    assert desk.post(polluter1, f"/polluter/site/points/{gas}/instruments",
                     dust_meter(f_serial_no="SCS900-2024-0311")).status_code == 303


@pytest.fixture
def other_confirmer(demo_world, runtime):
    """A confirmer of another polluter (the self-monitoring plating works in 松江区)."""
    with runtime.sessions() as s:
        plating = s.scalars(select(Polluter).where(Polluter.name == "上海自测示范电镀有限公司")).one()
        s.add(User(username="plating1", display_name="钱工（自测电镀）", role=Role.POLLUTER_CONFIRMER,
                   polluter_id=plating.id, password_hash=hash_password(PASSWORD)))
        s.commit()
    return "plating1"


def test_another_polluters_register_is_not_found(polluter1, app, runtime, other_confirmer):
    gas = point_id(runtime, "DA001")
    so2 = registered(runtime, "SCS900-2024-0311")
    other = desk.sign_in(app, other_confirmer)
    assert "DA001" in other.get("/polluter/site").get_data(as_text=True)  # its own outlets
    assert other.get(f"/polluter/site?point={gas}").status_code == 404
    assert other.get(f"/polluter/sites/{polluter_id(runtime)}").status_code == 404
    assert desk.post(other, f"/polluter/site/points/{gas}/instruments", dust_meter()).status_code == 404
    assert desk.post(other, f"/polluter/site/instruments/{so2.id}", dust_meter()).status_code == 404
    assert desk.post(other, f"/polluter/site/instruments/{so2.id}/deactivate", {}).status_code == 404
    assert registered(runtime, "SCS900-2024-0311").active and registered(runtime, "LM3086-2025-0102") is None
    # and the other way round
    plating_point = point_id(runtime, "DA001", "上海自测示范电镀有限公司")
    assert desk.post(polluter1, f"/polluter/site/points/{plating_point}/instruments", dust_meter()).status_code == 404


@pytest.mark.parametrize("reader", ["om1", "regulator1", "admin1"])
def test_the_om_agency_and_the_regulator_read_the_register(demo_world, app, runtime, reader):
    site = polluter_id(runtime)
    client = desk.sign_in(app, reader)
    page = client.get(f"/polluter/sites/{site}?point={point_id(runtime, 'DA001')}").get_data(as_text=True)
    assert "只读查看" in page and "烟气连续监测系统 SO2 分析仪" in page and "0～500 mg/m³" in page
    assert "新增仪器备案" not in page and "停用" not in page and "修改" not in page
    so2 = registered(runtime, "SCS900-2024-0311")
    assert desk.post(client, f"/polluter/site/instruments/{so2.id}/deactivate", {}).status_code == 404


def test_the_om_crew_of_the_plan_may_read_the_register_too(demo_world, db):
    """(The crew works in WeChat; the rule is the agency's.)"""
    site = db.scalars(select(Polluter).where(Polluter.name == desk.DEMO_POLLUTER)).one()
    crew, sampler = (db.scalars(select(User).where(User.username == name)).one() for name in ("omcrew1", "sampler1"))
    assert instruments.viewable_polluter(db, crew, site.id) is site
    assert instruments.viewable_polluter(db, sampler, site.id) is None


@pytest.mark.parametrize("outsider", ["agency1", "agency2"])
def test_agencies_without_an_om_plan_on_the_site_do_not_find_the_register(demo_world, app, runtime, outsider):
    """The monitoring agency samples there but does not maintain its instruments."""
    client = desk.sign_in(app, outsider)
    assert client.get(f"/polluter/sites/{polluter_id(runtime)}").status_code == 404


def test_the_site_page_is_in_the_polluters_menu(polluter1):
    home = polluter1.get("/polluter/").get_data(as_text=True)
    assert '<a href="/polluter/site">污染源基本信息</a>' in home
    assert polluter1.get("/polluter/sites/999999").status_code == 404
