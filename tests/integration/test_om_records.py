"""运维记录: the O&M agency, the polluter and the district's regulator read a visit's whole record and each
record sheet, print a sheet as a PDF laid out like the paper form, and export visits and QC findings to Excel;
nobody else finds them."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from models import Role, User
from services.adapters import om_pdf
from services.dev import demo
from states.qc_limits import rule_title
from tests.support.om_records import GAS_DAILY, recorded_visit

READERS = ("om1", "polluter1", "regulator1", "admin1")


def add_user(runtime, username: str, role: Role, **links) -> None:
    with runtime.sessions() as s:
        s.add(User(username=username, display_name=username, role=role, password_hash=demo._demo_hash(), **links))
        s.commit()


@pytest.fixture
def visit(demo_world, runtime, config):
    return recorded_visit(runtime, config.media_root)


def plain(text: str) -> str:
    """Text without the spaces and line breaks a PDF's layout puts between characters."""
    return re.sub(r"\s+", "", text)


def pdf_text(body: bytes) -> str:
    return plain("".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages))


def pdf_images(body: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(body)).pages)


def fetch(client, url: str):
    """GET a file, read and closed (a served file stays open until its response is closed)."""
    with client.get(url) as response:
        return response.status_code, response.mimetype, response.get_data()


def table(body: bytes, first_header: str) -> list[list]:
    """The rows under the header row of an exported sheet."""
    rows = [list(r) for r in load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    return rows[start + 1:]


# --- the visit's record ------------------------------------------------------------------------------------

def test_the_agency_reads_the_whole_visit_record(visit, login):
    client = login("om1")
    html = client.get(f"/om/visits/{visit.visit}").get_data(as_text=True)
    assert "示范化工自动监控设施运维" in html and "上海示范化工有限公司" in html and "刘洋" in html
    assert "排污单位已确认" in html
    check_ins = html.split('id="crew-presence"')[0]  # the crew's presence table repeats the leader's check-ins
    assert check_ins.count("围栏内") == 2 and "35 米" in check_ins  # arrival and departure, with their distance
    # every sheet with its fields through the form definition
    assert html.count("日常巡检记录单") == 2 and "校准记录单" in html
    assert "伴热管线温度（°C）" in html and "135" in html and "反吹电磁阀动作迟缓，已清洁复位" in html
    assert "试剂余量（mL）" in html and "800" in html  # the water point's fields, not the gas point's
    assert "非分散红外" in html  # pre-filled from the instrument register
    # QC findings of the visit and of the sheet, with clauses
    assert "SO2 零点漂移 2.6% F.S.，超过 ±2.5% F.S." in html and "HJ 75-2017 表 B.1" in html and "失控" in html
    assert "现场停留时间不足 30 分钟" in html
    # photos and the signature are served to the reader
    for photo_id in visit.sheet_photos:
        assert f"/om/photos/{photo_id}/thumb" in html
        assert fetch(client, f"/om/photos/{photo_id}/thumb")[:2] == (200, "image/jpeg")
    assert f"/om/confirmations/{visit.confirmation}/signature" in html
    status, _, signature = fetch(client, f"/om/confirmations/{visit.confirmation}/signature")
    assert status == 200 and signature.startswith(b"\x89PNG")
    assert f"/om/sheets/{visit.gas_daily}.pdf" in html


@pytest.mark.parametrize("username", READERS)
def test_the_agency_polluter_regulator_and_administrator_may_read_it(visit, login, username):
    client = login(username)
    for url in (f"/om/visits/{visit.visit}", f"/om/sheets/{visit.calibration}", f"/om/sheets/{visit.calibration}.pdf",
                f"/om/photos/{visit.sheet_photos[0]}/watermarked",
                f"/om/confirmations/{visit.confirmation}/signature"):
        assert fetch(client, url)[0] == 200, (username, url)


@pytest.mark.parametrize("username, role, links", [
    ("agency1", None, None),  # a monitoring agency, not this plan's O&M agency
    ("sampler1", None, None),
    ("regulator_pd", Role.REGULATOR, {"district": "浦东新区"}),
    ("om_other", Role.AGENCY_ADMIN, {"agency_id": None}),
])
def test_anyone_else_finds_nothing(visit, runtime, login, username, role, links):
    if role:
        add_user(runtime, username, role, **links)
    client = login(username)
    for url in (f"/om/visits/{visit.visit}", f"/om/sheets/{visit.gas_daily}", f"/om/sheets/{visit.gas_daily}.pdf",
                f"/om/photos/{visit.sheet_photos[0]}/thumb", f"/om/confirmations/{visit.confirmation}/signature"):
        assert client.get(url).status_code == 404, (username, url)


def test_another_polluters_user_finds_nothing(visit, runtime, login):
    with runtime.sessions() as s:
        from sqlalchemy import select

        from models import Polluter
        other = s.scalar(select(Polluter).where(Polluter.name == "上海自测示范电镀有限公司")).id
    add_user(runtime, "polluter_other", Role.POLLUTER_CONFIRMER, polluter_id=other)
    client = login("polluter_other")
    assert client.get(f"/om/visits/{visit.visit}").status_code == 404
    assert client.get(f"/om/sheets/{visit.gas_daily}.pdf").status_code == 404


def test_the_sheet_page_shows_one_sheet_and_its_print_button(visit, login):
    html = login("polluter1").get(f"/om/sheets/{visit.calibration}").get_data(as_text=True)
    assert "校准记录单" in html and "二氧化硫标准气体" in html and "伴热管线温度" not in html
    assert f"/om/sheets/{visit.calibration}.pdf" in html and f"/om/visits/{visit.visit}" in html
    assert "SO2 零点漂移" in html and "现场停留时间不足" not in html  # the sheet's own findings


# --- the printed sheet -------------------------------------------------------------------------------------

def test_a_signed_sheet_prints_like_the_paper_form(visit, login):
    response = login("om1").get(f"/om/sheets/{visit.gas_daily}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in ("日常巡检记录单", "排污单位", "上海示范化工有限公司", "点位", "DA001", "仪器", "SCS-900",
                     "SCS900-2024-0311", "运维机构", "上海恒运环保设施运维有限公司", "运维人员", "刘洋", "日期时间",
                     "采样探头及伴热管线", "伴热管线温度（°C）", "135", "采样流量（L/min）", "1.2", "2027-06-30",
                     "分析仪、工控机与数采仪数据一致", "反吹电磁阀动作迟缓，已清洁复位", "备注", "站房空调滤网已清洗",
                     "质控核查", "现场停留时间不足30分钟", "运维现场工作时长核查", "排污单位确认",
                     "确认人：王工（示范化工）"):
        assert plain(expected) in text, expected
    assert "试剂余量" not in text  # water fields are not on a flue-gas sheet
    assert pdf_images(response.data) == 3  # two photos of the sheet and the signature


def test_the_chinese_font_is_embedded(visit, login):
    """WenQuanYi Micro Hei (`make browser` installs it) goes into the file, so any viewer shows the sheet."""
    body = login("om1").get(f"/om/sheets/{visit.gas_daily}.pdf").data
    assert b"/FontFile2" in body and b"WenQuanYi" in body


def test_without_a_truetype_font_the_built_in_cid_font_keeps_the_text(visit, login, monkeypatch):
    monkeypatch.setattr(om_pdf, "TRUETYPE_FONTS", (Path("/nonexistent/font.ttc"),))
    om_pdf.font.cache_clear()
    try:
        body = login("om1").get(f"/om/sheets/{visit.gas_daily}.pdf").data
    finally:
        om_pdf.font.cache_clear()
    assert b"/STSong-Light" in body and b"/FontFile2" not in body
    text = pdf_text(body)
    assert "日常巡检记录单" in text and "伴热管线温度（°C）" in text and "上海恒运环保设施运维有限公司" in text


def test_a_calibration_sheet_prints_its_findings_with_clauses(visit, login):
    text = pdf_text(login("om1").get(f"/om/sheets/{visit.calibration}.pdf").data)
    for expected in ("校准记录单", "分析仪原理", "非分散红外", "量程上限（满量程）", "500", "本次校准前零点读数",
                     "13.5", "失控", "SO2零点漂移2.6%F.S.，超过±2.5%F.S.", "HJ75-2017表B.1"):
        assert plain(expected) in text, expected


def test_an_unsigned_sheet_says_so(demo_world, runtime, config, login):
    recorded = recorded_visit(runtime, config.media_root, submitted=True, signed=False)
    body = login("om1").get(f"/om/sheets/{recorded.water_daily}.pdf").data
    text = pdf_text(body)
    assert "未签名" in text and "确认人" not in text
    assert "试剂余量（mL）" in text and "800" in text and "（未填）" in text
    assert pdf_images(body) == 0  # no photos on that sheet, no signature


def test_a_late_confirmation_is_marked_on_the_page_and_the_print(demo_world, runtime, config, login):
    recorded = recorded_visit(runtime, config.media_root, late=True)
    client = login("om1")
    assert "逾期确认" in client.get(f"/om/visits/{recorded.visit}").get_data(as_text=True)
    assert "逾期确认" in pdf_text(client.get(f"/om/sheets/{recorded.gas_daily}.pdf").data)


# --- Excel -------------------------------------------------------------------------------------------------

def test_the_agency_exports_its_visits(visit, login):
    client = login("om1")
    page = client.get("/om/visits").get_data(as_text=True)
    assert "/om/visits.xlsx" in page and "/om/findings.xlsx" in page
    response = client.get("/om/visits.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows = table(response.data, "运维记录号")
    assert len(rows) == 1
    row = rows[0]
    assert row[0] == visit.visit and row[1] == "示范化工自动监控设施运维" and row[2] == "上海示范化工有限公司"
    assert row[5] == "排污单位已确认" and row[6] == "刘洋"
    assert row[7] != "—" and row[8] != "—"  # check-in and check-out times
    assert row[9] == "日常巡检记录单、校准记录单、日常巡检记录单"
    assert row[10] == 2 and row[11] == "已确认" and row[13] == "否"


def test_the_agency_exports_the_qc_findings(visit, login):
    rows = table(login("om1").get("/om/findings.xlsx").data, "运维记录号")
    assert {(r[4], r[5], r[6]) for r in rows} == {
        ("（整次运维）", "其他质控问题", "警告"), (f"校准记录单 #{visit.calibration}", "零点漂移超限", "失控")}
    assert len(rows) == 2
    zero = next(r for r in rows if r[9] == "zero_drift")
    assert zero[7].startswith("HJ 75-2017") and zero[8] == "SO2 零点漂移 2.6% F.S.，超过 ±2.5% F.S."


def test_the_findings_sheet_names_rules_in_chinese_and_hides_their_codes(visit, login):
    book = load_workbook(io.BytesIO(login("om1").get("/om/findings.xlsx").data)).active
    header = next(r for r in book.iter_rows() if r[0].value == "运维记录号")
    code_column = next(c.column_letter for c in header if c.value == "规则代码")
    assert book.column_dimensions[code_column].hidden
    shown = [c.column_letter for c in header if c.value != "规则代码"]
    assert not any(book.column_dimensions[letter].hidden for letter in shown)
    rows = list(book.iter_rows(min_row=header[0].row + 1))
    names = [c.value for c in header]
    title, code = names.index("规则"), names.index("规则代码")
    assert "zero_drift" in {r[code].value for r in rows}  # the codes, only in the hidden column
    for row in rows:
        assert row[title].value == rule_title(row[code].value) and not row[title].value.isascii()
        assert row[code].value not in [c.value for i, c in enumerate(row) if i != code]


def test_the_regulator_exports_its_district_and_others_get_nothing(visit, runtime, login, client):
    assert len(table(login("regulator1").get("/om/visits.xlsx").data, "运维记录号")) == 1
    client.post("/logout")
    add_user(runtime, "regulator_pd", Role.REGULATOR, district="浦东新区")
    assert table(login("regulator_pd").get("/om/findings.xlsx").data, "运维记录号") == []


def test_the_exports_follow_the_date_filter(visit, login):
    client = login("om1")
    assert table(client.get("/om/visits.xlsx?start=2000-01-01&end=2000-12-31").data, "运维记录号") == []
    assert client.get("/om/visits.xlsx?start=yesterday").status_code == 400
    assert "日期格式不正确" in client.get("/om/visits?start=yesterday").get_data(as_text=True)


def test_polluters_read_but_do_not_export(visit, login):
    client = login("polluter1")
    page = client.get("/om/visits").get_data(as_text=True)
    assert f"/om/visits/{visit.visit}" in page and "/om/visits.xlsx" not in page
    assert client.get("/om/visits.xlsx").status_code == 404


def test_gas_daily_answers_are_complete():
    """The support data fills every applicable field of the flue-gas daily sheet (the PDF test relies on it)."""
    from states.om_sheets import DAILY_INSPECTION
    assert {f.name for f in DAILY_INSPECTION.applicable(frozenset({"flue_gas"}))} == set(GAS_DAILY)
