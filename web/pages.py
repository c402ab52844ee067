"""The front page and the error pages, in Chinese."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("pages", __name__)


ERRORS = {
    400: "请求无效，请检查填写的内容后重试。",
    403: "没有权限访问。",
    404: "页面不存在，或您无权查看。",
    410: "该链接已失效。",
    413: "上传的文件过大。",
    429: "操作过于频繁，请稍后再试。",
}


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
@bp.app_errorhandler(410)
@bp.app_errorhandler(413)
@bp.app_errorhandler(429)
def error_page(error):
    """Errors in Chinese, with the reason the code gave when there is one."""
    reason = error.description if error.description and not error.description.startswith(
        ("The ", "You ", "A ", "Bad ", "Could not")) else ERRORS[error.code]
    return render_template("error.html", code=error.code, reason=reason), error.code


@bp.get("/")
def index():
    return render_template("index.html", dev=current_app.extensions["emss"].config.dev)
