"""The monitoring task workflow (监测任务流程) as a state machine over `MonitoringTask.status`.

委托任务申请 → 方案编制 → 采样计划 → 现场采样 → 数据报告 → closed. Tasks on delivered samples (送样,
`sampling_needed` False) skip the schedule and the field work: after the plan they wait at 采样管理 (review)
for the receipt check of the samples. A task with no analysis ends at sampling management (`close`).

The machine is bound to a `TaskFlow`, a thin wrapper whose `status` is the row's column and whose guards
read the row, so the table below is the whole flow. Preconditions that need queries (every trip done and
confirmed) are checked by the use case before it fires the trigger. Diagram: states/task.mmd.
"""
from __future__ import annotations

from transitions import Machine, MachineError

from models.tasks import TaskStatus

S = TaskStatus
TRANSITIONS = [
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
]

# transitions treats Enum members by name; the database holds the values
for _t in TRANSITIONS:
    _t["source"] = [str(s) for s in _t["source"]] if isinstance(_t["source"], list) else str(_t["source"])
    _t["dest"] = None if _t["dest"] is None else str(_t["dest"])

TRIGGERS = sorted({t["trigger"] for t in TRANSITIONS})

# the Chinese names of the statuses, as the panel shows them
STATUS_NAMES = {
    S.APPLICATION: "委托任务申请",
    S.PLANNING: "方案编制",
    S.SCHEDULING: "采样计划",
    S.SAMPLING: "现场采样",
    S.REVIEW: "采样管理",
    S.REPORTING: "数据报告",
    S.CLOSED: "已结束",
}


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
        Machine(model=flow, states=[s.value for s in TaskStatus], transitions=TRANSITIONS,
                initial=str(task.status or S.APPLICATION), model_attribute="status", auto_transitions=False,
                send_event=False)
    return flow


def can(task, trigger: str) -> bool:
    """Whether `trigger` is allowed from the task's status and its guards pass."""
    return getattr(bind(task), f"may_{trigger}")()


__all__ = ["MachineError", "STATUS_NAMES", "TRANSITIONS", "TRIGGERS", "TaskFlow", "bind", "can"]
