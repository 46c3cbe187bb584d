"""Reminders that reach people: in the site, by e-mail and through 企业微信 / 钉钉 group robots (their JSON formats,
checked on a receiver at 127.0.0.1), after the transaction commits, retried, never duplicated; the daily run in
the application's own scheduler."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from duikou.reports import services as reports
from duikou.reports.models import Reminder
from duikou.supervision import delivery, scheduler, services
from duikou.supervision.models import DailyRun, Delivery, WebhookChannel

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("divisions_back_after_flush")]


class Receiver:
    """A robot endpoint on 127.0.0.1: records each POST; answers errcode 0, or an error while `failing` > 0."""

    def __init__(self):
        self.posts, self.failing = [], 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.posts.append(
                    {"path": self.path, "json": json.loads(body), "type": self.headers["Content-Type"]}
                )
                if outer.failing > 0:
                    outer.failing -= 1
                    answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
                else:
                    answer = {"errcode": 0, "errmsg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def world_tx(org, make_user, settings, tmp_path):
    from permissions.world import build_world

    from duikou.organizations.models import Organization
    from duikou.organizations.services import seed_divisions

    if not Organization.objects.filter(division_code="110000").exists():
        seed_divisions()
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world(org, make_user)


def test_wecom_and_dingtalk_formats_after_commit_once(world_tx, receiver, settings):
    w = world_tx
    settings.DUIKOU_SITE_URL = "https://duikou.example.gov.cn"
    WebhookChannel.objects.create(
        name="马尾区群", kind="wecom", url=f"{receiver.url}/wecom?key=abc", organization=w.mawei
    )
    WebhookChannel.objects.create(
        name="马尾区群（MD）",
        kind="wecom",
        url=f"{receiver.url}/wecom-md?key=abc",
        organization=w.mawei,
        message_format="markdown",
    )
    WebhookChannel.objects.create(
        name="项目群",
        kind="dingtalk",
        url=f"{receiver.url}/ding?access_token=t",
        program=w.program,
        secret="SECabc",
        message_format="markdown",
    )
    WebhookChannel.objects.create(
        name="鼓楼区群", kind="dingtalk", url=f"{receiver.url}/gulou", organization=w.gulou
    )
    office = w.users["office_admin"]
    with transaction.atomic():
        item = services.urge(user=office, organization=w.mawei, task=w.task_a, message="请本周报送进展")
        assert receiver.posts == []  # nothing leaves before the commit
    by_path = {p["path"].split("?")[0]: p for p in receiver.posts}
    assert set(by_path) == {"/wecom", "/wecom-md", "/ding"}  # 鼓楼区's robot hears nothing of 马尾区
    text = by_path["/wecom"]["json"]
    assert text["msgtype"] == "text" and "请本周报送进展" in text["text"]["content"]
    assert f"https://duikou.example.gov.cn/supervision/urges/{item.pk}/" in text["text"]["content"]
    md = by_path["/wecom-md"]["json"]
    assert md["msgtype"] == "markdown" and md["markdown"]["content"].startswith("### ")
    ding = by_path["/ding"]
    assert ding["json"]["msgtype"] == "markdown" and set(ding["json"]["markdown"]) == {"title", "text"}
    assert ding["type"].startswith("application/json")
    # 钉钉 加签: sign = base64(HMAC-SHA256(secret, "timestamp\nsecret")), URL-encoded.
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(ding["path"]).query)
    ts = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(b"SECabc", f"{ts}\nSECabc".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"][0] == expected
    # Never duplicated: sending again, or queueing the notice again, sends nothing more.
    assert delivery.send_pending() == {"sent": 0, "failed": 0}
    reminder = Reminder.objects.get(key=f"urge:{item.pk}")
    assert delivery.queue(reminder) == 0
    assert len(receiver.posts) == 3


def test_rolled_back_notice_is_never_sent(world_tx, receiver):
    w = world_tx
    WebhookChannel.objects.create(name="群", kind="wecom", url=f"{receiver.url}/x", organization=w.mawei)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.urge(user=w.users["office_admin"], organization=w.mawei, task=w.task_a)
        raise RuntimeError("the page failed after the urge")
    assert receiver.posts == [] and not Delivery.objects.exists()


def test_a_failed_delivery_is_retried_later_until_it_goes(world_tx, receiver):
    w = world_tx
    WebhookChannel.objects.create(name="群", kind="dingtalk", url=f"{receiver.url}/d", organization=w.mawei)
    receiver.failing = 1
    services.urge(user=w.users["office_admin"], organization=w.mawei, task=w.task_a)
    row = Delivery.objects.get()
    assert row.sent_at is None and row.attempts == 1 and "93000" in row.last_error
    assert delivery.send_pending() == {"sent": 0, "failed": 0}  # not yet due again
    later = timezone.now() + dt.timedelta(minutes=5)
    assert delivery.send_pending(now=later) == {"sent": 1, "failed": 0}
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 2
    assert len(receiver.posts) == 2 and receiver.posts[0]["json"] == receiver.posts[1]["json"]


def test_email_reaches_unit_people_and_the_office(world_tx, settings):
    w = world_tx
    settings.DUIKOU_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for key, address in (
        ("reporter_a", "rep@mawei.gov.cn"),
        ("head_a", "head@mawei.gov.cn"),
        ("office_admin", "office@duikou.gov.cn"),
        ("reporter_b", "rep@gulou.gov.cn"),
    ):
        w.users[key].email = address
        w.users[key].save()
    services.urge(user=w.users["office_admin"], organization=w.mawei, task=w.task_a)
    assert sorted(m.to[0] for m in mail.outbox) == ["head@mawei.gov.cn", "rep@mawei.gov.cn"]
    mail.outbox.clear()
    # The unit's head submits: the office is told it waits for approval.
    report = w.report_a
    reports.submit_report(report=report, user=w.users["head_a"])
    assert [m.to for m in mail.outbox] == [["office@duikou.gov.cn"]] and "待对口办审核" in mail.outbox[0].body
    assert Reminder.objects.filter(organization=None, kind="awaiting", report=report).count() == 1
    mail.outbox.clear()
    reports.return_report(report=report, user=w.users["office_admin"], reason="佐证不足")
    assert sorted(m.to[0] for m in mail.outbox) == ["head@mawei.gov.cn", "rep@mawei.gov.cn"]
    assert "佐证不足" in mail.outbox[0].body


def test_scheduler_runs_the_day_once_and_the_office_hears(world_tx, receiver, settings):
    w = world_tx
    settings.DUIKOU_DAILY_RUN_HOUR = 0
    WebhookChannel.objects.create(
        name="马尾区群", kind="wecom", url=f"{receiver.url}/m", organization=w.mawei
    )
    first = scheduler.tick()
    assert first["daily"] is not None and first["daily"]["overdue"] >= 1  # task_a was due 2025-06-30
    assert DailyRun.objects.count() == 1
    kinds = set(Reminder.objects.filter(organization=w.mawei).values_list("kind", flat=True))
    assert {"overdue", "report_due"} <= kinds
    office = Reminder.objects.get(organization=None, key__startswith="daily:")
    assert "逾期任务" in office.message
    sent = len(receiver.posts)
    assert sent >= 2 and all(p["json"]["msgtype"] == "text" for p in receiver.posts)
    second = scheduler.tick()
    assert second["daily"] is None and len(receiver.posts) == sent and DailyRun.objects.count() == 1


def test_serve_starts_and_stops_the_scheduler_and_the_worker(monkeypatch, tmp_path):
    import time

    from duikou import gunicorn_hooks

    class Log:
        def info(self, *args):
            pass

    class Server:
        log = Log()

    monkeypatch.setenv("DUIKOU_DATA_DIR", str(tmp_path))
    gunicorn_hooks.on_starting(Server())
    processes = dict(gunicorn_hooks._processes)
    assert set(processes) == {"scheduler", "worker"}
    assert all(name in p.args for name, p in processes.items())
    time.sleep(0.5)
    assert all(p.poll() is None for p in processes.values())  # running beside the web workers
    gunicorn_hooks.on_exit(Server())
    assert all(p.poll() is not None for p in processes.values())
    # `duikou serve` runs gunicorn with duikou.gunicorn_conf, whose hooks these are.
    from duikou import gunicorn_conf

    assert (
        gunicorn_conf.on_starting is gunicorn_hooks.on_starting
        and gunicorn_conf.on_exit is gunicorn_hooks.on_exit
    )
