"""`xiufu token`: the development way to get a bearer token, refusing scopes that would not work."""

from __future__ import annotations

from api.auth import decode_token
from cli import main
from config.settings import get_settings


def test_prints_a_token_the_api_accepts(capsys):
    assert main(["token", "--role", "caseworker", "--authority", "320100-market_regulation"]) == 0
    principal = decode_token(get_settings(), capsys.readouterr().out.strip())
    assert (principal.role.value, principal.authority) == ("caseworker", "320100-market_regulation")


def test_refuses_an_unknown_authority(capsys):
    assert main(["token", "--role", "caseworker", "--authority", "329900-nowhere"]) == 2
    err = capsys.readouterr().err
    assert "UNKNOWN_AUTHORITY" in err and "未知的单位代码" in err


def test_refuses_a_missing_scope_and_a_bad_subject(capsys):
    assert main(["token", "--role", "caseworker"]) == 2
    assert "TOKEN_SCOPE_MISSING" in capsys.readouterr().err
    assert main(["token", "--role", "applicant", "--subject", "91320100MA1XXXXXX0"]) == 2
    assert "INVALID_SUBJECT" in capsys.readouterr().err


def test_a_window_token_needs_the_clerks_own_id(capsys):
    assert main(["token", "--role", "window"]) == 2
    assert "SUB_REQUIRED" in capsys.readouterr().err
    assert main(["token", "--role", "window", "--sub", "window:nanjing-07"]) == 0
    assert decode_token(get_settings(), capsys.readouterr().out.strip()).sub == "window:nanjing-07"
