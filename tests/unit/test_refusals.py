"""Every refusal a service raises reads as a Chinese sentence from the one catalogue
(services/texts/refusals.py): a code without a sentence would show the user a bare English code."""
from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import services
from services.core.refusal import Refusal, TripProblem
from services.texts.refusals import SENTENCES, say

SERVICES = Path(services.__file__).parent
# codes the edges answer otherwise: the step's own prompt, a 404, the closed visit's state, the sheet's problems
ANSWERED_OTHERWISE = {("trip", "wrong_step"), ("trip", "trip_closed"), ("om_visit", "wrong_step"),
                      ("om_visit", "visit_closed"), ("om_visit", "check_failed"), ("confirmation", "not_yours")}
# a dead link is worded by the page it was opened on: a trip's or an O&M visit's
LINK_CODES = {"unknown", "superseded", "expired", "used"}


def _refusal_classes() -> dict[str, type[Refusal]]:
    for module in pkgutil.walk_packages([str(SERVICES)], "services."):
        importlib.import_module(module.name)
    found, todo = {}, [Refusal]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("services."):  # not a test's own subclass
                found[sub.__name__] = sub
    return found


def _raised_codes(classes: dict[str, type[Refusal]]) -> set[tuple[str, str, str]]:
    """(class, code, where) of every refusal built with a literal code anywhere in services/."""
    raised = set()
    for path in SERVICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            code = node.args[0]
            if name in classes and isinstance(code, ast.Constant) and isinstance(code.value, str):
                raised.add((name, code.value, f"{path.name}:{node.lineno}"))
    return raised


def test_every_code_a_service_refuses_with_has_a_chinese_sentence():
    classes = _refusal_classes()
    raised = _raised_codes(classes)
    assert len(raised) > 100  # the scan sees the services' refusals
    missing = []
    for name, code, where in raised:
        domain = classes[name].domain
        if (domain, code) in ANSWERED_OTHERWISE:
            continue
        domains = ("trip_link", "om_link") if domain == "confirmation" and code in LINK_CODES else (domain,)
        missing += [(where, d, code) for d in domains if code not in SENTENCES.get(d, {})]
    assert missing == []


def test_every_refusal_class_names_a_section_of_the_catalogue():
    unnamed = [name for name, cls in _refusal_classes().items() if cls.domain not in SENTENCES]
    assert unnamed == []


def test_a_sentence_is_filled_with_the_refusals_details():
    from services.om.om_visits import OmProblem

    assert say(OmProblem("bad_choice", count=8)) == "请回复列表中的序号（1～8）。"
    assert say(TripProblem("photo_needed")) == "本步骤至少需要 1 张照片，请点击“现场 → 拍照”。"


def test_every_sentence_is_chinese():
    english = [(domain, code) for domain, codes in SENTENCES.items() for code, sentence in codes.items()
               if not any("\u4e00" <= ch <= "\u9fff" for ch in sentence)]
    assert english == []


def test_a_page_speaking_for_a_domain_words_its_own_codes_and_falls_back_to_the_refusals_own():
    from services.field.records import RecordsProblem

    assert say(RecordsProblem("receipt_photo_needed"), "receipt_chat") == "确认前请至少发送 1 张样品照片。"
    assert say(RecordsProblem("receipt_photo_needed")) == "请至少上传 1 张样品照片后再确认。"
    assert say(RecordsProblem("photo_rejected", reason="不是图片"), "receipt_chat") == "照片未能保存：不是图片"


# exceptions in services/ that are not a use case saying no to a user: a failure of WeChat's API, a broken
# configuration at start-up, a workbook the directory turns into its own refusal, the development scenarios'
# bilingual problems (they name a JSON path for the developer).
NOT_REFUSALS = {"WeChatError", "ConfigError", "NotAWorkbook", "ScenarioProblem"}


def test_every_exception_a_service_declares_is_a_refusal_with_a_code():
    declared = {}
    for path in SERVICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                    getattr(b, "id", getattr(b, "attr", "")).endswith(("Error", "Exception")) for b in node.bases):
                declared[node.name] = path.name
    plain = {name: where for name, where in declared.items() if name not in NOT_REFUSALS | {"Refusal"}}
    assert plain == {}
    assert set(_refusal_classes()) >= {"UploadRefused", "PhotoRejected", "RowProblem", "FilterError"}


def test_a_form_refusal_words_each_fields_problem_beside_it():
    from services.filing.filings import FormInvalid
    from services.users.accounts import AccountField

    invalid = FormInvalid({"username": AccountField("username_taken"), "day": "请输入如 2026-03-02 的日期。"})
    assert invalid.errors == {"username": "该账号已被使用，请换一个。", "day": "请输入如 2026-03-02 的日期。"}
    assert say(invalid) == "未保存，请按各项的提示修改。"
