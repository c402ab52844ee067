"""帮助中心 (seed 000, 4): contacts, the operating guide and the FAQ for everyone; feedback answered by the
system administrator; the WeChat HELP reply links to it."""
from __future__ import annotations

import pytest

from models import Feedback, HelpCentre
from tests.conftest import csrf_token


def _post(client, url: str, **form):
    token = csrf_token(client.get("/help").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **form})


@pytest.fixture
def signed_in(client, login, demo_world):
    return login


def test_anyone_reads_the_contacts_the_notice_publishes_the_guide_and_the_faq(client, demo_world):
    page = client.get("/help")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "王大为" in text and "23117310" in text and "zsong@sthj.shanghai.gov.cn" in text
    assert "操作指南" in text and "忘记密码或账号被锁定怎么办？" in text


def test_the_administrator_edits_the_page_and_every_reader_sees_it(client, signed_in, db):
    signed_in("admin1")
    answer = _post(client, "/admin/help", contacts="市环境监测中心 张三 电话：12345678", guide="先绑定，再签到。",
                   faq="问：照片上传失败？\n答：请在信号好的地方重新发送。\n\n问：如何解绑？\n答：回复“解绑”。")
    assert answer.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/help").get_data(as_text=True))})
    text = client.get("/help").get_data(as_text=True)
    assert "张三" in text and "王大为" not in text
    assert "照片上传失败？" in text and "回复“解绑”。" in text
    saved = db.query(HelpCentre).one()
    assert saved.faq == [{"q": "照片上传失败？", "a": "请在信号好的地方重新发送。"},
                         {"q": "如何解绑？", "a": "回复“解绑”。"}]
    assert saved.updated_by.username == "admin1"


def test_a_faq_entry_without_its_answer_is_refused_and_what_was_typed_stays(client, signed_in, db):
    signed_in("admin1")
    answer = _post(client, "/admin/help", contacts="张三 12345678", guide="先绑定。",
                   faq="问：照片上传失败？\n答：重新发送。\n\n问：只有问题没有答案")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "常见问题第 2 条应写成“问：……”换行“答：……”。" in text
    assert "只有问题没有答案" in text  # the administrator's text is in the form, not lost
    assert db.query(HelpCentre).count() == 0


def test_feedback_reaches_the_administrator_and_the_answer_reaches_the_sampler(client, signed_in, db):
    signed_in("sampler1")
    sent = _post(client, "/help/feedback", contact="13800000000", body="签到时一直提示位置获取失败，怎么办？")
    assert sent.status_code == 302
    feedback = db.query(Feedback).one()
    assert feedback.user.username == "sampler1" and feedback.name == feedback.user.display_name
    feedback_id = feedback.id
    db.rollback()  # end the test's read before the app writes (SQLite)

    client.post("/logout", data={"csrf_token": csrf_token(client.get("/help").get_data(as_text=True))})
    signed_in("admin1")
    waiting = client.get("/admin/feedback").get_data(as_text=True)
    assert "签到时一直提示位置获取失败" in waiting and "13800000000" in waiting
    assert _post(client, f"/admin/feedback/{feedback_id}", reply="请在手机设置中允许微信使用定位。").status_code == 302
    assert "签到时一直提示位置获取失败" not in client.get("/admin/feedback").get_data(as_text=True)

    client.post("/logout", data={"csrf_token": csrf_token(client.get("/help").get_data(as_text=True))})
    signed_in("sampler1")
    mine = client.get("/help").get_data(as_text=True)
    assert "请在手机设置中允许微信使用定位。" in mine


def test_feedback_without_a_way_to_answer_is_refused_and_nothing_is_kept(client, demo_world, db):
    answer = _post(client, "/help/feedback", name="李四", contact="", body="系统打不开怎么办？")
    assert answer.status_code == 400
    assert "请填写您的姓名和联系方式" in answer.get_data(as_text=True)
    assert "系统打不开怎么办？" in answer.get_data(as_text=True)
    assert db.query(Feedback).count() == 0


def test_a_flood_of_feedback_from_one_address_is_held_back(client, demo_world, db):
    for n in range(5):
        assert _post(client, "/help/feedback", name="李四", contact="lisi@example.com",
                     body=f"第 {n} 条反馈内容").status_code == 302
    refused = _post(client, "/help/feedback", name="李四", contact="lisi@example.com", body="第 6 条反馈内容")
    assert refused.status_code == 400 and "一小时内提交的反馈较多" in refused.get_data(as_text=True)
    assert db.query(Feedback).count() == 5


def test_only_the_administrator_edits_the_help_centre_or_reads_feedback(client, signed_in):
    assert client.get("/admin/help").status_code == 302  # to the login page
    signed_in("sampler1")
    assert client.get("/admin/help").status_code == 404
    assert client.get("/admin/feedback").status_code == 404


def test_the_wechat_help_reply_links_to_the_help_centre(phone, demo_world):
    reply = phone("o_demo_sampler1").tap("HELP")
    assert "【使用帮助】" in reply
    assert "帮助中心（联系方式、操作指南、常见问题、问题反馈）：http://emss.test/help" in reply
