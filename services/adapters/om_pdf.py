"""One O&M record sheet printed like the paper form (reportlab): title, header block (site, point, instrument,
agency, crew, time), every field of the form with its value, photos, remarks, QC findings with their clauses
and the polluter's signature.

Chinese text needs a CJK font: the TrueType WenQuanYi Micro Hei is embedded when the system has it (Debian's
fonts-wqy-microhei, installed by `make browser`), else reportlab's built-in CID font STSong-Light (viewers
supply the glyphs). Either way the text stays extractable (copy, search, the tests read it back).
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from models import OmSheet, clock
from services.om import om_records
from states.qc_limits import SEVERITY_NAMES

TRUETYPE_FONTS = (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
                  Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"))
CID_FONT = "STSong-Light"
PHOTOS_PER_ROW = 4
PHOTO_WIDTH = 40 * mm
SIGNATURE_WIDTH = 50 * mm
PAGE_MARGIN = 15 * mm
LABEL_WIDTH = 70 * mm


@lru_cache(maxsize=1)
def font() -> str:
    """The registered CJK font's name: an embedded TrueType font if present, else the CID font."""
    for path in TRUETYPE_FONTS:
        if path.exists():
            pdfmetrics.registerFont(TTFont("EmssCJK", str(path), subfontIndex=0))
            return "EmssCJK"
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def _styles() -> dict[str, ParagraphStyle]:
    name = font()
    base = ParagraphStyle("body", fontName=name, fontSize=9.5, leading=13, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=22, alignment=1, spaceAfter=3 * mm),
        "subtitle": ParagraphStyle("subtitle", parent=base, alignment=1, textColor=colors.grey, spaceAfter=3 * mm),
        "heading": ParagraphStyle("heading", parent=base, fontSize=11.5, leading=16, spaceBefore=4 * mm,
                                  spaceAfter=2 * mm),
        "body": base,
        "label": ParagraphStyle("label", parent=base, textColor=colors.HexColor("#333333")),
    }


def render(db: Session, sheet: OmSheet, media_root: Path) -> bytes:
    """The sheet as a PDF document."""
    styles = _styles()
    visit = sheet.visit
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=PAGE_MARGIN, rightMargin=PAGE_MARGIN,
                                 topMargin=PAGE_MARGIN, bottomMargin=PAGE_MARGIN,
                                 title=om_records.form_of(sheet).title, author=visit.plan.agency.name)
    width = A4[0] - 2 * PAGE_MARGIN
    story = [Paragraph(escape(om_records.form_of(sheet).title), styles["title"]),
             Paragraph(escape(f"记录单编号：{visit.plan.agency.code or 'OM'}-{visit.id}-{sheet.id}"),
                       styles["subtitle"]),
             _header(db, sheet, styles, width),
             Paragraph("记录内容", styles["heading"]),
             _grid([(line.label, line.value) for line in om_records.lines(sheet)], styles, width)]
    story += _photos(db, sheet, styles, width, media_root)
    story += [Paragraph("备注", styles["heading"]),
              Paragraph(escape(om_records.remarks(sheet) or "无"), styles["body"])]
    story += _findings(sheet, styles, width)
    story += _signature(sheet, styles, media_root)
    document.build(story)
    return out.getvalue()


def _cell(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(rows: list[list], widths: list[float], header: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(style))
    return table


def _grid(pairs: list[tuple[str, str]], styles, width: float) -> Table:
    rows = [[_cell(label, styles["label"]), _cell(value, styles["body"])] for label, value in pairs]
    table = _table(rows, [LABEL_WIDTH, width - LABEL_WIDTH])
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f4f4f4"))]))
    return table


def _header(db: Session, sheet: OmSheet, styles, width: float) -> Table:
    visit = sheet.visit
    point = om_records.point_of(sheet)
    instrument = sheet.instrument
    arrival, departure = om_records.times(db, visit)
    crew = sheet.filled_by.display_name if sheet.filled_by else "、".join(u.display_name for u in visit.plan.crew)
    pairs = [
        ("排污单位", visit.plan.polluter.name),
        ("点位", f"{point.code} {point.name}" if point else "—"),
        ("仪器", f"{instrument.name}（型号 {instrument.model}，编号 {instrument.serial_no}）" if instrument else "—"),
        ("运维机构", visit.plan.agency.name),
        ("运维人员", crew),
        ("日期时间", f"{visit.due_on.isoformat()}　进场 {clock.fmt(arrival)}　离场 {clock.fmt(departure)}"),
        ("填写时间", clock.fmt(sheet.confirmed_at or sheet.updated_at)),
    ]
    rows, half = [], (width - 2 * 22 * mm) / 2
    for i in range(0, len(pairs), 2):
        row = []
        for label, value in pairs[i:i + 2]:
            row += [_cell(label, styles["label"]), _cell(value, styles["body"])]
        rows.append(row + [""] * (4 - len(row)))
    table = _table(rows, [22 * mm, half, 22 * mm, half])
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f4f4f4")),
                               ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#f4f4f4"))]))
    return table


def _photos(db: Session, sheet: OmSheet, styles, width: float, media_root: Path) -> list:
    flowables = [Paragraph("现场照片", styles["heading"])]
    images = []
    for photo in om_records.photos(db, sheet.visit, sheet):
        image = _image(media_root, photo.thumbnail_path, PHOTO_WIDTH)
        if image is not None:
            images.append([image, _cell(clock.fmt(photo.received_at), styles["label"])])
    if not images:
        return flowables + [Paragraph("无", styles["body"])]
    cells = [Table([[img], [caption]]) for img, caption in images]
    rows = [cells[i:i + PHOTOS_PER_ROW] for i in range(0, len(cells), PHOTOS_PER_ROW)]
    rows[-1] += [""] * (PHOTOS_PER_ROW - len(rows[-1]))
    return flowables + [Table(rows, colWidths=[width / PHOTOS_PER_ROW] * PHOTOS_PER_ROW)]


def _image(media_root: Path, relative: str | None, max_width: float) -> Image | None:
    if not relative:
        return None
    path = Path(media_root) / relative
    if not path.is_file():
        return None
    image = Image(str(path))
    if image.imageWidth:  # drawn at the given width, keeping the proportions
        factor = max_width / image.imageWidth
        image.drawWidth, image.drawHeight = max_width, image.imageHeight * factor
    return image


def _findings(sheet: OmSheet, styles, width: float) -> list:
    findings = [*[f for f in sheet.visit.findings if f.sheet_id is None], *sheet.findings]
    flowables = [Paragraph("质控核查", styles["heading"])]
    if not findings:
        return flowables + [Paragraph("未发现问题", styles["body"])]
    rows = [[_cell(text, styles["label"]) for text in ("级别", "问题", "依据条款")]]
    rows += [[_cell(SEVERITY_NAMES.get(f.severity, f.severity), styles["body"]), _cell(f.message, styles["body"]),
              _cell(f.clause, styles["body"])] for f in findings]
    return flowables + [_table(rows, [18 * mm, width - 18 * mm - 60 * mm, 60 * mm], header=True)]


def _signature(sheet: OmSheet, styles, media_root: Path) -> list:
    flowables = [Paragraph("排污单位确认", styles["heading"])]
    confirmation = om_records.confirmation(sheet.visit)
    if confirmation is None or confirmation.status != "confirmed":
        state = "已退回：" + (confirmation.reason or "") if confirmation and confirmation.status == "rejected" else ""
        return flowables + [Paragraph(escape(state or "未签名"), styles["body"])]
    image = _image(media_root, confirmation.signature_path, SIGNATURE_WIDTH)
    name = confirmation.decided_by.display_name if confirmation.decided_by else "—"
    late = "（逾期确认）" if confirmation.late else ""
    line = f"确认人：{name}　确认时间：{clock.fmt(confirmation.decided_at)}{late}"
    return flowables + ([image] if image is not None else [Paragraph("（签名图片缺失）", styles["body"])]) + \
        [Spacer(1, 2 * mm), Paragraph(escape(line), styles["body"])]
