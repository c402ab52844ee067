"""Every sentence the official account says, in one place so the wording is easy to review."""
# the names the web pages show too live below both (services/texts/names.py); the chat reads them as T.ROLE_NAMES
from services.texts.names import (  # noqa: F401
    CHECK_IN_NAMES,
    KIND_NAMES,
    POINT_REFERENCE_NAMES,
    ROLE_NAMES,
    STATE_NAMES,
    TRANSPORT_FIELDS,
)

WELCOME = "欢迎关注上海市环境监测社会化服务监管公众号。"
UNBOUND = ("您尚未绑定账户。请点击菜单“我的信息 → 账户信息”，或回复“绑定”，"
           "按提示输入监管系统账号和密码（排污单位请使用污染源综合管理信息系统账号）。")
HELP = (
    "【使用帮助】\n"
    "· 采样任务：查看今天及逾期的采样任务，回复序号开始或继续采样行程\n"
    "· 污染源运维（运维人员）：查看今天及逾期的运维任务，回复序号开始或继续现场运维\n"
    "· 运维记录单：按序号选择，逐项回复；也可点击链接在网页中填写，回到微信后接着填\n"
    "· 现场 → 发送位置：进场/离场签到\n"
    "· 现场 → 到场确认：同行人员到现场后用本人微信确认到场\n"
    "· 现场 → 拍照：拍摄现场照片（仅限相机拍摄）\n"
    "· 状态：查看当前进度和下一步\n"
    "· 上一步：返回上一步修改\n"
    "· 取消：放弃当前操作\n"
    "· 账户信息：绑定或解绑账户"
)
HELP_CENTRE = "\n帮助中心（联系方式、操作指南、常见问题、问题反馈）：{url}"
RESEND_WHILE_BUSY = "您的上一条消息还在处理中，这条消息未能处理，请稍等几秒后重新发送。"
SORRY = "系统繁忙，本条消息未能处理，请稍后重新发送。已记录的内容不受影响。"
UNSUPPORTED = "暂不支持此类消息。请按提示回复文字、照片或位置。"
OM_COMING = "污染源运维功能即将上线，敬请期待。"
NOTHING_TO_CANCEL = "当前没有进行中的操作。"
NOTHING_TO_GO_BACK = "当前没有可以返回的步骤。"
TRUNCATED = "\n……（内容较长，已省略后面的部分）"
IDLE = "回复“采样任务”查看今天的采样任务，回复“帮助”查看使用说明。"

# --- account binding (账户绑定) -------------------------------------------------------------------
ASK_USERNAME = "请输入您的账号（监管系统账号；排污单位请输入污染源综合管理信息系统账号）："
ASK_PASSWORD = "请输入密码："
ASK_PASSWORD_FOR = "绑定账号 {username}：请输入密码（不是您的账号请回复“取消”）："
BIND_WRONG = "账号或密码错误，还可尝试 {left} 次。请重新输入账号："
BIND_OK = "绑定成功！您好，{name}（{role}，{org}）。"
BIND_CANCELLED = "已取消绑定。"
BOUND_INFO = "您已绑定账户：\n姓名：{name}\n账号：{username}\n单位：{org}\n角色：{role}\n\n回复“解绑”可解除绑定。"
ASK_UNBIND = "确定要解除微信与账号 {username} 的绑定吗？回复 1 确认，回复其他内容放弃。"
UNBOUND_OK = "已解除绑定。"
UNBIND_KEPT = "已保留绑定。"
NEXT_FOR_ROLE = {
    "sampler": "点击“业务管理 → 采样任务”开始今天的采样。",
    "polluter_confirmer": "采样人员提交记录后，您会收到模板消息，点击即可查看和确认。",
}

# --- crew presence (到场确认) ------------------------------------------------------------------------
PRESENCE_ONLY_CREW = "到场确认仅对采样人员和运维人员开放。"
PRESENCE_ASK = "【到场确认】{works}\n请点击菜单“现场 → 发送位置”，发送您当前的位置，用您本人的微信确认到场。"
PRESENCE_WORK = "{title}：{name}｜{site}（带队：{leader}）"
PRESENCE_RECORDED = "到场确认已记录（{title}：{name}）：距离现场约 {distance} 米，在 {radius} 米范围内。"
PRESENCE_FAR = ("⚠ 到场确认已记录（{title}：{name}），但您的位置距离现场约 {distance} 米，超出 {radius} 米范围，"
                "已标记为“围栏外”。如地点有误，请到现场后重新点击“现场 → 到场确认”。")

# --- sampling trips (采样行程) ----------------------------------------------------------------------
NOT_A_SAMPLER = "采样任务仅对采样人员和排污单位开放。"
NO_VISITS = "今天没有分配给您的采样任务。"
VISITS_HEAD = "您今天的采样任务（回复序号开始或继续）："
VISIT_LINE = "{n}. {day} {starts}-{ends} {task}｜{polluter}{note}"
OVERDUE = "【逾期】"
IN_PROGRESS = "（进行中）"
BAD_CHOICE = "请回复列表中的序号（1～{count}）。"
OFF_SCHEDULE = ("⚠ 该采样任务的计划时段为 {starts}–{ends}，现在是 {now}，不在计划时段内。\n"
                "如确需现在开始，请回复 1 确认开始；开始后本行程将标记为“{flag}”，管理部门可以看到。\n"
                "如选错了任务，请回复“采样任务”重新选择。")
TRIP_STARTED = "已开始采样行程：{task}｜{polluter}"
TRIP_JOINED = "已加入同事 {name} 开始的采样行程：{task}｜{polluter}"
TRIP_RESUMED = "继续采样行程：{task}｜{polluter}"
TRIP_CLOSED = "该采样行程已结束（{state}），无需再次填报。"
NO_TRIP = "您当前没有进行中的采样行程。" + IDLE
AWAITING_HEAD = "待您确认的采样行程："
AWAITING_LINE = "{n}. {task}｜采样人员：{people}｜离场：{left}\n{url}"
NONE_AWAITING = "目前没有待您确认的采样行程。"

PROMPTS = {
    "arrival_location": "【进场签到】请点击菜单“现场 → 发送位置”，发送您当前的位置。",
    "arrival_photo": "【进场签到】请点击“现场 → 拍照”拍摄进场照片（至少 1 张），拍完回复 1 进入下一步。",
    "instruments": "回复“确认”；增加仪器回复“+资产编号”，去掉仪器回复“-序号”或“-资产编号”（如 -2）。",
    "point_instruments": "请回复本点位使用的仪器序号，多台用空格分隔（如 1 2）。",
    "point_location": ("【点位布设】请在本点位发送您当前的位置：点击菜单“现场 → 发送位置”，"
                       "或点击输入框右侧的“+”，选择“位置”后发送。"),
    "sample_photo": "【现场采样】请拍摄本点位采样过程照片（至少 1 张），拍完回复 1 进入下一步。",
    "output_photo": "【现场采样】请拍摄仪器直接输出的数据或谱图打印件（至少 1 张），拍完回复 1 进入下一步。",
    "sample_time": "【现场采样】请回复本点位的采样时间，例如 10:35；回复 1 或“现在”使用当前时间。",
    "departure_location": "【离场签到】请点击菜单“现场 → 发送位置”，发送您当前的位置。",
    "departure_photo": "【离场签到】请拍摄离场照片（至少 1 张），拍完回复 1 进入下一步。",
    "left_site": "【运输保存】请回复样品离开现场、送往实验室的时间，例如 11:20；回复 1 或“现在”使用当前时间。",
    "awaiting_confirmation": "采样行程已提交，等待排污单位确认。",
    "rejected": "排污单位退回了该采样行程，监测机构将在系统中更正后重新提交。",
    "completed": "采样行程已完成。",
    "cancelled": "采样行程已取消，已记录的内容均已保留。",
}
INSTRUMENTS_HEAD = "【采样仪器】请核对带到现场的仪器（取自采样计划）："
INSTRUMENTS_EMPTY = "（列表为空）"
INSTRUMENT_LINE = "{n}. {name} {model}（资产编号 {asset_no}，检定/校准有效期至 {until}）"
INSTRUMENT_ADDED = "已增加仪器 {name}（{asset_no}）。"
INSTRUMENT_REMOVED = "已去掉仪器 {name}（{asset_no}）。"
INSTRUMENTS_CONFIRMED = "已确认带到现场的仪器 {count} 台：{names}。"
POINT_INSTRUMENTS_HEAD = "【采样仪器】本点位使用了哪些仪器？"
POINT_INSTRUMENTS_SET = "本点位使用的仪器已记录：{names}。"
POINT_TITLE = "点位 {index}/{count}：{point}（{kind}）"
POINT_HEAD = POINT_TITLE + "\n本点位样品编号（请标注在样品瓶上）："
SAMPLE_LINE = "· {code} {factor}{container}"
TRANSPORT = ("【运输保存】送实验室的样品，容器｜保存剂｜保存条件按采样方案预填，请逐组核对：\n{groups}\n\n"
             "无误请回复“确认”。如需修改，回复组号（或样品编号）和修改内容，例如“2 冷藏”“2 容器 棕色玻璃瓶”"
             "“2 保存剂 无”。保存条件可选：{choices}")
TRANSPORT_GROUP = "{n}. {codes}（{factors}）\n   {packing}"
TRANSPORT_SAMPLE = "   · {code}：{packing}"
TRANSPORT_PACKING = "容器 {container}｜保存剂 {preservative}｜{storage}"
TRANSPORT_CHANGED = "已修改 {codes} 的{field}：{value}。"
NOT_FILLED = "未填写"
NO_PRESERVATIVE = "无"
TRANSPORT_SUMMARY = "运输保存：样品离场 {left}"
LEFT_SITE_SET = "已记录样品离场时间 {time}。"
CONDITIONS_CONFIRM = "【采样工况】请核对：\n{summary}\n\n回复 1 确认，回复“上一步”修改最后一项。"
PHOTOS_RECEIVING = "照片接收中：{count} 张（可以先提交，接收完成后自动归入记录）"
PHOTOS_FAILED = "未能从微信接收的照片：{count} 张，请回复“上一步”返回该步骤重新拍摄"
REVIEW = "【提交前核对】\n{summary}\n\n回复 1 确认提交，回复“上一步”返回修改。"
SUBMITTED_TO_POLLUTER = "已提交！已通知排污单位在您离场前确认。"
SUBMITTED_SELF = "已提交！自行监测的采样行程无需排污单位确认，行程已完成。"
FOOTER = "（可回复：状态｜上一步｜取消｜帮助）"

CHECKED_IN = "{kind}已记录：距离采样点位约 {distance} 米，在 {radius} 米范围内。"
OUTSIDE_FENCE = ("⚠ {kind}已记录，但您的位置距离采样点位约 {distance} 米，超出 {radius} 米范围，"
                 "已标记为“围栏外”。如地点有误，请回复“上一步”后重新发送位置。")
POINT_LOCATED = "点位 {point} 的采样位置已记录：距{reference}约 {distance} 米。"
POINT_FAR = ("⚠ 点位 {point} 的采样位置已记录，但距{reference}约 {distance} 米，超出 {allowed} 米，"
             "已标记为“点位位置异常”。如地点有误，请回复“上一步”后重新发送位置。")
POINT_PROPOSED = "该点位尚未登记位置，本次位置已提交排污单位点位登记，待确认后作为点位位置。"
PHOTO_RECEIVED = "已收到第 {count} 张{what}照片。可继续拍摄，或回复 1 进入下一步。"
PHOTO_WHAT = {"arrival": "进场", "sampling": "采样", "output": "仪器输出", "departure": "离场"}
SAMPLE_TIME_SET = "已记录采样时间 {time}（样品 {codes}）。"
ASK_CANCEL = "确定要取消本次采样行程吗？已记录的内容会保留。回复 1 确认取消，回复其他内容继续。"
CANCEL_KEPT = "已继续本次采样行程。"
WENT_BACK = "已返回上一步。"

EXPECT_LOCATION = "现在需要您的位置：请点击菜单“现场 → 发送位置”。"
EXPECT_POINT_LOCATION = ("抱歉，现在需要本点位的位置，其他消息未记录。请点击菜单“现场 → 发送位置”，"
                         "或点击输入框右侧的“+”，选择“位置”后发送。")
EXPECT_PHOTO = "现在需要照片：请点击菜单“现场 → 拍照”，拍完回复 1 进入下一步。"
EXPECT_TEXT = "现在需要文字回复："
# a location or photo WeChat delivered unusable (bot/schema.py names the field): nothing was recorded
_RESEND_LOCATION = "本次未签到，请点击菜单“现场 → 发送位置”重新发送位置。"
_RESEND_PHOTO = "本张照片未记录，请点击菜单“现场 → 拍照”重新拍摄发送。"
INPUT_PROBLEMS = {
    "latitude": "收到的位置纬度无效（应为 -90 到 90 之间的数字）。" + _RESEND_LOCATION,
    "longitude": "收到的位置经度无效（应为 -180 到 180 之间的数字）。" + _RESEND_LOCATION,
    "precision": "收到的位置精度无效（应为不小于 0 的米数）。" + _RESEND_LOCATION,
    "label": "收到的位置名称过长（超过 255 字）。" + _RESEND_LOCATION,
    "media_id": "这张照片未能接收：微信未提供有效的媒体编号（MediaId）。" + _RESEND_PHOTO,
    "pic_url": "这张照片未能接收：照片链接过长。" + _RESEND_PHOTO,
}
EXPECT_CONFIRM = "请回复 1 确认，或回复“上一步”返回修改。"


# --- receipt check of delivered samples (送样接收检查) -----------------------------------------------------
RECEIPT_ONLY_AGENCY = "送样接收检查仅对监测机构管理员开放。"
NO_RECEIPTS = "目前没有待做送样接收检查的送样任务。"
RECEIPTS_HEAD = "待做送样接收检查的送样任务（回复序号开始填写）："
RECEIPT_LINE = "{n}. {code} {task}｜{polluter}{note}"
RECEIPT_STARTED = "（已填写 {answered} 项）"
RECEIPT_OPENED = ("开始送样接收检查：{code} {task}｜{polluter}\n"
                  "可随时发送样品照片；回复“上一步”修改上一项，“取消”暂停填写（已填内容会保留）。")
RECEIPT_CONFIRM = ("【送样接收检查】请核对：\n{summary}\n样品照片：{photos} 张\n\n"
                   "回复 1 确认，回复“上一步”修改最后一项；可继续发送照片。")
RECEIPT_CONFIRMED = "送样接收检查已确认。该任务可以提交并生成报告系统编号。"
RECEIPT_PAUSED = "已暂停送样接收检查，已填内容已保存。回复“送样接收”可继续。"
RECEIPT_PHOTO = "已收到第 {count} 张样品照片。"
RECEIPT_CHOOSE_FIRST = "请先回复序号选择送样任务，再发送样品照片。"
RECEIPT_WENT_BACK = "已返回上一项。"
NEXT_FOR_ROLE["agency_admin"] = "送样任务收到样品后，回复“送样接收”在微信中填写送样接收检查。"

# --- O&M site visits (污染源运维) -------------------------------------------------------------------------
NEXT_FOR_ROLE["om_crew"] = "点击“业务管理 → 污染源运维”开始今天的现场运维。"
OM_IDLE = "回复“污染源运维”查看今天的运维任务，回复“帮助”查看使用说明。"
OM_ONLY_CREW = "污染源运维仅对运维人员开放。采样人员请使用“采样任务”。"
OM_NO_VISITS = "今天没有分配给您的运维任务。"
OM_VISITS_HEAD = "您今天的运维任务（回复序号开始或继续）："
OM_VISIT_LINE = "{n}. {day} {plan}｜{polluter}{note}"
OM_CLOSED = "该运维任务已结束（{state}），无需再次填报。"
OM_NO_VISIT = "您当前没有进行中的现场运维。" + OM_IDLE
OM_STARTED = "已开始现场运维：{plan}｜{polluter}"
OM_JOINED = "已加入同事 {name} 开始的现场运维：{plan}｜{polluter}"
OM_RESUMED = "继续现场运维：{plan}｜{polluter}"
OM_PROMPTS = {
    "arrival_location": "【进场签到】请点击菜单“现场 → 发送位置”，发送您当前的位置。",
    "arrival_photo": "【进场签到】请点击“现场 → 拍照”拍摄站房内外照片（至少 1 张），拍完回复 1 进入下一步。",
    "sheet_photo": "【{sheet}】请拍摄本项工作的照片（至少 1 张），拍完回复 1 返回记录单列表。",
    "departure_location": "【离场签到】请点击菜单“现场 → 发送位置”，发送您当前的位置。",
    "departure_photo": "【离场签到】请拍摄离场照片（至少 1 张），拍完回复 1 查看汇总并提交。",
    "awaiting_confirmation": "运维记录已提交，等待排污单位当日签名确认。",
    "confirmed": "排污单位已签名确认本次运维。",
    "rejected": "排污单位退回了本次运维记录，运维机构将在系统中更正后重新提交。",
    "cancelled": "现场运维已取消，已记录的内容均已保留。",
}
OM_MENU_HEAD = "【选择记录单】回复序号填写："
OM_MENU_PLANNED = "本次计划内："
OM_MENU_OTHER = "其他记录单（可选任一仪器）："
OM_MENU_LINE = "{n}. {sheet}{where}{note}"
OM_MENU_DONE = "（已填 {count} 份）"
OM_MENU_DRAFT = "（填写中）"
OM_MENU_LEAVE = "0. 离场签到（已确认 {count} 份记录单）"
OM_MENU_LEAVE_LOCKED = "至少确认 1 份记录单后，回复 0 离场签到。"
OM_INSTRUMENT_HEAD = "【{sheet}】请选择仪器（回复序号）："
OM_INSTRUMENT_LINE = "{n}. {point}｜{instrument}"
OM_SHEET_OPENED = "开始填写【{sheet}】{where}\n也可在网页中填写（填完回到微信接着操作）：{url}"
OM_SHEET_CONFIRM = ("【{sheet}】{where}\n请核对：\n{summary}\n\n回复 1 确认，回复“上一步”修改最后一项；"
                    "也可在网页中修改：{url}")
OM_SHEET_PROBLEMS = "⚠ 不能确认：\n{problems}\n已填内容均已保留。请回复“上一步”逐项返回修改，或在网页中修改：{url}"
OM_SHEET_CONFIRMED = "【{sheet}】已确认。"
OM_FINDING = "⚠ 质控{severity}：{message}（依据：{clause}）"
OM_REVIEW = "【提交前核对】\n{summary}\n\n回复 1 确认提交，排污单位将收到签名确认通知；回复“上一步”返回修改。"
OM_SUBMITTED = "已提交！已通知排污单位当日核对运维记录并签名确认。"
OM_LEFT_PAGE = "记录单已在网页中更新，接着在微信中操作："
OM_MOVED_ON = "本次运维已有新的进展（可能在网页中或由同事填写），请按最新提示操作："
OM_PHOTO_RECEIVED = "已收到第 {count} 张{what}照片。可继续拍摄，或回复 1 进入下一步。"
OM_PHOTO_WHAT = {"arrival": "进场", "sheet": "工作", "departure": "离场"}
OM_CHECKED_IN = "{kind}已记录：距离运维点位约 {distance} 米，在 {radius} 米范围内。"
OM_OUTSIDE_FENCE = ("⚠ {kind}已记录，但您的位置距离运维点位约 {distance} 米，超出 {radius} 米范围，"
                    "已标记为“围栏外”。如地点有误，请回复“上一步”后重新发送位置。")
OM_ASK_CANCEL = "确定要取消本次现场运维吗？已记录的内容会保留。回复 1 确认取消，回复其他内容继续。"
OM_CANCEL_KEPT = "已继续本次现场运维。"
OM_EXPECT_CHOICE = "请回复列表中的序号。"
# --- O&M visits awaiting the polluter's signature (污染源运维, polluter side) ---------------------------------
OM_AWAITING_HEAD = "待您签名确认的运维记录（请于运维当日 24:00 前确认）："
OM_AWAITING_LINE = "{n}. {plan}｜{day}｜运维人员：{people}{late}\n{url}"
OM_OVERDUE = "｜逾期未确认"
OM_NONE_AWAITING = "目前没有待您签名确认的运维记录。"
