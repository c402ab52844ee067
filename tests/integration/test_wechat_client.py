"""The outbound WeChat API client against the fake WeChat API."""
from __future__ import annotations

import pytest
import requests

from bot.menu import MENU
from bot.standin.store import FakeWeChat
from services.wechat.client import TOKEN_KEY, WeChatClient, WeChatError
from tests.conftest import BASE
from tests.support.wsgi_transport import WSGIAdapter


@pytest.fixture
def make_client(app, config, runtime):
    def make() -> tuple[WeChatClient, WSGIAdapter]:
        adapter = WSGIAdapter(app)
        http = requests.Session()
        http.mount(BASE + "/", adapter)
        return WeChatClient(config, runtime.redis, http=http), adapter
    return make


def test_every_worker_shares_one_access_token_from_redis(make_client):
    first, first_calls = make_client()
    second, second_calls = make_client()
    first.send_text("o_a", "你好")
    second.send_text("o_b", "你好")
    fetched = [c for c in first_calls.calls + second_calls.calls if c.endswith("/cgi-bin/token")]
    assert len(fetched) == 1


def test_a_revoked_token_is_fetched_again_once(make_client, runtime):
    wechat, adapter = make_client()
    runtime.redis.set(TOKEN_KEY, "REVOKED")
    wechat.send_text("o_a", "你好")
    assert [c.rsplit("/", 1)[-1] for c in adapter.calls] == ["send", "token", "send"]


def test_calls_go_to_the_configured_base_url(make_client):
    wechat, adapter = make_client()
    wechat.create_menu(MENU)
    assert all(call.startswith("/fake-wechat/") for call in adapter.calls)


def test_a_json_error_body_from_media_get_is_an_error_not_an_image(make_client):
    wechat, _ = make_client()
    with pytest.raises(WeChatError) as error:
        wechat.download_media("NO_SUCH_MEDIA")
    assert error.value.errcode == 40007


def test_media_round_trips_through_the_fake_api(make_client, runtime):
    wechat, _ = make_client()
    media_id = FakeWeChat(runtime.redis).put_media(b"\xff\xd8jpegbytes", "image/jpeg")
    assert wechat.download_media(media_id) == b"\xff\xd8jpegbytes"


def test_an_unreachable_api_is_a_wechat_error_after_the_timeout(config, runtime):
    config.wechat_api_base = "http://127.0.0.1:9/"
    config.wechat_timeout = 0.5
    with pytest.raises(WeChatError):
        WeChatClient(config, runtime.redis).send_text("o_a", "你好")


def test_the_menu_fits_wechat_limits_and_is_created(make_client, runtime):
    wechat, _ = make_client()
    wechat.create_menu(MENU)
    stored = FakeWeChat(runtime.redis).menu()
    assert stored == MENU
    sub = {b["name"]: b for top in MENU["button"] for b in top["sub_button"]}
    assert sub["拍照"]["type"] == "pic_sysphoto" and sub["发送位置"]["type"] == "location_select"
    assert sub["采样任务"]["key"] == "SAMPLING_TASKS" and sub["污染源运维"]["key"] == "OM_TASKS"
