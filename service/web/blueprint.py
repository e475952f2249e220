"""The blueprint class every API module uses: unknown query arguments are refused too."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Request
from flask_smorest import Blueprint, abort
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import RequestEntityTooLarge

from service import logs


class StrictParser(FlaskParser):
    # webargs ignores unknown query arguments by default; a typo such as ?extrnal_id= would
    # then silently list every patient. None defers to the schemas, which raise.
    DEFAULT_UNKNOWN_BY_LOCATION = dict.fromkeys(FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION)

    def load_json(self, req: Request, schema: ma.Schema) -> Any:
        # webargs reads a missing body as {}; an empty PATCH would then "succeed" unseen.
        body = req.get_data(cache=True)
        if req.content_length is None and req.max_content_length is not None and \
                len(body) >= req.max_content_length:
            # werkzeug stops reading a chunked body at the limit without saying so; a body
            # that reached the limit is refused rather than parsed cut short.
            raise RequestEntityTooLarge()
        if not body:
            raise ma.ValidationError({"_schema": ["A JSON body is required."]})
        try:
            return super().load_json(req, schema)
        except RecursionError:
            # json.loads gives up on arrays or objects nested about a thousand deep.
            abort(400, errors={"json": ["The JSON body is nested too deeply."]})
        except ValueError:
            # webargs answers syntax errors itself; what is left is a number with more than
            # the 4,300 digits Python turns into an int.
            abort(400, errors={"json": ["The JSON body holds a number too long to read."]})

    def parse(self, *args: Any, **kwargs: Any) -> Any:
        # Views run after authentication (require() wraps the arguments), so only a known
        # caller's validated input teaches the log filter what to scrub.
        data = super().parse(*args, **kwargs)
        logs.remember_phi(data)
        return data


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        # Given a schema class, webargs builds a new instance (deep-copying every field) on
        # each request; one instance serves them all, since loading does not change it.
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
