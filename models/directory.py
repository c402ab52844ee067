"""Who is who: agencies, users and their WeChat bindings, the polluter directory (排污单位名录库)."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import AppendOnly, Base, Timestamped, utcnow


class AgencyKind(enum.StrEnum):
    MONITORING = "monitoring"  # 社会环境监测机构
    OM = "om"  # 运维机构
    SELF_MONITORING = "self_monitoring"  # 自主检测排污企业
    SELF_MONITORING_OM = "self_monitoring_om"  # 自主检测&运维排污企业


class FilingStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class Role(enum.StrEnum):
    AGENCY_ADMIN = "agency_admin"
    SAMPLER = "sampler"  # 采样人员
    OM_CREW = "om_crew"  # 运维人员
    TECHNICAL_LEAD = "technical_lead"  # 技术负责人
    QUALITY_LEAD = "quality_lead"  # 质量负责人
    QUALITY_SUPERVISOR = "quality_supervisor"  # 质量监督员
    POLLUTER_CONFIRMER = "polluter_confirmer"  # 排污单位确认人
    REGULATOR = "regulator"  # 管理部门
    SYSTEM_ADMIN = "system_admin"


class PointKind(enum.StrEnum):
    WASTEWATER = "wastewater"  # 废水
    FLUE_GAS = "flue_gas"  # 有组织废气
    FUGITIVE = "fugitive"  # 无组织废气
    NOISE = "noise"  # 噪声


class Agency(Base, Timestamped):
    """A monitoring or O&M agency, or a polluter acting as its own agency (监测机构)."""

    __tablename__ = "agency"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[AgencyKind] = mapped_column(String(32))
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    # whether a filing version is in force (备案通过): only approved agencies run tasks
    filing_status: Mapped[FilingStatus] = mapped_column(String(16), default=FilingStatus.DRAFT)
    # short code used in report system numbers (报告系统编号)
    code: Mapped[str | None] = mapped_column(String(16), unique=True)
    district: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(255))
    legal_representative: Mapped[str | None] = mapped_column(String(64))
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    # the key of the scenario that made it (a scripted world's external reference), else None
    ref: Mapped[str | None] = mapped_column(String(64), unique=True)

    @property
    def self_monitoring(self) -> bool:
        return self.kind in (AgencyKind.SELF_MONITORING, AgencyKind.SELF_MONITORING_OM)


class User(Base, Timestamped):
    """An account of this system; samplers and polluters bind it to their WeChat OpenID."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(String(32))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    polluter_id: Mapped[int | None] = mapped_column(ForeignKey("polluter.id"))
    district: Mapped[str | None] = mapped_column(String(32))
    certificate_valid_until: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    # who checks the password: "local" (this system's hash) or "pollution_source" (the city's 污染源综合管理信息系统)
    auth_source: Mapped[str] = mapped_column(String(24), default="local", server_default="local")
    # a regulator's scope (监管范围): "city" | "district" (with `district`) | "park" (with `park_id`)
    scope: Mapped[str | None] = mapped_column(String(16))
    park_id: Mapped[int | None] = mapped_column(ForeignKey("park.id"))
    post: Mapped[str | None] = mapped_column(String(32))  # a polluter user's post, e.g. 环保负责人
    # a polluter user who manages the polluter's accounts (its first account, made by the administrator)
    manages_accounts: Mapped[bool] = mapped_column(default=False)
    # bumped to end every web session of the account at once (deactivation, a password change or reset)
    session_epoch: Mapped[int] = mapped_column(default=0)
    # set when someone else chose the password (a new account, a reset): the next sign-in must change it
    must_change_password: Mapped[bool] = mapped_column(default=False)

    agency: Mapped[Agency | None] = relationship()
    polluter: Mapped[Polluter | None] = relationship()
    park: Mapped[Park | None] = relationship()  # noqa: F821  (models/accounts.py)
    binding: Mapped[WechatBinding | None] = relationship(back_populates="user")


class ApiToken(Base, Timestamped):
    """A regulator's bearer token for the open API (开放接口), stored as its SHA-256 only; revoked, not deleted."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class WechatBinding(Base, Timestamped):
    """OpenID → user (账户绑定). One OpenID binds one account; one account binds one OpenID."""

    __tablename__ = "wechat_binding"
    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    user: Mapped[User] = relationship(back_populates="binding")


class Period(enum.StrEnum):
    """The period of a self-monitoring frequency: "1次/季度" is count 1, period quarter."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


class Polluter(Base, Timestamped):
    """A polluting unit of the directory (排污单位), with the site's location (GCJ-02, the datum WeChat's
    check-ins arrive in, so fence distances compare like with like) and geofence."""

    __tablename__ = "polluter"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    district: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(255))
    industry: Mapped[str | None] = mapped_column(String(100))  # 行业类别
    latitude: Mapped[float]
    longitude: Mapped[float]
    fence_radius_m: Mapped[int] = mapped_column(default=300)
    # set when the polluter monitors itself (自主检测排污企业): it is then its own agency
    own_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    # the key of the scenario that made it (a scripted world's external reference), else None
    ref: Mapped[str | None] = mapped_column(String(64), unique=True)

    own_agency: Mapped[Agency | None] = relationship()
    points: Mapped[list[MonitoringPoint]] = relationship(back_populates="polluter", order_by="MonitoringPoint.id")
    changes: Mapped[list[DirectoryChange]] = relationship(order_by="DirectoryChange.id.desc()", viewonly=True)


class MonitoringPoint(Base):
    """A monitoring point of a polluter (监测点位), with its own location when known."""

    __tablename__ = "monitoring_point"
    id: Mapped[int] = mapped_column(primary_key=True)
    polluter_id: Mapped[int] = mapped_column(ForeignKey("polluter.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[PointKind] = mapped_column(String(16))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    polluter: Mapped[Polluter] = relationship(back_populates="points")
    factors: Mapped[list[PointFactor]] = relationship(back_populates="point", order_by="PointFactor.id")
    scheme: Mapped[list[SchemeItem]] = relationship(back_populates="point", order_by="SchemeItem.id")

    __table_args__ = (UniqueConstraint("polluter_id", "code"),)


class PointFactor(Base):
    """A factor monitored at a point (监测因子), from the directory."""

    __tablename__ = "point_factor"
    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("monitoring_point.id"))
    name: Mapped[str] = mapped_column(String(64))
    point: Mapped[MonitoringPoint] = relationship(back_populates="factors")


class SchemeItem(Base):
    """One line of a polluter's self-monitoring scheme (自行监测方案): a factor at a point, how often, by which
    method standard, and whether the agency samples or only analyses what the polluter sends (仅分析)."""

    __tablename__ = "scheme_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("monitoring_point.id"))
    factor: Mapped[str] = mapped_column(String(64))
    times: Mapped[int]  # the count of "1次/季度"
    period: Mapped[Period] = mapped_column(String(16))
    method_standard: Mapped[str] = mapped_column(String(200))
    sampling: Mapped[bool]  # 采样 (True) or 仅分析 (False)

    point: Mapped[MonitoringPoint] = relationship(back_populates="scheme")

    __table_args__ = (UniqueConstraint("point_id", "factor"),)


class DirectoryChange(Base, AppendOnly):
    """Who changed a polluter's directory entry, when, how (an import or a correction by hand), and what:
    {field: [old, new]}."""

    __tablename__ = "directory_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    polluter_id: Mapped[int] = mapped_column(ForeignKey("polluter.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: the command line
    source: Mapped[str] = mapped_column(String(16))  # "import" or "correction"
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class Equipment(Base, Timestamped):
    """An agency's sampling instrument (采样设备)."""

    __tablename__ = "equipment"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    name: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(64))
    asset_no: Mapped[str] = mapped_column(String(64))
    factory_no: Mapped[str | None] = mapped_column(String(64))
    calibration_valid_until: Mapped[date | None]
    certificate_path: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship()
