"""`duikou remind`: due-soon and overdue tasks and reports per unit, recorded once however often it runs; inbox; e-mail."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from duikou.reports.models import Reminder, Report
from duikou.reports.reminders import run_reminders

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 7, 5)


def kinds(org):
    return sorted(
        Reminder.objects.filter(organization=org).values_list("kind", "task__number", "due_date"), key=str
    )


def test_due_soon_overdue_and_reports_per_unit_and_idempotent(world):
    run = run_reminders(days=7, today=TODAY)
    # 马尾区: task 1 overdue (6-30), task 3 due 7-10; 鼓楼区 supports task 3; June report missing for 马尾区 only
    # (鼓楼区's June report is submitted).
    assert kinds(world.mawei) == sorted(
        [
            ("overdue", "1", dt.date(2025, 6, 30)),
            ("due_soon", "3", dt.date(2025, 7, 10)),
            ("report_due", None, dt.date(2025, 6, 30)),
        ],
        key=str,
    )
    assert kinds(world.gulou) == [("due_soon", "3", dt.date(2025, 7, 10))]
    assert (run.overdue, run.due_soon, run.report_due) == (1, 2, 1)
    again = run_reminders(days=7, today=TODAY)
    assert again.total == 0 and Reminder.objects.count() == 4


def test_month_end_reminds_of_the_current_report(world):
    run_reminders(days=3, today=dt.date(2025, 7, 29))
    assert Reminder.objects.filter(
        organization=world.gulou, kind="report_due", due_date=dt.date(2025, 7, 31)
    ).exists()


def test_completed_tasks_and_submitted_reports_are_not_reminded(world):
    world.task_a.status = "completed"
    world.task_a.save()
    world.report_a.status = Report.SUBMITTED
    world.report_a.save()
    run_reminders(days=7, today=TODAY)
    assert not Reminder.objects.filter(organization=world.mawei, kind__in=["overdue", "report_due"]).exists()


def test_command_output_and_bad_input(world, capsys):
    call_command("remind", "--days", "7", "--today", "2025-07-05", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out == {"due_soon": 2, "overdue": 1, "report_due": 1, "emailed": 0, "created": 4}
    with pytest.raises(SystemExit) as exit_:
        call_command("remind", "--days", "-1")
    assert exit_.value.code == 1
    assert "--days" in capsys.readouterr().err


def test_email_when_enabled(world, settings, django_capture_on_commit_callbacks):
    settings.DUIKOU_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.users["reporter_a"].email = "mawei@example.cn"
    world.users["reporter_a"].save()
    with django_capture_on_commit_callbacks(execute=True):
        run = run_reminders(days=7, today=TODAY)
        assert len(mail.outbox) == 0  # nothing leaves before the reminders are committed
    assert run.emailed == 1 and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mawei@example.cn"] and "逾期" in mail.outbox[0].body
    assert not Reminder.objects.filter(organization=world.mawei, emailed_at=None).exists()
    with django_capture_on_commit_callbacks(execute=True):
        run_reminders(days=7, today=TODAY)
    assert len(mail.outbox) == 1  # nothing new, nothing re-sent


def test_a_failure_part_way_resends_nothing_already_sent(world, settings, monkeypatch):
    """One unit's mail goes, the next one's server refuses: the first is not sent again by the next run."""
    from duikou.reports import reminders

    settings.DUIKOU_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for name, address in (("reporter_a", "mawei@example.cn"), ("reporter_b", "gulou@example.cn")):
        world.users[name].email = address
        world.users[name].save()
    run_reminders(days=7, today=TODAY)  # recorded; the e-mail waits for a commit the test never makes
    assert len(mail.outbox) == 0
    real_send = reminders.send_mail

    def flaky(subject, body, sender, to):
        if to == ["gulou@example.cn"]:
            raise OSError("connection refused")
        return real_send(subject, body, sender, to)

    monkeypatch.setattr(reminders, "send_mail", flaky)
    assert reminders.email_reminders() == 1
    assert [m.to for m in mail.outbox] == [["mawei@example.cn"]]
    assert Reminder.objects.filter(organization=world.gulou, emailed_at=None).exists()  # given back
    monkeypatch.setattr(reminders, "send_mail", real_send)
    assert reminders.email_reminders() == 1
    assert [m.to for m in mail.outbox] == [["mawei@example.cn"], ["gulou@example.cn"]]


def test_inbox_shows_only_own_reminders_and_marks_read(client, world):
    run_reminders(days=7, today=TODAY)
    client.force_login(world.users["reporter_b"])
    page = client.get(reverse("reports:inbox")).content.decode()
    assert "任务 3 消费帮扶 将于 2025-07-10 到期" in page
    assert "马尾区产业园建设" not in page
    own = Reminder.objects.get(organization=world.gulou)
    other = Reminder.objects.filter(organization=world.mawei).first()
    assert client.post(reverse("reports:reminder_read", args=[other.pk])).status_code == 404
    assert client.post(reverse("reports:reminder_read", args=[own.pk])).status_code == 302
    own.refresh_from_db()
    assert own.read_at is not None
    assert "消费帮扶" not in client.get(reverse("reports:inbox")).content.decode()
