"""Concurrent writers on the embedded default database (SQLite), over HTTP, as a deployment sees them.

A gunicorn server with four worker processes runs against a SQLite file, configured exactly as when no
DATABASE_URL is set. SQLite has no row locks (``select_for_update`` does nothing there): writers are
serialised by its database lock, which the settings take when a transaction begins (IMMEDIATE) and wait
for (a busy timeout). Without that, twenty people pressing "Join circle" for the last seat got HTTP 500s
("database is locked"), and a submit or a leave failed while a background job was writing.

This runs whatever database the rest of the suite uses: the server builds its own SQLite file.
"""

import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CSRF_TOKEN = "x" * 32  # any 32 characters: Django compares the cookie with the header


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("sqlite-site")
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="p2pu.settings.test", PYTHONPATH=str(ROOT))
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    seeded = subprocess.run(
        [python, "-m", "tests.cohorts.sqlite_site"], cwd=ROOT, env=env, check=True, timeout=120, capture_output=True
    )
    site = json.loads(seeded.stdout.decode().strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [python, "-m", "gunicorn", "p2pu.wsgi", "--workers", "4", "--bind", f"127.0.0.1:{port}", "--no-control-socket"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, _ = request(port, "GET", "/circles/")
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        yield {"port": port, "db": var_dir / "db.sqlite3", **site}
    finally:
        server.terminate()
        server.wait(timeout=30)


def request(port: int, method: str, path: str, *, session: dict | None = None, form: dict | None = None):
    """One request, redirects not followed; returns (status, location)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {}
    if session is not None:
        headers["Cookie"] = f"sessionid={session['sessionid']}; csrftoken={CSRF_TOKEN}"
        headers["X-CSRFToken"] = CSRF_TOKEN
    body = None
    if form is not None:
        body = "&".join(f"{key}={value}" for key, value in form.items())
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


def query(db: Path, sql: str, *params):
    with sqlite3.connect(db) as reader:
        return reader.execute(sql, params).fetchall()


def test_twenty_people_racing_for_the_last_seat_get_no_error_and_one_seat(sqlite_server):
    circle_id = sqlite_server["race_circle"]
    start = threading.Barrier(len(sqlite_server["racers"]))
    statuses = []

    def press_join(session):
        start.wait()
        statuses.append(request(sqlite_server["port"], "POST", f"/circles/{circle_id}/join/", session=session)[0])

    threads = [threading.Thread(target=press_join, args=(session,)) for session in sqlite_server["racers"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(statuses) == [302] * 20, statuses
    learners = query(
        sqlite_server["db"],
        "SELECT status FROM cohorts_membership WHERE circle_id = ? AND role = 'learner' ORDER BY status",
        circle_id,
    )
    assert [status for (status,) in learners] == ["active"] + ["waitlisted"] * 19
    assert query(sqlite_server["db"], "SELECT seats_taken FROM cohorts_circle WHERE id = ?", circle_id) == [(1,)]


def test_submit_and_leave_wait_for_another_writer_instead_of_failing(sqlite_server):
    """A background job holds the write lock for longer than Python's default 5-second wait."""
    port, db = sqlite_server["port"], sqlite_server["db"]
    holding = threading.Event()

    def background_writer():
        writer = sqlite3.connect(db, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        holding.set()
        time.sleep(7)
        writer.execute("COMMIT")
        writer.close()

    holder = threading.Thread(target=background_writer)
    holder.start()
    assert holding.wait(timeout=10)
    answers = {}

    def submit():
        answers["submit"] = request(
            port,
            "POST",
            f"{sqlite_server['activity_url']}submit/",
            session=sqlite_server["submitter"],
            form={"action": "submit", "text": "My+plan"},
        )[0]

    def leave():
        answers["leave"] = request(
            port, "POST", f"/circles/{sqlite_server['review_circle']}/leave/", session=sqlite_server["leaver"]
        )[0]

    people = [threading.Thread(target=submit), threading.Thread(target=leave)]
    for person in people:
        person.start()
    for person in people + [holder]:
        person.join(timeout=60)

    assert answers == {"submit": 302, "leave": 302}
    submitter, leaver = sqlite_server["submitter"]["user_id"], sqlite_server["leaver"]["user_id"]
    assert query(db, "SELECT state FROM cohorts_submission WHERE created_by_id = ?", submitter) == [("submitted",)]
    assert query(
        db,
        "SELECT status FROM cohorts_membership WHERE circle_id = ? AND user_id = ?",
        sqlite_server["review_circle"],
        leaver,
    ) == [("left",)]
