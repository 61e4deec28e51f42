"""Text that no store can keep (a NUL, which PostgreSQL refuses in any string; a lone surrogate, which
SQLite cannot encode) is refused with the field named wherever it enters: a body's fields, a batch row,
the query, a path id, a token's claims. Whatever still fails answers the error shape, and the log line
masks the personal data in the traceback."""

from __future__ import annotations

import io
import json
import logging

import jwt
import pytest

from api.main import create_app
from config.logs import MaskingFormatter, configure_logging
from config.settings import get_settings
from tests import factories
from tests.api.conftest import ADMIN, token

BAD = ["\x00", "\ud800", "a\x07b"]


def raw(client, path: str, body: object, headers: dict) -> object:
    """json.dumps escapes a lone surrogate as \\ud800, which the server's JSON parser turns back into one."""
    return client.post(path, content=json.dumps(body), headers={**headers, "Content-Type": "application/json"})


@pytest.mark.parametrize("bad", BAD, ids=["nul", "surrogate", "bell"])
@pytest.mark.parametrize("field", ["subject.name", "summary", "record_no", "penalty_types"])
def test_a_record_with_bad_text_is_refused_with_its_field(client, bad, field):
    body = factories.record_body()
    if field == "subject.name":
        body["subject"]["name"] = f"某某{bad}公司"
    elif field == "penalty_types":
        body["penalty_types"] = [f"罚{bad}款"]
    else:
        body[field] = f"x{bad}y"
    r = raw(client, "/api/v1/records", body, ADMIN)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "INVALID_TEXT"
    assert r.json()["errors"][0]["field"].startswith(field.split(".")[0])


def test_one_bad_row_never_sinks_a_batch(client):
    good, bad = factories.record_body(), factories.record_body(summary="坏\x00数据")
    r = raw(client, "/api/v1/records/batch", {"records": [good, bad]}, ADMIN)
    assert r.status_code == 200, r.text
    assert [row["status"] for row in r.json()["results"]] == ["created", "error"]
    assert r.json()["results"][1]["code"] == "INVALID_TEXT"


@pytest.mark.parametrize("bad", BAD, ids=["nul", "surrogate", "bell"])
def test_application_decision_and_rating_fields_refuse_bad_text(client, bad):
    uscc = factories.uscc()
    applicant = token("applicant", subject=uscc)
    r = raw(client, "/api/v1/applications", {"subject": uscc, "record_ids": [f"r{bad}"], "contact_phone": "13812345678",
                                             "commitment_signed": True}, applicant)
    assert r.status_code == 422 and r.json()["code"] == "INVALID_TEXT"
    r = raw(client, "/api/v1/cases/c1/decisions", {"action": "deny", "reason": f"理由{bad}"},
            token("caseworker", authority="320100-transport"))
    assert r.status_code == 422 and r.json()["code"] == "INVALID_TEXT"
    r = raw(client, "/api/v1/applications/a1/evaluations", {"handler": "320100-transport", "rating": 1,
                                                            "comment": f"差{bad}"}, applicant)
    assert r.status_code == 422 and r.json()["code"] == "INVALID_TEXT"


def test_the_query_and_a_path_id_refuse_a_nul(client):
    r = client.get("/api/v1/cases?state=a%00", headers=ADMIN)
    assert r.status_code == 422 and r.json()["code"] == "INVALID_TEXT"
    r = client.get("/api/v1/applications/app%00x", headers=ADMIN)
    assert r.status_code == 422 and r.json()["code"] == "INVALID_TEXT"


def test_a_token_whose_claims_hold_a_lone_surrogate_is_refused_as_invalid(client):
    settings = get_settings()
    forged = jwt.encode({"iss": settings.jwt_issuer, "sub": "applicant:\ud800", "role": "applicant",
                         "subject": factories.uscc(), "exp": 4102444800}, settings.secret_key, algorithm="HS256")
    r = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401 and r.json()["code"] == "INVALID_TOKEN"


def test_a_token_missing_its_scope_is_unauthenticated_not_unprocessable(client):
    settings = get_settings()
    scopeless = jwt.encode({"iss": settings.jwt_issuer, "sub": "cw", "role": "caseworker", "exp": 4102444800},
                           settings.secret_key, algorithm="HS256")
    r = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {scopeless}"})
    assert r.status_code == 401 and r.json()["code"] == "TOKEN_SCOPE_MISSING"


def test_an_unforeseen_failure_answers_the_error_shape_and_logs_no_personal_data():
    from fastapi.testclient import TestClient

    app = create_app()

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("INSERT parameters ('13812345678', '320102199001011232')")

    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logging.getLogger().addHandler(handler)
    try:
        configure_logging()
        assert isinstance(handler.formatter, MaskingFormatter)
        with TestClient(app, raise_server_exceptions=False) as c:
            r = c.get("/api/v1/boom", headers=ADMIN)
    finally:
        logging.getLogger().removeHandler(handler)
    assert r.status_code == 500
    assert r.json()["code"] == "INTERNAL_ERROR" and "系统内部错误" in r.json()["message"]
    logged = out.getvalue()
    assert "RuntimeError" in logged and "Traceback" in logged  # the traceback is kept ...
    assert "13812345678" not in logged and "320102199001011232" not in logged  # ... masked
    assert "138****5678" in logged and "3201**********1232" in logged
