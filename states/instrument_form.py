"""新增仪器备案 (seed 001, 附件1): the polluter's registration of an automatic monitoring instrument on one of
its points, as a form definition (the web form and the register's columns come from it).

Tags select what applies: the instrument kind ("analyser" or "auto_sampler"). An analyser states what it
measures, its range and principle and its QC class; an automatic sampler (wastewater points only) does not.
"""
from __future__ import annotations

from states.forms import Field, Form, Kind

ANALYSER = frozenset({"analyser"})
KIND_NAMES = {"analyser": "分析仪器", "auto_sampler": "自动采样器"}
# which QC limits and calibration intervals apply to an analyser (HJ 75-2017, HJ 355-2019, HJ 1286-2023)
ANALYTE_CLASSES = {
    "gas": "气态污染物", "particulate": "颗粒物", "flow": "流速", "o2": "氧含量",
    "codcr": "CODcr", "nh3n": "氨氮", "tp": "总磷", "tn": "总氮", "ph": "pH", "nmhc": "非甲烷总烃",
}
YES, NO = "是", "否"

INSTRUMENT = Form("instrument", "新增仪器备案", (
    Field("name", "仪器名称", Kind.TEXT, max_length=100),
    Field("model", "规格型号", Kind.TEXT, max_length=64),
    Field("manufacturer", "生产厂家", Kind.TEXT, max_length=100),
    Field("serial_no", "出厂编号", Kind.TEXT, max_length=64),
    Field("factors", "测量因子", Kind.TEXT, max_length=199, only_for=ANALYSER,
          help="多个因子用顿号分隔，例如：二氧化硫、氮氧化物"),
    Field("range_low", "量程下限", Kind.NUMBER, min=-1e6, max=1e6, only_for=ANALYSER),
    Field("range_high", "量程上限", Kind.NUMBER, min=-1e6, max=1e6, only_for=ANALYSER),
    Field("unit", "量程单位", Kind.TEXT, max_length=16, only_for=ANALYSER, help="例如：mg/m³、mg/L、m/s、%"),
    Field("principle", "测量原理", Kind.TEXT, max_length=100, only_for=ANALYSER),
    Field("analyte_class", "质控类别", Kind.CHOICE, choices=tuple(ANALYTE_CLASSES.values()), only_for=ANALYSER,
          help="决定校准、核查适用的漂移限值和周期"),
    Field("auto_calibration", "具备自动校准功能", Kind.CHOICE, choices=(YES, NO), only_for=ANALYSER),
    Field("installed_on", "安装日期", Kind.DATE),
    Field("accepted_on", "验收日期", Kind.DATE, required=False),
    Field("dau", "数采仪", Kind.TEXT, max_length=100, required=False, help="数据采集传输仪的型号或编号"),
))


def tags(kind: str) -> frozenset[str]:
    return frozenset({kind})
