"""An O&M crew member's site visit (现场运维) through the official account, scene by scene, on the demo data."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.session import RedisSessionStorage
from bot.standin.store import FakeWeChat
from models import CheckIn, OmConfirmation, OmSheet, OmVisit, OmVisitEvent, Photo, PhotoStatus, SamplingTrip, User
from tests.e2e import om_script as script
from tests.e2e import trip_script
from tests.support.images import jpeg


def _visit(runtime) -> OmVisit:
    with runtime.sessions() as s:
        # the crew's list generates the plan's coming visits too: the one worked on is today's
        visit = s.scalars(select(OmVisit).where(OmVisit.state != "new")).one()
        for relation in (visit.sheets, visit.events, visit.confirmations):
            list(relation)
        visit.check_ins_loaded = list(visit.check_ins)
        visit.photos_loaded = list(s.scalars(select(Photo).where(Photo.om_visit_id == visit.id).order_by(Photo.id)))
        return visit


def test_crew_does_a_whole_visit_and_the_polluter_is_asked_to_sign(demo_world, phone, runtime, config):
    crew = phone(script.CREW)
    script.bind(crew)
    listing = crew.tap("OM_TASKS")
    assert "示范化工自动监控设施运维｜上海示范化工有限公司" in listing
    assert "已开始现场运维" in crew.text("1")
    assert "进场签到已记录" in crew.location(*script.SITE)
    crew.photo(jpeg(1))
    menu = crew.text("1")
    assert "1. 日常巡检记录单｜锅炉废气排放口" in menu and "8. 标准物质更换记录单" in menu
    opened = crew.text("1")
    assert f"{config.public_base_url}/m/om/sheets/" in opened
    assert "【日常巡检记录单 1/17】采样探头" in opened  # the flue-gas fields only
    summary = script.fill(crew, script.DAILY_GAS)
    assert "请核对" in summary and "伴热管线温度：120 °C" in summary and "试剂" not in summary  # flue gas only
    assert "已确认" in crew.text("1")
    assert "至少需要 1 张照片" in crew.text("1")
    assert "第 1 张工作照片" in crew.photo(jpeg(11))
    menu = crew.text("1")
    assert "（已填 1 份）" in menu and "0. 离场签到" in menu
    crew.text("2")  # calibration: principle, range and unit come from the instrument register
    summary = script.fill(crew, script.CALIBRATION)
    assert "量程上限（满量程）：500" in summary and "分析仪原理：非分散红外" in summary
    crew.text("1")
    crew.photo(jpeg(12))
    crew.text("1")
    review = script.leave(crew)
    assert "提交前核对" in review and "校准记录单" in review and "离场签到" in review
    assert "已通知排污单位" in crew.text("1")

    visit = _visit(runtime)
    assert visit.state == "awaiting_confirmation" and visit.submitted_at is not None
    assert [s.form for s in visit.sheets] == ["daily_inspection", "calibration"]
    assert all(s.confirmed_at and s.filled_by_id for s in visit.sheets)
    assert visit.sheets[0].answers["heat_trace_temp"] == 120 and visit.sheets[1].answers["range_high"] == 500
    assert [c.kind for c in visit.check_ins_loaded] == ["arrival", "departure"]
    assert all(c.inside_fence and c.distance_m < 300 for c in visit.check_ins_loaded)
    photos = visit.photos_loaded
    assert [p.purpose for p in photos] == ["arrival", "sheet", "sheet", "departure"]
    assert [p.om_sheet_id for p in photos[1:3]] == [s.id for s in visit.sheets]
    for photo in photos:
        assert photo.status == PhotoStatus.READY and photo.live and photo.original_path.startswith("om/")
        assert (Path(config.media_root) / photo.watermarked_path).is_file()
    actions = [e.action for e in visit.events]
    assert actions[0] == "start" and actions[-1] == "submit" and actions.count("confirm_sheet") == 2
    assert all(e.message_key for e in visit.events)

    templates = [m for m in FakeWeChat(runtime.redis).inbox("o_demo_polluter") if m["kind"] == "template"]
    assert len(templates) == 1 and templates[0]["template_id"] == config.wechat_om_template_id
    assert templates[0]["data"]["keyword1"]["value"] == "示范化工自动监控设施运维"
    assert templates[0]["data"]["keyword3"]["value"] == "刘洋"
    assert len(visit.confirmations) == 1 and visit.confirmations[0].status == "pending"
    assert "没有分配给您的运维任务" in crew.tap("OM_TASKS")  # submitted: no longer due


def test_the_water_daily_inspection_repair_consumables_and_standard_materials(demo_world, phone, runtime):
    crew = phone(script.CREW)
    script.bind(crew)
    script.start(crew)
    script.arrive(crew)
    crew.text("1")
    opened = crew.text("3")
    assert "水泵" in opened  # the wastewater point's daily inspection
    assert "请核对" in script.fill(crew, script.DAILY_WATER)
    crew.text("1")
    crew.photo(jpeg(20))
    crew.text("1")
    choose = crew.text("6")  # 维修记录单 by kind: which instrument?
    assert "请选择仪器" in choose and "1. 废水总排口｜化学需氧量在线分析仪" in choose
    assert "1～2" in crew.text("9")
    crew.text("2")
    assert "请核对" in script.fill(crew, script.REPAIR)
    crew.text("1")
    crew.photo(jpeg(21))
    crew.text("1")
    script.sheet(crew, "7", script.CONSUMABLES, seed=22, instrument="2")
    script.sheet(crew, "8", script.STANDARD, seed=23, instrument="2")
    visit = _visit(runtime)
    assert [s.form for s in visit.sheets] == ["daily_inspection", "repair", "consumables", "standard_materials"]
    assert all(s.confirmed_at for s in visit.sheets)
    assert visit.sheets[0].answers["reagent_left"] == 800 and "cylinder_expiry" not in visit.sheets[0].answers
    assert visit.sheets[1].answers["symptom"] == "采样泵不抽气" and visit.sheets[1].answers["invalid_from"] is None
    assert visit.sheets[2].answers["item"] == "过滤器" and visit.sheets[2].answers["quantity"] == 2
    assert visit.sheets[3].answers["expires_on"] == "2030-01-10"
    gas = [s.instrument_id for s in visit.sheets[1:]]
    assert len(set(gas)) == 1 and gas[0] != visit.sheets[0].instrument_id


def test_expired_standard_material_is_refused_and_the_answers_kept(demo_world, phone, runtime):
    crew = phone(script.CREW)
    script.bind(crew)
    script.start(crew)
    script.arrive(crew)
    crew.text("1")
    crew.text("8")
    crew.text("2")
    expired = script.STANDARD[:9] + ["2020-01-10"] + script.STANDARD[10:]
    summary = script.fill(crew, expired)
    assert "已于 2020-01-10 过期" in summary
    refused = crew.text("1")
    assert "不能确认" in refused and "已于 2020-01-10 过期" in refused and "已填内容均已保留" in refused
    sheet = _visit(runtime).sheets[0]
    assert sheet.confirmed_at is None and sheet.answers["expires_on"] == "2020-01-10" and len(sheet.answers) == 13
    assert _visit(runtime).state == "sheet_confirm"
    for _ in range(4):  # remarks, old remaining, old bottle, expiry
        asked = crew.text("上一步")
    assert "有效期至" in asked
    for answer in ["2030-06-30", "DT-70011", "0.5 MPa", "跳过"]:
        summary = crew.text(answer)
    assert "过期" not in summary
    assert "已确认" in crew.text("1")
    visit = _visit(runtime)
    assert visit.sheets[0].answers["expires_on"] == "2030-06-30"
    assert "sheet_refused" in [e.action for e in visit.events]


def test_check_in_outside_the_fence_is_flagged(demo_world, phone, runtime):
    crew = phone(script.CREW)
    script.bind(crew)
    script.start(crew)
    reply = crew.location(*script.FAR)
    assert "围栏外" in reply and "进场照片" not in reply and "站房内外照片" in reply
    check_in = _visit(runtime).check_ins_loaded[0]
    assert not check_in.inside_fence and 1900 < check_in.distance_m < 2100
    assert "⚠围栏外" in crew.tap("STATUS")


def test_wrong_kind_of_message_gets_a_hint_and_changes_nothing(demo_world, phone, runtime):
    crew = phone(script.CREW)
    script.bind(crew)
    script.start(crew)
    assert "需要您的位置" in crew.text("到了")
    assert "需要您的位置" in crew.photo(jpeg(3))
    crew.location(*script.SITE)
    assert "需要照片" in crew.location(*script.SITE)
    assert "至少需要 1 张照片" in crew.text("1")
    crew.photo(jpeg(4))
    crew.text("1")
    assert "回复列表中的序号" in crew.text("巡检")
    assert "离场前请至少填写并确认 1 份记录单" in crew.text("0")
    assert "1～8" in crew.text("9")
    crew.text("1")
    assert "需要文字回复" in crew.photo(jpeg(5)) and "采样探头" in crew.location(*script.SITE)
    assert "请回复选项前的数字" in crew.text("还行")
    visit = _visit(runtime)
    assert visit.state == "sheet_form" and len(visit.check_ins_loaded) == 1 and visit.sheets[0].answers == {}


def test_back_skip_and_cancel(demo_world, phone, runtime):
    crew = phone(script.CREW)
    script.bind(crew)
    script.start(crew)
    script.arrive(crew)
    crew.text("1")
    crew.text("1")
    assert "伴热管线温度" in crew.text("1")
    assert "必填项" in crew.text("跳过")
    assert "采样探头" in crew.text("上一步")
    assert "选择记录单" in crew.text("上一步")  # before the first question: back to the menu
    assert "1/17】采样探头" in crew.text("1")
    summary = script.fill(crew, script.DAILY_GAS)
    assert "异常情况及处理：（未填）" in summary
    assert "备注" in crew.text("上一步")
    crew.text("换了新滤芯")
    crew.text("1")
    assert "请核对" in crew.text("上一步")  # from the photos back to the sheet's summary, unconfirmed again
    assert _visit(runtime).sheets[0].confirmed_at is None
    assert "确定要取消" in crew.text("取消")
    assert "已继续" in crew.text("不取消了")
    crew.text("取消")
    assert "已取消" in crew.text("1")
    visit = _visit(runtime)
    assert visit.state == "cancelled" and visit.sheets[0].answers["remarks"] == "换了新滤芯"
    assert len(visit.photos_loaded) == 1
    assert "没有分配给您的运维任务" in crew.tap("OM_TASKS")


def test_a_retried_delivery_has_one_effect(demo_world, phone, runtime):
    crew = phone(script.CREW)
    script.bind(crew)
    script.start(crew)
    xml = ("<xml><ToUserName><![CDATA[gh_emss_demo]]></ToUserName><FromUserName><![CDATA[o_omcrew1]]>"
           "</FromUserName><CreateTime>1764000000</CreateTime><MsgType><![CDATA[location]]></MsgType>"
           "<Location_X>30.8168</Location_X><Location_Y>121.3502</Location_Y><Scale>16</Scale>"
           "<Label><![CDATA[现场]]></Label><MsgId>990101</MsgId></xml>")
    first, again = crew.deliver(xml), crew.deliver(xml)
    assert first == again and "进场签到已记录" in first
    crew.photo(jpeg(1))
    crew.text("1")
    crew.text("1")
    answer = ("<xml><ToUserName><![CDATA[gh_emss_demo]]></ToUserName><FromUserName><![CDATA[o_omcrew1]]>"
              "</FromUserName><CreateTime>1764000100</CreateTime><MsgType><![CDATA[text]]></MsgType>"
              "<Content><![CDATA[1]]></Content><MsgId>990102</MsgId></xml>")
    assert crew.deliver(answer) == crew.deliver(answer)
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CheckIn)) == 1
        assert s.scalars(select(OmSheet)).one().answers == {"probe": "正常"}
        assert s.scalar(select(func.count()).select_from(OmVisitEvent).where(OmVisitEvent.action == "answer")) == 1


def test_a_lost_chat_session_resumes_from_the_database(demo_world, phone, runtime, config):
    crew = phone(script.CREW)
    script.bind(crew)
    script.start(crew)
    script.arrive(crew)
    crew.text("1")
    crew.text("2")
    crew.text("SO2")
    RedisSessionStorage(runtime.redis, config.session_ttl).delete(script.CREW)
    status = crew.tap("STATUS")
    assert "标准气体/溶液名称" in status and "/m/om/sheets/" in status
    assert "标准物质证书编号" in crew.text("二氧化硫标准气体")


def test_a_sheet_filled_on_the_mobile_page_carries_on_in_chat(demo_world, phone, runtime):
    crew = phone(script.CREW)
    script.bind(crew)
    script.start(crew)
    script.arrive(crew)
    crew.text("1")
    crew.text("1")
    crew.text("1")  # 采样探头: 正常; now asked 伴热管线温度

    def on_the_page(**answers):  # what the mobile page does: the same answers dict, updated
        with runtime.sessions() as s:
            sheet = s.scalars(select(OmSheet)).one()
            sheet.answers = {**sheet.answers, **answers}
            s.commit()

    on_the_page(heat_trace_temp=118, cooler_temp=4)
    reply = crew.text("120")  # typed for the question answered on the page meanwhile: not taken for the next
    assert "新的进展" in reply and "冷凝水排水" in reply
    assert _visit(runtime).sheets[0].answers["heat_trace_temp"] == 118
    crew.text("1")  # 冷凝水排水: 正常
    names = ["pump_filters", "blowback", "sample_flow", "gas_analyser", "cylinder_pressure", "cylinder_expiry",
             "dau_online", "shelter_temp", "shelter_humidity", "power_aircon", "data_consistent", "abnormality",
             "remarks"]
    on_the_page(**dict(zip(names, ["正常", "正常", 1.2, "正常", 7, "2027-01-01", "正常", 21, 50, "正常", "一致",
                                   None, None], strict=True)))
    summary = crew.text("1")  # not a confirmation: the summary is shown first
    assert "新的进展" in summary and "请核对" in summary and "采样流量：1.2 L/min" in summary
    assert _visit(runtime).state == "sheet_confirm" and _visit(runtime).sheets[0].confirmed_at is None
    assert "已确认" in crew.text("1")


def test_a_second_crew_member_of_the_plan_joins_the_visit(demo_world, phone, runtime):
    with runtime.sessions() as s:
        from services.users.accounts import hash_password
        crew1 = s.scalars(select(User).where(User.username == "omcrew1")).one()
        crew2 = User(username="omcrew2", display_name="陈晨", role="om_crew", agency_id=crew1.agency_id,
                     password_hash=hash_password("demo1234"))
        plan = s.scalars(select(OmVisit)).one().plan
        plan.crew.append(crew2)
        s.commit()
    first, second = phone(script.CREW), phone("o_omcrew2")
    script.bind(first)
    script.bind(second, "omcrew2")
    script.start(first)
    first.location(*script.SITE)
    joined = script.start(second)
    assert "已加入同事 刘洋" in joined and "站房内外照片" in joined
    second.photo(jpeg(2))
    assert "选择记录单" in first.text("1")
    with runtime.sessions() as s:
        assert len(set(s.scalars(select(OmVisitEvent.actor_id)))) == 2


def test_a_polluter_or_a_sampler_tapping_om_does_not_break(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    trip_script.bind(sampler)
    assert "仅对运维人员开放" in sampler.tap("OM_TASKS")
    assert "仅对运维人员开放" in sampler.text("污染源运维")
    trip_script.start(sampler)
    assert "进场签到已记录" in sampler.location(*trip_script.SITE)  # the sampler's trip is unaffected
    polluter = phone("o_demo_polluter")
    assert polluter.tap("OM_TASKS")
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SamplingTrip)) == 1
        assert s.scalars(select(OmVisit)).one().state == "new"
        assert s.scalar(select(func.count()).select_from(OmConfirmation)) == 0
    crew = phone(script.CREW)
    script.bind(crew)
    assert "仅对采样人员" in crew.tap("SAMPLING_TASKS")
    assert "没有进行中的现场运维" in crew.photo(jpeg(9))


def test_a_sheet_confirmed_on_the_mobile_page_moves_the_chat_on_to_its_photos(demo_world, phone, runtime):
    crew = phone(script.CREW)
    script.bind(crew)
    script.start(crew)
    script.arrive(crew)
    crew.text("1")
    crew.text("7")
    crew.text("1")  # 易耗品更换记录单 on the COD analyser
    crew.text("1")  # 过滤器
    with runtime.sessions() as s:  # the page fills in the rest and confirms
        from models import clock
        sheet = s.scalars(select(OmSheet)).one()
        sheet.answers = {**sheet.answers, "specification": "0.45μm", "quantity": 1, "reason": "定期更换",
                         "old_batch": None, "new_batch": None, "remarks": None}
        sheet.confirmed_at = clock.now()
        s.commit()
    reply = crew.text("PTFE")
    assert "新的进展" in reply and "易耗品更换记录单】请拍摄" in reply
    crew.photo(jpeg(30))
    assert "0. 离场签到（已确认 1 份记录单）" in crew.text("1")
    visit = _visit(runtime)
    assert visit.photos_loaded[-1].om_sheet_id == visit.sheets[0].id
    assert "catch_up" in [e.action for e in visit.events]


def test_an_abandoned_empty_sheet_does_not_pile_up(demo_world, phone, runtime):
    crew = phone(script.CREW)
    script.bind(crew)
    script.start(crew)
    script.arrive(crew)
    crew.text("1")
    assert "请选择仪器" in crew.text("6")
    assert "选择记录单" in crew.text("上一步")
    crew.text("6")
    crew.text("上一步")
    crew.text("7")
    crew.text("2")
    with runtime.sessions() as s:
        assert [sheet.form for sheet in s.scalars(select(OmSheet))] == ["consumables"]


def test_a_visit_falls_due_from_the_plan_once_the_daily_job_has_run(demo_world, phone, runtime):
    from datetime import timedelta

    from sqlalchemy import delete

    from models import OmPlan, clock
    from services.core.uow import UnitOfWork
    from services.om import om_plans
    with runtime.sessions() as s:
        s.execute(delete(OmVisit))
        plan = s.scalars(select(OmPlan)).one()
        plan.starts_on = clock.today() - timedelta(days=7)  # due every 7 days: today (China time) is a due date
        plan.created_at = plan.created_at - timedelta(days=7)
        s.commit()
    crew = phone(script.CREW)
    script.bind(crew)
    assert "示范化工自动监控设施运维｜上海示范化工有限公司" not in crew.tap("OM_TASKS")  # the list only reads
    with runtime.sessions() as s:
        assert s.scalars(select(OmVisit.due_on)).all() == []
    with UnitOfWork(runtime) as uow:
        om_plans.generate_all(uow.session)  # what `emss om-visits` runs every day
    assert "示范化工自动监控设施运维｜上海示范化工有限公司" in crew.tap("OM_TASKS")
    with runtime.sessions() as s:
        assert clock.today() in s.scalars(select(OmVisit.due_on)).all()


def test_span_drift_out_of_limit_is_told_in_chat_and_shown_with_its_clause_on_the_page_and_pdf(
        demo_world, phone, runtime, login, client):
    from io import BytesIO

    from pypdf import PdfReader

    from models import QcFinding
    crew = phone(script.CREW)
    script.bind(crew)
    script.start(crew)
    script.arrive(crew)
    crew.text("1")
    drifted = [*script.CALIBRATION]
    drifted[12] = "415"  # span reading before calibration: (415 − 398) / 500 = 3.4 %F.S., beyond ±2.5 %F.S.
    crew.text("2")
    assert "请核对" in script.fill(crew, drifted)
    told = crew.text("1")
    assert "已确认" in told and "3.4" in told and "HJ 75-2017" in told
    with runtime.sessions() as s:
        finding = s.scalars(select(QcFinding)).one()
        sheet_id, clause = finding.sheet_id, finding.clause
    login("om1")
    sheet_page = client.get(f"/om/sheets/{sheet_id}").get_data(as_text=True)
    assert clause in sheet_page and "3.4" in sheet_page
    pdf = PdfReader(BytesIO(client.get(f"/om/sheets/{sheet_id}.pdf").data))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "3.4" in text and "HJ 75-2017" in text
