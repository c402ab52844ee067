"""The phone-like simulator of the local WeChat stand-in: its page, its inbox and its signed deliveries."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from bot.menu import MENU
from handlers import texts as T

OPENID = "o_demo_sampler1"
HELP_REPLY = T.HELP + T.HELP_CENTRE.format(url="http://emss.test/help")  # the conftest's public base URL
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def seen(app, monkeypatch):
    """(type, CreateTime) of every message the robot was asked to answer, in order."""
    robot, messages = app.extensions["emss.robot"], []
    answer = robot.get_reply

    def spy(message):
        messages.append((message.type, message.time))
        return answer(message)

    monkeypatch.setattr(robot, "get_reply", spy)
    return messages


@pytest.fixture
def send(client, drain):
    def post(openid: str = OPENID, **payload):
        response = client.post("/simulator/api/send", json={"openid": openid, **payload})
        drain()
        return response
    return post


def reply_of(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["reply"]


def bind(send, username: str = "sampler1") -> None:
    assert "请输入您的账号" in reply_of(send(type="click", key="ACCOUNT_INFO"))
    assert "请输入密码" in reply_of(send(type="text", content=username))
    assert "绑定成功" in reply_of(send(type="text", content="demo1234"))


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def assert_error(response, status: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert CHINESE.search(response.get_json()["error"])


def test_page_draws_the_menu_from_the_menu_data(client):
    page = client.get("/simulator").get_data(as_text=True)
    assert "上海市环境监测社会化服务监管" in page
    for button in MENU["button"]:
        assert button["name"] in page
        for sub in button["sub_button"]:
            assert f'data-type="{sub["type"]}"' in page and sub["name"] in page
    for openid in ("o_demo_sampler1", "o_demo_sampler2", "o_demo_selfmon1", "o_demo_polluter"):
        assert openid in page


def test_text_gets_the_reply_and_both_sides_land_in_the_inbox(client, send):
    assert reply_of(send(type="text", content="帮助")) == HELP_REPLY
    inbox = client.get(f"/simulator/api/inbox/{OPENID}").get_json()
    assert [(e["kind"], e["direction"], e["content"]) for e in inbox] == [
        ("text", "out", "帮助"), ("text", "in", HELP_REPLY)]
    assert inbox[0]["at"] <= inbox[1]["at"]


def test_menu_click_then_credentials_bind_the_account(demo_world, send, client):
    bind(send)
    kinds = [(e["kind"], e["direction"]) for e in client.get(f"/simulator/api/inbox/{OPENID}").get_json()]
    assert kinds[:2] == [("event", "out"), ("text", "in")]


def test_location_is_announced_by_the_picker_event(demo_world, send, seen, client):
    assert reply_of(send(type="location", latitude=30.8168, longitude=121.3502, label="厂区内")) == T.UNBOUND
    assert [kind for kind, _ in seen] == ["location_select_event", "location"]
    bind(send)
    assert reply_of(send(type="location", latitude=30.835, longitude=121.35)) == T.NO_TRIP
    entry = client.get(f"/simulator/api/inbox/{OPENID}").get_json()[0]
    assert entry == {**entry, "kind": "location", "direction": "out", "latitude": 30.8168, "longitude": 121.3502,
                     "label": "厂区内"}


def test_photo_goes_to_the_media_store_then_to_the_account(demo_world, send, seen, client, drain, config):
    bind(send)
    seen.clear()
    data = jpeg()
    response = client.post("/simulator/api/send", content_type="multipart/form-data",
                           data={"openid": OPENID, "type": "photo", "photo": (io.BytesIO(data), "p.jpg", "image/jpeg")})
    drain()
    assert reply_of(response) == T.NO_TRIP
    assert [kind for kind, _ in seen] == ["pic_sysphoto_event", "image"]
    image = next(e for e in client.get(f"/simulator/api/inbox/{OPENID}").get_json() if e["kind"] == "image")
    assert image["direction"] == "out"
    token = client.get("/fake-wechat/cgi-bin/token", query_string={
        "grant_type": "client_credential", "appid": config.wechat_app_id,
        "secret": config.wechat_app_secret}).get_json()["access_token"]
    stored = client.get("/fake-wechat/cgi-bin/media/get",
                        query_string={"access_token": token, "media_id": image["media_id"]})
    assert stored.get_data() == data and stored.mimetype == "image/jpeg"
    assert client.get(image["pic_url"]).get_data() == data


def test_quick_clicks_are_two_events_not_a_retry(send, seen):
    assert reply_of(send(type="click", key="HELP")) == HELP_REPLY
    assert reply_of(send(type="click", key="HELP")) == HELP_REPLY
    (_, first), (_, second) = seen
    assert second > first


def test_template_messages_from_the_fake_api_are_received(client, config):
    token = client.get("/fake-wechat/cgi-bin/token", query_string={
        "grant_type": "client_credential", "appid": config.wechat_app_id,
        "secret": config.wechat_app_secret}).get_json()["access_token"]
    client.post("/fake-wechat/cgi-bin/message/template/send", query_string={"access_token": token},
                json={"touser": "o_demo_polluter", "template_id": "TRIP_CONFIRM", "url": "http://emss.test/trips/1",
                      "data": {"keyword1": {"value": "示范任务"}}})
    [entry] = client.get("/simulator/api/inbox/o_demo_polluter").get_json()
    assert entry["kind"] == "template" and entry["direction"] == "in"
    assert entry["data"]["keyword1"]["value"] == "示范任务"


@pytest.mark.parametrize("payload", [
    {"type": "voice"},
    {"type": ["text"]},
    {"openid": "", "type": "text", "content": "帮助"},
    {"openid": "bad openid]]>", "type": "text", "content": "帮助"},
    {"type": "text", "content": "  "},
    {"type": "click"},
    {"type": "location", "latitude": 95, "longitude": 121.35},
    {"type": "location", "latitude": "北纬", "longitude": 121.35},
    {"type": "location", "latitude": True, "longitude": 121.35},
    {"type": "location", "latitude": 30.8},
])
def test_bad_input_is_refused_with_a_reason(client, payload):
    assert_error(client.post("/simulator/api/send", json={"openid": OPENID, **payload}), 400)


def test_bad_bodies_are_refused(client):
    assert_error(client.post("/simulator/api/send", data="不是 JSON", content_type="application/json"), 400)
    assert_error(client.post("/simulator/api/send", data={"openid": OPENID, "type": "photo"},
                             content_type="multipart/form-data"), 400)
    assert_error(client.get("/simulator/api/inbox/no%20such%20user"), 400)


def multipart(boundary: str, photo: bytes) -> bytes:
    """The form by hand: werkzeug's test client spools a large body to a temporary file it never closes."""
    fields = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
              for name, value in (("openid", OPENID), ("type", "photo"))]
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="big.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n").encode()
    return b"".join(fields) + head + photo + f"\r\n--{boundary}--\r\n".encode()


def test_oversized_photo_is_refused(client):
    body = multipart("simboundary", b"\xff" * (25 * 1024 * 1024 + 1))
    response = client.post("/simulator/api/send", data=body,
                           content_type="multipart/form-data; boundary=simboundary")
    assert_error(response, 413)
    assert client.get(f"/simulator/api/inbox/{OPENID}").get_json() == []
