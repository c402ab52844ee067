"""The import report as lines of Chinese text (the command line prints them; the admin page shows the same)."""
from __future__ import annotations

from services.polluters.directory_import import Report


def summary(report: Report) -> str:
    if report.rejections:
        return f"有 {len(report.rejections)} 行被拒绝，未导入任何内容。请改正后重新导入。"
    if report.dry_run:
        return "试导入：以下为将要发生的变化，未写入任何内容。"
    return "导入完成。"


def counts(report: Report) -> list[str]:
    return [f"{sheet}：新增 {c.new}，变更 {c.changed}，未变 {c.unchanged}" for sheet, c in report.counts.items()]


def lines(report: Report) -> list[str]:
    out = [summary(report), *counts(report)]
    out += [f"变更 {c.sheet} {' / '.join(c.key)} {c.label}：“{c.old}” → “{c.new}”" for c in report.changes]
    out += [f"拒绝 {r.sheet} 第 {r.row} 行：{r.reason}" for r in report.rejections]
    return out
