"""What the desks show is in the user's words: Chinese statuses, rows that lead somewhere."""
from __future__ import annotations

from sqlalchemy import select

from models import FilingStage, MonitoringTask, User
from services.filing import filings
from tests.support import desk


def test_the_agency_desk_shows_each_task_status_in_chinese_and_links_the_row(demo_world, app, runtime):
    with runtime.sessions() as s:
        agency_id = s.scalar(select(User.agency_id).where(User.username == "agency1"))
        tasks = s.scalars(select(MonitoringTask).where(MonitoringTask.agency_id == agency_id)).all()
        shown = [(t.id, str(t.status)) for t in tasks]
    page = desk.sign_in(app, "agency1").get("/agency/").get_data(as_text=True)
    assert shown
    for task_id, status in shown:
        assert f'href="/agency/tasks/{task_id}"' in page
        assert f"<td>{status}</td>" not in page
    assert "现场采样" in page or "方案编制" in page or "已结束" in page


def test_the_om_agency_home_leads_to_its_visits_not_to_monitoring_tasks(demo_world, app):
    page = desk.sign_in(app, "om1").get("/agency/").get_data(as_text=True)
    assert "最近的监测任务" not in page and "暂无任务" not in page
    assert "查看现场运维任务" in page


def test_id_card_numbers_are_masked_in_the_staff_list_and_the_filed_version(demo_world, app, runtime):
    agency = desk.sign_in(app, "agency1")
    listing = agency.get("/agency/filing/").get_data(as_text=True)
    assert "3101**********1234" in listing and "310116198801011234" not in listing
    with runtime.sessions() as s:
        filed = filings.in_force(s, s.scalar(select(User.agency_id).where(User.username == "agency1")),
                                 FilingStage.RESOURCES).id
    version = desk.sign_in(app, "regulator1").get(f"/regulator/filings/{filed}").get_data(as_text=True)
    assert "身份证号" in version and "310116198801011234" not in version and "3101**********1234" in version


def test_the_om_agency_staff_list_speaks_of_om_accounts_not_sampler_accounts(demo_world, app):
    page = desk.sign_in(app, "om1").get("/agency/filing/").get_data(as_text=True)
    assert "运维账号" in page and "采样账号" not in page


def test_a_disabled_button_looks_disabled(client):
    response = client.get("/static/app.css")
    css = response.get_data(as_text=True)
    response.close()
    rule = css[css.index("button:disabled"):]
    assert "opacity: .45" in rule[:rule.index("}")] and "not-allowed" in rule[:rule.index("}")]
