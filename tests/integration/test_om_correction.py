"""After the polluter rejects an O&M visit, the O&M agency corrects its sheets on the desk and resubmits it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from models import OmConfirmation, OmSheet, OmVisit, OmVisitEvent, QcFinding, User
from services.core.uow import UnitOfWork
from services.om import om_confirmations
from tests.conftest import csrf_token
from tests.support.om_records import recorded_visit


@pytest.fixture
def rejected(demo_world, runtime, config):
    recorded = recorded_visit(runtime, config.media_root, submitted=True, signed=False)
    with UnitOfWork(runtime) as uow:
        polluter = uow.session.scalar(select(User).where(User.username == "polluter1"))
        confirmation = uow.session.scalar(select(OmConfirmation).where(OmConfirmation.visit_id == recorded.visit))
        assert om_confirmations.reject(uow, confirmation, polluter, "量程漂移数据与现场打印不一致")
        uow.commit()
    return recorded


def _posted(client, url: str, **changes) -> dict:
    """The correction form as the page shows it, with `changes` typed over it."""
    html = client.get(url).get_data(as_text=True)
    fields = dict(re.findall(r'name="(f_\w+)"[^>]*value="([^"]*)"', html))
    for name, value in re.findall(r'<select id="(f_\w+)"[^>]*>.*?<option value="([^"]*)" selected', html, re.S):
        fields[name] = value
    fields.update({f"f_{name}": value for name, value in changes.items()})
    fields["csrf_token"] = csrf_token(html)
    return fields


def test_the_agency_corrects_a_rejected_sheet_and_the_old_values_stay_in_the_log(rejected, login, runtime):
    desk = login("om1")
    url = f"/om/sheets/{rejected.calibration}/correct"
    page = desk.get(url).get_data(as_text=True)
    assert "量程漂移数据与现场打印不一致" in page and "保存更正" in page
    saved = desk.post(url, data=_posted(desk, url, zero_before="0.9"))
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/om/visits/{rejected.visit}")
    with runtime.sessions() as s:
        sheet = s.get(OmSheet, rejected.calibration)
        assert sheet.answers["zero_before"] == 0.9
        event = s.scalars(select(OmVisitEvent).where(OmVisitEvent.action == "sheet_corrected")).one()
        assert event.detail["before"] == {"zero_before": 13.5} and event.detail["after"] == {"zero_before": 0.9}
        # QC looked again: (0.9 − 0.5) / 500 = 0.08 %F.S., the zero drift finding of 13.5 is gone
        assert not s.scalars(select(QcFinding).where(QcFinding.sheet_id == sheet.id,
                                                     QcFinding.rule == "zero_drift")).all()
    visit_page = desk.get(f"/om/visits/{rejected.visit}").get_data(as_text=True)
    assert "重新提交排污单位确认" in visit_page
    resubmitted = desk.post(f"/om/visits/{rejected.visit}/resubmit", data={"csrf_token": csrf_token(visit_page)})
    assert resubmitted.status_code == 303
    with runtime.sessions() as s:
        assert s.get(OmVisit, rejected.visit).state == "awaiting_confirmation"


def test_a_wrong_value_is_refused_in_chinese_and_nothing_changes(rejected, login, runtime):
    desk = login("om1")
    url = f"/om/sheets/{rejected.calibration}/correct"
    refused = desk.post(url, data=_posted(desk, url, range_high="-5"))
    assert refused.status_code == 400 and "请输入" in refused.get_data(as_text=True)
    inconsistent = desk.post(url, data=_posted(desk, url, range_low="600"))
    assert inconsistent.status_code == 400 and "更正未保存：量程上限" in inconsistent.get_data(as_text=True)
    with runtime.sessions() as s:
        assert s.get(OmSheet, rejected.calibration).answers["zero_before"] == 13.5
        assert not s.scalars(select(OmVisitEvent).where(OmVisitEvent.action == "sheet_corrected")).all()


def test_a_visit_not_rejected_cannot_be_corrected_on_the_desk(demo_world, runtime, config, login):
    recorded = recorded_visit(runtime, config.media_root, submitted=True, signed=True)
    desk = login("om1")
    url = f"/om/sheets/{recorded.calibration}/correct"
    page = desk.get(url)
    assert page.status_code == 409 and "只有排污单位退回的运维记录" in page.get_data(as_text=True)
    posted = desk.post(url, data={"f_zero_before": "1", "csrf_token": csrf_token(
        desk.get(f"/om/visits/{recorded.visit}").get_data(as_text=True))})
    assert posted.status_code == 409
    with runtime.sessions() as s:
        assert s.get(OmSheet, recorded.calibration).answers["zero_before"] == 13.5


def test_another_agency_and_the_polluter_cannot_correct(rejected, login, client):
    login("agency1")
    assert client.get(f"/om/sheets/{rejected.calibration}/correct").status_code == 404
    login("polluter1")
    assert client.get(f"/om/sheets/{rejected.calibration}/correct").status_code == 404
