"""The monitoring task workflow (监测任务流程) as a state machine over `MonitoringTask.status`.

委托任务申请 → 方案编制 → 采样计划 → 现场采样 → 数据报告 → closed. Tasks on delivered samples (送样,
`sampling_needed` False) skip the schedule and the field work: after the plan they wait at 采样管理 (review)
for the receipt check of the samples. A task with no analysis ends at sampling management (`close`).

The machine is bound to a `TaskFlow`, a thin wrapper whose `status` is the row's column and whose guards
read the row, so the table below is the whole flow. Preconditions that need queries (every trip done and
confirmed) are checked by the use case before it fires the trigger. Diagram: states/task.mmd.
"""
from __future__ import annotations

from transitions import MachineError

from models.tasks import TaskStatus
from states.machines import as_values, attach, may, state_names

S = TaskStatus
TRANSITIONS = as_values([
    {"trigger": "submit_application", "source": S.APPLICATION, "dest": S.PLANNING},
    {"trigger": "submit_plan", "source": S.PLANNING, "dest": S.SCHEDULING,
     "conditions": ["has_plan", "needs_sampling"]},
    {"trigger": "submit_plan", "source": S.PLANNING, "dest": S.REVIEW, "conditions": "has_plan",
     "unless": "needs_sampling"},
    # back to the plan while nothing is scheduled yet
    {"trigger": "reopen_plan", "source": S.SCHEDULING, "dest": S.PLANNING, "unless": "has_visits"},
    {"trigger": "submit_schedule", "source": S.SCHEDULING, "dest": S.SAMPLING, "conditions": "has_visits"},
    # 提交采样管理: the use case first checks every trip is done and confirmed (or the receipt check is)
    {"trigger": "submit_sampling", "source": S.SAMPLING, "dest": S.REPORTING, "conditions": "needs_analysis"},
    {"trigger": "submit_sampling", "source": S.REVIEW, "dest": S.REPORTING,
     "conditions": ["needs_analysis", "receipt_checked"]},
    {"trigger": "close", "source": [S.SAMPLING, S.REVIEW], "dest": S.CLOSED, "unless": "needs_analysis"},
    # the report system number is recorded on the task; the status stays (internal transition)
    {"trigger": "issue_report_number", "source": S.REPORTING, "dest": None},
    {"trigger": "upload_report", "source": S.REPORTING, "dest": S.CLOSED, "conditions": "has_report_number"},
])

TRIGGERS = sorted({t["trigger"] for t in TRANSITIONS})

# the Chinese names of the statuses, as the panel shows them
STATUS_NAMES = state_names(S, {
    S.APPLICATION: "委托任务申请",
    S.PLANNING: "方案编制",
    S.SCHEDULING: "采样计划",
    S.SAMPLING: "现场采样",
    S.REVIEW: "采样管理",
    S.REPORTING: "数据报告",
    S.CLOSED: "已结束",
})


class TaskFlow:
    """The machine's model: the task row's status, and the guards the transitions table names."""

    def __init__(self, task):
        self.task = task

    @property
    def status(self) -> str:
        return str(self.task.status)

    @status.setter
    def status(self, value: str) -> None:
        self.task.status = TaskStatus(value)

    def has_plan(self) -> bool:
        return bool(self.task.plan)

    def has_visits(self) -> bool:
        return bool(self.task.visits)

    def needs_sampling(self) -> bool:
        return bool(self.task.sampling_needed)

    def needs_analysis(self) -> bool:
        return bool(self.task.analysis_needed)

    def receipt_checked(self) -> bool:
        receipt = self.task.receipt
        return receipt is not None and receipt.confirmed_at is not None

    def has_report_number(self) -> bool:
        return bool(self.task.report_number)


def bind(task) -> TaskFlow:
    """The task's flow with the machine attached (once per loaded row), starting from the stored status."""
    flow = task.__dict__.get("_flow")
    if flow is None:
        flow = task.__dict__["_flow"] = TaskFlow(task)
        attach(flow, S, TRANSITIONS, S.APPLICATION, attribute="status")
    return flow


def can(task, trigger: str) -> bool:
    """Whether `trigger` is allowed from the task's status and its guards pass."""
    return may(bind(task), trigger)


__all__ = ["MachineError", "STATUS_NAMES", "TRANSITIONS", "TRIGGERS", "TaskFlow", "bind", "can"]
