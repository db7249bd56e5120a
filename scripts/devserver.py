"""Run the web server, a Celery worker and Celery beat together; stop all three on Ctrl-C.

`make run` calls this after migrating and seeding. Without REDIS_URL, Celery uses kombu's
filesystem transport under var/celery/, so no broker server is needed.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def main() -> int:
    port = os.environ.get("PORT", "8000")
    var_dir = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    commands = {
        "web": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        "worker": [str(BIN / "celery"), "-A", "p2pu", "worker", "--loglevel=INFO", "--concurrency=2"],
        "beat": [
            str(BIN / "celery"),
            "-A",
            "p2pu",
            "beat",
            "--loglevel=INFO",
            "--schedule",
            str(var_dir / "celery" / "beat-schedule"),
        ],
    }
    processes = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in commands.items()}
    print(f"\nLearning Commons is starting on http://127.0.0.1:{port}/ (Ctrl-C stops everything)\n", flush=True)

    def stop(*_):
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with code {process.returncode}; stopping the others.", flush=True)
                    stop()
                    return process.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping web server, worker and beat…", flush=True)
        stop()
        return 0


if __name__ == "__main__":
    sys.exit(main())
