"""The first progress read after filing, before the case workflow has projected anything: the acceptance
deadline is already there, computed at filing with the calendar the workflow uses."""

from __future__ import annotations

from datetime import UTC, datetime

from api import clock
from config.rules import rules_for
from config.settings import get_settings
from domain.access import Principal
from domain.clock import beijing_date
from domain.model import Role
from domain.periods import add_months
from services.filing import record_filing
from tests import factories
from tests.api.conftest import token

ISSUER = "320100-market_regulation"


def test_the_filing_writes_the_acceptance_deadline_the_workflow_will_compute(client):
    uscc = factories.uscc()
    body = factories.record_body(issuer=ISSUER, decided_on=str(add_months(clock.today(), -4)),
                                 subject={"uscc": uscc, "name": "江苏某某工程有限公司", "contact_phone": "13912345678"})
    record = client.post("/api/v1/records", json=body, headers=token("integrator", authority=ISSUER)).json()
    settings = get_settings()
    rules = rules_for(settings.config_dir)
    now = datetime.now(UTC)
    inp = record_filing(settings, rules, Principal(sub="applicant:t", role=Role.APPLICANT, subject=uscc), uscc,
                        [record["id"]], "13912345678", [], now, clock.today())  # no workflow is started
    progress = client.get(f"/api/v1/applications/{inp.application_id}", headers=token("applicant", subject=uscc))
    (case,) = progress.json()["cases"]
    expected = rules.calendar.add_workdays(beijing_date(now), rules.policy.time_limits.acceptance)
    assert case["timeline"] == [] and case["deadline_kind"] == "acceptance"
    assert case["deadline"] == str(expected.due) and case["provisional"] == expected.provisional
