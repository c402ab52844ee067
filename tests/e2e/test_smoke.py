def test_sampler_binds_and_lists_todays_tasks(demo_world, phone):
    sampler = phone("o_sampler1")
    assert "尚未绑定" in sampler.text("采样任务")
    assert "请输入您的账号" in sampler.tap("ACCOUNT_INFO")
    assert "请输入密码" in sampler.text("sampler1")
    assert "绑定成功" in sampler.text("demo1234")
    reply = sampler.tap("SAMPLING_TASKS")
    assert "1." in reply and "上海示范化工有限公司" in reply, reply
