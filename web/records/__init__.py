"""采样管理, 送样接收检查, 委托方采样记录, 数据报告 and the agency's trip list: the agency's desk after the field work.

The modules below add their pages to `bp` when imported.
"""
from web.records import client_sampling, lab, receipt, report, sampling, trips  # noqa: F401
from web.records.blueprint import bp

__all__ = ["bp"]
