"""Bodies refused before they are read, over a real socket to a real uvicorn: an anonymous upload of
150 MB is answered 401 after the first bytes, a declared size past a route's limit 413 at once, and a
chunked body that grows past it is cut off, with the error shape and nothing stored."""

from __future__ import annotations

import json
import socket

import pytest

from api.main import create_app
from devstack import free_ports
from tests.api.conftest import ADMIN, token
from tests.sim import serve

SENT_BEFORE_ANSWER = 64 * 1024  # what a client gets to send before it reads the answer


@pytest.fixture(scope="module")
def server():
    (port,) = free_ports(1)
    with serve(create_app(), f"http://127.0.0.1:{port}", "/healthz"):
        yield ("127.0.0.1", port)


def exchange(server, head: str, body: bytes) -> tuple[int, dict]:
    """Sends the head and at most `body`, then reads the answer: the server must answer without the rest."""
    with socket.create_connection(server, timeout=10) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1])
    payload = data.split(b"\r\n\r\n", 1)[1]
    return status, json.loads(payload) if payload.startswith(b"{") else {}


def _length(data: bytes) -> int:
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    for line in head.split("\r\n"):
        if line.startswith("content-length:"):
            return int(line.split(":", 1)[1])
    return 0


def request_head(path: str, length: int | None, headers: dict[str, str], content_type: str) -> str:
    lines = [f"POST {path} HTTP/1.1", "Host: xiufu.test", f"Content-Type: {content_type}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append(f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked")
    return "\r\n".join(lines) + "\r\n"


def test_an_anonymous_upload_of_150_mb_is_answered_401_before_its_body_is_read(server):
    head = request_head("/api/v1/materials", 150 * 1024 * 1024, {}, "multipart/form-data; boundary=x")
    status, body = exchange(server, head, b"--x\r\n" + b"\0" * SENT_BEFORE_ANSWER)
    assert status == 401 and body["code"] == "UNAUTHENTICATED"
    head = request_head("/api/v1/materials", 150 * 1024 * 1024, {"Authorization": "Bearer not-a-token"},
                        "multipart/form-data; boundary=x")
    status, body = exchange(server, head, b"--x\r\n")
    assert status == 401 and body["code"] == "INVALID_TOKEN"


def test_a_declared_size_past_the_limit_is_413_at_once(server):
    applicant = token("applicant", subject="9132010029141777X2")
    head = request_head("/api/v1/materials", 150 * 1024 * 1024, applicant, "multipart/form-data; boundary=x")
    status, body = exchange(server, head, b"--x\r\n")
    assert status == 413 and body["code"] == "MATERIAL_TOO_LARGE" and "MB" in body["message"]
    head = request_head("/api/v1/records", 20 * 1024 * 1024, ADMIN, "application/json")
    status, body = exchange(server, head, b'{"kind": "')
    assert status == 413 and body["code"] == "BODY_TOO_LARGE"


def test_a_chunked_body_that_grows_past_the_limit_is_cut_off(server):
    head = request_head("/api/v1/records", None, ADMIN, "application/json")
    chunk = b'{"x": "' + b"a" * (2 * 1024 * 1024)
    status, body = exchange(server, head, f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    assert status == 413 and body["code"] == "BODY_TOO_LARGE"


def test_a_page_form_past_its_limit_is_refused_with_a_page(server):
    head = request_head("/my/apply", 200 * 1024 * 1024, {}, "multipart/form-data; boundary=x")
    with socket.create_connection(server, timeout=10) as sock:
        sock.sendall(head.encode() + b"\r\n--x\r\n")
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413")
    assert "text/html" in answer.decode("latin-1").lower()
