"""The task workflow as a table: every path a task can take, with no database."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from models import TaskStatus
from states.task import STATUS_NAMES, TRANSITIONS, TRIGGERS, MachineError, bind, can


def a_task(status=TaskStatus.APPLICATION, **overrides) -> SimpleNamespace:
    values = {"status": status, "sampling_needed": True, "analysis_needed": True, "plan": [], "visits": [],
              "receipt": None, "report_number": None}
    return SimpleNamespace(**{**values, **overrides})


def fire(task, trigger: str) -> str:
    getattr(bind(task), trigger)()
    return task.status


def test_a_field_task_goes_from_application_to_closed_in_order():
    task = a_task()
    assert fire(task, "submit_application") == "planning"
    task.plan.append("DW001 化学需氧量")
    assert fire(task, "submit_plan") == "scheduling"
    task.visits.append("visit")
    assert fire(task, "submit_schedule") == "sampling"
    assert fire(task, "submit_sampling") == "reporting"
    task.report_number = "LC-2026-00001"
    assert fire(task, "issue_report_number") == "reporting"
    assert fire(task, "upload_report") == "closed"


def test_the_status_is_written_to_the_row_as_a_task_status():
    task = a_task()
    fire(task, "submit_application")
    assert task.status is TaskStatus.PLANNING


def test_a_plan_cannot_be_submitted_empty():
    task = a_task(TaskStatus.PLANNING)
    assert not can(task, "submit_plan")
    assert bind(task).submit_plan() is False  # a failed guard leaves the task where it is
    assert task.status == "planning"


def test_a_trigger_from_the_wrong_status_is_an_error():
    task = a_task(TaskStatus.APPLICATION, plan=["line"])
    with pytest.raises(MachineError):
        fire(task, "submit_plan")
    assert task.status == "application"


def test_a_schedule_needs_at_least_one_visit():
    task = a_task(TaskStatus.SCHEDULING, plan=["line"])
    assert not can(task, "submit_schedule")
    task.visits.append("visit")
    assert can(task, "submit_schedule")


def test_delivered_samples_skip_schedule_and_field_work_and_wait_for_the_receipt_check():
    task = a_task(TaskStatus.PLANNING, sampling_needed=False, plan=["line"])
    assert fire(task, "submit_plan") == "review"
    assert not can(task, "submit_sampling")
    task.receipt = SimpleNamespace(confirmed_at=None)
    assert not can(task, "submit_sampling")
    task.receipt.confirmed_at = "2026-01-01T10:00"
    assert fire(task, "submit_sampling") == "reporting"


def test_a_task_without_analysis_is_closed_at_sampling_management_not_reported():
    for status in (TaskStatus.SAMPLING, TaskStatus.REVIEW):
        task = a_task(status, analysis_needed=False, receipt=SimpleNamespace(confirmed_at="x"))
        assert not can(task, "submit_sampling")
        assert fire(task, "close") == "closed"


def test_a_task_with_analysis_cannot_be_closed_before_its_report():
    task = a_task(TaskStatus.SAMPLING)
    assert not can(task, "close")
    task.status = TaskStatus.REPORTING
    assert not can(task, "upload_report")  # the report number comes first


def test_the_plan_can_be_reopened_only_while_nothing_is_scheduled():
    task = a_task(TaskStatus.SCHEDULING, plan=["line"])
    assert fire(task, "reopen_plan") == "planning"
    task = a_task(TaskStatus.SCHEDULING, plan=["line"], visits=["visit"])
    assert not can(task, "reopen_plan")


def test_no_step_can_be_skipped_from_the_application():
    task = a_task(plan=["line"], visits=["visit"], report_number="N")
    allowed = [t for t in TRIGGERS if can(task, t)]
    assert allowed == ["submit_application"]


def test_a_closed_task_moves_no_more():
    task = a_task(TaskStatus.CLOSED, plan=["line"], visits=["visit"], report_number="N")
    assert [t for t in TRIGGERS if can(task, t)] == []


def test_a_status_changed_elsewhere_is_what_the_machine_sees():
    task = a_task()
    bind(task)
    task.status = TaskStatus.SAMPLING  # e.g. the row refreshed from the database
    assert can(task, "submit_sampling") and not can(task, "submit_application")


def test_every_status_has_a_chinese_name_and_every_trigger_names_real_statuses():
    assert set(STATUS_NAMES) == set(TaskStatus)
    statuses = {s.value for s in TaskStatus}
    for t in TRANSITIONS:
        sources = t["source"] if isinstance(t["source"], list) else [t["source"]]
        assert set(sources) <= statuses and (t["dest"] is None or t["dest"] in statuses)
    assert {"submit_sampling", "issue_report_number", "upload_report", "close"} <= set(TRIGGERS)
