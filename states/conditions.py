"""采样工况 — the plant's operating conditions during sampling, as one form definition.

Adding a field is one line here; the chat, the web form and the record page all follow.
"""
from states.forms import Field, Form, Kind

FLUE_GAS = frozenset({"flue_gas"})
WEATHER = ("晴", "多云", "阴", "雨", "雪", "雾/霾")
RUNNING = ("正常运行", "部分运行", "停运")
FACILITY = ("正常运行", "运行异常", "停运")

WORKING_CONDITIONS = Form(
    name="working_conditions",
    title="采样工况",
    fields=(
        Field("production_load", "生产负荷", Kind.NUMBER, unit="%", min=0, max=120,
              help="当前生产负荷占设计产能的百分比。"),
        Field("main_equipment", "主要生产设备运行情况", Kind.CHOICE, choices=RUNNING),
        Field("treatment_facility", "污染治理设施运行情况", Kind.CHOICE, choices=FACILITY),
        Field("weather", "天气", Kind.CHOICE, choices=WEATHER, only_for=FLUE_GAS),
        Field("air_temperature", "环境气温", Kind.NUMBER, unit="°C", min=-40, max=50, only_for=FLUE_GAS),
        Field("air_pressure", "大气压", Kind.NUMBER, unit="kPa", min=80, max=110, only_for=FLUE_GAS),
        Field("flue_temperature", "烟气温度", Kind.NUMBER, unit="°C", min=0, max=1000, only_for=FLUE_GAS),
        Field("flue_velocity", "烟气流速", Kind.NUMBER, unit="m/s", min=0, max=60, only_for=FLUE_GAS),
        Field("flue_moisture", "烟气含湿量", Kind.NUMBER, unit="%", min=0, max=60, only_for=FLUE_GAS,
              required=False),
        Field("flue_oxygen", "烟气含氧量", Kind.NUMBER, unit="%", min=0, max=21, only_for=FLUE_GAS,
              required=False),
        Field("remarks", "备注", Kind.TEXT, required=False),
    ),
)
