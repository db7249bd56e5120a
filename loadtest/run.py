"""The loopback load test: gunicorn (4 workers) + PostgreSQL + Redis + a Celery worker, and a locust crowd.

Needs DATABASE_URL (a PostgreSQL server: the test makes and drops its own database there, named by
LOADTEST_DATABASE, `lc_loadtest` by default) and REDIS_URL. Builds the site (migrations, demo content,
loadtest/prepare.py), starts the servers, runs locust headless for LOADTEST_SECONDS with LOADTEST_USERS
users, waits for the worker to drain its queue, stops the servers by pid, then checks the invariants
(loadtest/invariants.py). Prints users, requests/s, p95 and p99; exits non-zero on any failed request or
broken invariant.
"""

import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "loadtest"
# Its own database on that server; LOADTEST_DATABASE lets two runs share one server.
DATABASE = os.environ.get("LOADTEST_DATABASE", "lc_loadtest")
USERS = int(os.environ.get("LOADTEST_USERS", "40"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
SPAWN_RATE = max(USERS // 5, 1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_recreate(server_url: str, *, drop_only: bool = False) -> str:
    parts = urlsplit(server_url)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def wait_ready(url: str, processes: list[subprocess.Popen], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 — our loopback server
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise RuntimeError(f"{url} was not ready within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def queue_drain(redis_url: str, queue: str, timeout: float = 120) -> None:
    """Wait until the worker has taken every queued task, then a moment for the last ones to finish."""
    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while client.llen(queue) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(5)


def main() -> int:
    server_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")) or not redis_url:
        print("loadtest: set DATABASE_URL (PostgreSQL) and REDIS_URL", file=sys.stderr)
        return 2
    bin_dir = Path(sys.executable).parent
    workdir = Path(tempfile.mkdtemp(prefix="lc-loadtest-"))
    (workdir / "mail").mkdir()
    (workdir / "static").mkdir()
    queue = f"loadtest-{secrets.token_hex(4)}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loadtest_settings",
        "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]),
        "DATABASE_URL": database_recreate(server_url),
        "REDIS_URL": redis_url,
        "BEAT_LOCK_URL": "",
        "CONN_MAX_AGE": "60",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "VAR_DIR": str(workdir),
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
        "LOADTEST_MAIL_DIR": str(workdir / "mail"),
        "LOADTEST_CACHE_PREFIX": queue,
        "LOADTEST_QUEUE": queue,
        "LOADTEST_DATA": str(workdir / "data.json"),
    }
    python = sys.executable
    quiet = {"env": env, "cwd": ROOT, "check": True, "stdout": subprocess.DEVNULL}
    servers: list[subprocess.Popen] = []
    try:
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], **quiet)
        subprocess.run([python, "manage.py", "seed_demo"], **quiet)
        prepared = subprocess.run(
            [python, str(HERE / "prepare.py")], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
        (workdir / "data.json").write_text(prepared.stdout.strip().splitlines()[-1])

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        gunicorn = [str(bin_dir / "gunicorn"), "p2pu.wsgi:application", "-w", "4", "-b", f"127.0.0.1:{port}"]
        servers.append(subprocess.Popen([*gunicorn, "--log-level", "warning"], env=env, cwd=ROOT))
        worker = [str(bin_dir / "celery"), "-A", "p2pu", "worker", "-Q", queue, "-c", "2", "--loglevel", "WARNING"]
        servers.append(subprocess.Popen([*worker, "--without-gossip", "--without-mingle"], env=env, cwd=ROOT))
        wait_ready(f"{host}/readyz", servers)

        stats = workdir / "locust"
        locust = subprocess.run(
            [str(bin_dir / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary"]
            + ["-u", str(USERS), "-r", str(SPAWN_RATE), "-t", f"{SECONDS}s", "--host", host, "--csv", str(stats)]
            + ["--stop-timeout", "10", "--loglevel", "WARNING"],
            env=env,
            cwd=ROOT,
            check=False,
        )
        queue_drain(redis_url, queue)
    finally:
        for server in reversed(servers):
            stop(server)

    with open(f"{stats}_stats.csv", newline="") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    print(f"loadtest.users: {USERS} ({SECONDS} s of load)")
    print(
        f"loadtest.requests: {requests} ({failures} failed) (target: none failed) {'ok' if not failures else 'MISSED'}"
    )
    print(f"loadtest.rps: {float(total['Requests/s']):.1f} req/s")
    print(f"loadtest.p95: {total['95%']} ms")
    print(f"loadtest.p99: {total['99%']} ms")
    checked = subprocess.run([python, str(HERE / "invariants.py")], env=env, cwd=ROOT, check=False)
    database_recreate(server_url, drop_only=True)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0 if locust.returncode == 0 and not failures and requests and checked.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
