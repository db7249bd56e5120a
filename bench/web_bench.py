"""Pages served per second, as a share of a bare Django view served the same way in the same run.

For home, catalog, a course, a module, circles and a circle: `web.<page>.anon.ratio` (no session; the
page cache serves these) and `web.<page>.signed_in.ratio` (a learner's session), each with its target
(anonymous ≥ 0.70, signed in ≥ 0.08) and ok/MISSED, and `web.<page>.<who>.p99` in milliseconds.
`web.bare.rps` is the baseline.

Each run builds a throwaway database (migrated, demo content from seed_demo), starts gunicorn (2 sync
workers, production settings, DEBUG off; bench/web/ adds the bare view) and measures every URL with wrk
(Debian's package; installed when missing and this runs as root) after a warm-up. The bare view is measured
before and after the pages and the mean is the baseline, so a machine that slows down part-way counts
against neither. When DATABASE_URL names PostgreSQL and REDIS_URL is set, the same run repeats there
(a throwaway database on that server, Redis for cache and sessions' cache) with figures named `web.pg.…`.
Servers started here are stopped by pid, and the throwaway databases dropped.
"""

import json
import os
import re
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

import redis

ROOT = Path(__file__).resolve().parents[1]
#: Seconds of load per URL after a one-second warm-up; BENCH_WEB_SECONDS makes a longer, steadier run.
SECONDS = int(os.environ.get("BENCH_WEB_SECONDS", "3"))
WORKERS = 2
CONNECTIONS = 8
TARGETS = {"anon": 0.70, "signed_in": 0.08}
PAGES = ("home", "catalog", "course", "module", "circles", "circle")
LEARNER_EMAIL = "chen@example.org"


def prepare() -> None:
    """In the benchmark's Django: print the pages' paths and a signed-in learner's session cookie as JSON."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from cohorts.models import Circle
    from courses.models import CourseIndexPage, CoursePage, ModulePage

    course = CoursePage.objects.live().public().order_by("pk").first()
    module = ModulePage.objects.live().public().descendant_of(course).order_by("path").first()
    circle = Circle.objects.filter(course=course).order_by("pk").first() or Circle.objects.order_by("pk").first()
    paths = {
        "home": "/",
        "catalog": CourseIndexPage.objects.live().first().url,
        "course": course.url,
        "module": module.url,
        "circles": "/circles/",
        "circle": f"/circles/{circle.pk}/",
    }
    client = Client()
    client.force_login(get_user_model().objects.get(email=LEARNER_EMAIL))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    print(json.dumps({"paths": paths, "cookie": cookie}))


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit("web bench: wrk is missing (apt-get install wrk)")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — our own loopback server
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def status_of(url: str, cookie: str | None) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def backlog_drain(base: str, timeout: float = 60) -> None:
    """Wait until the workers have finished the requests of connections wrk already closed.

    Sync workers go on answering what is left in the listen queue; without this, a slow page's leftovers
    would be counted against the next URL.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        if status_of(f"{base}/healthz", None) == 200 and time.monotonic() - started < 0.1:
            return
        time.sleep(0.2)


def wrk_measure(wrk: str, url: str, cookie: str | None, seconds: int) -> tuple[float, float]:
    """(requests per second, p99 in ms); any non-2xx/3xx answer or socket error fails the bench."""
    command = [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    backlog_drain(f"{urlsplit(url).scheme}://{urlsplit(url).netloc}")
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw failed requests for {url}:\n{output}")
    if re.search(r"^\s+0 requests in", output, re.MULTILINE):
        raise RuntimeError(f"no request to {url} finished within {seconds} s:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\b", output, re.MULTILINE).groups()
    p99_ms = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    return rps, p99_ms


def postgres_database_make(server_url: str, name: str) -> str:
    import psycopg

    parts = urlsplit(server_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def postgres_database_drop(server_url: str, name: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(server_url)._replace(path="/postgres"))
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def site_measure(wrk: str, *, prefix: str, database_url: str, redis_url: str) -> int:
    """Build, serve and measure one configuration; returns the number of missed targets."""
    workdir = Path(tempfile.mkdtemp(prefix="lc-web-bench-"))
    (workdir / "static").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "web_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench" / "web"), str(ROOT)]),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BEAT_LOCK_URL": "",
        "VAR_DIR": str(workdir),
        "MEDIA_ROOT": str(workdir / "media"),
        "SECRET_KEY": secrets.token_urlsafe(60),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "BENCH_CACHE_PREFIX": f"web-bench-{os.getpid()}-{secrets.token_hex(4)}",
    }
    python = sys.executable
    quiet = {"env": env, "cwd": ROOT, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], **quiet)
    subprocess.run([python, "manage.py", "seed_demo"], **quiet)
    prepared = subprocess.run(
        [python, str(Path(__file__)), "--prepare"], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    site = json.loads(prepared.stdout.strip().splitlines()[-1])

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = Path(python).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "p2pu.wsgi:application",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    missed = 0
    try:
        wait_until_up(f"{base}/healthz", server)
        cookies = {"anon": None, "signed_in": site["cookie"]}
        for page, path in site["paths"].items():
            for who, cookie in cookies.items():
                status = status_of(base + path, cookie)
                if status != 200:
                    raise RuntimeError(f"{page} ({who}) answered {status}: {path}")
        bare_url = f"{base}/bench/bare/"
        wrk_measure(wrk, bare_url, None, 1)
        bare_before, _ = wrk_measure(wrk, bare_url, None, SECONDS)
        results = {}
        for page in PAGES:
            for who, cookie in cookies.items():
                url = base + site["paths"][page]
                wrk_measure(wrk, url, cookie, 1)
                results[page, who] = wrk_measure(wrk, url, cookie, SECONDS)
        bare_after, bare_p99 = wrk_measure(wrk, bare_url, None, SECONDS)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(workdir, ignore_errors=True)
        if redis_url:
            redis.Redis.from_url(redis_url).delete(env["BENCH_CACHE_PREFIX"])

    bare = (bare_before + bare_after) / 2
    print(f"web.{prefix}bare.rps: {bare:.0f} req/s (before {bare_before:.0f}, after {bare_after:.0f})", flush=True)
    print(f"web.{prefix}bare.p99: {bare_p99:.1f} ms", flush=True)
    for (page, who), (rps, p99) in results.items():
        ratio = rps / bare
        met = ratio >= TARGETS[who]
        missed += not met
        verdict = "ok" if met else "MISSED"
        name = f"web.{prefix}{page}.{who}"
        print(f"{name}.ratio: {ratio:.3f} ({rps:.0f} req/s) (target ≥ {TARGETS[who]:.2f}) {verdict}", flush=True)
        print(f"{name}.p99: {p99:.1f} ms", flush=True)
    return missed


def main() -> int:
    wrk = wrk_path()
    sqlite_url = f"sqlite:///{tempfile.mkdtemp(prefix='lc-web-bench-db-')}/web.sqlite3"
    missed = site_measure(wrk, prefix="", database_url=sqlite_url, redis_url="")
    server_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if server_url.startswith(("postgres://", "postgresql://")) and redis_url:
        name = f"bench_web_{os.getpid()}"
        try:
            database_url = postgres_database_make(server_url, name)
            missed += site_measure(wrk, prefix="pg.", database_url=database_url, redis_url=redis_url)
        finally:
            postgres_database_drop(server_url, name)
    return 1 if missed else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--prepare"]:
        prepare()
    else:
        sys.exit(main())
