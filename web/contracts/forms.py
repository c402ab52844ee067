"""The contract form (合同): the terms the notice requires and the signed contract as a PDF attachment."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from services.sampling.contracts import SAMPLE_SOURCES
from web.tasks.forms import ChineseForm, optional_id

LONG = [Optional(), Length(max=4000)]
SHORT = [Optional(), Length(max=128)]


class ContractForm(ChineseForm):
    code = StringField("合同编号", validators=[Optional(), Length(max=64)])
    # the polluter directory; the service says why a posted id cannot be used
    polluter_id = SelectField("委托方（排污单位名录）", coerce=optional_id, validate_choice=False)
    parameters = TextAreaField("参数项目", validators=LONG)
    period_start = DateField("周期开始日期", validators=[Optional()])
    period_end = DateField("周期结束日期", validators=[Optional()])
    frequency = StringField("频次", validators=SHORT)
    sample_source = SelectField("样品获取方式", choices={"": "请选择", **SAMPLE_SOURCES})
    basis = TextAreaField("监测依据", validators=LONG)
    report_form = StringField("报告形式", validators=SHORT)
    subcontracting = TextAreaField("分包信息（无分包可留空）", validators=LONG)
    rights_obligations = TextAreaField("权利义务", validators=LONG)
    billing = TextAreaField("计费方式", validators=LONG)
    liability = TextAreaField("违约责任", validators=LONG)
    attachment = FileField("合同附件（PDF，不超过 20 MB）")

