"""The five O&M record sheets (运维记录单) as forms: one definition drives the chat Q&A, the mobile page, the
record page, the printed PDF and the export. Fields after ../shared/docs/om-forms.md (HJ 75-2017, HJ 355-2019).

Tags select what applies: the point kind ("flue_gas" or "wastewater") of the sheet's instrument.
Every sheet also carries the site, point, instrument, visit, time, staff, photos and the polluter's signature:
those are columns and rows of the visit, not questions.
"""
from __future__ import annotations

from datetime import date

from states.forms import Field, Form, Kind

GAS = frozenset({"flue_gas"})
WATER = frozenset({"wastewater"})
STATUS = ("正常", "异常")
YES_NO = ("是", "否")


def _item(name: str, label: str, only_for: frozenset[str]) -> Field:
    """An inspection item: normal or abnormal."""
    return Field(name, label, Kind.CHOICE, choices=STATUS, only_for=only_for)


def _reading(name: str, label: str, help: str = "") -> Field:
    return Field(name, label, Kind.NUMBER, min=-1e6, max=1e6, help=help)


DAILY_INSPECTION = Form("daily_inspection", "日常巡检记录单", (
    # flue-gas CEMS (HJ 75-2017)
    _item("probe", "采样探头及伴热管线", GAS),
    Field("heat_trace_temp", "伴热管线温度", Kind.NUMBER, unit="°C", min=0, max=300, only_for=GAS),
    Field("cooler_temp", "除湿（制冷）器温度", Kind.NUMBER, unit="°C", min=-10, max=40, only_for=GAS),
    _item("condensate", "冷凝水排水", GAS),
    _item("pump_filters", "采样泵及过滤器", GAS),
    _item("blowback", "反吹系统", GAS),
    Field("sample_flow", "采样流量", Kind.NUMBER, unit="L/min", min=0, max=20, only_for=GAS),
    _item("gas_analyser", "分析仪运行状态及报警", GAS),
    Field("cylinder_pressure", "标准气体钢瓶压力", Kind.NUMBER, unit="MPa", min=0, max=15, only_for=GAS),
    Field("cylinder_expiry", "标准气体有效期至", Kind.DATE, only_for=GAS),
    # water online analysers (HJ 355-2019)
    _item("sampling_pump", "采水泵及管路", WATER),
    _item("pretreatment", "水样预处理单元", WATER),
    Field("reagent_left", "试剂余量", Kind.NUMBER, unit="mL", min=0, max=100000, only_for=WATER),
    Field("reagent_prepared", "试剂配制日期", Kind.DATE, only_for=WATER),
    Field("reagent_expiry", "试剂有效期至", Kind.DATE, only_for=WATER),
    _item("waste_liquid", "废液收集容器", WATER),
    _item("water_analyser", "分析仪运行状态及报警", WATER),
    Field("sampler_fridge_temp", "自动采样器冷藏温度", Kind.NUMBER, unit="°C", min=-10, max=30, only_for=WATER),
    _item("sample_bottles", "自动采样器采样瓶", WATER),
    _item("hygiene", "站房卫生", WATER),
    # both
    _item("dau_online", "数采仪在线及时钟正确", frozenset()),
    Field("shelter_temp", "站房温度", Kind.NUMBER, unit="°C", min=-20, max=50),
    Field("shelter_humidity", "站房湿度", Kind.NUMBER, unit="%", min=0, max=100),
    _item("power_aircon", "供电及空调", frozenset()),
    Field("data_consistent", "分析仪、工控机与数采仪数据一致", Kind.CHOICE, choices=("一致", "不一致")),
    Field("abnormality", "异常情况及处理", Kind.TEXT, required=False, max_length=500),
    Field("remarks", "备注", Kind.TEXT, required=False, max_length=500),
))


def _check(prefix: str, label: str, gas: str) -> tuple[Field, ...]:
    """Zero or span check columns (零点/量程核查); the drift itself is computed (services/om/qc.py)."""
    return (
        Field(f"{prefix}_gas", f"{label}{gas}值", Kind.NUMBER, min=0, max=1e6),
        _reading(f"{prefix}_last_after", f"上次校准后{label}读数"),
        _reading(f"{prefix}_before", f"本次校准前{label}读数"),
        Field(f"{prefix}_calibrated", f"{label}校准是否正常", Kind.CHOICE, choices=YES_NO),
        _reading(f"{prefix}_after", f"校准后{label}读数"),
    )


CALIBRATION = Form("calibration", "校准记录单", (
    Field("analyte", "分析项目", Kind.TEXT, max_length=32, help="如 SO2、NOx、颗粒物、CODcr、氨氮"),
    Field("principle", "分析仪原理", Kind.TEXT, required=False, max_length=64),
    Field("range_low", "量程下限", Kind.NUMBER, min=-1e6, max=1e6),
    Field("range_high", "量程上限（满量程）", Kind.NUMBER, min=0, max=1e6),
    Field("unit", "计量单位", Kind.TEXT, max_length=16, help="如 mg/m³、mg/L"),
    Field("standard_name", "标准气体/溶液名称", Kind.TEXT, max_length=64),
    Field("standard_certificate", "标准物质证书编号", Kind.TEXT, max_length=64, help="没有证书时填“无”"),
    Field("standard_concentration", "标准物质浓度", Kind.NUMBER, min=0, max=1e6),
    Field("standard_expiry", "标准物质有效期至", Kind.DATE),
    *_check("zero", "零点", "气（液）"),
    *_check("span", "量程", "标气（标液）"),
    # 标准溶液核查记录 (water, HJ 355-2019)
    Field("check_standard", "标准溶液核查：标准浓度", Kind.NUMBER, min=0, max=1e6, only_for=WATER,
          required=False),
    Field("check_measured", "标准溶液核查：测定结果", Kind.NUMBER, min=0, max=1e6, only_for=WATER, required=False),
    Field("remarks", "备注", Kind.TEXT, required=False, max_length=500),
))

REPAIR = Form("repair", "维修记录单", (
    Field("fault_date", "故障发现日期", Kind.DATE),
    Field("fault_time", "故障发现时间", Kind.TIME),
    Field("symptom", "故障现象", Kind.TEXT, max_length=300),
    Field("cause", "故障原因", Kind.TEXT, max_length=300),
    Field("parts_replaced", "更换部件（备品备件）", Kind.TEXT, required=False, max_length=200),
    Field("repair_done", "维修内容", Kind.TEXT, max_length=500),
    Field("invalid_from", "数据无效时段：开始（日期 时间）", Kind.TEXT, required=False, max_length=32,
          help="如 2024-06-01 08:00"),
    Field("invalid_to", "数据无效时段：结束（日期 时间）", Kind.TEXT, required=False, max_length=32),
    Field("restored_time", "恢复正常时间", Kind.TIME),
    Field("verification", "维修后校验（校准）情况", Kind.TEXT, max_length=300),
    Field("remarks", "备注", Kind.TEXT, required=False, max_length=500),
))

CONSUMABLES = Form("consumables", "易耗品更换记录单", (
    Field("item", "更换物品", Kind.CHOICE,
          choices=("过滤器", "泵膜", "管路", "干燥剂", "试剂瓶", "紫外灯", "其他")),
    Field("specification", "规格型号", Kind.TEXT, max_length=64),
    Field("quantity", "数量", Kind.NUMBER, min=1, max=1000),
    Field("reason", "更换原因", Kind.CHOICE, choices=("定期更换", "磨损", "故障")),
    Field("old_batch", "原批号", Kind.TEXT, required=False, max_length=64),
    Field("new_batch", "新批号", Kind.TEXT, required=False, max_length=64),
    Field("remarks", "备注", Kind.TEXT, required=False, max_length=500),
))

STANDARD_MATERIALS = Form("standard_materials", "标准物质更换记录单", (
    Field("material", "标准物质类型", Kind.CHOICE, choices=("标准气体", "标准溶液")),
    Field("name", "名称", Kind.TEXT, max_length=64),
    Field("component", "组分", Kind.TEXT, max_length=64),
    Field("concentration", "浓度", Kind.NUMBER, min=0, max=1e6),
    Field("uncertainty", "不确定度", Kind.NUMBER, unit="%", min=0, max=100),
    Field("manufacturer", "生产厂家", Kind.TEXT, max_length=100),
    Field("certificate_no", "证书编号", Kind.TEXT, max_length=64, help="没有证书时填“无”"),
    Field("bottle_no", "钢瓶/瓶号", Kind.TEXT, max_length=64),
    Field("produced_on", "生产日期", Kind.DATE),
    Field("expires_on", "有效期至", Kind.DATE),
    Field("old_bottle_no", "更换下的钢瓶/瓶号", Kind.TEXT, required=False, max_length=64),
    Field("old_remaining", "更换下的剩余压力/体积", Kind.TEXT, required=False, max_length=32,
          help="如 0.5 MPa 或 50 mL"),
    Field("remarks", "备注", Kind.TEXT, required=False, max_length=500),
))

SHEETS: dict[str, Form] = {form.name: form for form in
                           (DAILY_INSPECTION, CALIBRATION, REPAIR, CONSUMABLES, STANDARD_MATERIALS)}


def sheet_tags(sheet) -> frozenset[str]:
    """Which fields of a filled sheet's form apply: the kind of its point ("flue_gas" / "wastewater"). The
    sheet's own point comes first — it is what the sheet was filled for, and stays so if the instrument is
    registered on another point later; a sheet without one (its instrument not yet chosen) has no kind yet,
    unless its instrument has a point."""
    point = sheet.point or (sheet.instrument.point if sheet.instrument is not None else None)
    return frozenset({str(point.kind)}) if point is not None else frozenset()


def prefilled(form: Form, instrument) -> dict:
    """Answers known before anyone types, from the instrument register (仪器备案): the crew confirms them in
    the summary instead of retyping them in the rain."""
    if form is not CALIBRATION or instrument is None:
        return {}
    known = {"principle": instrument.principle, "range_low": instrument.range_low,
             "range_high": instrument.range_high, "unit": instrument.unit}
    return {name: int(value) if isinstance(value, float) and value.is_integer() else value
            for name, value in known.items() if value is not None}


def cross_check(form: Form, answers: dict, day: date) -> list[str]:
    """What is wrong across fields of a filled sheet, in Chinese, checked at its summary before it is confirmed
    (one field at a time cannot see these). `day` is the visit day. Empty when the sheet may be confirmed."""
    problems = []
    low, high = answers.get("range_low"), answers.get("range_high")
    if form is CALIBRATION and low is not None and high is not None and high <= low:
        problems.append(f"量程上限（{high}）必须大于量程下限（{low}），请修改。")
    if form is STANDARD_MATERIALS:
        expires, produced = answers.get("expires_on"), answers.get("produced_on")
        if expires and date.fromisoformat(expires) < day:
            problems.append(f"新换上的标准物质已于 {expires} 过期，过期的标准物质不能使用，不能确认本记录单。"
                            "请更换在有效期内的标准物质，并修改“有效期至”等信息。")
        if expires and produced and date.fromisoformat(produced) > date.fromisoformat(expires):
            problems.append(f"生产日期（{produced}）晚于有效期（{expires}），请核对。")
    return problems
