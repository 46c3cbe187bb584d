"""The office sets one program's supervision — light thresholds and its group robots (企业微信, 钉钉) — on a page,
not only in the admin; units and leaders cannot read the robots' addresses (they carry the keys)."""

import pytest

from duikou.supervision import delivery
from duikou.supervision.models import LightRule, WebhookChannel

pytestmark = pytest.mark.django_db


def test_the_office_sets_rules_and_robots_per_program(world, browser_client):
    office = browser_client(world.users["office_admin"])
    url = f"/supervision/programs/{world.program.pk}/settings/"
    assert url in office.get(f"/programs/{world.program.pk}/").content.decode()
    r = office.post(
        url,
        {
            "action": "rules",
            "rule-due_soon_days": 20,
            "rule-behind_points": 15,
            "rule-notice_after_days": 5,
            "rule-report_grace_days": 7,
        },
    )
    assert r.status_code == 302
    rule = LightRule.objects.get(program=world.program)
    assert (rule.due_soon_days, rule.behind_points, rule.notice_after_days) == (20, 15, 5)
    body = {"action": "robot", "robot-name": "协作办工作群", "robot-kind": "wecom", "robot-message_format": "text",
            "robot-active": "on"}  # fmt: skip
    r = office.post(url, {**body, "robot-url": "ftp://example.org/x"})
    assert r.status_code == 200 and "https://" in r.content.decode()  # refused, the reason said
    r = office.post(url, {**body, "robot-url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1"})
    assert r.status_code == 302
    program_robot = WebhookChannel.objects.get(name="协作办工作群")
    assert program_robot.program == world.program and program_robot.organization is None
    r = office.post(
        url,
        {**body, "robot-name": "马尾区群", "robot-kind": "dingtalk", "robot-organization": world.mawei.pk,
         "robot-url": "https://oapi.dingtalk.com/robot/send?access_token=t", "robot-secret": "SEC123"},
    )  # fmt: skip
    assert r.status_code == 302
    unit_robot = WebhookChannel.objects.get(name="马尾区群")
    assert (unit_robot.organization, unit_robot.secret, unit_robot.program) == (
        world.mawei,
        "SEC123",
        world.program,
    )
    page = office.get(url).content.decode()
    assert (
        "协作办工作群" in page and "马尾区群" in page and "SEC123" not in page
    )  # the secret is never shown back
    # Both reach a notice to 马尾区 on this program's task; 鼓楼区's notice reaches the program's robot only.
    from duikou.reports.models import Reminder

    mawei_notice = Reminder(organization=world.mawei, task=world.task_a)
    gulou_notice = Reminder(organization=world.gulou, task=world.task_b)
    assert set(delivery.channels(mawei_notice)) == {program_robot, unit_robot}
    assert set(delivery.channels(gulou_notice)) == {program_robot}
    office.post(url, {"action": "toggle", "robot": unit_robot.pk})
    unit_robot.refresh_from_db()
    assert unit_robot.active is False
    office.post(url, {"action": "delete", "robot": unit_robot.pk})
    assert not WebhookChannel.objects.filter(pk=unit_robot.pk).exists()


@pytest.mark.parametrize("role", ["reporter_a", "head_a", "leader", "auditor"])
def test_no_one_else_reads_or_sets_the_robots(world, browser_client, role):
    WebhookChannel.objects.create(
        name="群", kind="wecom", url="https://x.example/?key=secret", program=world.program
    )
    client = browser_client(world.users[role])
    url = f"/supervision/programs/{world.program.pk}/settings/"
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"action": "delete", "robot": WebhookChannel.objects.get().pk}).status_code in (
        403,
        404,
    )
    assert WebhookChannel.objects.exists()
    assert url not in client.get(f"/programs/{world.program.pk}/").content.decode()
