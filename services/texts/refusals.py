"""Every refusal's Chinese sentence (拒绝原因), in one catalogue: domain → code → sentence, filled with the
refusal's details. Services raise a `Refusal` (services/core/refusal.py) with a code; the edge — a chat handler or a
web view — words it with `say`. Where one code reads differently on two pages (a dead link of a trip's or an O&M
visit's round), the page names the domain it speaks for."""
from __future__ import annotations

from services.core.refusal import Refusal
from services.field.decisions import REASON_MAX
from services.texts.names import visit_line

NOTHING_TO_GO_BACK = "当前没有可以返回的步骤。"
PHOTO_NEEDED = "本步骤至少需要 1 张照片，请点击“现场 → 拍照”。"
# a dead confirmation link: the same for both kinds of round, but where it was resubmitted or where to go instead
LINK = {
    "unknown": "此确认链接无效，请从微信模板消息中打开。",
    "used": "此确认链接已使用过，不能重复使用。处理结果已记录。",
}

SENTENCES: dict[str, dict[str, str]] = {
    # a sampler's trip in chat (services/sampling/trips.py)
    "trip": {
        "not_assigned": "这项任务没有分配给您，请重新发送“采样任务”选择。",
        "photo_needed": PHOTO_NEEDED,
        "bad_time": "时间格式不正确。请回复如 10:35 的时间，或回复 1 使用当前时间。",
        "future_time": "采样时间不能晚于现在，请重新输入。",
        "before_arrival": "采样时间 {typed} 早于您的进场签到时间 {arrival}，请核对后重新输入，或回复 1 使用当前时间。",
        "cannot_go_back": NOTHING_TO_GO_BACK,
        "bad_transport": "请回复组号（1～{count}）或样品编号，再加修改的内容，例如“2 冷藏”；无误请回复“确认”。",
        "bad_storage": "保存条件请选择：{choices}，例如“2 冷藏”。",
        "bad_transport_value": "请写明修改后的内容（不超过 {most} 个字），例如“2 容器 棕色玻璃瓶”。",
        "storage_missing": "第 {groups} 组尚未填写保存条件，请先回复如“{first} 冷藏”（可选：{choices}）。",
        "left_future": "样品离场时间不能晚于现在，请重新输入。",
        "left_before_sampling": ("样品离场时间 {typed} 早于最后一个样品的采样时间 {sampled}，"
                                 "请核对后重新输入，或回复 1 使用当前时间。"),
        # 仪器 (services/sampling/instruments.py)
        "instrument_expired": "仪器 {name}（{asset_no}）的检定/校准有效期至 {until}（以备案为准），已过期，"
        "不能用于本次采样。",
        "instrument_double_booked": "仪器 {name}（{asset_no}）已记录在另一采样行程中：行程 #{trip}（任务 {task}，"
        "{polluter}，现场时段 {window}），与本行程的现场时段重叠。同一台仪器不能同时在两处现场。",
        "instrument_unknown": "资产编号 {asset_no} 不在本机构的设备中，请核对设备铭牌上的资产编号后重新输入。",
        "instrument_not_ours": "资产编号 {asset_no} 的设备不属于本机构，不能用于本次采样。",
        "instrument_not_filed": "仪器 {name}（{asset_no}）不在审核通过的备案设备中，不能用于本次采样。",
        "instrument_listed": "仪器 {name}（{asset_no}）已在列表中。",
        "instrument_not_listed": "列表中没有“{which}”：请回复“-序号”（1～{count}）或“-资产编号”。",
        "instruments_needed": "请至少保留 1 台带到现场的仪器（回复“+资产编号”增加）。",
        "instrument_choice": "请回复本点位使用的仪器序号（1～{count}），多台用空格分隔，例如 1 2。",
        "instrument_reply": "请回复“确认”，或“+资产编号”增加仪器、“-序号”去掉仪器。",
    },
    # an O&M crew member's visit in chat (services/om/om_visits.py)
    "om_visit": {
        "not_assigned": "这项运维任务没有分配给您，请重新发送“污染源运维”选择。",
        "photo_needed": PHOTO_NEEDED,
        "cannot_go_back": NOTHING_TO_GO_BACK,
        "bad_choice": "请回复列表中的序号（1～{count}）。",
        "no_instrument": "该排污单位尚未备案自动监测仪器，无法填写记录单，请联系排污单位完成仪器备案。",
        "sheet_needed": "离场前请至少填写并确认 1 份记录单。",
    },
    # a crew member's presence check-in in chat (services/field/presence.py)
    "presence": {
        "nothing": "您当前没有需要确认到场的采样行程或现场运维。带队人员开始采样行程或现场运维后，"
                   "本次任务的其他人员到现场时再点击“现场 → 到场确认”。",
        "leader": "您是本次{title}的带队人员，您的进场签到就是到场确认，无需另行确认。",
    },
    # the link of a trip's round (services/sampling/confirmations.py), as its page says it
    "trip_link": {
        **LINK,
        "superseded": "此链接已失效：监测机构已更正并重新提交了该采样行程，请打开最新收到的模板消息。",
        "expired": "此确认链接已过期。请登录网页端“待确认采样行程”进行确认，或联系监测机构。",
    },
    # the link of an O&M visit's round (services/om/om_confirmations.py)
    "om_link": {
        **LINK,
        "superseded": "此链接已失效：运维机构已更正并重新提交了该运维记录，请打开最新收到的模板消息。",
        "expired": "此确认链接已过期。请在公众号菜单点击“污染源运维”获取新的确认链接，或联系运维机构。",
    },
    # the polluter's decision on a round (services/field/decisions.py)
    "confirmation": {
        "reason_needed": "退回时请填写退回理由。",
        "reason_too_long": f"退回理由请不超过 {REASON_MAX} 个字。",
        "bad_verdict": "请选择“{button}”或“退回”。",
        "not_rejected": "该运维记录未被排污单位退回，无需重新提交。",
    },
    # the handwritten signature of an O&M visit's confirmation (services/adapters/signatures.py)
    "signature": {
        "missing": "请先在签名框内手写签名，再点击“确认签名”。",
        "not_png": "签名图片无效，请点击“清除”后重新签名。",
        "too_big": "签名图片过大，请点击“清除”后重新签名。",
        "bad_size": "签名图片尺寸异常，请点击“清除”后重新签名。",
        "blank": "未识别到有效的手写签名（空白或涂满），请点击“清除”后重新签名。",
    },
    # services/sampling/contracts.py
    "contract": {
        "code_required": "请填写合同编号。",
        "code_taken": "合同编号 {code} 已被本机构的其他合同使用。",
        "polluter_required": "请从排污单位名录中选择委托方。",
        "period_order": "合同周期的结束日期不能早于开始日期。",
        "bad_source": "样品获取方式只能是“现场采样”或“送样”。",
        "missing_terms": "提交前请填写：{names}。",
        "locked": "合同 {code} 已提交，不能再修改。",
    },
    # a proposed point position decided on the desk (services/polluters/point_positions.py)
    "position": {
        "decided": "该建议位置已处理过，无需再次处理。",
        "registered": "点位 {point} 已有登记位置，不能再采纳建议位置。",
    },
    # services/om/instruments.py
    "instrument": {
        "missing": "请填写：{names}。",
        "too_long": "「{label}」不能超过 {limit} 个字。",
        "range_order": "量程上限必须大于量程下限。",
        "bad_class": "请选择质控类别。",
        "accepted_before_installed": "验收日期不能早于安装日期。",
        "future_date": "{label}不能晚于今天（{today}）。",
        "not_equipped": "测点 {point} 不是废水或废气排口，不能登记自动监测仪器。",
        "sampler_on_gas": "自动采样器只能登记在废水测点上，{point} 是废气测点。",
        "bad_kind": "仪器类型只能是分析仪器或自动采样器。",
        "serial_taken": "测点 {point} 已登记出厂编号为 {serial} 的仪器（{name}），请勿重复备案。",
        "inactive": "仪器 {name} 已停用，不能再修改。",
    },
    # services/om/om_plans.py
    "om_plan": {
        "not_om": "只有运维机构可以制定运维计划。",
        "not_filed": "备案基本信息和二审基本信息均审核通过后，才能制定运维计划。",
        "name_required": "请填写计划名称。",
        "contract_required": "请选择本机构已提交的运维合同。",
        "contract_not_submitted": "合同 {code} 尚未提交，提交后才能制定运维计划。",
        "period_required": "请填写计划的开始和结束日期。",
        "period_order": "计划的结束日期不能早于开始日期。",
        "outside_contract": "计划周期（{starts} 至 {ends}）须在合同 {code} 的周期（{period}）之内。",
        "crew_required": "请至少选择一名本机构的运维人员。",
        "not_crew": "{name} 不是本机构的运维人员，不能加入运维计划。",
        "not_equipment": "所选设备不属于本机构或已停用。",
        "items_required": "请至少选择一项运维内容（点位、仪器、记录单和频次）。",
        "not_point": "所选点位不属于 {polluter}。",
        "not_instrument": "所选仪器不在点位 {point} 上或已停用。",
        "not_sheet": "没有名为“{sheet}”的运维记录单。",
        "bad_frequency": "{what}的频次须为 1～366 天。",
        "too_rare": "{what}的频次为每 {days} 天一次，超过标准要求的最长间隔 {maximum} 天（{clause}）。",
        "item_in_use": "{what}已有现场运维记录，不能从计划中删除。",
    },
    # services/om/om_reports.py
    "om_report": {
        "not_our_point": "该点位不在本机构的运维计划内。",
        "not_instrument": "所选仪器不在该点位上。",
        "bad_kind": "报告类型只能是“比对”或“校验”。",
        "number_required": "请填写报告编号。",
        "number_taken": "报告编号 {number} 已上传过。",
        "date_required": "请填写比对/校验实施日期。",
        "date_future": "实施日期不能晚于今天。",
        "file_required": "请上传报告文件（PDF）。",
        "raw_required": "请上传原始记录。",
    },
    # services/sampling/scheduling.py
    "schedule": {
        "schedule_closed": "任务当前不在采样计划或现场采样阶段，不能安排采样。",
        "day_past": "采样日期 {day} 已过，请选择今天或以后的日期。",
        "window": "采样结束时间应晚于开始时间。",
        "samplers_required": "请至少选择一名采样人员。",
        "equipment_required": "请至少选择一台采样设备。",
        "staff_not_filed": "{name} 不在审核通过的备案人员中，不能安排采样。",
        "certificate_invalid": "{name} 的上岗证有效期至 {until}，{day} 不在有效期内，不能安排采样。",
        "no_sampler_account": "{name} 没有采样人员账号，无法在微信中执行采样，请先为其开通账号。",
        "equipment_not_filed": "设备 {name} 不在审核通过的备案设备中，不能安排采样。",
        "calibration_invalid": "设备 {name} 的检定/校准有效期至 {until}，{day} 不在有效期内，不能安排采样。",
        "double_booked": "{name} 在 {day} {starts}-{ends} 已安排了任务“{code} {task}”的采样，与本次时间重叠。",
        "visit_not_found": "该采样安排不存在。",
        "visit_started": "该次采样的行程已经开始，不能删除。",
    },
    # services/filing/credit.py
    "credit": {
        "unknown_category": "未知的资料类别。",
        "site_required": "请选择站点（排污单位）。",
        "not_our_site": "该排污单位不是本机构的运维站点：只有已提交的运维合同或运维计划中的排污单位才能上传站点资料。",
        "bad_year": "年度应为 {low}—{high} 年之间的年份。",
        "file_required": "请选择要上传的文件。",
        "bad_kind": "请选择记录类型：教育、培训或监督。",
        "bad_date": "请填写正确的日期（例如 {today}）。",
        "future_date": "日期不能晚于今天。",
        "contents_required": "请填写教育、培训或监督的具体内容。",
        "attendees_required": "请填写参加人员。",
        "title_too_long": "标题不能超过 200 个字。",
    },
    # the agency's correction of a rejected trip (services/field/corrections.py)
    "trip_correction": {
        "not_rejected": "只有被排污单位退回的采样行程才能更正和重新提交。",
        "note_needed": "请填写更正说明。",
        "note_too_long": "更正说明请不超过 {most} 个字。",
        "nothing_changed": "没有修改任何内容。如无需更正，可直接重新提交。",
        "unknown_instrument": "所选仪器不是本机构的设备，请重新选择。",
        "future_time": "采样时间不能晚于现在。",
    },
    # an O&M visit's sheets on the phone page and the desk (services/om/om_records.py)
    "om_record": {
        "submitted": "该运维记录已提交排污单位确认，记录单不能再修改。",
        "cancelled": "该运维记录已取消，记录单不能再修改。",
        "not_rejected": "只有排污单位退回的运维记录才能在网页端更正。",
        "inconsistent": "更正未保存：{problems}",
    },
    # services/users/staff_accounts.py
    "staff_account": {
        "linked": "“{name}”已开通账号 {username}（{role}），不能重复开通。",
        "not_filed": "“{name}”不在审核通过的备案人员名单中：请先在备案管理中填报并提交审核，通过后再开通账号。",
        "certificate": "“{name}”的证书有效期至 {until}，已过期或未填写：{role}须持有效证书，"
                       "请更新证书并经审核通过后再开通。",
        "post": "“{name}”备案的技术岗位是“{filed}”，不能开通{role}账号。",
    },
    # services/users/polluter_accounts.py
    "polluter_account": {
        "bad_username": "账号只能包含字母、数字、下划线、点或短横线，3～64 位。",
        "username_taken": "该账号已被使用，请换一个。",
        "bad_name": "请填写姓名（不超过 64 个字）。",
        "weak_password": "密码至少 {least} 位。",
        "not_manager": "只有本单位的账号管理人（如环保负责人）可以开通或停用同事的账号。",
        "first_taken": "“{name}”已有账号 {username}，同事的账号由其在“账户与微信绑定”中开通。",
    },
    # an agency's registration (services/users/registration.py)
    "registration": {
        "registered": "该统一社会信用代码已注册，请使用已有账号登录。",
    },
    # signing in on the web or binding WeChat (services/users/signin.py, services/users/accounts.py); a wrong password is
    # worded by each way in
    "signin": {
        "account": "密码错误次数过多，该账号已锁定 {minutes} 分钟，{until}（北京时间）后方可登录或绑定。",
        "openid": "密码错误次数过多，本微信号的绑定功能已锁定 {minutes} 分钟，{until}（北京时间）后可再试。",
        "ip": "登录失败次数过多，本网络的登录已锁定 {minutes} 分钟，{until}（北京时间）后可再试。",
        "not_in_directory": "该污染源系统账号所属单位（统一社会信用代码 {credit_code}）不在本系统的排污单位名录库中，"
                            "请联系所在区管理部门。",
        "unreachable": "暂时无法连接污染源综合管理信息系统，请稍后重试。",
        "bound_elsewhere": "该账号已绑定其他微信号。如需更换，请先在原微信中解绑，或联系管理员。",
    },
    # services/desk/spot_checks.py
    "draw": {
        "bad_size": "抽取数量应为 1 至 {most}。",
        "bad_period": "起始日期不能晚于结束日期。",
        "nobody": "按所选条件没有可抽取的对象，请放宽条件。",
    },
    # services/desk/inspections.py
    "inspection": {
        "finding_not_open": "所选异常线索不属于该检查对象，或已被处理，请刷新页面后重试。",
        "subject_required": "请选择检查对象（您辖区内的机构、排污单位、采样行程或现场运维）。",
        "bad_date": "请填写检查日期（不能晚于今天）。",
        "inspectors_required": "请填写检查人员（不超过 200 个字）。",
        "outcome_required": "请选择检查结论：属实、部分属实或不属实。",
        "too_many_files": "附件最多 {most} 个。",
        "verdict_required": "每条异常线索须核定为属实或不属实。",
        "true_but_cleared": "结论为“属实”时，所核查的异常线索不能核定为不属实。",
        "false_but_confirmed": "结论为“不属实”时，所核查的异常线索不能核定为属实。",
        "partly_but_one_way": "结论为“部分属实”时，所核查的异常线索应有属实也有不属实。",
    },
    # services/desk/urgings.py
    "urging": {
        "kind_required": "请选择督促对象。",
        "target_required": "请选择您辖区内的机构或排污单位。",
        "reason_required": "请选择督促事项。",
        "bad_text": "请填写督促内容（5 至 {most} 个字）。",
        "nobody_to_tell": "{name}尚无可接收通知的账号，请电话联系。",
        "not_found": "该督促通知不存在。",
        "already_replied": "该督促已答复。",
        "bad_reply": "请填写答复（2 至 {most} 个字）。",
    },
    # services/notifying/help_centre.py
    "feedback": {
        "contact_required": "请填写您的姓名和联系方式（电话或邮箱），以便我们回复您。",
        "contact_too_long": "姓名和联系方式各不超过 64 个字。",
        "bad_body": "请描述您的问题或建议（5 至 {most} 个字）。",
        "too_often": "您在一小时内提交的反馈较多，请稍后再试，或直接拨打帮助中心的咨询电话。",
        "bad_reply": "请填写处理结果（不超过 {most} 个字）。",
    },
    # a task's records: sampling management, receipts, client sampling, the laboratory, the report
    # (services/field/records.py and services/sampling/), as the web pages say it
    "records": {
        "wrong_status": "任务当前处于“{status}”阶段，不能进行此操作。",
        "no_visits": "该任务还没有采样计划，无法提交。",
        "visits_missing": "以下采样计划尚未完成（采样行程须已完成并经排污单位确认）：{visits}",
        "receipt_needed": "送样分析任务须先完成并确认送样接收检查。",
        "no_analysis": "该任务无需分析，请使用“结束任务”。",
        "analysis_needed": "该任务需要分析，请提交采样管理后生成报告。",
        "not_delivered": "该任务为现场采样任务，无需送样接收检查。",
        "receipt_confirmed": "送样接收检查已确认，不能再修改。",
        "receipt_incomplete": "送样接收检查尚未填写完整。",
        "receipt_complete": "送样接收检查各项均已填写，请核对后确认。",
        "nothing_to_go_back": NOTHING_TO_GO_BACK,
        "receipt_photo_needed": "请至少上传 1 张样品照片后再确认。",
        "photo_rejected": "照片未能保存：{reason}",
        "number_first": "请先生成报告系统编号，再上传报告。",
        "client_sampling_needed": "请先上传委托方的采样信息和采样记录，再生成报告系统编号。",
        "client_sampling_not_delivered": "该任务为现场采样任务，无需上传委托方采样记录。",
        "client_sampling_locked": "已生成报告系统编号，委托方采样记录不能再修改。",
        "client_sampling_incomplete": "请填写采样人员和采样地点。",
        "client_sampling_too_long": "采样人员不超过 100 字、采样地点不超过 255 字、备注不超过 {limit} 字。",
        "client_sampling_future": "采样时间不能晚于现在。",
        "client_sampling_file_needed": "请至少上传 1 份采样记录（PDF 或照片）。",
        "client_sampling_too_many": "一次最多上传 {limit} 个文件。",
        "lab_trip_active": "采样行程尚未离场，不能登记实验室接收。",
        "lab_time_impossible": "接收时间不能早于离场时间，也不能晚于现在。",
        "lab_temperature": "到达温度应在 {low:g}~{high:g} °C 之间。",
        "lab_receiver": "请填写接收人（不超过 {limit} 字）。",
        "agency_code_missing": "本机构未设置编号简称，无法生成报告系统编号，请联系系统管理员。",
    },
    # the receipt check of delivered samples, as the chat says it (handlers/receipt.py)
    "receipt_chat": {
        "receipt_confirmed": "该任务的送样接收检查已确认，无需再次填写。",
        "receipt_photo_needed": "确认前请至少发送 1 张样品照片。",
        "receipt_incomplete": "还有必填项未填写。",
        "nothing_to_go_back": "已经是第一项了。",
        "not_delivered": "该任务不是送样任务。",
        "wrong_status": "该任务当前不能填写送样接收检查。",
    },
    # a reviewer's decision on a finding (services/findings/decisions.py)
    "finding": {
        "not_allowed": "只有管理部门可以确认或排除异常线索。",
        "bad_status": "请选择“确认异常”或“排除”。",
        "reason_needed": "请填写确认或排除的理由。",
        "reason_too_long": "理由请不超过 {limit} 个字。",
    },
    # what is wrong with a unified social credit code (services/filing/credit_codes.py), within the sentence of the
    # registration or the directory row that met it
    "credit_code": {
        "length": "应为 18 位，实际为 {length} 位",
        "characters": "含有不允许的字符：{characters}",
        "check": "校验位错误（按 GB 32100-2015 第 18 位应为 {expected}）",
    },
    # the directory workbook as a whole (services/polluters/directory_file.py)
    "directory_file": {
        "unreadable": "无法读取该文件：请上传 Excel（.xlsx）格式的名录库文件。",
        "sheet_missing": "文件中缺少工作表“{sheet}”（应有：{sheets}）。",
        "column_missing": "工作表“{sheet}”缺少列“{column}”。",
    },
    # one row of the directory workbook, or the admin's correction of an entry (services/polluters/)
    "directory_row": {
        "missing": "缺少{what}",
        "too_long": "{what}过长（最多 {most} 个字）",
        "credit_code": "统一社会信用代码{invalid}",
        "unknown_choice": "{what}“{value}”无法识别（可填：{choices}）",
        "position_not_number": "经纬度须为数字（十进制度）",
        "outside_china": "坐标超出范围（纬度 {lat}、经度 {lon} 不在中国境内；纬度 3.86–53.55，经度 73.66–135.05）",
        "unknown_datum": "坐标系“{value}”无法识别（可填：WGS-84、GCJ-02）",
        "datum_missing": "缺少坐标系（WGS-84 或 GCJ-02）",
        "bad_fence": "围栏半径须为 1–{most} 之间的整数（米），实际为“{value}”",
        "unknown_frequency": "监测频次“{value}”无法识别（例如：1次/季度、1次/月、2次/年）",
        "duplicate": "与第 {first} 行重复（{key}）",
        "parent_unknown": "{parent}“{key}”不在名录库中，也不在本文件“{parent}”表的有效行中",
    },
    # a form with values that do not fit (services/filing/filings.py, FormInvalid): each field says why beside it
    "form": {
        "fields": "未保存，请按各项的提示修改。",
    },
    # the values typed in the filing's forms (services/filing/filings.py, FilingField)
    "filing_form": {
        "id_number": "身份证号应为 18 位，最后一位可以是数字或 X。",
        "id_taken": "该身份证号的人员已在本机构人员名单中。",
        "asset_taken": "该资产编号已被本机构的其他设备使用。",
        "capability_taken": "该监测能力（监测项目与方法标准）已填写。",
        "certificate_missing": "请上传{what}（PDF、JPEG 或 PNG，不超过 10 MB）。",
    },
    # an account's username, password and name (services/users/accounts.py, AccountField)
    "account_form": {
        "username": "账号为 3～32 位字母、数字或 _ . -。",
        "username_taken": "该账号已被使用，请换一个。",
        "password": "初始密码至少 8 位。",
        "new_password": "新密码须为 {fewest}～{most} 位。",
        "same_password": "新密码不能与原密码相同。",
        "mismatch": "两次输入的新密码不一致。",
        "current": "原密码不正确。",
        "display_name": "请填写姓名或名称（不超过 64 个字）。",
        "link_used": "该链接已使用过。",
        "role_required": "请选择本机构可开通的账号角色。",
    },
    # the registration form (services/users/registration.py, RegistrationField)
    "registration_form": {
        "kind": "请选择机构类型。",
        "not_in_directory": "自主检测排污企业须为排污单位名录库中的单位：名录库中未找到该统一社会信用代码。",
        "district": "请选择所在区。",
        "username": "账号为 3～32 位字母、数字或 _ . -。",
        "username_taken": "该账号已被使用，请换一个。",
        "password": "密码至少 8 位，须同时包含字母和数字。",
        "password_mismatch": "两次输入的密码不一致。",
    },
    # a regulator's account or a park (services/users/regulator_accounts.py, RegulatorField)
    "regulator_form": {
        "scope": "请选择监管范围：全市、区或园区。",
        "district": "监管范围为区时，请选择所在区。",
        "park": "监管范围为园区时，请选择园区。",
        "park_name": "请填写园区名称（不超过 100 个字）。",
        "park_taken": "已有同名园区。",
        "park_codes": "以下统一社会信用代码不在名录库中：{codes}",
        "park_empty": "请至少填写一家园区内排污单位的统一社会信用代码。",
    },
    # an O&M agency's vehicle (services/om/vehicles.py, VehicleField)
    "vehicle_form": {
        "plate": "车牌号格式不正确，例如 沪A12345 或新能源车牌 沪AD12345。",
        "plate_taken": "车牌号 {plate} 的车辆已在本机构的运维车辆中。",
        "licence_missing": "自有车辆请上传车辆行驶证（PDF、JPEG 或 PNG，不超过 10 MB）。",
        "lease_missing": "租赁车辆请上传以公司名义签订的租赁合同（PDF、JPEG 或 PNG，不超过 10 MB）。",
        "contract": "请选择租赁合同须覆盖的运维合同（本机构已提交的合同）。",
        "contract_period": "运维合同 {code} 未填写合同期限，无法核对租赁期，请先在合同管理中补全。",
        "lessee_missing": "请填写租赁合同的承租方。",
        "lessee": "租赁合同的承租方为“{lessee}”，不是本机构“{agency}”：租赁车辆须以公司名义签订租赁合同。",
        "lease_dates": "请填写租赁起始日期和截止日期。",
        "lease_order": "租赁截止日期 {end} 早于起始日期 {start}。",
        "not_covered": "租赁期 {start} 至 {end} 未覆盖运维合同 {code} 的期限 {contract_start} 至 {contract_end}，"
                       "请上传租赁期覆盖合同期限的租赁合同。",
    },
    # an agency's filing, submitted by stage and reviewed (services/filing/filings.py)
    "filing": {
        "under_review": "第 {version} 版{stage}正在审核中，审核结束后才能提交新的版本。",
        "basic_first": "请先提交备案基本信息并通过审核，再提交二审基本信息。",
        "incomplete": "二审基本信息不完整：尚未填写{missing}，不能提交审核。",
        "basic_missing": "基本信息不完整：请先填写{missing}。",
        "unchanged": "{stage}与现行有效的第 {version} 版相同，无需重新提交。",
        "not_reviewable": "该版本当前不在审核中（可能已被其他审核人员处理），请刷新页面查看。",
        "four_eyes": "复核须由初审以外的审核人员完成。",
        "reason_missing": "退回时请填写退回原因。",
        "reason_long": "退回原因请不超过 {most} 个字。",
    },
    # the operator's `emss audit seal` (services/core/audit.py)
    "audit": {
        "not_over": "{day} 尚未结束，只能封存已经结束的日期。",
    },
    # who is registering: the legal entity verified by 法人一证通 (services/users/identity.py)
    "identity": {
        "credit_code_missing": "请输入统一社会信用代码。",
        "credit_code_invalid": "统一社会信用代码{invalid}，请核对后重新输入。",
        "name_missing": "请输入单位名称（营业执照上的全称）。",
        "unreachable": "暂时无法连接法人一证通，请稍后重试。",
        "unverified": "法人一证通未能确认您的单位身份（验证已过期或已使用），请重新验证。",
        "cancelled": "您已取消法人一证通身份验证。",
        "not_configured": "本系统尚未接入法人一证通，暂不能在线注册。请联系系统管理员（见帮助中心）。",
    },
    # the operator's `emss api-token` command (services/users/api_tokens.py)
    "api_token": {
        "no_account": "没有用户名为 {username} 的账号。",
        "no_token": "{username} 没有编号为 {token} 的有效令牌。",
        "not_regulator": "{username} 不是有效的管理部门账号：开放接口令牌只发给管理部门。",
    },
    # a list's filter (services/desk/supervision.py) or the open API's query (services/desk/open_api.py)
    "filter": {
        "bad_date": "日期格式应为 2026-01-31。",
        "not_offered": "请从列表中选择。",
        "range_order": "结束日期不能早于开始日期。",
        "unknown_rule": "没有代码为 {rule} 的异常线索规则。",
        "bad_status": "状态应为 open（待核查）、confirmed（已确认异常）或 cleared（已排除）。",
        "bad_limit": "每页条数应为 1 到 {most} 之间的整数。",
        "bad_cursor": "分页游标无效：请使用上一页返回的 next_cursor 原样传入。",
        "other_list_cursor": "该分页游标属于另一个列表，不能用于本列表。",
    },
    # a file uploaded on a page, judged by its content under its policy (services/adapters/uploads.py)
    "upload": {
        "empty": "上传的{label}是空文件。",
        "too_big": "{label}不能超过 {mb} MB。",
        "wrong_type": "{label}须为 {types} 文件（按文件内容判断），请转换后重新上传。",
        "bad_pdf": "{label}不是可以打开的 PDF 文件（可能已损坏或只是改了扩展名），请重新导出后上传。",
        "no_pages": "{label}是没有页面的 PDF 文件，请重新导出后上传。",
        "too_many_pixels": "{label}图片像素过多（超过 {megapixels} 百万像素），请缩小后重新上传。",
        "bad_image": "{label}图片已损坏，无法打开，请重新上传。",
        "none_chosen": "请选择要导入的{label}（.xlsx）。",
    },
    # a photo received from WeChat or a page (services/adapters/photos.py)
    "photo": {
        "too_big": "照片超过 20 MB，请压缩后重新发送。",
        "not_image": "收到的文件不是有效的图片，请重新拍照发送。",
        "too_many_pixels": "图片尺寸过大，无法处理，请调低相机分辨率后重新拍摄。",
    },
    # services/sampling/tasks.py
    "task": {
        "not_filed": "本机构的备案基本信息和二审基本信息尚未全部审核通过，不能新建监测任务。",
        "name_required": "请填写任务名称。",
        "bad_category": "请选择任务类别。",
        "polluter_required": "请从排污单位名录中选择监测对象。",
        "own_site_missing": "名录中没有登记本企业的厂区，请联系管理员。",
        "own_site_only": "自主检测企业只能为本企业的厂区申请监测任务。",
        "contract_required": "请选择已提交的合同：非自主检测的任务必须关联合同。",
        "contract_not_found": "所选合同不存在。",
        "contract_not_submitted": "合同 {code} 尚未提交，只有已提交的合同可以关联任务。",
        "contract_other_polluter": "合同 {code} 的委托方是 {polluter}，与所选监测对象不一致。",
        "application_closed": "委托申请已提交，不能再修改。",
        "plan_closed": "任务已不在方案编制阶段，方案不能修改。",
        "point_not_listed": "所选点位不在该排污单位的名录中。",
        "factor_not_listed": "名录中点位 {point} 没有监测因子“{factor}”。",
        "duplicate_line": "点位 {point} 的因子“{factor}”重复。",
        "method_required": "请填写点位 {point} “{factor}”的监测方法。",
        "method_too_long": "点位 {point} “{factor}”的监测方法过长。",
        "samples_range": "点位 {point} “{factor}”的每次样品数应为 1～{most} 的整数。",
        "storage_unknown": "点位 {point} “{factor}”的保存条件请从列表中选择（{choices}）。",
        "method_not_in_scheme": "点位 {point} “{factor}”应按排污单位自行监测方案规定的方法标准（{standard}）监测，"
                                "请在监测方法中写明该标准。",
        "mode_not_in_scheme": "点位 {point} “{factor}”在排污单位自行监测方案中为“{scheme_mode}”，与本任务的样品获取方式"
                              "“{task_mode}”不符，请为其另建相应的任务。",
        "bad_kind": "请选择点位类型。",
        "point_kind_exists": "名录中该排污单位已有同类点位（{points}），请从名录中选择；只有没有该类点位时才能新增。",
        "point_name_required": "请填写新点位的名称。",
        "point_factors_required": "请填写新点位的监测因子。",
        "plan_empty": "方案中还没有点位和因子，请先编制方案。",
        "no_visits": "还没有安排采样，请至少安排一次采样。",
        "plan_has_visits": "已经安排了采样，请先删除采样安排再修改方案。",
        "wrong_status": "任务当前处于“{status}”阶段，不能执行此操作。",
    },
}


# details that are rows or refusals, worded here (the planned visits still missing, as "06-01 08:00 张伟：进行中")
RENDERED = {"visits": lambda statuses: "；".join(visit_line(s) for s in statuses),
            "invalid": lambda refusal: say(refusal)}  # a refusal inside another: a credit code's


def say(refusal: Exception, domain: str | None = None) -> str:
    """The refusal in the user's words: its domain's sentence for its code (or `domain`'s, where the page
    speaks for one and has its own sentence for the code), filled with its details. The refusals that still
    carry their own sentence — an upload's, a directory file's, a filing's, whose wording is built where the
    check runs — say themselves."""
    if not isinstance(refusal, Refusal):
        return str(refusal)
    sentences = SENTENCES.get(domain, {})
    sentence = sentences.get(refusal.code) or SENTENCES[refusal.domain][refusal.code]
    details = {k: RENDERED[k](v) if k in RENDERED else v for k, v in refusal.details.items()}
    return sentence.format(**details)
