"""Run every benchmark script in this folder; each prints `name: value unit` lines to stdout.

When DATABASE_URL names PostgreSQL, the database benchmarks (those building a throwaway database) run
a second time on that server, their figures named `pg.<name>`; the web benchmark measures PostgreSQL
and Redis itself. A script that misses a target exits non-zero, and so does this.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIGURE = re.compile(r"^([\w.+-]+): ", re.MULTILINE)


def main() -> int:
    scripts = sorted(HERE.glob("*_bench.py"))
    failures = 0
    for script in scripts:
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        failures += result.returncode != 0
    server_url = os.environ.get("DATABASE_URL", "")
    if server_url.startswith(("postgres://", "postgresql://")):
        env = {**os.environ, "BENCH_POSTGRES_URL": server_url}
        for script in scripts:
            if "throwaway_database_setup" not in script.read_text():
                continue
            result = subprocess.run(
                [sys.executable, str(script)], cwd=HERE.parent, env=env, check=False, capture_output=True, text=True
            )
            sys.stdout.write(FIGURE.sub(r"pg.\1: ", result.stdout))
            sys.stderr.write(result.stderr)
            sys.stdout.flush()
            failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
