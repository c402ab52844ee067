"""The official account's custom menu, as code (`emss menu push` creates it through the API)."""

MENU = {
    "button": [
        {
            "name": "业务管理",
            "sub_button": [
                {"type": "click", "name": "采样任务", "key": "SAMPLING_TASKS"},
                {"type": "click", "name": "污染源运维", "key": "OM_TASKS"},
            ],
        },
        {
            "name": "现场",
            "sub_button": [
                # camera only, no album: a photo sent this way was taken on the spot
                {"type": "pic_sysphoto", "name": "拍照", "key": "PHOTO"},
                {"type": "location_select", "name": "发送位置", "key": "LOCATION"},
                {"type": "click", "name": "当前状态", "key": "STATUS"},
                # a crew member other than the leader: asks for their location, a presence check-in
                {"type": "click", "name": "到场确认", "key": "PRESENCE"},
            ],
        },
        {
            "name": "我的信息",
            "sub_button": [
                {"type": "click", "name": "账户信息", "key": "ACCOUNT_INFO"},
                {"type": "click", "name": "帮助", "key": "HELP"},
            ],
        },
    ]
}


def push(client) -> dict:
    return client.create_menu(MENU)
