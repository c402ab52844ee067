"""The `records` blueprint object, shared by the modules that add its pages."""
from flask import Blueprint

bp = Blueprint("records", __name__, url_prefix="/records", template_folder="templates")
