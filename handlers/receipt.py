"""送样接收: an agency administrator fills the receipt check of delivered samples in chat, field by field,
from the same form definition as the web page (states/receipt.py), with photos; 上一步 / 取消 / 确认 as in
采样工况. The flow's session state keeps only which task (`subject`) or which list (`choices`) is open; the
answers are in the database.
"""
from __future__ import annotations

from handlers import texts as T
from handlers.turn import Picture, Turn
from models import MonitoringTask
from services.field import records
from services.sampling import receipts
from services.texts.refusals import say
from states import forms
from states.receipt import RECEIPT_CHECK, TAGS

NAME = "receipt"
CONFIRM_WORDS = {"1", "确认", "确定", "提交"}


def list_tasks(turn: Turn) -> str:
    """送样接收: the agency's delivered-sample tasks awaiting their receipt check."""
    turn.leave()  # the list starts the choice afresh
    tasks = receipts.awaiting(turn.db, turn.user.agency_id)
    if not tasks:
        return T.NO_RECEIPTS
    turn.enter(NAME, choices=[t.id for t in tasks])
    lines = [T.RECEIPTS_HEAD]
    for n, task in enumerate(tasks, 1):
        answered = len(task.receipt.answers) if task.receipt else 0
        lines.append(T.RECEIPT_LINE.format(n=n, code=task.code, task=task.name, polluter=task.polluter.name,
                                           note=T.RECEIPT_STARTED.format(answered=answered) if answered else ""))
    return "\n".join(lines)


def on_text(turn: Turn, text: str, command: str | None) -> str | None:
    """A list choice, or the open form's answer, 上一步 (back), 取消 (cancel) or 确认; another command is not
    this flow's (None: the command leaves the receipt check, its answers are kept)."""
    if command not in (None, "back", "cancel"):
        return None
    state = turn.flow(NAME)
    if command == "cancel":
        turn.leave()
        return T.RECEIPT_PAUSED
    if "choices" in state:
        return _choose(turn, state["choices"], forms.normalise(text))
    task = _task(turn, state.get("subject"))
    if task is None:
        turn.leave()
        return T.NO_RECEIPTS
    try:
        if command == "back":
            receipts.back(turn.uow, task, turn.user)
            return T.RECEIPT_WENT_BACK + "\n" + prompt(turn, task)
        if receipts.current_field(task) is None:
            return _confirm(turn, task, text)
        receipts.answer(turn.uow, task, turn.user, text)
    except forms.FieldError as error:
        return str(error)
    except records.RecordsProblem as problem:
        return _refused(turn, task, problem)
    return prompt(turn, task)


def _choose(turn: Turn, choices: list[int], number: str) -> str:
    if not number.isdigit() or not 1 <= int(number) <= len(choices):
        return T.BAD_CHOICE.format(count=len(choices))
    task = _task(turn, choices[int(number) - 1])
    if task is None:
        turn.leave()
        return T.NO_RECEIPTS
    try:
        receipts.check_of(task)
    except records.RecordsProblem as problem:
        turn.leave()
        return say(problem, "receipt_chat")
    turn.enter(NAME, subject=task.id).pop("choices")
    head = T.RECEIPT_OPENED.format(code=task.code, task=task.name, polluter=task.polluter.name)
    return head + "\n\n" + prompt(turn, task)


def _confirm(turn: Turn, task: MonitoringTask, text: str) -> str:
    if forms.normalise(text) not in CONFIRM_WORDS:
        return T.EXPECT_CONFIRM + "\n" + prompt(turn, task)
    receipts.confirm(turn.uow, task, turn.user)
    turn.leave()
    return T.RECEIPT_CONFIRMED


def _refused(turn: Turn, task: MonitoringTask, problem: records.RecordsProblem) -> str:
    reason = say(problem, "receipt_chat")
    if problem.code in ("receipt_confirmed", "not_delivered", "wrong_status"):
        turn.leave()
        return reason
    return reason + "\n" + prompt(turn, task)


def prompt(turn: Turn, task: MonitoringTask) -> str:
    """The next question, or the summary to confirm once every field is answered."""
    field = receipts.current_field(task)
    if field is not None:
        return forms.question(RECEIPT_CHECK, field, TAGS)
    return T.RECEIPT_CONFIRM.format(summary=receipts.summary(task), photos=len(receipts.photos(turn.db, task)))


def on_image(turn: Turn, picture: Picture, live: bool) -> str:
    """A photo of the delivered samples: stored for the open receipt check, fetched by a job."""
    state = turn.flow(NAME)
    if "subject" not in state:
        return T.RECEIPT_CHOOSE_FIRST
    task = _task(turn, state["subject"])
    if task is None:
        turn.leave()
        return T.NO_RECEIPTS
    if picture.problem:
        return T.INPUT_PROBLEMS[picture.problem]
    try:
        receipts.add_chat_photo(turn.uow, task, turn.user, picture.media_id, picture.pic_url, live)
    except records.RecordsProblem as problem:
        return _refused(turn, task, problem)
    return T.RECEIPT_PHOTO.format(count=len(receipts.photos(turn.db, task)))


def _task(turn: Turn, task_id: int | None) -> MonitoringTask | None:
    return receipts.agency_task(turn.db, turn.user.agency_id, task_id) if task_id is not None else None
