"""合同管理: the agency's contracts — new, save as draft, submit, view, the attachment. A submitted contract is
read-only; the polluter concerned (and the district's regulator) may read it."""
from __future__ import annotations

from dataclasses import fields

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from models import Contract, Role, clock
from services.adapters import uploads
from services.core import policy
from services.sampling import contracts
from services.sampling.contracts import ContractRefused, Terms
from services.texts.refusals import SENTENCES, say
from web.access import get_or_404, me, role_required
from web.contracts.forms import ContractForm
from web.db import db, uow
from web.files import read_upload, send_media

bp = Blueprint("contracts", __name__, url_prefix="/agency/contracts", template_folder="templates")

READERS = (Role.AGENCY_ADMIN, Role.POLLUTER_CONFIRMER, Role.REGULATOR, Role.SYSTEM_ADMIN)
CLERK = Role.AGENCY_ADMIN
STATUS_NAMES = {contracts.DRAFT: "草稿", contracts.SUBMITTED: "已提交"}


@bp.app_template_filter("contract_status")
def contract_status(status: str) -> str:
    return STATUS_NAMES.get(status, status)


@bp.get("/")
@role_required(*READERS)
def index():
    rows = db().scalars(policy.scoped(me(), Contract).order_by(Contract.id.desc())).all()
    return render_template("contracts/index.html", rows=rows, clerk=me().role == CLERK, fmt=clock.fmt)


@bp.get("/<int:contract_id>")
@role_required(*READERS)
def view(contract_id: int):
    return _render_view(get_or_404(Contract, contract_id), 200)


def _render_view(contract: Contract, status: int):
    return render_template("contracts/view.html", contract=contract, clerk=me().role == CLERK, fmt=clock.fmt,
                           sources=contracts.SAMPLE_SOURCES), status


@bp.get("/<int:contract_id>/attachment")
@role_required(*READERS)
def attachment(contract_id: int):
    contract = get_or_404(Contract, contract_id)
    return send_media(contract.attachment_path, contract.attachment_name or f"{contract.code}.pdf")


@bp.route("/new", methods=["GET", "POST"])
@role_required(CLERK)
def new():
    return _save(None)


@bp.route("/<int:contract_id>/edit", methods=["GET", "POST"])
@role_required(CLERK)
def edit(contract_id: int):
    contract = get_or_404(Contract, contract_id)
    if contract.status != contracts.DRAFT:
        if request.method == "POST":
            abort(400, SENTENCES["contract"]["locked"].format(code=contract.code))
        flash(SENTENCES["contract"]["locked"].format(code=contract.code), "error")
        return redirect(url_for("contracts.view", contract_id=contract.id))
    return _save(contract)


@bp.post("/<int:contract_id>/submit")
@role_required(CLERK)
def submit(contract_id: int):
    contract = get_or_404(Contract, contract_id)
    try:
        contracts.submit(uow(), me(), contract)
    except ContractRefused as refused:
        flash(say(refused), "error")
        return _render_view(contract, 400)
    flash(f"合同 {contract.code} 已提交，现在可以关联监测任务。", "success")
    return redirect(url_for("contracts.view", contract_id=contract.id))


def _save(contract: Contract | None):
    """保存草稿 (and 提交, when that button was pressed): the draft is saved first, so a refused submission
    keeps everything typed and uploaded, and says what is still missing."""
    form = ContractForm(obj=contract if request.method == "GET" else None)
    form.polluter_id.choices = {"": "请选择", **{p.id: f"{p.name}（{p.district}）" for p in contracts.directory(db())}}
    if not form.validate_on_submit():
        return _render_form(form, contract, 400 if request.method == "POST" else 200)
    try:
        attachment = read_upload("attachment", uploads.CONTRACT)
        saved = contracts.save_draft(uow(), me(), _terms(form), contract, attachment,
                                     form.attachment.data.filename if attachment is not None else "")
    except (ContractRefused, uploads.UploadRefused) as refused:
        flash(say(refused), "error")
        return _render_form(form, contract, 400)
    contract = saved
    if request.form.get("action") != "submit":
        flash(f"合同 {contract.code} 已保存为草稿。", "success")
        return redirect(url_for("contracts.view", contract_id=contract.id))
    try:
        contracts.submit(uow(), me(), contract)
    except ContractRefused as refused:
        flash(f"草稿已保存，但未能提交：{say(refused)}", "error")
        return _render_form(form, contract, 400)
    flash(f"合同 {contract.code} 已提交，现在可以关联监测任务。", "success")
    return redirect(url_for("contracts.view", contract_id=contract.id))


def _terms(form: ContractForm) -> Terms:
    return Terms(**{f.name: getattr(form, f.name).data for f in fields(Terms)})


def _render_form(form: ContractForm, contract: Contract | None, status: int):
    return render_template("contracts/form.html", form=form, contract=contract), status
