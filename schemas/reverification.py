"""Re-verification run schemas: the run's figures and each change with before and after."""

from __future__ import annotations

import marshmallow as ma

from schemas.common import PageOut, one_of
from schemas.lists import PagedCursorQuery
from service.domain.benefit_changes import FIELDS

MODES = ("inline", "queue")
RUN_STATUSES = ("running", "finished", "stopped", "failed")
# A field's value as the payer stated it: a decimal string, a count, yes/no or a word.
CHANGED_FIELDS = ("status", *(name for name, _label, _read in FIELDS))
SCALAR = {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}],
          "description": "The value of `field`: a decimal string, a count, true/false or a word"}


class BenefitChangeOut(ma.Schema):
    coverage_id = ma.fields.UUID(required=True)
    patient_id = ma.fields.UUID(required=True)
    payer = ma.fields.String(required=True)
    field = one_of(CHANGED_FIELDS, required=True, metadata={
        "description": "status, plan_begin, plan_end, copay, coinsurance, deductible, "
                       "deductible_remaining, out_of_pocket, out_of_pocket_remaining, "
                       "visit_limit, visit_limit_remaining, auth_required or carve_out"})
    label = ma.fields.String(required=True, metadata={
        "description": "The field's name for a person (e.g. Deductible remaining)"})
    before = ma.fields.Raw(required=True, allow_none=True, metadata=SCALAR)
    after = ma.fields.Raw(required=True, allow_none=True, metadata=SCALAR)
    check_id = ma.fields.UUID(required=True)
    previous_check_id = ma.fields.UUID(required=True)


class ReverificationRunOut(ma.Schema):
    run_id = ma.fields.UUID(required=True)
    status = one_of(RUN_STATUSES, required=True, metadata={
        "description": "running, finished, stopped (resume it) or failed; of this "
                       "practice's part: finished once its own coverages are"})
    mode = one_of(MODES, required=True, metadata={"description": "inline or queue"})
    options = ma.fields.Dict(required=True, metadata={
        "description": "How the run was started (selection and limits), by option name"})
    created_at = ma.fields.String(required=True, metadata={
        "description": "When the run started (ISO 8601)"})
    finished_at = ma.fields.String(required=True, allow_none=True, metadata={
        "description": "When this practice's part finished (ISO 8601); null while it runs"})
    selected = ma.fields.Integer(required=True, metadata={
        "description": "This practice's coverages the run is to check"})
    checked = ma.fields.Integer(required=True, metadata={
        "description": "Of them, checked so far (whatever the answer)"})
    active = ma.fields.Integer(required=True, metadata={
        "description": "Checks that found the coverage active"})
    inactive = ma.fields.Integer(required=True, metadata={
        "description": "Checks that found the coverage inactive"})
    rejected = ma.fields.Integer(required=True, metadata={
        "description": "Checks the payer refused (AAA)"})
    errors = ma.fields.Integer(required=True, metadata={
        "description": "Checks that got no usable answer"})
    deferred = ma.fields.Integer(required=True, metadata={
        "description": "the payer asked to wait (AAA follow-up W or X): the next run asks"})
    retrying = ma.fields.Integer(required=True, metadata={
        "description": "Coverages waiting to be asked again after a failure"})
    remaining = ma.fields.Integer(required=True, metadata={
        "description": "Coverages not yet checked"})
    changed = ma.fields.Integer(required=True, metadata={
        "description": "Coverages whose benefits changed since their previous answer"})
    seconds = ma.fields.Float(required=True, metadata={
        "description": "Seconds from the start to the finish (or to now while it runs)"})
    changes = ma.fields.List(ma.fields.Nested(BenefitChangeOut), required=True, metadata={
        "description": "Every benefit that changed, one row per coverage and field"})


class ReverificationRunListItem(ma.Schema):
    id = ma.fields.UUID(required=True)
    status = one_of(RUN_STATUSES, required=True, metadata={
        "description": "of this practice's part: finished once its own coverages are"})
    mode = one_of(MODES, required=True, metadata={
        "description": "inline (one process) or queue (Dramatiq workers)"})
    selected = ma.fields.Integer(required=True, metadata={
        "description": "this practice's coverages in the run (never another practice's)"})
    created_at = ma.fields.AwareDateTime(required=True)
    finished_at = ma.fields.AwareDateTime(required=True, allow_none=True, metadata={
        "description": "when this practice's last coverage was checked"})


class RunQuery(PagedCursorQuery):
    """Runs newest first, by page number or by cursor. No updated_since: a run's part
    changes as its items are checked and when it is stopped, which no row's time records."""

    ORDER = "newest"
    KINDS = {"newest": "tu"}

    class Meta:
        exclude = ("updated_since",)


class ReverificationRunPage(PageOut):
    items = ma.fields.List(ma.fields.Nested(ReverificationRunListItem), required=True)
