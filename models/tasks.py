"""Contracts and monitoring tasks with their plan (方案) and schedule (采样计划)."""
from __future__ import annotations

import enum
from datetime import date, time

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped
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
    """A service contract between an agency and a polluter (合同)."""

    __tablename__ = "contract"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    polluter_id: Mapped[int] = mapped_column(ForeignKey("polluter.id"))
    code: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft")


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

    agency: Mapped[Agency] = relationship()
    polluter: Mapped[Polluter] = relationship()
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

    task: Mapped[MonitoringTask] = relationship(back_populates="visits")
    samplers: Mapped[list[User]] = relationship(secondary=visit_sampler, order_by="User.id")
    equipment: Mapped[list[Equipment]] = relationship(secondary=visit_equipment, order_by="Equipment.id")
