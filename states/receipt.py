"""送样接收检查 — the receipt check of samples the polluter delivers (送样), as one form definition.

The same definition drives the web form (web/formview.py) and the chat Q&A (handlers/receipt.py).
"""
from states.forms import Field, Form, Kind

# choices are written as the form engine normalises input (NFKC: ASCII tilde and comma, °C, no full-width brackets),
# so an answer typed or posted exactly as shown matches
INTEGRITY = ("完好无损", "轻微破损但不影响检测", "破损或泄漏", "数量与送样单不符")
STORAGE = ("冷藏 0~4°C", "常温", "冷冻 -20°C 以下", "避光", "冷藏并避光")
LABELS = ("清晰完整", "部分模糊", "缺失")

RECEIPT_CHECK = Form(
    name="receipt_check",
    title="送样接收检查",
    fields=(
        Field("integrity", "样品完整性", Kind.CHOICE, choices=INTEGRITY),
        Field("transit_hours", "采样至接收时间", Kind.NUMBER, unit="小时", min=0, max=720,
              help="从采样到实验室接收样品经过的时间。"),
        Field("storage", "保存条件", Kind.CHOICE, choices=STORAGE),
        Field("storage_temperature", "保存温度", Kind.NUMBER, unit="°C", min=-40, max=50),
        Field("labels", "标识是否清晰完整", Kind.CHOICE, choices=LABELS),
        Field("sample_count", "样品数量", Kind.NUMBER, unit="个", min=1, max=999),
        Field("received_by", "接收人", Kind.TEXT, max_length=64),
        Field("received_on", "接收日期", Kind.DATE),
        Field("received_time", "接收时间", Kind.TIME),
        Field("remarks", "备注", Kind.TEXT, required=False),
    ),
)

# the receipt check has no context-dependent fields
TAGS: frozenset[str] = frozenset()
