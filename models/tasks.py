"""Contracts and monitoring tasks with their plan (方案) and schedule (采样计划)."""
from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import AppendOnly, Base, Timestamped
from models.directory import Agency, Equipment, MonitoringPoint, Polluter, User


class TaskStatus(enum.StrEnum):
    APPLICATION = "application"  # 委托任务申请
    PLANNING = "planning"  # 方案编制
    SCHEDULING = "scheduling"  # 采样计划
    SAMPLING = "sampling"  # 现场采样
    REVIEW = "review"  # 采样管理
    REPORTING = "reporting"  # 数据报告
    CLOSED = "closed"


class Contract(Base, Timestamped):
    """A service contract between an agency and a polluter (合同), with the terms the notice requires.
    Only a submitted contract can be linked to a task."""

    __tablename__ = "contract"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    polluter_id: Mapped[int] = mapped_column(ForeignKey("polluter.id"))
    code: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | submitted
    parameters: Mapped[str | None] = mapped_column(Text)  # 参数项目
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    frequency: Mapped[str | None] = mapped_column(String(128))  # 周期频次
    sample_source: Mapped[str | None] = mapped_column(String(16))  # 样品获取方式: sampling | delivered
    basis: Mapped[str | None] = mapped_column(Text)  # 监测依据
    report_form: Mapped[str | None] = mapped_column(String(128))  # 报告形式
    subcontracting: Mapped[str | None] = mapped_column(Text)  # 分包信息
    rights_obligations: Mapped[str | None] = mapped_column(Text)  # 权利义务
    billing: Mapped[str | None] = mapped_column(Text)  # 计费方式
    liability: Mapped[str | None] = mapped_column(Text)  # 违约责任
    attachment_path: Mapped[str | None] = mapped_column(String(255))
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    submitted_at: Mapped[datetime | None]

    agency: Mapped[Agency] = relationship()
    polluter: Mapped[Polluter] = relationship()


class MonitoringTask(Base, Timestamped):
    """A monitoring task (监测任务) of an agency on one polluter."""

    __tablename__ = "monitoring_task"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    polluter_id: Mapped[int] = mapped_column(ForeignKey("polluter.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    status: Mapped[TaskStatus] = mapped_column(String(16), default=TaskStatus.APPLICATION)
    address: Mapped[str | None] = mapped_column(String(255))
    # False: analysis of samples the polluter delivers (送样), no field sampling
    sampling_needed: Mapped[bool] = mapped_column(default=True)
    analysis_needed: Mapped[bool] = mapped_column(default=True)
    submitted_at: Mapped[datetime | None]  # 采样管理 submitted
    report_number: Mapped[str | None] = mapped_column(String(40), unique=True)  # 报告系统编号
    report_path: Mapped[str | None] = mapped_column(String(255))
    report_uploaded_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    agency: Mapped[Agency] = relationship()
    polluter: Mapped[Polluter] = relationship()
    contract: Mapped[Contract | None] = relationship()
    events: Mapped[list[TaskEvent]] = relationship(back_populates="task", order_by="TaskEvent.id")
    receipt: Mapped[ReceiptCheck | None] = relationship(back_populates="task")
    client_sampling: Mapped[ClientSampling | None] = relationship(back_populates="task")
    plan: Mapped[list[PlanItem]] = relationship(back_populates="task", order_by="PlanItem.id")
    visits: Mapped[list[Visit]] = relationship(back_populates="task", order_by="Visit.id")

    @property
    def planned_points(self) -> list[MonitoringPoint]:
        seen: dict[int, MonitoringPoint] = {}
        for item in self.plan:
            seen.setdefault(item.point_id, item.point)
        return list(seen.values())


class PlanItem(Base):
    """One line of the plan: point × factor × method × frequency (samples per visit)."""

    __tablename__ = "plan_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("monitoring_task.id"))
    point_id: Mapped[int] = mapped_column(ForeignKey("monitoring_point.id"))
    factor: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(128))
    samples_per_visit: Mapped[int] = mapped_column(default=1)
    container: Mapped[str | None] = mapped_column(String(64))
    preservative: Mapped[str | None] = mapped_column(String(64))
    storage: Mapped[str | None] = mapped_column(String(32))  # 保存条件 during transport (states/holding_times.py)

    task: Mapped[MonitoringTask] = relationship(back_populates="plan")
    point: Mapped[MonitoringPoint] = relationship()


visit_sampler = Table(
    "visit_sampler",
    Base.metadata,
    Column("visit_id", ForeignKey("visit.id"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id"), primary_key=True),
)

visit_equipment = Table(
    "visit_equipment",
    Base.metadata,
    Column("visit_id", ForeignKey("visit.id"), primary_key=True),
    Column("equipment_id", ForeignKey("equipment.id"), primary_key=True),
)


class Visit(Base):
    """A scheduled field visit (采样计划): date, time window, samplers and equipment."""

    __tablename__ = "visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("monitoring_task.id"))
    day: Mapped[date]
    starts: Mapped[time]
    ends: Mapped[time]
    # external reference (a scenario's key), shown on pages and given to other systems
    ref: Mapped[str | None] = mapped_column(String(64), unique=True)

    task: Mapped[MonitoringTask] = relationship(back_populates="visits")
    samplers: Mapped[list[User]] = relationship(secondary=visit_sampler, order_by="User.id")
    equipment: Mapped[list[Equipment]] = relationship(secondary=visit_equipment, order_by="Equipment.id")


class TaskEvent(Base, AppendOnly):
    """Append-only log of every change to a task (who, what, when)."""

    __tablename__ = "task_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("monitoring_task.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    task: Mapped[MonitoringTask] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class ReceiptCheck(Base):
    """送样接收检查: the receipt check of delivered samples (integrity, transport time, storage, labels)."""

    __tablename__ = "receipt_check"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("monitoring_task.id"), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None]

    task: Mapped[MonitoringTask] = relationship(back_populates="receipt")


class ClientSampling(Base):
    """委托方采样记录: for an analysis-only task, who of the client sampled, when and where, with the client's
    sampling record sheets (PDF or photos); required before the report number (seed 000, 3.2.6)."""

    __tablename__ = "client_sampling"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("monitoring_task.id"), unique=True)
    sampled_by: Mapped[str] = mapped_column(String(100))
    sampled_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime]

    task: Mapped[MonitoringTask] = relationship(back_populates="client_sampling")
    recorded_by: Mapped[User | None] = relationship()
    files: Mapped[list[ClientSamplingFile]] = relationship(back_populates="record", order_by="ClientSamplingFile.id")


class ClientSamplingFile(Base):
    """One sampling record sheet of the client (a PDF or a photo), stored under a name of our own."""

    __tablename__ = "client_sampling_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("client_sampling.id"), index=True)
    path: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))  # pdf | jpg | png, judged by the content
    size: Mapped[int]
    uploaded_at: Mapped[datetime]

    record: Mapped[ClientSampling] = relationship(back_populates="files")


class ReportCounter(Base):
    """The last report system number issued per agency and year; numbers are never reused."""

    __tablename__ = "report_counter"
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
