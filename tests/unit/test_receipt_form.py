"""The receipt check's form definition (送样接收检查), with no database."""
import unicodedata

from states import forms
from states.receipt import RECEIPT_CHECK, TAGS
from web import formview


def test_every_choice_is_matched_when_typed_or_posted_exactly_as_shown():
    for field in RECEIPT_CHECK.fields:
        for choice in field.choices:
            assert unicodedata.normalize("NFKC", choice) == choice
            assert forms.parse(field, choice) == choice


def test_the_chat_asks_every_field_in_order_and_ends_with_a_summary():
    answers: dict = {}
    for reply in ("1", "6 小时", "1", "3.5", "1", "4", "陈静", "2026-03-02", "14:30", "跳过"):
        answers = forms.answer(RECEIPT_CHECK, answers, TAGS, reply)
    assert forms.current_field(RECEIPT_CHECK, answers, TAGS) is None
    assert answers["transit_hours"] == 6 and answers["storage"] == "冷藏 0~4°C" and answers["remarks"] is None
    assert "保存温度：3.5 °C" in forms.summary(RECEIPT_CHECK, answers, TAGS)


def test_the_web_form_parses_back_to_the_same_answers_and_names_each_refusal():
    posted = {"f_integrity": "完好无损", "f_transit_hours": "800", "f_storage": "冷藏 0~4°C",
              "f_storage_temperature": "", "f_labels": "不存在", "f_sample_count": "4", "f_received_by": "陈静",
              "f_received_on": "2026-03-02", "f_received_time": "14:30"}
    answers, errors = formview.parse_posted(RECEIPT_CHECK, TAGS, posted)
    assert set(errors) == {"transit_hours", "storage_temperature", "labels"}
    assert answers["storage"] == "冷藏 0~4°C" and answers["remarks"] is None
    shown = formview.widgets(RECEIPT_CHECK, TAGS, typed=posted, errors=errors)
    assert [w.value for w in shown][:2] == ["完好无损", "800"] and shown[1].error.startswith("请输入 0～720")
