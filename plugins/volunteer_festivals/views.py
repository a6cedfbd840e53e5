from flask import Blueprint

from plugins.volunteer_festivals import models  # noqa: F401

bp = Blueprint("volunteer_festivals", __name__, template_folder="templates")
