"""The web app's blueprint: templates and static files of its own, everything under /app."""

from flask import Blueprint

bp = Blueprint("ui", __name__, url_prefix="/app", template_folder="templates",
               static_folder="static", static_url_path="/static")
