"""信用评价信息: the O&M agency keeps its per-site documents, management rules, training plan and training
records in versions; what is missing or out of date is listed for it and for its district's regulator."""
from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

from sqlalchemy import select

from models import Agency, AgencyKind, Contract, CreditDocument, FilingStatus, Polluter, TrainingRecord, User, clock
from services.filing import credit
from tests.support import desk, files

PDF = files.pdf("credit document")
WORD = b"PK\x03\x04 this is a .docx zip, whatever its name says"
OM_AGENCY = "上海恒运环保设施运维有限公司"
SITE = "上海示范化工有限公司"


def ids(runtime) -> tuple[int, int]:
    """(the demo O&M agency, its demo site)."""
    with runtime.sessions() as s:
        return (s.scalars(select(Agency.id).where(Agency.name == OM_AGENCY)).one(),
                s.scalars(select(Polluter.id).where(Polluter.name == SITE)).one())


def upload(clerk, category: str, content: bytes = PDF, filename: str = "说明.pdf", **fields):
    data = {"category": category, **{k: str(v) for k, v in fields.items()}}
    return desk.upload(clerk, "/agency/credit/upload", data, "file", content, filename)


def documents(runtime, category: str) -> list[CreditDocument]:
    with runtime.sessions() as s:
        rows = list(s.scalars(select(CreditDocument).where(CreditDocument.category == category)
                              .order_by(CreditDocument.version)))
        s.expunge_all()
        return rows


def gap_codes(runtime, today: date | None = None) -> list[tuple[str, str]]:
    with runtime.sessions() as s:
        agency = s.scalars(select(Agency).where(Agency.name == OM_AGENCY)).one()
        return [(g.code, g.subject) for g in credit.gaps(s, agency, today or clock.today())]


def complete(clerk, runtime) -> None:
    """Everything the rules ask for, uploaded and recorded today."""
    _, site = ids(runtime)
    for category in ("operating_instructions", "maintenance_requirements"):
        assert upload(clerk, category, polluter_id=site).status_code == 302
    assert upload(clerk, "management_rules").status_code == 302
    assert upload(clerk, "training_plan", year=clock.today().year).status_code == 302
    record = {"kind": "training", "held_on": clock.today().isoformat(), "contents": "CEMS 校准操作培训",
              "attendees": "刘洋、孙运"}
    assert desk.upload(clerk, "/agency/credit/training", record, "evidence", PDF, "证书.pdf").status_code == 302


def test_a_new_upload_of_the_same_document_is_the_next_version_and_the_old_one_stays(demo_world, app, runtime,
                                                                                      config):
    clerk = desk.sign_in(app, "om1")
    _, site = ids(runtime)
    first = upload(clerk, "operating_instructions", PDF + b"v1", "SO2 分析仪操作说明.pdf", polluter_id=site)
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/agency/credit/sites/{site}")
    second = upload(clerk, "operating_instructions", PDF + b"v2", "操作说明修订.pdf", polluter_id=site,
                    title="SO2 分析仪操作说明（2026 修订）")
    assert second.status_code == 302
    # another category, the agency-wide rules, starts its own count
    upload(clerk, "management_rules", PDF + b"rules", "运维管理制度.pdf")

    v1, v2 = documents(runtime, "operating_instructions")
    assert (v1.version, v2.version) == (1, 2) and v1.polluter_id == v2.polluter_id == site
    assert v1.title == "SO2 分析仪操作说明" and v2.title == "SO2 分析仪操作说明（2026 修订）"
    assert [d.version for d in documents(runtime, "management_rules")] == [1]
    assert Path(config.media_root, v1.path).read_bytes() == PDF + b"v1"  # the stored file is never overwritten

    page = clerk.get(f"/agency/credit/sites/{site}").get_data(as_text=True)
    assert "第 2 版" in page and "第 1 版" in page and "SO2 分析仪操作说明（2026 修订）" in page
    for document, content in ((v1, PDF + b"v1"), (v2, PDF + b"v2")):
        with clerk.get(f"/agency/credit/documents/{document.id}") as download:
            assert download.status_code == 200 and download.data == content
            assert download.mimetype == "application/pdf"
    overview = clerk.get("/agency/credit/").get_data(as_text=True)
    assert SITE in overview and "第 2 版" in overview


def test_the_training_plan_is_versioned_per_year(demo_world, app, runtime):
    clerk = desk.sign_in(app, "om1")
    year = clock.today().year
    upload(clerk, "training_plan", year=year - 1)
    upload(clerk, "training_plan", year=year)
    upload(clerk, "training_plan", year=year)
    assert [(d.year, d.version) for d in documents(runtime, "training_plan")] == \
        [(year - 1, 1), (year, 1), (year, 2)]
    page = clerk.get(f"/agency/credit/annual?year={year}").get_data(as_text=True)
    assert f"{year} 年度人员培训计划" in page and "第 2 版" in page


def test_a_file_that_is_not_a_pdf_is_refused_in_chinese_and_nothing_is_stored(demo_world, app, runtime, config):
    clerk = desk.sign_in(app, "om1")
    _, site = ids(runtime)
    refused = upload(clerk, "maintenance_requirements", WORD, "维护技术要求.pdf", polluter_id=site)
    assert refused.status_code == 400
    assert "证明文件须为 PDF 文件（按文件内容判断），请转换后重新上传。" in refused.get_data(as_text=True)
    assert documents(runtime, "maintenance_requirements") == []
    assert not Path(config.media_root, "credit").exists()
    evidence = desk.upload(clerk, "/agency/credit/training", {"kind": "supervision", "held_on": "2026-01-05",
                                                              "contents": "现场监督检查", "attendees": "刘洋"},
                           "evidence", WORD, "监督记录.pdf")
    assert evidence.status_code == 400 and "证明文件须为 PDF 文件" in evidence.get_data(as_text=True)
    assert "现场监督检查" in evidence.get_data(as_text=True)  # what was typed is still in the form
    with runtime.sessions() as s:
        assert s.scalars(select(TrainingRecord)).all() == []


def test_an_empty_or_missing_file_and_a_year_out_of_range_are_refused(demo_world, app, runtime):
    clerk = desk.sign_in(app, "om1")
    empty = upload(clerk, "management_rules", b"", "制度.pdf")
    assert empty.status_code == 400 and "上传的证明文件是空文件。" in empty.get_data(as_text=True)
    none = desk.post(clerk, "/agency/credit/upload", {"category": "management_rules"})
    assert none.status_code == 400 and "请选择要上传的文件。" in none.get_data(as_text=True)
    far = clock.today().year + 2
    future = upload(clerk, "training_plan", year=far)
    assert future.status_code == 400 and f"年度应为 2000—{far - 1} 年之间的年份。" in future.get_data(as_text=True)
    assert documents(runtime, "management_rules") == documents(runtime, "training_plan") == []


def test_only_the_agencys_own_sites_take_site_documents(demo_world, app, runtime):
    clerk = desk.sign_in(app, "om1")
    with runtime.sessions() as s:
        elsewhere = s.scalars(select(Polluter.id).where(Polluter.name != SITE)).first()
    refused = upload(clerk, "operating_instructions", polluter_id=elsewhere)
    assert refused.status_code == 400 and "不是本机构的运维站点" in refused.get_data(as_text=True)
    missing = upload(clerk, "operating_instructions")
    assert missing.status_code == 400 and "请选择站点" in missing.get_data(as_text=True)
    assert clerk.get(f"/agency/credit/sites/{elsewhere}").status_code == 404
    assert documents(runtime, "operating_instructions") == []


def test_training_records_need_a_date_contents_and_attendees(demo_world, app, runtime):
    clerk = desk.sign_in(app, "om1")
    record = {"kind": "education", "held_on": "2026-03-01", "contents": "", "attendees": "刘洋"}
    empty = desk.post(clerk, "/agency/credit/training", record)
    assert empty.status_code == 400 and "请填写教育、培训或监督的具体内容。" in empty.get_data(as_text=True)
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    future = desk.post(clerk, "/agency/credit/training", {**record, "contents": "安全教育", "held_on": tomorrow})
    assert future.status_code == 400 and "日期不能晚于今天。" in future.get_data(as_text=True)
    garbled = desk.post(clerk, "/agency/credit/training", {**record, "contents": "安全教育", "held_on": "三月"})
    assert garbled.status_code == 400 and "请填写正确的日期" in garbled.get_data(as_text=True)
    held = clock.today().replace(day=1)
    done = desk.post(clerk, "/agency/credit/training", {**record, "contents": "安全教育", "held_on": held.isoformat()})
    assert done.status_code == 302
    page = clerk.get(f"/agency/credit/annual?year={held.year}").get_data(as_text=True)
    assert "安全教育" in page and "教育" in page and "补传" in page


def test_the_gaps_are_listed_and_disappear_once_everything_is_uploaded(demo_world, app, runtime):
    clerk = desk.sign_in(app, "om1")
    year = clock.today().year
    assert gap_codes(runtime) == [("site_instructions_missing", SITE), ("site_maintenance_missing", SITE),
                                  ("management_rules_missing", "本机构"), ("training_plan_missing", f"{year} 年"),
                                  ("training_missing", f"{year} 年")]
    page = clerk.get("/agency/credit/").get_data(as_text=True)
    assert "待完善事项（5）" in page and "站点缺少仪器操作说明" in page and credit.RULES[
        "training_plan_missing"].explanation in page

    complete(clerk, runtime)
    assert gap_codes(runtime) == []
    assert "信用评价信息齐全" in clerk.get("/agency/credit/").get_data(as_text=True)


def test_a_training_record_without_its_certificate_is_a_gap_until_the_certificate_is_uploaded(demo_world, app,
                                                                                              runtime):
    clerk = desk.sign_in(app, "om1")
    today = clock.today().isoformat()
    desk.post(clerk, "/agency/credit/training", {"kind": "training", "held_on": today, "contents": "HJ 75 培训",
                                                 "attendees": "刘洋"})
    codes = [code for code, _ in gap_codes(runtime)]
    assert "training_missing" not in codes and "evidence_missing" in codes
    with runtime.sessions() as s:
        record = s.scalars(select(TrainingRecord)).one().id
    assert desk.upload(clerk, f"/agency/credit/training/{record}/evidence", {}, "evidence", PDF,
                       "证书.pdf").status_code == 302
    assert "evidence_missing" not in [code for code, _ in gap_codes(runtime)]
    with clerk.get(f"/agency/credit/training/{record}/evidence") as download:
        assert download.status_code == 200 and download.data == PDF


def test_a_document_is_out_of_date_the_day_after_twelve_months(demo_world, app, runtime):
    clerk = desk.sign_in(app, "om1")
    complete(clerk, runtime)
    year = clock.today().year
    with runtime.sessions() as s:  # the rules were uploaded on 10 March last year, the rest early this year
        for document in s.scalars(select(CreditDocument)):
            uploaded = date(year - 1, 3, 10) if document.category == "management_rules" else date(year, 3, 1)
            document.created_at = clock.at_local(uploaded, time(10, 0))
        s.scalars(select(TrainingRecord)).one().held_on = date(year, 3, 1)
        s.commit()

    assert gap_codes(runtime, date(year, 3, 10)) == []  # exactly twelve months: still current
    assert gap_codes(runtime, date(year, 3, 11)) == [("document_out_of_date", "本机构")]
    with runtime.sessions() as s:
        agency = s.scalars(select(Agency).where(Agency.name == OM_AGENCY)).one()
        (gap,) = credit.gaps(s, agency, date(year, 3, 11))
    assert gap.detail == f"运维操作管理制度（第 1 版）上传于 {year - 1}-03-10，应于 {year}-03-10 前更新。"
    assert "本系统设定" in gap.rule.explanation
    with runtime.sessions() as s:
        rules = s.scalars(select(CreditDocument).where(CreditDocument.category == "management_rules")).one()
        rules.created_at = clock.at_local(date(year - 2, 3, 10), time(10, 0))
        s.commit()
    assert "已过期" in clerk.get("/agency/credit/").get_data(as_text=True)
    assert ("document_out_of_date", "本机构") in gap_codes(runtime)

    assert upload(clerk, "management_rules").status_code == 302  # a new version is current again
    assert gap_codes(runtime, date(year, 3, 11)) == []


def test_twelve_months_from_a_month_end_land_on_the_last_day_of_the_month():
    assert credit.add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert credit.add_months(date(2025, 12, 31), 12) == date(2026, 12, 31)
    assert credit.add_months(date(2025, 10, 31), 4) == date(2026, 2, 28)


def test_sites_come_from_submitted_contracts_and_plans_in_service(demo_world, runtime):
    agency, site = ids(runtime)
    with runtime.sessions() as s:
        assert [p.id for p in credit.sites(s, agency, on=clock.today())] == [site]
        year = clock.today().year
        assert credit.sites(s, agency, on=date(year + 1, 1, 1)) == []  # the contract and the plan have ended
        other = s.scalars(select(Polluter).where(Polluter.id != site)).first()
        s.add(Contract(agency_id=agency, polluter_id=other.id, code="YW-DRAFT", status="draft"))
        s.commit()
        assert other not in credit.sites(s, agency)  # a draft contract makes no site


def test_the_regulator_sees_each_om_agency_of_its_district_with_its_gaps(demo_world, app, runtime):
    agency, site = ids(runtime)
    regulator = desk.sign_in(app, "regulator1")
    listing = regulator.get("/regulator/om-credit")
    assert listing.status_code == 200
    text = listing.get_data(as_text=True)
    assert OM_AGENCY in text and "5 项" in text and "上海绿测环境检测有限公司" not in text  # O&M agencies only
    assert "运维信用评价" in regulator.get("/regulator/").get_data(as_text=True)  # in the navigation

    page = regulator.get(f"/regulator/om-credit/{agency}").get_data(as_text=True)
    assert "缺项或过期（5）" in page and "站点缺少维护技术要求" in page and SITE in page

    clerk = desk.sign_in(app, "om1")
    complete(clerk, runtime)
    page = regulator.get(f"/regulator/om-credit/{agency}").get_data(as_text=True)
    assert "缺项或过期（0）" in page and "CEMS 校准操作培训" in page
    with runtime.sessions() as s:  # a newer O&M agency of the district, with nothing yet, comes first now
        s.add(Agency(name="上海新立运维有限公司", kind=AgencyKind.OM, district="金山区", code="XL"))
        s.commit()
    text = regulator.get("/regulator/om-credit").get_data(as_text=True)
    assert text.index("上海新立运维有限公司") < text.index(OM_AGENCY) and "3 项" in text and "齐全" in text
    (document,) = documents(runtime, "management_rules")
    with regulator.get(f"/agency/credit/documents/{document.id}") as download:
        assert download.status_code == 200 and download.data == PDF
    assert regulator.get("/agency/credit/").status_code == 404  # the upload area is the agency's


def test_other_tenants_find_nothing(demo_world, app, runtime):
    agency, site = ids(runtime)
    clerk = desk.sign_in(app, "om1")
    complete(clerk, runtime)
    (document,) = documents(runtime, "management_rules")
    with runtime.sessions() as s:
        record = s.scalars(select(TrainingRecord)).one().id
        # another O&M agency, in another district, with an administrator of its own
        rival = Agency(name="上海远景运维有限公司", kind=AgencyKind.OM, district="浦东新区", code="YJ",
                       filing_status=FilingStatus.APPROVED)
        s.add(rival)
        s.flush()
        model = s.scalars(select(User).where(User.username == "om1")).one()
        s.add(User(username="om2", password_hash=model.password_hash, display_name="远景运维", role=model.role,
                   agency_id=rival.id))
        pudong = s.scalars(select(User).where(User.username == "regulator1")).one()
        s.add(User(username="regulator2", password_hash=pudong.password_hash, display_name="浦东监管",
                   role=pudong.role, district="浦东新区"))
        s.commit()

    rival_clerk = desk.sign_in(app, "om2")
    assert rival_clerk.get(f"/agency/credit/documents/{document.id}").status_code == 404
    assert rival_clerk.get(f"/agency/credit/training/{record}/evidence").status_code == 404
    assert desk.upload(rival_clerk, f"/agency/credit/training/{record}/evidence", {}, "evidence", PDF,
                       "x.pdf").status_code == 404
    assert rival_clerk.get(f"/agency/credit/sites/{site}").status_code == 404
    assert "上海恒运" not in rival_clerk.get("/agency/credit/").get_data(as_text=True)

    other_district = desk.sign_in(app, "regulator2")
    assert other_district.get(f"/regulator/om-credit/{agency}").status_code == 404
    assert other_district.get(f"/agency/credit/documents/{document.id}").status_code == 404
    assert OM_AGENCY not in other_district.get("/regulator/om-credit").get_data(as_text=True)

    monitoring_clerk = desk.sign_in(app, "agency1")  # a monitoring agency has no credit area
    assert monitoring_clerk.get("/agency/credit/").status_code == 404
    assert monitoring_clerk.get(f"/agency/credit/documents/{document.id}").status_code == 404
    assert "信用评价信息" not in monitoring_clerk.get("/agency/").get_data(as_text=True)
    assert "信用评价信息" in clerk.get("/agency/").get_data(as_text=True)
