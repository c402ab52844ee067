"""Random WeChat deliveries for the fuzz test: every MsgType and Event WeChat sends (and some it does not), with
plausible, hostile or missing fields, drawn from one seeded random.Random so a failure can be replayed."""
from __future__ import annotations

import random

from tests.support.phone import OFFICIAL_ACCOUNT, cdata

# weighted towards what the handlers act on
MSG_TYPES = ["text"] * 6 + ["image"] * 3 + ["location"] * 3 + ["event"] * 6 + \
    ["voice", "video", "shortvideo", "link", "file", "miniprogrampage"]
EVENTS = ["CLICK"] * 5 + ["subscribe", "unsubscribe", "SCAN", "LOCATION", "CLICK", "VIEW", "location_select",
          "pic_sysphoto", "pic_photo_or_album", "pic_weixin", "scancode_push", "scancode_waitmsg",
          "TEMPLATESENDJOBFINISH", "view_miniprogram", "MASSSENDJOBFINISH"]
MENU_KEYS = ["ACCOUNT_INFO", "SAMPLING_TASKS", "OM_TASKS", "STATUS", "HELP", "NO_SUCH_KEY"]
WORDS = ["帮助", "状态", "上一步", "返回", "采样任务", "污染源运维", "送样接收", "账户信息", "跳过", "今天", "确认",
         "好", "下一步", "10:35", "25:61", "2026-02-30", "-1", "0", "1", "2", "3", "99", "1e9", "85", "101.3"]
RISKY_WORDS = ["取消", "解绑", "绑定"]  # they change the sender's account or trip: not for the watched sampler
SITE = (30.8168, 121.3502)
BAD_NUMBERS = ["999", "-1000", "91", "181", "-90.0001", "1e308", "-1e308", "NaN", "nan", "inf", "-Infinity",
               "", " ", "abc", "30,8", "0x1F", "３０.８", "9" * 400, "30.8.1", "<b>30</b>"]
BAD_MEDIA_IDS = ["", "x" * 129, "x" * 5000, "../../etc/passwd", "媒体编号", "a b", "<i>m</i>", "%00"]


class Messages:
    """Deliveries for one seed; `watched` senders only get what must leave their trip where it is."""

    def __init__(self, seed: int, watched: set[str]):
        self.rng = random.Random(seed)
        self.watched = watched
        self.msgid = 7_000_000_000
        self.clock = 1_780_000_000

    # --- values ---
    def text(self, limit: int = 40) -> str:
        rng = self.rng
        alphabets = [(0x20, 0x7E), (0x4E00, 0x9FFF), (0x1F600, 0x1F64F), (0x00A0, 0x024F), (0x3000, 0x303F)]
        low, high = rng.choice(alphabets)
        return "".join(chr(rng.randint(low, high)) for _ in range(rng.randint(0, limit)))

    def raw(self) -> str:
        """Any element content: text, numbers of every shape, markup, nothing."""
        rng = self.rng
        kind = rng.randrange(10)
        if kind == 0:
            return ""
        if kind == 1:
            return str(rng.choice([0, -1, 1, 2 ** 31, 2 ** 63, 2 ** 64, -(2 ** 63)]))
        if kind == 2:
            return "9" * rng.choice([19, 20, 300, 5000])
        if kind == 3:
            return rng.choice(BAD_NUMBERS + [repr(rng.uniform(-400, 400))])
        if kind == 4:
            return f"<a>{self.text(5)}</a><b/>"
        if kind == 5:
            return f"<![CDATA[{cdata(self.text(5) + ']]>' + self.text(5))}]]>"
        if kind == 6:
            return "x" * rng.choice([256, 2049, 70_000])
        if kind == 7:
            return "&amp;&lt;&#x4E2D;&#0;" if rng.random() < 0.2 else "&amp;&lt;&#x4E2D;"
        return f"<![CDATA[{cdata(self.text())}]]>"

    def number(self, low: float, high: float, sender: str) -> str:
        if sender in self.watched or self.rng.random() < 0.5:
            return self.rng.choice(BAD_NUMBERS)
        return f"{self.rng.uniform(low, high):.6f}"

    def words(self, sender: str) -> str:
        rng = self.rng
        if sender in self.watched:  # never a command that moves the trip, nor a number: it stays at its step
            word = rng.choice(["帮助", "状态", "跳过", "好", "25:61", self.text(), "x" * 3000])
            return "好" if word.strip().isdigit() or word.strip() in WORDS + RISKY_WORDS else word
        return rng.choice(WORDS + RISKY_WORDS + [self.text(), self.text(500), "x" * 3000])

    # --- fields by kind ---
    def fields(self, msg_type: str, sender: str) -> dict[str, str]:
        rng = self.rng
        if msg_type == "text":
            return {"Content": cdata_of(self.words(sender))}
        if msg_type == "image":
            media = rng.choice(BAD_MEDIA_IDS) if sender in self.watched or rng.random() < 0.5 \
                else "FAKE_MEDIA_" + self.text(10).encode().hex()[:20]
            return {"PicUrl": cdata_of(rng.choice(["http://mmbiz.example/p", "x" * 600, ""])),
                    "MediaId": cdata_of(media)}
        if msg_type == "location":
            near = rng.random() < 0.5
            return {"Location_X": f"{SITE[0]:.6f}" if near and sender not in self.watched
                    else self.number(-90, 90, sender),
                    "Location_Y": self.number(-180, 180, sender), "Scale": self.raw(),
                    "Label": cdata_of(self.text(rng.choice([10, 300]))),
                    **({"Precision": self.raw()} if rng.random() < 0.3 else {})}
        if msg_type == "event":
            return self.event_fields(sender)
        return {name: self.raw() for name in rng.sample(["MediaId", "Format", "Title", "Url", "Description",
                                                         "ThumbMediaId", "Recognition"], 3)}

    def event_fields(self, sender: str) -> dict[str, str]:
        rng = self.rng
        event = rng.choice(EVENTS + [self.text(8)])
        fields = {"Event": cdata_of(event), "EventKey": cdata_of(rng.choice(MENU_KEYS)) if rng.random() < 0.7
                  else self.raw()}
        if event.startswith("pic_"):
            count = rng.choice([0, 1, 1, 2, 3, 10])
            items = "".join(f"<item><PicMd5Sum>{self.text(8)}</PicMd5Sum></item>"
                            for _ in range(rng.choice([0, 1, 2, 3])))
            fields["SendPicsInfo"] = rng.choice([f"<Count>{count}</Count><PicList>{items}</PicList>", self.raw()])
        elif event == "LOCATION":
            fields.update(Latitude=self.number(-90, 90, sender), Longitude=self.number(-180, 180, sender),
                          Precision=self.raw())
        elif event == "TEMPLATESENDJOBFINISH":
            fields.update(MsgID=rng.choice([str(rng.randint(1, 10 ** 12)), self.raw()]),
                          Status=cdata_of(rng.choice(["success", "failed:user block", self.text()])))
        elif event == "location_select":
            fields["SendLocationInfo"] = rng.choice([f"<Location_X>{self.raw()}</Location_X>", self.raw()])
        return fields

    # --- whole deliveries ---
    def delivery(self, sender: str) -> bytes:
        rng = self.rng
        msg_type = rng.choice(MSG_TYPES + [self.text(6)])
        self.msgid += 1
        self.clock += 1
        envelope = {"ToUserName": f"<![CDATA[{OFFICIAL_ACCOUNT}]]>", "FromUserName": f"<![CDATA[{sender}]]>",
                    "CreateTime": str(self.clock), "MsgType": f"<![CDATA[{msg_type}]]>"}
        body = {**envelope, **self.fields(msg_type, sender)}
        if msg_type != "event":
            body["MsgId"] = str(self.msgid) if rng.random() < 0.9 else self.raw()
        if sender not in self.watched and rng.random() < 0.1:  # break the envelope
            body[rng.choice(list(body))] = self.raw() if rng.random() < 0.7 else None
        xml = "".join(f"<{name}>{value}</{name}>" for name, value in body.items() if value is not None)
        if rng.random() < 0.03:  # one element twice
            name = rng.choice(list(body))
            xml += f"<{name}>{self.raw()}</{name}>"
        return f"<xml>{xml}</xml>".encode("utf-8", errors="replace")


def cdata_of(text: str) -> str:
    return f"<![CDATA[{cdata(text)}]]>"
