"""The blueprint class every API module uses: unknown query arguments are refused too."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser


class StrictParser(FlaskParser):
    # webargs ignores unknown query arguments by default; a typo such as ?extrnal_id= would
    # then silently list every patient. None defers to the schemas, which raise.
    DEFAULT_UNKNOWN_BY_LOCATION = dict.fromkeys(FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION)

    def load_json(self, req: Request, schema: ma.Schema) -> Any:
        # webargs reads a missing body as {}; an empty PATCH would then "succeed" unseen.
        if not req.get_data(cache=True):
            raise ma.ValidationError({"_schema": ["A JSON body is required."]})
        return super().load_json(req, schema)


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        # Given a schema class, webargs builds a new instance (deep-copying every field) on
        # each request; one instance serves them all, since loading does not change it.
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
