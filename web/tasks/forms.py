"""The task forms: application, a visit of the schedule, a new directory point. The plan is a table of the
polluter's directory factors and is read in the view (one row per factor)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from services.sampling.tasks import CATEGORIES
from services.texts.names import KIND_NAMES


class ChineseForm(FlaskForm):
    """WTForms' own messages in Chinese (Flask-WTF would need Babel for that)."""

    class Meta:
        locales = ["zh"]

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)


def optional_id(value) -> int | None:
    """A select's value as an id; the empty choice is None."""
    return int(value) if value not in (None, "", "None") else None


class ApplicationForm(ChineseForm):
    """委托任务申请."""

    name = StringField("任务名称", validators=[DataRequired("请填写任务名称。"), Length(max=200)])
    category = SelectField("任务类别", choices={c: c for c in CATEGORIES})
    # choices are filled in by the view; the service says why a posted id cannot be used
    polluter_id = SelectField("监测对象（排污单位名录）", coerce=optional_id, validate_choice=False)
    contract_id = SelectField("关联合同（已提交）", coerce=optional_id, validate_choice=False)
    address = StringField("监测地址（留空则为排污单位地址）", validators=[Optional(), Length(max=255)])
    sampling_needed = RadioField("样品获取方式", choices={"1": "现场采样", "0": "仅送样（分析送检样品）"},
                                 default="1")
    analysis_needed = BooleanField("需要实验室分析", default=True)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VisitForm(ChineseForm):
    """One visit of the 采样计划."""

    day = DateField("采样日期", validators=[DataRequired("请选择采样日期。")])
    starts = TimeField("开始时间", validators=[DataRequired("请填写开始时间。")])
    ends = TimeField("结束时间", validators=[DataRequired("请填写结束时间。")])
    # choices are the filing's people and equipment; the service checks validity on the day
    samplers = MultiCheckboxField("采样人员", coerce=int, validate_choice=False)
    equipment = MultiCheckboxField("采样设备", coerce=int, validate_choice=False)


class NewPointForm(ChineseForm):
    """新增点位: only when the polluter's directory entry has no point of that kind."""

    kind = SelectField("点位类型", choices=dict(KIND_NAMES))
    name = StringField("点位名称", validators=[DataRequired("请填写点位名称。"), Length(max=100)])
    factors = StringField("监测因子（用顿号、逗号或空格分隔）", validators=[DataRequired("请填写监测因子。")])
    latitude = FloatField("纬度（可选）", validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField("经度（可选）", validators=[Optional(), NumberRange(-180, 180)])
