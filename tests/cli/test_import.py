"""`xiufu import`: a filled sheet sent to a running API (uvicorn on loopback, in a thread) in chunks, with a
progress line per chunk and a line per row; the exit code says whether any row failed."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
import uvicorn

from api.main import create_app
from cli import main
from tests import factories
from tests.api.conftest import ADMIN, token
from tests.xlsx import filled, row_of

ISSUER = "320100-market_regulation"
MR = token("integrator", authority=ISSUER)["Authorization"].removeprefix("Bearer ")


@pytest.fixture(scope="module")
def api_url(store_ready):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_imports_in_chunks_and_reports_each_row(api_url, tmp_path, capsys, monkeypatch):
    import httpx

    good = [factories.record_body() for _ in range(5)]
    rows = [row_of(b) for b in good[:3]] + [row_of(决定日期="明天"), row_of(good[3]), row_of(good[4])]
    sheet = tmp_path / "records.xlsx"
    sheet.write_bytes(filled(rows))
    monkeypatch.setenv("XIUFU_TOKEN", MR)
    assert main(["import", str(sheet), "--issuer", ISSUER, "--api", api_url, "--chunk", "2"]) == 1
    out, err = capsys.readouterr()
    lines = [line.split("\t") for line in out.strip().splitlines()]
    assert lines[0] == ["row", "status", "id_or_code", "message"]
    by_row = {int(line[0]): line for line in lines[1:]}
    assert [by_row[n][1] for n in range(2, 8)] == ["created", "created", "created", "failed", "created", "created"]
    assert by_row[5][2] == "INVALID_DATE" and "决定日期" in by_row[5][3]
    assert err.count("导入 [") == 3 and "5/5 行" in err and "新登记 5" in err  # 5 good rows in chunks of 2
    seen = httpx.get(f"{api_url}/api/v1/subjects/{good[3]['subject']['uscc']}/records", headers=ADMIN).json()
    assert [r["id"] for r in seen] == [by_row[6][2]]

    # again, as JSON: the same rows answer existing with the same ids; the bad row fails again
    assert main(["import", str(sheet), "--issuer", ISSUER, "--api", api_url, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["created"], report["existing"], report["failed"]) == (0, 5, 1)
    assert {r["row"]: r["id"] for r in report["rows"] if r["status"] == "existing"}[6] == by_row[6][2]


def test_a_clean_sheet_exits_zero(api_url, tmp_path, capsys):
    sheet = tmp_path / "ok.xlsx"
    sheet.write_bytes(filled([row_of()]))
    assert main(["import", str(sheet), "--issuer", ISSUER, "--api", api_url, "--token", MR]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and out[1].startswith("2\tcreated\t")


def test_refusals_of_the_whole_file_or_call(api_url, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("XIUFU_TOKEN", raising=False)
    sheet = tmp_path / "ok.xlsx"
    sheet.write_bytes(filled([row_of()]))
    assert main(["import", str(sheet), "--issuer", ISSUER, "--api", api_url]) == 2
    assert "TOKEN_REQUIRED" in capsys.readouterr().err
    not_xlsx = tmp_path / "records.csv"
    not_xlsx.write_text("kind,record_no\n", "utf-8")
    assert main(["import", str(not_xlsx), "--issuer", ISSUER, "--api", api_url, "--token", MR]) == 2
    assert "IMPORT_NOT_XLSX" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "missing.xlsx"), "--issuer", ISSUER, "--token", MR]) == 2
    assert "FILE_UNREADABLE" in capsys.readouterr().err
    # a token of another issuer: every row refused by the API, said per row, exit 1
    other = token("integrator", authority="320200-market_regulation")["Authorization"].removeprefix("Bearer ")
    assert main(["import", str(sheet), "--issuer", ISSUER, "--api", api_url, "--token", other]) == 1
    assert "\tfailed\tFORBIDDEN\t" in capsys.readouterr().out
    # a bad token: the call is refused whole, every row said failed with the API's code
    assert main(["import", str(sheet), "--issuer", ISSUER, "--api", api_url, "--token", "x.y.z"]) == 1
    out, err = capsys.readouterr()
    assert "\tfailed\tINVALID_TOKEN\t" in out and "INVALID_TOKEN" in err
    # no API there
    assert main(["import", str(sheet), "--issuer", ISSUER, "--api", "http://127.0.0.1:9", "--token", MR]) == 1
    assert "API_UNREACHABLE" in capsys.readouterr().out
