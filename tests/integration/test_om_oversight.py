"""运维监管: the district inspector sees the O&M plans of the district, the visits overdue and due this week, the
signatures late or refused, and the comparison/verification reports due per analyser."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import OmConfirmation, OmPlan, OmVisit, User, clock
from tests.support.desk import sign_in


def world(runtime) -> dict:
    today = clock.today()
    with runtime.sessions() as s:
        plan = s.scalars(select(OmPlan)).first()
        overdue = OmVisit(due_on=today - timedelta(days=3), planned=[])
        soon = OmVisit(due_on=today + timedelta(days=2), planned=[])
        signed_late = OmVisit(due_on=today - timedelta(days=5), planned=[], state="confirmed",
                              started_at=clock.now() - timedelta(days=5))
        plan.visits.extend([overdue, soon, signed_late])
        s.flush()
        s.add(OmConfirmation(visit_id=signed_late.id, status="confirmed", late=True,
                             decided_at=clock.now() - timedelta(days=4)))
        s.commit()
        return {"overdue": overdue.id, "soon": soon.id, "late": signed_late.id, "plan": plan.name}


def test_the_inspector_sees_overdue_and_coming_visits_late_signatures_and_reports_due(demo_world, runtime, app):
    ids = world(runtime)
    page = sign_in(app, "regulator1").get("/regulator/om").get_data(as_text=True)
    overdue = page.split('id="overdue"')[1].split("</table>")[0]
    assert f'href="/om/visits/{ids["overdue"]}"' in overdue and "3 天" in overdue
    assert ids["plan"] in page.split('id="due-soon"')[1].split("</table>")[0]
    late = page.split('id="late-or-rejected"')[1].split("</table>")[0]
    assert "逾期签名" in late and f'href="/evidence/om-visits/{ids["late"]}"' in late
    reports = page.split('id="reports"')[1].split("</table>")[0]
    assert "烟气连续监测系统 SO2 分析仪" in reports and "（已逾期）" in reports  # never verified since installed
    assert "示范化工自动监控设施运维" in page.split('id="plans"')[1]


def test_another_districts_inspector_sees_none_of_it(demo_world, runtime, app):
    world(runtime)
    with runtime.sessions() as s:
        s.add(User(username="songjiang", display_name="松江区", role="regulator", district="松江区",
                   password_hash=s.scalars(select(User).where(User.username == "regulator1")).one().password_hash))
        s.commit()
    page = sign_in(app, "songjiang").get("/regulator/om").get_data(as_text=True)
    assert "没有逾期未开展的现场运维" in page and "示范化工自动监控设施运维" not in page


def test_only_regulators_oversee(demo_world, app):
    assert sign_in(app, "om1").get("/regulator/om").status_code == 404
