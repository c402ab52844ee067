"""备案管理: the agency administrator's filing — basic information, people, equipment, capabilities (O&M
agencies: vehicles and spare parts, in web/filing/om.py), versions — and 机构注册, where a legal entity
verified by the identity provider opens its agency account."""
from __future__ import annotations

import secrets
import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import login_user

from models import Capability, Filing, FilingStage, Role, clock
from services.adapters import uploads
from services.filing import filings
from services.filing.filings import FilingRefused, FormInvalid
from services.texts.refusals import say
from services.users import identity, registration, staff_accounts
from states import filing as machine
from states.filing_forms import BASIC, CAPABILITY, DISTRICTS, KIND_LABELS, SECTION_BY_KEY, sections_of, tags_of
from states.forms import display
from web import formview
from web.access import Principal, get_or_404, me, role_required
from web.db import db, uow
from web.files import read_upload, send_media

bp = Blueprint("filing", __name__, url_prefix="/agency/filing", template_folder="templates")


@bp.app_template_filter("id_masked")
def id_masked(number: str | None) -> str:
    """An ID-card number as lists show it: the first and last four only (the full one is on the record's page)."""
    number = number or ""
    return number if len(number) <= 8 else number[:4] + "*" * (len(number) - 8) + number[-4:]
ENTRIES = {key: filings.MODELS[key] for key in ("staff", "equipment")}
SAVE = {"staff": filings.save_staff, "equipment": filings.save_equipment}
ENTRY = "<any(staff, equipment):section>"
# the sections whose filed entries carry files, and which file of an entry (certificate, licence, lease)
FILED = "<any(staff, equipment, vehicles):section>"
FILE = "<any(certificate, licence, lease):file>"
REGISTRATION_SECONDS = 30 * 60  # how long an identity verification carries the registration
IDENTITY_STATE = "identity_state"  # the verification this browser started (against a forged callback)


@bp.context_processor
def labels() -> dict:
    """Names of states, stages, decisions and kinds, for the filing and review pages alike."""
    return {"fmt": clock.fmt, "state_labels": machine.STATE_LABELS, "stage_labels": machine.STAGE_LABELS,
            "round_labels": machine.ROUND_LABELS, "decision_labels": machine.DECISION_LABELS,
            "kind_labels": KIND_LABELS, "sections": SECTION_BY_KEY,
            "change_labels": filings.CHANGE_LABELS, "basic_form": BASIC, "today": clock.today().isoformat(),
            "sections_of": sections_of, "tags_of": tags_of, "display": display}


# --- the filing page ---------------------------------------------------------------------------------------

@bp.get("/")
@role_required(Role.AGENCY_ADMIN)
def edit():
    return _page()


def _page(status: int = 200, basic_typed=None, basic_errors=None, capability_typed=None, capability_errors=None):
    agency = me().agency
    tags = tags_of(agency.kind)
    return render_template(
        "filing/edit.html", agency=agency, rows=filings.working_copy(db(), agency.id), tags=tags,
        filed_sections=sections_of(agency.kind),
        history=[v for stage in machine.STAGES for v in filings.versions(db(), agency.id, stage)],
        statuses=filings.statuses(db(), agency.id),
        basic=filings.working_basic(db(), agency),
        basic_fields=formview.widgets(BASIC, tags, filings.working_basic(db(), agency), basic_typed, basic_errors),
        capability_fields=formview.widgets(CAPABILITY, tags, None, capability_typed, capability_errors),
    ), status


@bp.post("/basic")
@role_required(Role.AGENCY_ADMIN)
def save_basic():
    agency = me().agency
    values, errors = formview.parse_posted(BASIC, tags_of(agency.kind), request.form)
    if errors:
        flash("基本信息未保存，请按提示修改。", "error")
        return _page(400, basic_typed=request.form, basic_errors=errors)
    filings.update_basic(db(), agency, values)
    flash("基本信息已保存，提交审核并通过后生效。", "success")
    return redirect(url_for("filing.edit"))


@bp.post("/capabilities")
@role_required(Role.AGENCY_ADMIN)
def add_capability():
    agency = me().agency
    values, errors = formview.parse_posted(CAPABILITY, tags_of(agency.kind), request.form)
    try:
        if errors:
            raise FormInvalid(errors)
        filings.add_capability(db(), agency, values)
    except FormInvalid as invalid:
        flash("监测能力未添加，请按提示修改。", "error")
        return _page(400, capability_typed=request.form, capability_errors=invalid.errors)
    flash("监测能力已添加。", "success")
    return redirect(url_for("filing.edit") + "#capabilities")


@bp.post("/capabilities/<int:capability_id>/remove")
@role_required(Role.AGENCY_ADMIN)
def remove_capability(capability_id: int):
    row = _active(Capability, capability_id)
    filings.deactivate(row)
    flash(f"已删除监测能力“{row.factor}（{row.method}）”，提交审核并通过后生效。", "success")
    return redirect(url_for("filing.edit") + "#capabilities")


@bp.post("/submit/<any(basic, resources):stage>")
@role_required(Role.AGENCY_ADMIN)
def submit(stage: str):
    """提交审核 of one stage: 备案基本信息 (basic) or 二审基本信息 (resources)."""
    try:
        version = filings.submit(db(), me().agency, FilingStage(stage))
    except FilingRefused as refused:
        flash(say(refused), "error")
        return _page(400)
    flash(f"{machine.STAGE_LABELS[stage]}第 {version.version} 版已提交，等待管理部门审核。", "success")
    return redirect(url_for("filing.edit"))


# --- people and equipment ----------------------------------------------------------------------------------

@bp.route(f"/{ENTRY}/new", methods=["GET", "POST"])
@role_required(Role.AGENCY_ADMIN)
def new_entry(section: str):
    return _entry_page(section, None)


@bp.route(f"/{ENTRY}/<int:item_id>", methods=["GET", "POST"])
@role_required(Role.AGENCY_ADMIN)
def edit_entry(section: str, item_id: int):
    return _entry_page(section, _active(ENTRIES[section], item_id))


def _entry_page(section: str, row):
    """Add or correct a person or an instrument, with the certificate upload."""
    agency, form = me().agency, SECTION_BY_KEY[section].form
    tags = tags_of(agency.kind)
    if request.method == "GET":
        stored = {f.name: getattr(row, f.name) for f in form.fields} if row is not None else None
        return _render_entry(section, row, formview.widgets(form, tags, stored))
    values, errors = formview.parse_posted(form, tags, request.form)
    try:
        if errors:
            raise FormInvalid(errors)
        saved = SAVE[section](uow(), agency, values, _upload(), row)
    except FormInvalid as invalid:
        flash("未保存，请按提示修改。", "error")
        fields = formview.widgets(form, tags, None, request.form, invalid.errors)
        return _render_entry(section, row, fields, invalid.errors.get("certificate")), 400
    flash(f"“{saved.name}”已保存，提交审核并通过后生效。", "success")
    return redirect(url_for("filing.edit") + f"#{section}")


def _render_entry(section: str, row, fields, certificate_error: str | None = None):
    return render_template("filing/entry.html", section=SECTION_BY_KEY[section], row=row, fields=fields,
                           certificate_error=certificate_error)


def _upload() -> bytes | None:
    """The certificate file's bytes (read up to just past the limit, so an oversized file is refused)."""
    return read_upload("certificate", uploads.CERTIFICATE)


@bp.post(f"/{ENTRY}/<int:item_id>/deactivate")
@role_required(Role.AGENCY_ADMIN)
def deactivate_entry(section: str, item_id: int):
    row = _active(ENTRIES[section], item_id)
    stopped = staff_accounts.leaves(db(), me(), row) if section == "staff" else filings.deactivate(row)
    flash(f"“{row.name}”已停用，提交审核并通过后从备案中移除。" + ("其账号已停用，微信绑定已解除。" if stopped else ""),
          "success")
    return redirect(url_for("filing.edit") + f"#{section}")


@bp.get(f"/{ENTRY}/<int:item_id>/certificate")
@role_required(Role.AGENCY_ADMIN)
def entry_certificate(section: str, item_id: int):
    row = get_or_404(ENTRIES[section], item_id)
    return send_certificate(row.certificate_path, f"{row.name}-{SECTION_BY_KEY[section].certificate}")


def _active(model, ident: int):
    row = get_or_404(model, ident)
    if not row.active:
        abort(404)
    return row


# --- versions -------------------------------------------------------------------------------------------

@bp.get("/versions/<int:filing_id>")
@role_required(Role.AGENCY_ADMIN)
def version(filing_id: int):
    filing = get_or_404(Filing, filing_id)
    return render_template("filing/version.html", filing=filing, diff=filings.diff(db(), filing),
                           file_endpoint="filing.version_file")


@bp.get(f"/versions/<int:filing_id>/files/{FILED}/<int:item_id>", defaults={"file": "certificate"})
@bp.get(f"/versions/<int:filing_id>/files/{FILED}/<int:item_id>/{FILE}")
@role_required(Role.AGENCY_ADMIN)
def version_file(filing_id: int, section: str, item_id: int, file: str):
    return send_filed_certificate(get_or_404(Filing, filing_id), section, item_id, file)


def send_filed_certificate(filing: Filing, section: str, item_id: int, file: str = "certificate"):
    """A file one version was submitted with — certificate, vehicle licence or lease (a later replacement does
    not change it); 404 when the section has no such file."""
    label = dict(SECTION_BY_KEY[section].files).get(file)
    if label is None:
        abort(404)
    entry = filings.filed_entry(filing, section, item_id)
    title = entry.get("name") or entry.get("plate")
    return send_certificate(entry.get(f"{file}_path"), f"{title}-{label}-第{filing.version}版")


def send_certificate(path: str | None, name: str):
    """A certificate file as a download (its type was checked on upload), or 404 when there is none."""
    return send_media(path, f"{name}.{(path or '').rsplit('.', 1)[-1]}")


# --- registration (机构注册) ---------------------------------------------------------------------------------

def register():
    """Step 1: the legal entity proves who it is at 法人一证通 (its page, then back to our callback)."""
    if _provider() is None:
        return render_template("filing/register.html", refused=say(identity.IdentityRejected("not_configured"))), 503
    return render_template("filing/register.html", refused=None)


def register_start():
    provider = _provider()
    if provider is None:
        abort(503, say(identity.IdentityRejected("not_configured")))
    state = secrets.token_urlsafe(16)
    session[IDENTITY_STATE] = state
    return redirect(provider.authorize_url(_callback_url(), state))


def register_callback():
    """The provider sends the browser back with a code (or an error); the code names the entity, server to server."""
    provider, expected = _provider(), session.pop(IDENTITY_STATE, None)
    state, code = request.args.get("state", ""), request.args.get("code", "")
    try:
        if provider is None:
            raise identity.IdentityRejected("not_configured")
        if not expected or not secrets.compare_digest(state, expected):
            raise identity.IdentityRejected("unverified")  # not the verification this browser started
        if request.args.get("error") or not code:
            raise identity.IdentityRejected("cancelled")
        entity = provider.entity(code, _callback_url())
        if registration.registered(db(), entity.credit_code):
            raise registration.AlreadyRegistered()
    except (identity.IdentityRejected, registration.AlreadyRegistered) as rejected:
        flash(say(rejected), "error")
        return render_template("filing/register.html", refused=None), 400
    session["registration"] = {"credit_code": entity.credit_code, "name": entity.name, "at": time.time()}
    return redirect(url_for("filing.register_account"))


def _provider() -> identity.IdentityProvider | None:
    runtime = current_app.extensions["emss"]
    return identity.provider(runtime.config, runtime.http)


def _callback_url() -> str:
    return current_app.extensions["emss"].config.public_base_url.rstrip("/") + url_for("filing.register_callback")


def register_account():
    """Step 2: the agency kind and the administrator's account; creates the agency with a draft filing."""
    entity = _verified_entity()
    if entity is None:
        flash("请先完成单位身份验证。", "error")
        return redirect(url_for("filing.register"))
    if request.method == "GET":
        return _account_page(entity, {}, {})
    try:
        admin = registration.register(db(), entity, request.form)
    except registration.AlreadyRegistered as refused:
        session.pop("registration", None)
        flash(say(refused), "error")
        return redirect(url_for("auth.login"))
    except FormInvalid as invalid:
        flash("注册未完成，请按提示修改。", "error")
        return _account_page(entity, request.form, invalid.errors), 400
    session.pop("registration", None)
    login_user(Principal.of(admin))
    flash("注册成功。请填写备案信息并提交审核，审核通过后即可开展监测任务。", "success")
    return redirect(url_for("filing.edit"))


def _verified_entity() -> identity.LegalEntity | None:
    held = session.get("registration")
    if not held or time.time() - held.get("at", 0) > REGISTRATION_SECONDS:
        return None
    return identity.LegalEntity(credit_code=held["credit_code"], name=held["name"])


def _account_page(entity, typed, errors):
    return render_template("filing/register_account.html", entity=entity, typed=typed, errors=errors,
                           kinds=KIND_LABELS.items(), districts=DISTRICTS)


# registration lives at /register, outside the agency area (its visitors have no account yet)
bp.record_once(lambda state: state.app.add_url_rule("/register", "filing.register", register))
bp.record_once(lambda state: state.app.add_url_rule("/register/start", "filing.register_start", register_start))
bp.record_once(lambda state: state.app.add_url_rule("/register/callback", "filing.register_callback",
                                                    register_callback))
bp.record_once(lambda state: state.app.add_url_rule("/register/account", "filing.register_account",
                                                    register_account, methods=["GET", "POST"]))


from web.filing import om  # noqa: E402,F401  (the O&M sections' routes, on this blueprint)
