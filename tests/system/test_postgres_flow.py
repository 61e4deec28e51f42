"""The whole system on PostgreSQL (DATABASE_URL), as a province deploys it: filing, decisions, sync and
the race of two filings for one record, over HTTP against the real processes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from devstack import start_stack
from tests import factories
from tests.pg import fresh_database
from tests.system.steps import apply, decide, eventually, progress, register

pytestmark = [pytest.mark.system, pytest.mark.postgres]


@pytest.fixture(scope="module")
def stack(tmp_path_factory, postgres_url):
    with start_stack(tmp_path_factory.mktemp("pg-system-var"), database_url=fresh_database(postgres_url)) as s:
        yield s


def test_repair_on_postgresql(stack):
    uscc = factories.uscc(9300)
    record = register(stack, "321000-transport", uscc)
    # two filings for the same record at once: the database lets exactly one through
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: apply(stack, uscc, [record["id"]]), range(2)))
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    app = next(r for r in answers if r.status_code == 201).json()
    case_id = app["cases"][0]["id"]
    assert decide(stack, case_id, "321000-transport", "accept").status_code == 200
    assert decide(stack, case_id, "321000-transport", "approve").status_code == 200
    done = eventually(lambda: (p := progress(stack, app["id"], uscc))["cases"][0]["state"] == "repaired" and p)
    assert len(done["cases"][0]["deliveries"]) == 16
    assert not (stack.var / "xiufu.db").exists()  # nothing went to SQLite
