"""采样管理, 送样接收检查, 数据报告 and the agency's trip list: the agency's desk after the field work.

The modules below add their pages to `bp` when imported.
"""
from web.records import receipt, report, sampling, trips  # noqa: F401 - importing registers their pages
from web.records.blueprint import bp

__all__ = ["bp"]
