"""证据页: the inspector opens one trip or O&M visit and sees the timeline, the site plan to scale, the reused
photo beside the photo it copies, the EXIF table and the log in plain Chinese — and prints it for the case file.
The agency sees the page of its own work; anyone else finds nothing."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from models import LabReceipt, Role, SamplingTrip, clock
from services.core.uow import UnitOfWork
from services.field import corrections
from services.sampling import confirmations
from tests.e2e import trip_script as script
from tests.support import records
from tests.support.desk import sign_in
from tests.support.evidence import plant

pytestmark = pytest.mark.usefixtures("demo_world")


@pytest.fixture
def case(app, runtime, phone, monkeypatch, drain) -> dict:
    return plant(app, runtime, phone, monkeypatch, drain)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_inspector_sees_the_timeline_plan_photo_pair_exif_and_log(app, case):
    html = page(sign_in(app, "regulator1"), f"/evidence/trips/{case['trip']}")
    words = text_of(html)
    assert f"证据 · 采样行程 #{case['trip']}" in words
    assert "计划时段开始" in words and "进场签到" in words and "进场照片" in words
    assert re.search(r"距排污单位 \d+ 米（围栏 300 米），围栏内", words)
    # the plan: the fence circle, the check-in, the EXIF position and a scale bar, drawn inline
    assert '<svg class="site-plan"' in html and 'class="fence"' in html and 'class="scale-bar"' in html
    assert 'class="mark arrival"' in html and 'class="mark exif"' in html
    assert re.search(r"照片 #\d+ 拍摄位置：距排污单位 \d{5} 米，", words)  # ~50 km, to scale
    assert "公里" in words  # the scale bar of a plan 100 km across
    # the reused photo beside the O&M visit's photo, hash distance 0
    flagged, exif_photo = case["trip_photos"]
    assert f'src="/records/photos/{flagged}/thumb"' in html and f'src="/om/photos/{case["om_photo"]}/thumb"' in html
    assert f"现场运维 #{case['visit']} 照片 #{case['om_photo']}" in words
    assert "感知哈希距离：0（文件字节完全相同）" in words
    # the EXIF table and the findings it explains
    assert f"#{exif_photo} 采样照片 张伟" in words and "31.23040, 121.47370" in words
    assert clock.fmt(clock.now() - timedelta(days=1))[:10] in words
    assert "照片拍摄位置远离排污单位" in words and "照片与其他行程/运维重复" in words
    # the log reads as sentences: no action codes, no dictionaries
    assert "张伟" in words and "开始行程" in words
    for raw in ("check_in_arrival", "{'", "sample_time", "photo_reused", "T09:"):
        assert raw not in words, raw
    # the findings log: what the rules raised, with no actor but the system
    log = text_of(html[html.index('id="finding-log"'):])
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} 系统 发现异常线索“照片与其他行程/运维重复", log)


def test_the_photos_of_the_pair_open_for_the_inspector(app, case):
    client = sign_in(app, "regulator1")
    for url in (f"/records/photos/{case['trip_photos'][0]}/thumb", f"/om/photos/{case['om_photo']}/thumb"):
        with client.get(url) as response:  # a served file stays open until its response is closed
            assert response.status_code == 200 and response.mimetype == "image/jpeg", url


def test_the_om_visit_page_flags_the_departure_outside_the_fence(app, case):
    words = text_of(page(sign_in(app, "regulator1"), f"/evidence/om-visits/{case['visit']}"))
    assert f"证据 · 现场运维 #{case['visit']}" in words and "刘洋" in words
    assert "离场签到 围栏外" in words and "距排污单位 760 米（围栏 300 米），围栏外" in words
    assert "记录单确认" in words and "日常巡检" in words
    assert "发起排污单位确认" in words
    assert f"采样行程 #{case['trip']} 照片" in words  # the same photo, seen from the other side


def test_the_agency_sees_its_own_trip_but_not_another_agencys_photo(app, case):
    client = sign_in(app, "agency1")
    html = page(client, f"/evidence/trips/{case['trip']}")
    assert f"/om/photos/{case['om_photo']}/" not in html
    assert f"相同照片属于现场运维 #{case['visit']}，不在您的查看范围内" in text_of(html)
    assert client.get(f"/evidence/om-visits/{case['visit']}").status_code == 404  # the O&M agency's work
    assert page(sign_in(app, "om1"), f"/evidence/om-visits/{case['visit']}")


def test_another_district_and_other_roles_find_nothing(app, runtime, case):
    records.add_user(runtime, "regulator_sj", Role.REGULATOR, district="松江区")
    for username in ("regulator_sj", "polluter1", "sampler1"):
        client = sign_in(app, username)
        for url in (f"/evidence/trips/{case['trip']}", f"/evidence/om-visits/{case['visit']}",
                    f"/evidence/trips/{case['trip']}.pdf"):
            assert client.get(url).status_code == 404, (username, url)
    assert app.test_client().get(f"/evidence/trips/{case['trip']}").status_code == 302  # to the login page


def test_the_evidence_prints_as_a_pdf_for_the_case_file(app, case):
    with sign_in(app, "regulator1").get(f"/evidence/trips/{case['trip']}.pdf") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        reader = PdfReader(io.BytesIO(response.get_data()))
    words = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    assert f"现场工作证据·采样行程#{case['trip']}" in words
    assert "时间线" in words and "现场位置示意图" in words and "感知哈希距离0（文件字节完全相同）" in words
    assert "照片EXIF信息" in words and "31.23040,121.47370" in words and "开始行程" in words
    lat, lng = script.POINTS[0]
    assert f"点位布设废水总排口：{lat:.5f},{lng:.5f}，距点位登记位置3米（允许100米）" in words
    assert "采样仪器便携式pH计（GT-EQ-002，检定/校准有效期至" in words and "），采样点位：废水总排口" in words
    assert "采样仪器自动烟尘烟气测试仪（GT-EQ-001，检定/校准有效期至" in words  # confirmed, no point recorded yet
    assert sum(len(p.images) for p in reader.pages) >= 2  # the photo pair


def test_the_desk_lists_and_record_pages_link_to_the_evidence(app, case):
    client = sign_in(app, "regulator1")
    link = f'href="/evidence/trips/{case["trip"]}"'
    assert link in page(client, "/regulator/") and link in page(client, "/regulator/trips")
    assert link in page(client, f"/records/trips/{case['trip']}")
    om_link = f'href="/evidence/om-visits/{case["visit"]}"'
    assert om_link in page(client, "/om/visits") and om_link in page(client, f"/om/visits/{case['visit']}")
    assert om_link not in page(sign_in(app, "polluter1"), f"/om/visits/{case['visit']}")


def test_the_timeline_shows_the_polluters_decision_and_the_agencys_correction(app, runtime, phone):
    assert "已提交" in script.whole_trip(phone("o_sampler1"))
    with app.app_context(), UnitOfWork(runtime) as uow:
        trip = records.trip_of(uow.session)
        confirmations.reject(uow, trip.confirmations[-1], records.user(uow.session, "polluter1"), "生产负荷应为 60%")
        corrections.correct(uow, trip, records.user(uow.session, "agency1"), {"production_load": 60}, {},
                            "按排污单位意见更正")
        uow.commit()
        trip_id = trip.id
    words = text_of(page(sign_in(app, "regulator1"), f"/evidence/trips/{trip_id}"))
    assert "排污单位退回 王工（示范化工），理由：生产负荷应为 60%" in words
    assert "更正 将“生产负荷”由 85 % 更正为 60 %（说明：按排污单位意见更正）" in words
    assert "离场签到" in words and "采样 样品" in words


def test_the_evidence_shows_how_the_samples_travelled_and_flags_one_received_past_its_holding_time(app, runtime,
                                                                                                 phone):
    trip_id = records.confirmed_trip(runtime, phone)
    records.trip_hours_ago(runtime, trip_id, 30)  # NH3-N keeps 24 h
    with runtime.sessions() as s:
        trip = s.get(SamplingTrip, trip_id)
        s.add(LabReceipt(trip=trip, received_at=clock.now(), temperature=3.5, received_by="实验室 陈静",
                         recorded_by_id=records.user(s, "agency1").id, recorded_at=clock.now()))
        ammonia = trip.samples[1].code
        s.commit()
    viewer = sign_in(app, "regulator1")
    words = text_of(page(viewer, f"/evidence/trips/{trip_id}"))
    assert "化学需氧量），容器 玻璃瓶 500 mL｜保存剂 加硫酸至 pH&lt;2｜保存条件 冷藏(0–4℃)" in words
    assert "pH值），现场测定" in words
    assert "样品离场 送实验室样品 3 个" in words
    assert f"到达温度 3.5 °C，接收人 实验室 陈静；{ammonia} 氨氮 采样至接收 30.0 小时，超过保存时限 24 小时" in words
    with viewer.get(f"/evidence/trips/{trip_id}.pdf") as response:
        reader = PdfReader(io.BytesIO(response.get_data()))
    pdf = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    assert "样品离场送实验室样品3个" in pdf and f"{ammonia}氨氮采样至接收30.0小时，超过保存时限24小时" in pdf
