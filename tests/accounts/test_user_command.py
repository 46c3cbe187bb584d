"""`duikou user add/unlock/list`: exact output, clear errors naming the argument, exit status 1 on bad input."""

import json

import pytest
from django.core.management import call_command

from duikou.accounts.models import User

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    call_command("user", *args)
    out = capsys.readouterr()
    return out.out.strip(), out.err.strip()


def test_add_reporter_prints_what_it_created(capsys):
    out, err = run(
        capsys,
        "add",
        "mawei01",
        "--org",
        "福建省福州市马尾区",
        "--role",
        "unit_reporter",
        "--password",
        "Mawei-2025-ok",
        "--email",
        "mw@example.cn",
    )
    assert out == "user mawei01 created: 单位填报员, 福建省福州市马尾区"
    user = User.objects.get(username="mawei01")
    assert user.organization.full_name == "福建省福州市马尾区" and not user.is_staff
    assert user.check_password("Mawei-2025-ok")


def test_add_office_with_generated_password_as_json(capsys):
    out, err = run(capsys, "add", "boss", "--role", "office_admin", "--json")
    payload = json.loads(out)
    assert payload["created"] is True and payload["role"] == "office_admin"
    assert User.objects.get(username="boss").check_password(payload["password"])
    assert User.objects.get(username="boss").is_staff
    assert payload["password"] in err


@pytest.mark.parametrize(
    "args,message",
    [
        (["add", "x1", "--role", "unit_reporter"], "--org"),
        (["add", "x2", "--org", "不存在的单位", "--role", "unit_reporter"], "找不到单位"),
        (["add", "x3", "--org", "鼓楼区", "--role", "unit_reporter"], "对应多个单位"),
        (["add", "x4", "--role", "auditor", "--password", "123"], "--password"),
        (["unlock", "ghost"], "不存在"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_1(capsys, args, message):
    with pytest.raises(SystemExit) as exit_:
        call_command("user", *args)
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not User.objects.filter(username__startswith="x").exists()


def test_unlock(capsys, make_user, settings):
    from axes.models import AccessAttempt

    from duikou.accounts.services import locked_usernames

    make_user("locked", "auditor")
    AccessAttempt.objects.create(
        username="locked",
        ip_address="10.0.0.1",
        user_agent="",
        http_accept="",
        path_info="/",
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    assert "locked" in locked_usernames()
    out, _ = run(capsys, "unlock", "locked")
    assert out == "user locked unlocked"
    assert "locked" not in locked_usernames()
