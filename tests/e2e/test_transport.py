"""运输保存 in chat: after the departure photos the sampler confirms (or changes) how the samples for the laboratory
are packed — prefilled from the plan — and says when they left the site."""
from __future__ import annotations

from datetime import time

from sqlalchemy import select, update

from models import PlanItem, Sample, SamplingTrip, clock
from tests.e2e import trip_script as script
from tests.support.images import jpeg


def _at_departure_photos(sampler) -> str:
    """From binding to the departure photo taken: the reply to 1 is the step after it."""
    script.bind(sampler)
    script.start(sampler)
    script.arrive(sampler)
    script.sample_all_points(sampler)
    script.fill_conditions(sampler)
    sampler.text("1")
    sampler.location(*script.SITE)
    sampler.photo(jpeg(50))
    return sampler.text("1")


def _samples(runtime) -> dict[str, Sample]:
    with runtime.sessions() as s:
        return {x.factor: x for x in s.scalars(select(Sample))}


def _set_clock(client, hour: int, minute: int) -> None:
    now = clock.at_local(clock.today(), time(hour, minute))
    assert client.put("/fake-wechat/clock", json={"now": now.isoformat()}).status_code == 200


def test_the_plans_packing_is_shown_changed_per_group_and_confirmed_with_the_time_the_samples_left(
        demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    shown = _at_departure_photos(sampler)
    assert "【运输保存】" in shown
    assert "1. " in shown and "化学需氧量" in shown and "玻璃瓶 500 mL" in shown and "冷藏(0–4℃)" in shown
    assert "颗粒物" in shown and "滤筒" in shown and "pH值" not in shown  # measured on site: nothing travels

    changed = sampler.text("1 避光冷藏")
    assert "保存条件：避光冷藏(0–4℃)" in changed and "【运输保存】" in changed
    assert "保存剂：无" in sampler.text("2 保存剂 无")
    assert "容器：棕色玻璃瓶" in sampler.text("1 容器 棕色玻璃瓶")

    assert "保存条件请选择：1 常温 2 冷藏(0–4℃)" in sampler.text("1 热")
    assert "请回复组号（1～3）或样品编号" in sampler.text("9 冷藏")
    assert "样品离开现场" in sampler.text("确认")
    review = sampler.text("现在")
    assert "已记录样品离场时间" in review and "【提交前核对】" in review and "运输保存：样品离场" in review
    assert "容器 棕色玻璃瓶｜保存剂 加硫酸至 pH<2｜避光冷藏(0–4℃)" in review
    assert "已提交" in sampler.text("1")

    samples = _samples(runtime)
    cod, ammonia, dust = samples["化学需氧量"], samples["氨氮"], samples["颗粒物"]
    assert (cod.container, cod.preservative, cod.storage) == ("棕色玻璃瓶", "加硫酸至 pH<2", "避光冷藏(0–4℃)")
    assert (ammonia.container, ammonia.preservative, ammonia.storage) == ("聚乙烯瓶 500 mL", None, "冷藏(0–4℃)")
    assert (dust.container, dust.storage) == ("滤筒", "常温")
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip)).one()
        assert trip.samples_left_at is not None
        assert [e.action for e in trip.events].count("transport") == 3


def test_one_sample_is_changed_by_its_code_and_listed_under_its_group(demo_world, phone, runtime):
    with runtime.sessions() as s:
        s.execute(update(PlanItem).where(PlanItem.factor == "氨氮").values(samples_per_visit=2))
        s.commit()
    sampler = phone("o_sampler1")
    _at_departure_photos(sampler)
    with runtime.sessions() as s:
        first, second = s.scalars(select(Sample.code).where(Sample.factor == "氨氮").order_by(Sample.id))
    changed = sampler.text(f"{second} 冷冻")
    assert f"已修改 {second} 的保存条件：冷冻(-20℃)。" in changed
    assert f"2. {first}、{second}（氨氮）\n   容器 聚乙烯瓶 500 mL｜保存剂 加硫酸至 pH<2｜冷藏(0–4℃)" in changed
    assert f"· {second}：容器 聚乙烯瓶 500 mL｜保存剂 加硫酸至 pH<2｜冷冻(-20℃)" in changed


def test_a_plan_line_without_a_storage_condition_must_be_answered_before_confirming(demo_world, phone, runtime):
    with runtime.sessions() as s:
        s.execute(update(PlanItem).where(PlanItem.factor == "颗粒物").values(storage=None))
        s.commit()
    sampler = phone("o_sampler1")
    shown = _at_departure_photos(sampler)
    assert "保存条件未填写" in shown
    refused = sampler.text("确认")
    assert "第 3 组尚未填写保存条件，请先回复如“3 冷藏”" in refused
    assert "样品离开现场" not in refused
    sampler.text("3 1")
    assert "样品离开现场" in sampler.text("确认")
    assert _samples(runtime)["颗粒物"].storage == "常温"


def test_the_time_the_samples_left_is_neither_before_the_last_sampling_nor_in_the_future(
        demo_world, phone, runtime, client):
    _set_clock(client, 15, 0)
    sampler = phone("o_sampler1")
    _at_departure_photos(sampler)
    sampler.text("确认")
    assert "早于最后一个样品的采样时间 15:00" in sampler.text("14:30")
    assert "样品离场时间不能晚于现在" in sampler.text("15:30")
    assert "时间格式不正确" in sampler.text("下午")
    assert "已记录样品离场时间" in sampler.text("15:00")
    with runtime.sessions() as s:
        assert clock.local(s.scalars(select(SamplingTrip)).one().samples_left_at).strftime("%H:%M") == "15:00"


def test_back_from_the_review_returns_to_the_time_and_the_packing(demo_world, phone):
    sampler = phone("o_sampler1")
    _at_departure_photos(sampler)
    sampler.text("确认")
    sampler.text("现在")
    assert "样品离开现场" in sampler.text("上一步")
    assert "【运输保存】" in sampler.text("上一步")
    assert "离场照片" in sampler.text("上一步")


def test_a_trip_measured_wholly_on_site_skips_transport(demo_world, phone, runtime):
    with runtime.sessions() as s:
        s.execute(update(PlanItem).values(container="现场测定"))
        s.commit()
    sampler = phone("o_sampler1")
    review = _at_departure_photos(sampler)
    assert "【提交前核对】" in review and "运输保存" not in review


def test_a_container_or_preservative_change_without_a_usable_value_is_refused(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    _at_departure_photos(sampler)
    assert "请写明修改后的内容（不超过 64 个字）" in sampler.text("1 容器")
    assert "请写明修改后的内容" in sampler.text("1 保存剂 " + "瓶" * 65)
    cod = _samples(runtime)["化学需氧量"]
    assert (cod.container, cod.preservative) == ("玻璃瓶 500 mL", "加硫酸至 pH<2")
