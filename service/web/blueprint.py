"""The blueprint class every API module uses: unknown query arguments are refused too."""

from __future__ import annotations

from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser


class StrictParser(FlaskParser):
    # webargs ignores unknown query arguments by default; a typo such as ?extrnal_id= would
    # then silently list every patient. None defers to the schemas, which raise.
    DEFAULT_UNKNOWN_BY_LOCATION = dict.fromkeys(FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION)


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = StrictParser()
