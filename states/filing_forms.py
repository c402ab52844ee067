"""What a filing (备案) contains, as form definitions: basic information, personnel, equipment, capabilities.

One definition drives the web form (web/formview.py), the snapshot a version freezes and the reviewer's diff.
Fields meant for one agency kind carry `only_for` tags (`TAGS` below): O&M agencies (运维机构) reuse these
forms with their own fields switched on, and add their sections (vehicles, spare parts) beside them.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.directory import AgencyKind
from states.forms import Field, Form, Kind

OM = frozenset({"om"})

DISTRICTS = ("黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区", "宝山区", "嘉定区",
             "浦东新区", "金山区", "松江区", "青浦区", "奉贤区", "崇明区")
EDUCATION = ("博士研究生", "硕士研究生", "本科", "大专", "中专/高中", "其他")
TECHNICAL_ROLES = ("运维人员", "技术负责人", "质量负责人", "质量监督员")

KIND_LABELS = {
    AgencyKind.MONITORING: "社会环境监测机构",
    AgencyKind.SELF_MONITORING: "自主检测排污企业",
    AgencyKind.SELF_MONITORING_OM: "自主检测&运维排污企业",
    AgencyKind.OM: "运维机构",
}
# kinds that can register now; O&M agencies come with the O&M filing
REGISTRABLE = (AgencyKind.MONITORING, AgencyKind.SELF_MONITORING, AgencyKind.SELF_MONITORING_OM)
TAGS = {
    AgencyKind.MONITORING: frozenset({"monitoring"}),
    AgencyKind.SELF_MONITORING: frozenset({"monitoring"}),
    AgencyKind.SELF_MONITORING_OM: frozenset({"monitoring", "om"}),
    AgencyKind.OM: OM,
}

BASIC = Form("filing_basic", "基本信息", (
    Field("district", "所在区", Kind.CHOICE, choices=DISTRICTS),
    Field("address", "注册地址", Kind.TEXT, max_length=255),
    Field("legal_representative", "法定代表人", Kind.TEXT, max_length=64),
    Field("contact_name", "联系人", Kind.TEXT, max_length=64),
    Field("contact_phone", "联系电话", Kind.TEXT, max_length=32),
    Field("lab_address", "实验室地址", Kind.TEXT, required=False, max_length=255),
    Field("qualification_no", "检验检测机构资质认定证书编号", Kind.TEXT, required=False, max_length=64),
    Field("introduction", "机构简介", Kind.TEXT, required=False, max_length=500),
))
# basic information the Agency row carries once a version is approved (name and credit code come from
# the identity provider and are not edited here)
AGENCY_COLUMNS = ("district", "address", "legal_representative", "contact_name", "contact_phone")

STAFF = Form("filing_staff", "人员", (
    Field("name", "姓名", Kind.TEXT, max_length=64),
    Field("id_number", "身份证号", Kind.TEXT, max_length=18),
    Field("education", "学历", Kind.CHOICE, choices=EDUCATION, required=False),
    Field("post", "岗位", Kind.TEXT, max_length=64),
    Field("title", "职称", Kind.TEXT, required=False, max_length=64),
    Field("technical_role", "技术岗位", Kind.CHOICE, choices=TECHNICAL_ROLES, required=False, only_for=OM),
    Field("certificate_no", "上岗/能力证书编号", Kind.TEXT, max_length=64),
    Field("certificate_authority", "发证机关", Kind.TEXT, required=False, max_length=128),
    Field("certificate_category", "证书类别", Kind.TEXT, required=False, max_length=64),
    Field("certificate_valid_until", "证书有效期至", Kind.DATE),
))

EQUIPMENT = Form("filing_equipment", "设备", (
    Field("name", "设备名称", Kind.TEXT, max_length=100),
    Field("model", "规格型号", Kind.TEXT, max_length=64),
    Field("asset_no", "资产编号", Kind.TEXT, max_length=64),
    Field("factory_no", "出厂编号", Kind.TEXT, required=False, max_length=64),
    Field("calibration_valid_until", "检定/校准有效期至", Kind.DATE),
))

CAPABILITY = Form("filing_capability", "监测能力", (
    Field("factor", "监测项目（因子）", Kind.TEXT, max_length=64),
    Field("method", "方法标准", Kind.TEXT, max_length=128),
))


@dataclass(frozen=True)
class Section:
    """A list a version freezes: its form, the fields that name an entry, and whether it has a certificate."""

    key: str
    form: Form
    title_fields: tuple[str, ...]
    certificate: str = ""  # what the uploaded certificate is called, when the entry has one


SECTIONS = (
    Section("staff", STAFF, ("name",), certificate="人员证书"),
    Section("equipment", EQUIPMENT, ("name", "asset_no"), certificate="检定/校准证书"),
    Section("capabilities", CAPABILITY, ("factor", "method")),
)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}


def tags_of(kind: str) -> frozenset[str]:
    return TAGS.get(kind, frozenset())

