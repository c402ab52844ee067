"""The evidence page (services/field/evidence.py) printed for the case file (reportlab, as the O&M sheets in
services/adapters/om_pdf.py, whose font and table helpers it shares): the same sections, the site plan drawn as a
vector drawing from the same plan data as the page's SVG."""
from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from models import clock
from services.adapters import site_plan
from services.adapters.om_pdf import PAGE_MARGIN, _cell, _grid, _image, _styles, _table, font
from services.field import event_text
from services.field.evidence import Evidence

PLAN_WIDTH = 110 * mm
PAIR_WIDTH = 60 * mm


def render(found: Evidence, media_root: Path, printed_by: str) -> bytes:
    styles = _styles()
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=PAGE_MARGIN, rightMargin=PAGE_MARGIN,
                                 topMargin=PAGE_MARGIN, bottomMargin=PAGE_MARGIN,
                                 title=f"现场工作证据 {found.heading}", author=found.agency.name)
    width = A4[0] - 2 * PAGE_MARGIN
    story = [Paragraph(escape(f"现场工作证据 · {found.heading}"), styles["title"]),
             _grid(_header(found, printed_by), styles, width)]
    story += _section("异常线索", styles, [["线索", "等级", "证据", "状态"]] + [
        [f.title, f.severity, f.summary, f.status] for f in found.findings], [40 * mm, 12 * mm, None, 22 * mm], width)
    story += _section("时间线", styles, [["时间", "事项", "说明"]] + [
        [clock.fmt(e.at), e.what + (f"（{e.flag}）" if e.flag else ""), e.detail] for e in found.timeline],
        [28 * mm, 40 * mm, None], width)
    story += [Paragraph("现场位置示意图", styles["heading"]), _drawing(found), *[
        Paragraph(escape(f"{n}. {m.label}：距排污单位 {m.distance_m:.0f} 米，{'围栏内' if m.inside else '围栏外'}"),
                  styles["body"]) for n, m in enumerate(found.plan.marks, 1)]]
    story += _pairs(found, styles, media_root)
    story += _section("照片 EXIF 信息", styles, [["照片", "用途", "收到时间", "EXIF 拍摄时间", "EXIF 位置"]] + [
        [f"#{p.id}", event_text.PHOTOS.get(p.purpose, "照片"), clock.fmt(p.received_at),
         clock.fmt(p.exif_time) if p.exif_time else "无",
         f"{p.exif_latitude:.5f}, {p.exif_longitude:.5f}" if p.exif_latitude is not None else "无"]
        for p in found.photos], [16 * mm, 26 * mm, 32 * mm, 32 * mm, None], width)
    story += [Paragraph("操作日志", styles["heading"])]
    story += [Paragraph(escape(line), styles["body"]) for line in found.log] or [Paragraph("暂无", styles["body"])]
    document.build(story)
    return out.getvalue()


def _header(found: Evidence, printed_by: str) -> list[tuple[str, str]]:
    window = f"{clock.fmt(found.window[0])} 至 {clock.fmt(found.window[1])[-5:]}" if found.window else "—"
    return [("外部编号", found.ref or "—"), ("排污单位", f"{found.polluter.name}（{found.polluter.district}）"),
            ("机构", found.agency.name), ("计划时段", window), ("人员", "、".join(found.crew) or "—"),
            ("状态", found.state), ("打印", f"{printed_by}，{clock.fmt(clock.now())}")]


def _section(title: str, styles, rows: list[list[str]], widths: list, width: float) -> list:
    flowables = [Paragraph(title, styles["heading"])]
    if len(rows) == 1:
        return flowables + [Paragraph("无", styles["body"])]
    free = width - sum(w for w in widths if w)
    cells = [[_cell(text, styles["label" if n == 0 else "body"]) for text in row] for n, row in enumerate(rows)]
    return flowables + [_table(cells, [w or free for w in widths], header=True)]


def _drawing(found: Evidence) -> Drawing:
    plan, size = found.plan, site_plan.SIZE
    k = PLAN_WIDTH / size
    drawing = Drawing(PLAN_WIDTH, PLAN_WIDTH)

    def at(x: float, y: float) -> tuple[float, float]:
        return x * k, (size - y) * k  # the plan's y grows downwards, the PDF's upwards

    drawing.add(Rect(0, 0, PLAN_WIDTH, PLAN_WIDTH, fillColor=colors.HexColor("#fbfbfd"),
                     strokeColor=colors.HexColor("#ccccdd")))
    drawing.add(Circle(*at(size / 2, size / 2), plan.fence_r * k, fillColor=colors.HexColor("#dcfae6"),
                       strokeColor=colors.HexColor("#1a7f37"), strokeDashArray=[4, 3]))
    drawing.add(Rect(*at(size / 2 - 5, size / 2 + 5), 10 * k, 10 * k, fillColor=colors.HexColor("#334444")))
    for n, mark in enumerate(plan.marks, 1):
        x, y = at(*plan.xy(mark.east_m, mark.north_m))
        colour = colors.HexColor("#b54708" if mark.kind == "exif" else "#1570ef" if mark.inside else "#b42318")
        drawing.add(Circle(x, y, 5 * k, fillColor=colour, strokeColor=colors.white))
        drawing.add(String(x + 7 * k, y - 3 * k, str(n), fontName=font(), fontSize=7))
    bar = plan.scale_bar_units * k
    drawing.add(Line(15 * k, 15 * k, 15 * k + bar, 15 * k, strokeWidth=2))
    drawing.add(String(15 * k, 22 * k, plan.scale_bar_text, fontName=font(), fontSize=8))
    north = at(size - 20, 30)
    drawing.add(Polygon([north[0], north[1], north[0] - 6 * k, north[1] - 14 * k, north[0] + 6 * k,
                         north[1] - 14 * k], fillColor=colors.HexColor("#334444")))
    drawing.add(String(north[0] - 4 * k, north[1] + 4 * k, "北", fontName=font(), fontSize=8))
    return drawing


def _pairs(found: Evidence, styles, media_root: Path) -> list:
    flowables = [Paragraph("照片比对", styles["heading"])]
    if not found.pairs:
        return flowables + [Paragraph("没有与其他照片重复或高度相似的照片。", styles["body"])]
    for pair in found.pairs:
        mine = _image(media_root, pair.photo.thumbnail_path, PAIR_WIDTH) or _cell("（图片缺失）", styles["body"])
        other = (_image(media_root, pair.other.thumbnail_path, PAIR_WIDTH) if pair.other else None) or \
            _cell(f"相同照片属于{pair.other_subject}" + ("" if pair.other else "，不在查看范围内"), styles["body"])
        distance = "—" if pair.distance is None else str(pair.distance)
        note = f"{pair.title}：本记录照片 #{pair.photo.id} 与{pair.other_subject}照片" + \
            (f" #{pair.other.id}" if pair.other else "") + f"，感知哈希距离 {distance}" + \
            ("（文件字节完全相同）" if pair.same_bytes else "")
        flowables += [Table([[mine, other]], colWidths=[PAIR_WIDTH + 4 * mm] * 2, hAlign="LEFT"),
                      Paragraph(escape(note), styles["body"])]
    return flowables
