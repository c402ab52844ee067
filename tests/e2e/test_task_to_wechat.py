"""From the desk to the field: a task the clerk schedules on the web reaches the sampler's WeChat list."""
from __future__ import annotations

from tests.e2e import trip_script as script
from tests.support import desk


def test_a_visit_scheduled_on_the_web_today_is_in_the_samplers_wechat_task_list(demo_world, app, runtime, phone):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids, name="示范化工 临时加测")
    # after the demo visit of sampler1 (08:00-18:00), so the schedule does not clash with it
    scheduled = desk.post(clerk, f"/agency/tasks/{task_id}/schedule",
                          desk.visit(ids, starts="18:30", ends="20:00", staff=[ids.zhang_wei]))
    assert scheduled.status_code == 302
    assert desk.advance(clerk, task_id, "submit_schedule").status_code == 302

    sampler = phone("o_s1")
    script.bind(sampler, "sampler1")
    listing = sampler.tap("SAMPLING_TASKS")
    assert "示范化工 临时加测｜上海示范化工有限公司" in listing and "18:30-20:00" in listing
    assert "示范化工 2026 年第四季度自行监测" in listing  # the demo visit is still there too
    choice = next(line.split(".")[0] for line in listing.splitlines() if "临时加测" in line)
    assert "已开始采样行程：示范化工 临时加测" in script.choose(sampler, choice)


def test_another_samplers_visit_is_not_in_the_list(demo_world, app, runtime, phone):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids, name="示范化工 临时加测")
    desk.post(clerk, f"/agency/tasks/{task_id}/schedule", desk.visit(ids, staff=[ids.li_na]))
    desk.advance(clerk, task_id, "submit_schedule")

    sampler = phone("o_s1")
    script.bind(sampler, "sampler1")
    assert "临时加测" not in sampler.tap("SAMPLING_TASKS")
    colleague = phone("o_s2")
    script.bind(colleague, "sampler2")
    assert "示范化工 临时加测" in colleague.tap("SAMPLING_TASKS")
