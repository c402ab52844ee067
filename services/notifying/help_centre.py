"""帮助中心 (seed 000, 4): the administering unit's contacts, the operating guide and the FAQ — shipped with
defaults, edited by the system administrator — and the feedback users leave, answered on the administrator's desk."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Feedback, HelpCentre, User, clock
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork

# the two contacts the notice (沪环监测〔2024〕59号) itself publishes
DEFAULT_CONTACTS = (
    "市生态环境局监测处 王大为　电话：23117310　电子邮箱：wangdawei30@126.com\n"
    "市环境监测中心 宋钊　电话：24011718　电子邮箱：zsong@sthj.shanghai.gov.cn"
)
DEFAULT_GUIDE = (
    "【社会环境监测机构】网页端完成备案（基本信息、人员、设备、监测能力），通过审核后登记合同、创建监测任务、"
    "编制方案和采样计划；采样人员在微信公众号“业务管理 → 采样任务”完成进场签到、采样、离场签到；"
    "报告编号在网页端“监测任务”中生成。\n"
    "【采样人员】关注公众号后回复“绑定”，输入监管系统账号和密码；到达现场后按提示发送位置和照片，"
    "每一步都可回复“状态”“上一步”“取消”。\n"
    "【排污单位】绑定账户后会收到模板消息，请在采样人员离场前核对并确认，有误时退回并填写理由。\n"
    "【运维机构与运维人员】网页端备案并制定运维计划；运维人员在“业务管理 → 污染源运维”中签到并填写记录单，"
    "排污单位当天签名确认。\n"
    "【管理部门】在“监管工作台”查看辖区内的采样行程、现场运维和异常线索，按风险排序开展检查。"
)
DEFAULT_FAQ = [
    {"q": "忘记密码或账号被锁定怎么办？",
     "a": "连续输错 5 次密码后账号锁定 15 分钟，到时自动解锁；忘记密码请联系本单位管理员或系统管理员重置。"},
    {"q": "签到提示“围栏外”是什么意思？",
     "a": "签到位置距离排污单位超过电子围栏半径。签到照常记录，但会提示管理部门重点核查，请在现场正确位置签到。"},
    {"q": "为什么不能从相册选择照片？", "a": "现场照片须现场拍摄，系统会核对照片的拍摄时间和地点。"},
    {"q": "排污单位没有收到确认消息怎么办？",
     "a": "请确认排污单位已在公众号绑定账户并关注公众号；也可在网页端“待确认采样行程”中确认。"},
]
MAX_TEXT = 4000
MAX_FEEDBACK = 2000
FEEDBACK_PER_HOUR = 5  # per signed-in user or per address: enough for a real question, too few for spam


@dataclass(frozen=True)
class HelpPage:
    contacts: str
    guide: str
    faq: list[dict] = field(default_factory=list)
    updated_at: datetime | None = None
    updated_by: str | None = None


class FeedbackRefused(Refusal):
    """Feedback (or its answer) that cannot be kept as typed; the code says why."""

    domain = "feedback"


def page(db: Session) -> HelpPage:
    row = db.scalar(select(HelpCentre).order_by(HelpCentre.id.desc()).limit(1))
    if row is None:
        return HelpPage(DEFAULT_CONTACTS, DEFAULT_GUIDE, DEFAULT_FAQ)
    return HelpPage(row.contacts, row.guide, row.faq, row.updated_at,
                    row.updated_by.display_name if row.updated_by else None)


def faq_text(faq: list[dict]) -> str:
    """The FAQ as the administrator edits it: blocks of “问：… / 答：…” separated by a blank line."""
    return "\n\n".join(f"问：{item['q']}\n答：{item['a']}" for item in faq)


def parse_faq(text: str) -> tuple[list[dict], list[str]]:
    faq, problems = [], []
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    for number, block in enumerate(blocks, 1):
        question, sep, answer = block.partition("答：")
        question = question.strip().removeprefix("问：").strip()
        if not sep or not question or not answer.strip():
            problems.append(f"常见问题第 {number} 条应写成“问：……”换行“答：……”。")
            continue
        faq.append({"q": question, "a": answer.strip()})
    return faq, problems


def save(uow: UnitOfWork, admin: User, contacts: str, guide: str, faq: str) -> list[str]:
    """Keep a new version of the page (earlier versions stay, so who changed what can be seen); the problems
    found, in Chinese, when nothing was saved."""
    contacts, guide = contacts.strip(), guide.strip()
    items, problems = parse_faq(faq)
    if not contacts:
        problems.insert(0, "请填写咨询联系方式。")
    if not guide:
        problems.insert(0, "请填写操作指南。")
    if max(len(contacts), len(guide), len(faq)) > MAX_TEXT:
        problems.append(f"每一栏不超过 {MAX_TEXT} 个字。")
    if problems:
        return problems
    uow.session.add(HelpCentre(contacts=contacts, guide=guide, faq=items, updated_by_id=admin.id))
    uow.commit()
    return []


def leave_feedback(uow: UnitOfWork, user: User | None, sender: str, name: str, contact: str, body: str) -> Feedback:
    """`sender` tells apart who sends (the user, or the address of someone not signed in) for the hourly limit."""
    name, contact, body = name.strip(), contact.strip(), body.strip()
    if user is not None:
        name = name or user.display_name
    if not name or not contact:
        raise FeedbackRefused("contact_required")
    if len(name) > 64 or len(contact) > 64:
        raise FeedbackRefused("contact_too_long")
    if not 5 <= len(body) <= MAX_FEEDBACK:
        raise FeedbackRefused("bad_body", most=MAX_FEEDBACK)
    key = f"feedback:{sender}:{clock.now():%Y%m%d%H}"
    if uow.redis.incr(key) > FEEDBACK_PER_HOUR:
        raise FeedbackRefused("too_often")
    uow.redis.expire(key, 3600)
    feedback = Feedback(user_id=user.id if user else None, name=name, contact=contact, body=body)
    uow.session.add(feedback)
    uow.commit()
    return feedback


def feedback_list(db: Session, waiting_only: bool) -> list[Feedback]:
    query = select(Feedback).order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(200)
    if waiting_only:
        query = query.where(Feedback.handled_at.is_(None))
    return list(db.scalars(query))


def feedback_of(db: Session, user: User) -> list[Feedback]:
    """What a signed-in user sent, with the answers, newest first."""
    return list(db.scalars(select(Feedback).where(Feedback.user_id == user.id)
                           .order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(50)))


def answer(uow: UnitOfWork, admin: User, feedback_id: int, reply: str) -> Feedback | None:
    feedback = uow.session.get(Feedback, feedback_id)
    if feedback is None:
        return None
    reply = reply.strip()
    if not reply or len(reply) > MAX_FEEDBACK:
        raise FeedbackRefused("bad_reply", most=MAX_FEEDBACK)
    feedback.reply, feedback.handled_by_id, feedback.handled_at = reply, admin.id, clock.now()
    uow.commit()
    return feedback
