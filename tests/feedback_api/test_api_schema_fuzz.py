"""Schemathesis over the API's own OpenAPI document: whatever it generates from the document,
valid or not, the API answers without a server error and exactly as the document says (status,
content type, headers and body schema), and refuses what the document says it refuses.

Bounded: a fixed number of examples per operation and generation mode, so the suite stays fast.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 50
# A query string too long to read is refused with 414 before anything else looks at it: for
# negative data that is a refusal like 400, so it is added to schemathesis's list of them.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                # schemathesis's own list (4.32), and 414
                "expected-statuses": [
                    *("400", "401", "403", "404", "405", "406", "409", "414", "415", "422"),
                    *("428", "429", "5xx"),
                ]
            }
        }
    }
)


def operations(app: object) -> list[object]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=CONFIG)
    return [result.ok() for result in schema.get_all_operations()]


def documented(app: object) -> set[str]:
    """Every operation the document names, as schemathesis labels them (less the document's own
    address, which schemathesis leaves out)."""
    paths = app.test_client().get("/api/openapi.json").get_json()["paths"]
    return {
        f"{method.upper()} {path}"
        for path, ops in paths.items()
        for method in ops
        if method != "parameters" and path != "/api/openapi.json"
    }


def fuzz(operation: object, mode: GenerationMode, checks: list) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: object) -> None:
        case.call_and_validate(checks=checks)

    try:
        run()
    except Unsatisfiable:
        # Nothing to make invalid: the operation takes no parameters and no body.
        assert mode is GenerationMode.NEGATIVE and not operation.definition.raw.get("parameters")
        assert "requestBody" not in operation.definition.raw


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_answer_is_as_documented(app: object, mode: GenerationMode) -> None:
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])
    found = operations(app)
    assert {operation.label for operation in found} == documented(app)
    for operation in found:
        fuzz(operation, mode, checks)
