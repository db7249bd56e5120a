"""The production settings refuse an unsafe start and pass Django's deployment checks."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k7#Qm2!vX9pL4wZ8rT1yB6nC3hJ5dF0sG-aE_uI+oP=lK*mN&bV^cX%zS@qW"


def run_manage(*args, secret_key=None, environment=None):
    # The browser tests' relaxation of async safety is for the test process only, never a deployment; the
    # defaults under test are production's own, whatever this shell sets.
    left_out = ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "CONN_MAX_AGE")
    env = {
        **{name: value for name, value in os.environ.items() if name not in left_out},
        "DJANGO_SETTINGS_MODULE": "p2pu.settings.production",
        "ALLOWED_HOSTS": "example.org",
        **(environment or {}),
    }
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_the_development_key():
    result = run_manage("check", secret_key="dev-only-insecure-key-do-not-use-in-production")
    assert result.returncode != 0


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", secret_key=STRONG_KEY)
    assert result.returncode == 0, result.stderr + result.stdout


def test_with_a_bucket_pages_and_the_admin_may_show_its_images():
    show_policies = (
        "import json; from django.conf import settings; print(json.dumps("
        "[settings.CONTENT_SECURITY_POLICY['DIRECTIVES'], settings.CSP_ADMIN_DIRECTIVES]))"
    )
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        show_policies,
        secret_key=STRONG_KEY,
        environment={"S3_BUCKET": "lc-media", "S3_REGION": "eu-west-1"},
    )
    assert result.returncode == 0, result.stderr
    site, admin = json.loads(result.stdout)
    bucket = ["https://lc-media.s3.amazonaws.com", "https://lc-media.s3.eu-west-1.amazonaws.com"]
    assert site["img-src"] == ["'self'", "data:", *bucket]
    assert site["media-src"] == ["'self'", *bucket]
    assert site["script-src"] == ["'self'"]
    assert admin["img-src"] == ["'self'", "data:", "blob:", *bucket]


def test_production_keeps_database_connections_between_requests():
    show = (
        "import json; from django.conf import settings; d = settings.DATABASES['default']; "
        "print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
    )
    kept = run_manage("shell", "--no-imports", "-c", show, secret_key=STRONG_KEY)
    chosen = run_manage("shell", "--no-imports", "-c", show, secret_key=STRONG_KEY, environment={"CONN_MAX_AGE": "5"})
    assert json.loads(kept.stdout) == [60, True], kept.stderr
    assert json.loads(chosen.stdout) == [5, True], chosen.stderr
