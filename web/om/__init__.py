"""The O&M agency's and the regulator's O&M pages (运维), one blueprint at /om: plans and their visits
(plans.py), resubmission after a rejection (resubmit.py), the visit records and sheets (records.py) and the QC
findings (qc.py)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("om", __name__, url_prefix="/om", template_folder="templates")

from web.om import plans, qc, records, resubmit  # noqa: E402,F401  (the views register on bp)
