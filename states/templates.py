"""The official account's template messages as WeChat's template library defines them: a title, the fields with
their Chinese labels (WeChat shows these labels; the sender only fills the values) and the page the message opens
(详情). One definition used by the sender, the simulator and the tests."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    key: str  # the Config field holding the template id the city's account was given
    title: str
    labels: dict[str, str]  # field → label, in the order WeChat shows them
    page: str  # the page its URL opens: a page name of services/core/links.py (the web layer builds its path)

    def data(self, **values: str) -> dict:
        """The `data` of a send request: every field of the template, in its order."""
        missing = set(self.labels) - set(values)
        if missing:
            raise ValueError(f"template {self.key} needs {sorted(missing)}")
        return {field: {"value": values[field]} for field in self.labels}


TRIP_CONFIRM = Template("wechat_trip_template_id", "采样记录待确认", {
    "keyword1": "采样任务", "keyword2": "排污单位", "keyword3": "采样人员", "keyword4": "离场时间", "keyword5": "说明"},
    page="trip_confirmation")
OM_CONFIRM = Template("wechat_om_template_id", "运维记录待签名确认", {
    "keyword1": "运维计划", "keyword2": "排污单位", "keyword3": "运维人员", "keyword4": "提交时间", "keyword5": "说明"},
    page="om_confirmation")
WORK_NOTICE = Template("wechat_notice_template_id", "工作提醒", {
    "keyword1": "事项", "keyword2": "发送单位", "keyword3": "时间", "keyword4": "内容"},
    page="notices")
TEMPLATES = (TRIP_CONFIRM, OM_CONFIRM, WORK_NOTICE)
