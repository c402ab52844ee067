"""What a filing (备案) contains, as form definitions: basic information, personnel, equipment, capabilities,
and for O&M agencies (运维机构, 附件2 §2 of the O&M guide) vehicles and spare parts.

One definition drives the web form (web/formview.py), the snapshot a version freezes and the reviewer's diff.
Fields and sections meant for one agency kind carry `only_for` tags (`TAGS` below): O&M agencies reuse the
basic, personnel and equipment forms with their own fields switched on (registered capital, project amounts,
technical role), file vehicles and spare parts instead of monitoring capabilities, and go through the same
versions and two-stage review.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.directory import AgencyKind
from states.forms import Field, Form, Kind

MONITORING = frozenset({"monitoring"})
OM = frozenset({"om"})  # agencies doing O&M, an O&M agency or a polluter doing its own (自主检测&运维)
# an O&M agency proper: O&M contracts with polluters, vehicles to reach their sites, spare parts in stock
OM_AGENCY = frozenset({"om_agency"})

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
TAGS = {
    AgencyKind.MONITORING: frozenset({"monitoring"}),
    AgencyKind.SELF_MONITORING: frozenset({"monitoring"}),
    AgencyKind.SELF_MONITORING_OM: frozenset({"monitoring", "om"}),
    AgencyKind.OM: OM | OM_AGENCY,
}

BASIC = Form("filing_basic", "基本信息", (
    Field("district", "所在区", Kind.CHOICE, choices=DISTRICTS),
    Field("address", "注册地址", Kind.TEXT, max_length=255),
    Field("legal_representative", "法定代表人", Kind.TEXT, max_length=64),
    Field("contact_name", "联系人", Kind.TEXT, max_length=64),
    Field("contact_phone", "联系电话", Kind.TEXT, max_length=32),
    Field("lab_address", "实验室地址", Kind.TEXT, required=False, max_length=255, only_for=MONITORING),
    Field("qualification_no", "检验检测机构资质认定证书编号", Kind.TEXT, required=False, max_length=64,
          only_for=MONITORING),
    Field("registered_capital", "注册资本", Kind.NUMBER, unit="万元", min=0, max=10_000_000, only_for=OM_AGENCY),
    Field("om_project_amount", "在运维项目合同金额", Kind.NUMBER, unit="万元", min=0, max=10_000_000,
          only_for=OM_AGENCY),
    Field("om_project_count", "在运维项目数量", Kind.NUMBER, unit="个", min=0, max=100_000, only_for=OM_AGENCY),
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
    Field("technical_role", "技术岗位", Kind.CHOICE, choices=TECHNICAL_ROLES, only_for=OM),
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

# Vehicle.ownership as stored, and as the form and the filed versions show it
OWNERSHIP = {"owned": "自有", "leased": "租赁"}
VEHICLE = Form("filing_vehicle", "运维车辆", (
    Field("plate", "车牌号", Kind.TEXT, max_length=16, help="例如 沪A12345 或新能源车牌 沪AD12345"),
    Field("ownership", "车辆性质", Kind.CHOICE, choices=tuple(OWNERSHIP.values())),
    Field("lessee", "租赁合同承租方", Kind.TEXT, required=False, max_length=150,
          help="租赁车辆必填：须为本机构名称（以公司名义签订的租赁合同）"),
    Field("lease_start", "租赁起始日期", Kind.DATE, required=False, help="租赁车辆必填：不得晚于运维合同起始日期"),
    Field("lease_end", "租赁截止日期", Kind.DATE, required=False, help="租赁车辆必填：不得早于运维合同截止日期"),
))

SPARE_PART = Form("filing_spare_part", "运维备品备件", (
    Field("name", "备品备件名称", Kind.TEXT, max_length=100),
    Field("quantity", "数量", Kind.NUMBER, unit="件", min=1, max=100_000),
    Field("value_yuan", "金额", Kind.NUMBER, unit="元", min=0, max=100_000_000),
    Field("location", "放置位置", Kind.TEXT, max_length=200),
))


@dataclass(frozen=True)
class Section:
    """A list a version freezes: its form, the fields that name an entry, whether it has a certificate, which
    agency kinds file it, what the snapshot adds beyond the form and which other files an entry carries."""

    key: str
    form: Form
    title_fields: tuple[str, ...]
    certificate: str = ""  # what the uploaded certificate is called, when the entry has one
    only_for: frozenset[str] = frozenset()  # agency tags that file this section (none: every kind)
    extra: tuple[Field, ...] = ()  # shown and compared like form fields, filled in by the service
    uploads: tuple[tuple[str, str], ...] = ()  # (file, label) besides the certificate; stored as `<file>_path`

    def applies(self, tags: frozenset[str]) -> bool:
        return not self.only_for or bool(self.only_for & tags)

    @property
    def files(self) -> tuple[tuple[str, str], ...]:
        """Every uploaded file of an entry as (file, label): the snapshot keeps `<file>_path` for each."""
        return ((("certificate", self.certificate),) if self.certificate else ()) + self.uploads

    def columns(self, tags: frozenset[str]) -> list[Field]:
        """What a filed entry shows for an agency with `tags`: its form's applicable fields, then the extras."""
        return self.form.applicable(tags) + list(self.extra)


SECTIONS = (
    Section("staff", STAFF, ("name",), certificate="人员证书"),
    Section("equipment", EQUIPMENT, ("name", "asset_no"), certificate="检定/校准证书"),
    Section("capabilities", CAPABILITY, ("factor", "method"), only_for=MONITORING),
    Section("vehicles", VEHICLE, ("plate",), only_for=OM_AGENCY,
            extra=(Field("contract", "租赁覆盖的运维合同", Kind.TEXT, required=False),),
            uploads=(("licence", "行驶证"), ("lease", "租赁合同"))),
    Section("spare_parts", SPARE_PART, ("name", "location"), only_for=OM_AGENCY),
)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}


def tags_of(kind: str) -> frozenset[str]:
    return TAGS.get(kind, frozenset())


def sections_of(kind: str) -> tuple[Section, ...]:
    """The sections an agency of this kind files: capabilities for monitoring, vehicles and spare parts for O&M."""
    tags = tags_of(kind)
    return tuple(s for s in SECTIONS if s.applies(tags))

