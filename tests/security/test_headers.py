"""Hole 13: security headers on every response, production HTTPS settings, no `Server: gunicorn`, and the API docs
for signed-in staff only, from the project's own static files."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from duikou.core import permissions as perms


@pytest.mark.django_db
def test_every_page_carries_the_security_headers(client):
    for url in ("/accounts/login/", "/open/", "/api/plans/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert (
            re.search(r"script-src 'self'( 'nonce-[^']+')?(;|$)", policy) and "'unsafe-inline'" not in policy
        ), url
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert (
            "camera=()" in response["Permissions-Policy"]
            and "geolocation=()" in response["Permissions-Policy"]
        )
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_api_docs_are_for_signed_in_staff_from_own_static_files(client, make_user, org):
    assert client.get("/api/docs").status_code == 302
    assert client.get("/api/openapi.json").status_code == 302
    unit = make_user("unit", perms.UNIT_REPORTER, org("福建省福州市马尾区"))
    client.force_login(unit)
    assert client.get("/api/docs").status_code == 302 and client.get("/api/openapi.json").status_code == 302
    staff = make_user("office", perms.OFFICE_ADMIN)
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in sources
    assert all(s.startswith("/static/") for s in sources), sources
    assert "<script>" not in html  # no inline script: the settings travel as JSON data
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/openapi.json").json()["info"]["title"] == "duikou API"


def _production_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUIKOU_")}
    env.update(
        {
            "DUIKOU_DATA_DIR": str(tmp_path / "data"),
            "DUIKOU_PRODUCTION": "1",
            "DUIKOU_SECRET_KEY": secrets.token_urlsafe(64),
            "DUIKOU_ALLOWED_HOSTS": "duikou.example.gov.cn,127.0.0.1",
            "LANG": "C.UTF-8",
        }
    )
    return env


def test_production_settings(tmp_path):
    code = (
        "import django, django.conf as c; django.setup(); s = c.settings; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**_production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "duikou.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split()[:3] == ["True", "True", "31536000"]
    assert "HTTP_X_FORWARDED_PROTO" in out.stdout and out.stdout.strip().endswith("True")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_in_production_sends_hsts_secure_cookies_and_no_server_header(tmp_path):
    port = _free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        [
            gunicorn,
            "duikou.wsgi:application",
            "--config",
            "python:duikou.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=_production_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/accounts/login/",
            headers={"Host": "duikou.example.gov.cn", "X-Forwarded-Proto": "https"},
        )
        for _ in range(100):
            try:
                response = urllib.request.urlopen(request, timeout=5)
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(
                server.stderr.read1().decode() if server.poll() is not None else "gunicorn did not answer"
            )
        headers = response.headers
        assert headers.get("Server") is None, headers.get("Server")
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        cookies = headers.get_all("Set-Cookie")
        assert cookies and all("Secure" in c for c in cookies), cookies
        # Plain HTTP (no proxy header) is sent to HTTPS.
        plain = urllib.request.Request(
            f"http://127.0.0.1:{port}/accounts/login/", headers={"Host": "duikou.example.gov.cn"}
        )
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(plain, timeout=5)
        assert redirect.value.code == 301
        assert redirect.value.headers["Location"].startswith("https://duikou.example.gov.cn/")
    finally:
        server.terminate()
        # The master lets its queue worker finish the job in hand (up to 30 s, gunicorn_hooks.on_exit): on a busy
        # machine a worker still starting Django takes more than a few seconds to stop.
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db
def test_the_policy_built_once_is_django_csps(client, make_user, org, settings):
    """The policy is built once per process (core.middleware.ContentSecurityPolicyMiddleware): each response carries
    what django-csp builds for it, with the request's nonce where the page used one."""
    from csp.decorators import csp_update
    from csp.utils import build_policy
    from django.http import HttpResponse
    from django.test import RequestFactory

    from duikou.core.middleware import ContentSecurityPolicyMiddleware

    client.force_login(make_user("csp-unit", perms.UNIT_REPORTER, org("福建省福州市马尾区")))
    for _ in range(2):  # the second from the policy kept
        page = client.get("/accounts/password/")
        assert page["Content-Security-Policy"] == build_policy()
        assert "Content-Security-Policy-Report-Only" not in page

    def with_nonce(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    middleware = ContentSecurityPolicyMiddleware(with_nonce)
    for _ in range(2):
        request = RequestFactory().get("/")
        response = middleware(request)
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert (
            response["Content-Security-Policy"] == build_policy(nonce=nonce)
            and f"'nonce-{nonce}'" in (response["Content-Security-Policy"])
        )
    # A view's own policy (django-csp's decorators) is django-csp's to build.
    own = csp_update({"img-src": "https://tiles.example"})(lambda request: HttpResponse("ok"))
    response = ContentSecurityPolicyMiddleware(own)(RequestFactory().get("/"))
    assert "https://tiles.example" in response["Content-Security-Policy"]
    # A changed setting is read again.
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert client.get("/api/plans/").headers["Content-Security-Policy"] == "default-src 'none'"
