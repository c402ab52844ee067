from tests.e2e import trip_script as script


def test_sampler_completes_a_whole_trip_and_the_polluter_is_notified(demo_world, phone, client):
    sampler = phone("o_sampler1")
    reply = script.whole_trip(sampler)
    assert "已提交" in reply, reply
    inbox = client.get("/fake-wechat/_inbox/o_demo_polluter")
    assert inbox.status_code in (200, 404)
