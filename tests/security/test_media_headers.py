"""Every route that serves a user's file answers with `X-Content-Type-Options: nosniff`, as a download unless
it is a picture (or the record sheet we print ourselves), and with `Cache-Control: no-store` where the file is
evidence (photos, signatures, record sheets, raw records): one scene with one file of each kind, then a walk over
the routes."""
from __future__ import annotations

import inspect
import re

from sqlalchemy import select

from models import (
    ClientSamplingFile,
    Contract,
    CreditDocument,
    InspectionFile,
    MonitoringTask,
    OmConfirmation,
    OmReport,
    OmSheet,
    Photo,
    SamplingTrip,
    Staff,
    TrainingRecord,
    User,
    Vehicle,
)
from services.core.uow import UnitOfWork
from services.om import om_confirmations
from tests.integration.test_confirmation import (
    POLLUTER,
    links,
    open_as,
    submit_trip,
    wechat_open,  # noqa: F401
)
from tests.integration.test_om_confirmation import om_links
from tests.security.test_uploads import FORMS, png, post
from tests.support import desk, files
from tests.support.om import awaiting_visit, signature_url

INLINE, DOWNLOAD = "inline", "download"
# endpoint: (who asks, how it is shown, evidence); the URL comes from the scene
ROUTES = {
    "mobile.photo": (POLLUTER, INLINE, True),
    "mobile.om_photo": (POLLUTER, INLINE, True),
    "mobile.om_signature": (POLLUTER, INLINE, True),
    "polluter.photo": ("polluter1", INLINE, True),
    "polluter.om_photo": ("polluter1", INLINE, True),
    "polluter.om_signature": ("polluter1", INLINE, True),
    "records.photo": ("agency1", INLINE, True),
    "records.original": ("agency1", INLINE, True),
    "records.download_report": ("agency1", DOWNLOAD, False),
    "records.client_sampling_file": ("agency1", DOWNLOAD, True),  # a sheet in PDF; a photo of one is inline
    "om.photo": ("om1", INLINE, True),
    "om.signature": ("om1", INLINE, True),
    "om.sheet_pdf": ("om1", INLINE, True),  # our own rendering, opened in the browser's PDF viewer
    "om.visits_xlsx": ("om1", DOWNLOAD, True),
    "om.findings_xlsx": ("om1", DOWNLOAD, True),
    "om.report_file[file]": ("om1", DOWNLOAD, False),
    "om.report_file[raw]": ("om1", DOWNLOAD, True),
    "contracts.attachment": ("agency1", DOWNLOAD, False),
    "credit.document": ("om1", DOWNLOAD, False),
    "credit.evidence": ("om1", DOWNLOAD, False),
    "filing.entry_certificate": ("agency1", DOWNLOAD, False),  # a picture too, offered under its own name
    "filing.vehicle_file": ("om1", DOWNLOAD, False),
    "tasks.export": ("agency1", DOWNLOAD, False),
    "inspections.inspection_file": ("regulator1", DOWNLOAD, True),  # the signed inspection record (PDF)
    "inspections.draw_export": ("regulator1", DOWNLOAD, False),
}
# served by the same helper as filing.entry_certificate (send_certificate), from a filed version's snapshot
SAME_HELPER = {"filing.version_file", "review.certificate"}


def test_the_table_names_every_route_that_sends_a_file(app):
    senders = {name for name, view in app.view_functions.items() if name != "static"
               and re.search(r"\bsend_\w+\(|\b_send\(|\bxlsx\(", inspect.getsource(view))}
    senders.discard("review.send_back")  # 退回: a form, its name only looks like a sender
    assert senders == {e.split("[")[0] for e in ROUTES} | SAME_HELPER


def scene(app, runtime, client, phone, drain) -> dict[str, str]:
    """One file of each kind, through the forms and flows that make them; the URL of each route."""
    submit_trip(phone)
    trip_link = links(runtime)[-1]
    awaiting_visit(app, drain)
    with UnitOfWork(runtime) as uow:  # signed on the desktop, so the link stays alive and serves the signature
        confirmation = uow.session.scalars(select(OmConfirmation)).one()
        polluter1 = uow.session.scalar(select(User).where(User.username == "polluter1"))
        assert om_confirmations.confirm(uow, confirmation, polluter1, signature_url())
        uow.commit()
    for name, good in (("contract_attachment", files.pdf()), ("credit_document", files.pdf()),
                       ("training_evidence", files.pdf()), ("staff_certificate", png(64)),
                       ("vehicle_lease", files.pdf()), ("om_report", files.pdf()), ("task_report", files.pdf()),
                       ("client_sampling_sheet", files.pdf())):
        form = FORMS[name]
        url, values = form.prepare(runtime)
        response = post(desk.sign_in(app, form.user), url, values, {**form.other_files, form.field: (good, "f")})
        assert response.status_code in (302, 303), name
    inspector = desk.sign_in(app, "regulator1")
    with runtime.sessions() as s:
        inspected = s.scalar(select(SamplingTrip.id))
    drawn = desk.post(inspector, "/regulator/spot-checks", {"kind": "trip", "size": "1"})
    recorded = desk.upload(inspector, f"/regulator/inspections/new?kind=trip&id={inspected}", {
        "inspected_on": "2026-11-20", "inspectors": "王检", "outcome": "true"}, "files", files.pdf(), "笔录.pdf")
    assert drawn.status_code == recorded.status_code == 302
    with runtime.sessions() as s:
        trip = s.scalar(select(SamplingTrip))
        inspection_file = s.scalar(select(InspectionFile))
        trip_photo = s.scalars(select(Photo.id).where(Photo.trip_id == trip.id)).first()
        om_photo, visit = s.execute(select(Photo.id, Photo.om_visit_id).where(Photo.om_visit_id.is_not(None))).first()
        signed = s.scalar(select(OmConfirmation.id))
        report = s.scalar(select(OmReport.id))
        task = s.scalar(select(MonitoringTask.id).where(MonitoringTask.code == "T-UPLOAD"))
        sheet = s.scalar(select(ClientSamplingFile))
        contract = s.scalar(select(Contract.id).where(Contract.code == "HT-2026-101"))
        staff = s.scalar(select(Staff.id).where(Staff.name == "孙磊"))
        om_link = om_links(runtime)[-1]
        return {
            "mobile.photo": f"{trip_link}/photos/{trip_photo}/thumb",
            "mobile.om_photo": f"{om_link}/photos/{om_photo}/watermarked",
            "mobile.om_signature": f"{om_link}/signatures/{signed}",
            "polluter.photo": f"/polluter/trips/{trip.id}/photos/{trip_photo}/watermarked",
            "polluter.om_photo": f"/polluter/om/{visit}/photos/{om_photo}/thumb",
            "polluter.om_signature": f"/polluter/om/{visit}/signatures/{signed}",
            "records.photo": f"/records/photos/{trip_photo}/thumb",
            "records.original": f"/records/photos/{trip_photo}/original",
            "records.download_report": f"/records/tasks/{task}/report",
            "records.client_sampling_file": f"/records/tasks/{sheet.record.task_id}/client-sampling/files/{sheet.id}",
            "om.photo": f"/om/photos/{om_photo}/watermarked",
            "om.signature": f"/om/confirmations/{signed}/signature",
            "om.sheet_pdf": f"/om/sheets/{s.scalar(select(OmSheet.id))}.pdf",
            "om.visits_xlsx": "/om/visits.xlsx",
            "om.findings_xlsx": "/om/findings.xlsx",
            "om.report_file[file]": f"/om/reports/{report}/file",
            "om.report_file[raw]": f"/om/reports/{report}/raw",
            "contracts.attachment": f"/agency/contracts/{contract}/attachment",
            "credit.document": f"/agency/credit/documents/{s.scalar(select(CreditDocument.id))}",
            "credit.evidence": f"/agency/credit/training/{s.scalar(select(TrainingRecord.id))}/evidence",
            "filing.entry_certificate": f"/agency/filing/staff/{staff}/certificate",
            "filing.vehicle_file": f"/agency/filing/vehicles/{s.scalar(select(Vehicle.id))}/lease",
            "tasks.export": "/agency/tasks/export.xlsx",
            "inspections.inspection_file":
                f"/regulator/inspections/{inspection_file.inspection_id}/files/{inspection_file.id}",
            "inspections.draw_export": drawn.headers["Location"] + ".xlsx",
        }


def headers_of(app, client, endpoint: str, url: str) -> tuple:
    """(nosniff, shown as, no-store, status) of the route's answer to the user the table names."""
    who = ROUTES[endpoint][0]
    if who == POLLUTER:  # the WeChat browser that opened the link
        asker, response = client, client.get(url)
    else:
        asker = desk.sign_in(app, who)
        response = desk.post(asker, url) if endpoint == "records.original" else asker.get(url)
    with response:
        disposition = response.headers.get("Content-Disposition", "inline")
        return (response.status_code, response.headers.get("X-Content-Type-Options") == "nosniff",
                DOWNLOAD if disposition.startswith("attachment") else INLINE,
                "no-store" in response.headers.get("Cache-Control", ""))


def test_every_served_file_has_the_protective_headers(demo_world, app, runtime, client, phone, drain,
                                                      wechat_open):  # noqa: F811
    urls = scene(app, runtime, client, phone, drain)
    open_as(client, links(runtime)[-1], POLLUTER)  # the WeChat browser verified for both links
    open_as(client, om_links(runtime)[-1], POLLUTER)
    answers = {endpoint: headers_of(app, client, endpoint, url) for endpoint, url in urls.items()}
    assert answers == {endpoint: (200, True, shown, evidence) for endpoint, (_, shown, evidence) in ROUTES.items()}
