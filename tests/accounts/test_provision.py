"""Accounts for a plan's units in one step: one per unit and role, passwords shown once in an .xlsx, the
first sign-in goes to the password page until a new one is set."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from duikou.accounts.models import User
from duikou.accounts.services import plan_units, provision_unit_accounts
from duikou.core import permissions as perms

pytestmark = pytest.mark.django_db


def _sheet_rows(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_plan_units_are_the_responsible_and_allotted_units(world):
    assert {o.pk for o in plan_units(world.plan)} == {world.mawei.pk, world.gulou.pk}


def test_office_provisions_missing_accounts_and_downloads_them_once(client, world):
    User.objects.filter(organization=world.gulou).delete()  # 鼓楼区 has no account yet; 马尾区 has two
    client.force_login(world.users[perms.OFFICE_ADMIN])
    page = client.get(reverse("accounts:provision", args=[world.plan.pk]))
    assert page.status_code == 200
    assert "其中 1 个尚无填报员账户" in page.content.decode()

    response = client.post(reverse("accounts:provision", args=[world.plan.pk]), {"heads": "1"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    rows = _sheet_rows(response.content)
    assert rows[0] == ["单位", "用户名", "角色", "初始密码", "说明"]
    made = [r for r in rows[1:] if r[1]]
    # 鼓楼区 gets a reporter and a head; 马尾区 already has both roles and gets nothing.
    code = world.gulou.division_code
    assert sorted((r[0], r[1], r[2]) for r in made) == [
        ("福建省福州市鼓楼区", f"{code}-fz", "单位负责人"),
        ("福建省福州市鼓楼区", f"{code}-tb", "单位填报员"),
    ]
    for row in made:
        user = User.objects.get(username=row[1])
        assert user.organization == world.gulou and user.must_change_password
        assert user.check_password(row[3]) and row[3] not in user.password  # stored hashed only

    again = client.post(reverse("accounts:provision", args=[world.plan.pk]), {"heads": "1"})
    assert [r for r in _sheet_rows(again.content)[1:] if r[1]] == []  # nobody twice


@pytest.mark.parametrize(
    "role", ["reporter_a", "head_a", perms.AUDITOR, perms.LEADER, perms.RECIPIENT_VIEWER]
)
def test_only_the_office_may_provision(client, world, role):
    client.force_login(world.users[role])
    before = User.objects.count()
    assert client.post(reverse("accounts:provision", args=[world.plan.pk])).status_code == 403
    assert User.objects.count() == before


def test_first_sign_in_must_set_a_new_password(client, world):
    User.objects.filter(organization=world.gulou).delete()
    (account,), _ = provision_unit_accounts(world.plan)
    assert client.login(username=account.user.username, password=account.password)
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:password_change"))
    assert client.get(reverse("reports:list")).status_code == 302
    changed = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": account.password,
            "new_password1": "Gulou-2026-new",
            "new_password2": "Gulou-2026-new",
        },
    )
    assert changed.status_code == 302
    account.user.refresh_from_db()
    assert not account.user.must_change_password and account.user.check_password("Gulou-2026-new")
    assert client.get(reverse("reports:list")).status_code == 200


def test_wrong_old_password_is_refused_on_the_page(client, world):
    client.force_login(world.users["reporter_a"])
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "Mawei-2026-new", "new_password2": "Mawei-2026-new"},
    )
    assert response.status_code == 200 and "旧密码" in response.content.decode()


def test_cli_provision_writes_the_workbook(world, tmp_path, capsys):
    User.objects.filter(organization=world.gulou).delete()
    out = tmp_path / "账户.xlsx"
    call_command("user", "provision", "--plan", str(world.plan.pk), "-o", str(out))
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == f"1 accounts created for plan {world.plan.pk} (1 units already had one)"
    (row,) = [r for r in _sheet_rows(out.read_bytes())[1:] if r[1]]
    assert row[:3] == ["福建省福州市鼓楼区", f"{world.gulou.division_code}-tb", "单位填报员"]


def test_cli_provision_names_a_missing_plan(capsys):
    from duikou.cli import main

    assert main(["user", "provision", "--plan", "999999"]) == 1
    assert "方案 999999 不存在" in capsys.readouterr().err
