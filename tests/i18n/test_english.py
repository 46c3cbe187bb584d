"""English as the second locale: pages and CLI errors follow the chosen language; Chinese is the default."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from duikou.cli import main as duikou

pytestmark = pytest.mark.django_db

PLAN = {
    "schema": "duikou.plan/1",
    "title": "福州市2023年闽宁协作工作要点",
    "doc_number": "榕援〔2023〕1号",
    "issuer": "福州市人民政府办公厅",
    "issued_on": "2023-03-01",
    "period": {"start_year": 2023, "end_year": 2023},
    "donors": ["福州市"],
    "recipients": ["宁夏回族自治区固原市"],
    "pairings": [{"donor": "马尾区", "recipient": "宁夏回族自治区固原市西吉县"}],
    "funding": [
        {"source": "福州市", "year": 2023, "amount_yuan": 50000000, "text": "安排财政援助资金5000万元"}
    ],
    "targets": [],
    "tasks": [
        {
            "number": "1",
            "path": ["一", "1"],
            "title": "召开联席会议",
            "text": "召开闽宁协作联席会议",
            "lead_units": ["马尾区"],
            "support_units": [],
            "deadline": "6月底前",
            "due": "2099-06-30",
        },
        {
            "number": "2",
            "path": ["一", "2"],
            "title": "推动消费帮扶",
            "text": "推动消费帮扶，拓宽销售渠道",
            "lead_units": ["马尾区"],
            "support_units": ["闽侯县"],
            "deadline": "全年",
            "due": None,
        },
    ],
}


@pytest.fixture
def plan(db):
    from duikou.plans.importer import import_plan_data

    raw = json.dumps(PLAN, ensure_ascii=False).encode()
    return import_plan_data(json.loads(raw), source_bytes=raw, source_name="plan.json").plan


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_login_page_is_chinese_by_default_even_if_the_browser_asks_for_english(client):
    page = text(client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert '<html lang="zh-hans">' in page
    assert "登录对口支援协作管理平台" in page and "忘记密码或无法登录" in page
    assert "Sign in to the Counterpart Assistance Management Platform" not in page


def test_login_page_in_english(english):
    page = text(english.get(reverse("accounts:login")))
    assert '<html lang="en">' in page
    assert "Sign in to the Counterpart Assistance Management Platform" in page
    assert '<label for="id_username">Username</label>' in page
    assert "If you forgot your password or cannot sign in" in page
    assert "登录对口支援协作管理平台" not in page


def test_failed_sign_in_message_in_english(english, make_user):
    make_user("mawei", "unit_reporter")
    page = text(english.post(reverse("accounts:login"), {"username": "mawei", "password": "wrong"}))
    assert "Incorrect username or password." in page


def test_switcher_on_the_login_page_sets_the_language_and_comes_back(client):
    login = reverse("accounts:login")
    page = text(client.get(login))
    assert f'action="{reverse("set_language")}"' in page
    assert 'name="language" value="en"' in page and ">English</button>" in page and ">中文</button>" in page

    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == 302 and response["Location"] == login
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Sign in to the Counterpart Assistance Management Platform" in text(client.get(login))

    client.post(reverse("set_language"), {"language": "zh-hans", "next": login})
    assert "登录对口支援协作管理平台" in text(client.get(login))


def test_dashboard_in_english_and_in_chinese(client, office_admin, plan):
    client.force_login(office_admin)
    chinese = text(client.get(reverse("web:home")))
    assert "工作总览" in chinese and "任务完成率" in chinese and ">方案</a>" in chinese
    assert "Work overview" not in chinese

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = text(client.get(reverse("web:home")))
    for phrase in (
        "Work overview",
        "Task completion rate",
        "Overdue tasks",
        "Fund execution rate",
        "By counterpart relationship",
        ">Plans</a>",
        ">Sign out</button>",
        "Counterpart Assistance Management Platform",
    ):
        assert phrase in page, phrase
    for phrase in ("工作总览", "任务完成率", "退出", "主导航"):
        assert phrase not in page, phrase


def test_plan_page_in_english(client, office_admin, plan):
    client.force_login(office_admin)
    url = reverse("plans:detail", args=[plan.pk])
    assert "共 2 项任务，已完成 0 项" in text(client.get(url))

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = text(client.get(url))
    assert "2 tasks, 0 completed" in page
    for phrase in ("Responsible unit", "Export to Excel", ">Filter</button>", "Not started"):
        assert phrase in page, phrase
    assert "共 2 项任务" not in page and "导出 Excel" not in page
    # The plan's own content is data, not interface: it stays as written.
    assert "福州市2023年闽宁协作工作要点" in page


def test_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = text(client.get(reverse("accounts:login")))
    assert '<html lang="zh-hans">' in page and "登录对口支援协作管理平台" in page


@pytest.fixture
def not_a_workbook(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_text("这不是表格", encoding="utf-8")
    return path


def test_cli_error_in_english_with_lang_option(plan, not_a_workbook, capsys, monkeypatch):
    monkeypatch.delenv("DUIKOU_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    status = duikou(["tasktable", "import", str(plan.pk), str(not_a_workbook), "--lang", "en"])
    assert status == 1
    assert capsys.readouterr().err.strip() == "error: bad.xlsx: not a valid Excel (.xlsx) file"


def test_cli_error_in_english_from_the_environment(plan, not_a_workbook, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    status = duikou(["tasktable", "import", str(plan.pk), str(not_a_workbook)])
    assert status == 1
    assert "bad.xlsx: not a valid Excel (.xlsx) file" in capsys.readouterr().err


def test_cli_error_in_chinese_by_default(plan, not_a_workbook, capsys, monkeypatch):
    monkeypatch.delenv("DUIKOU_LANG", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    status = duikou(["tasktable", "import", str(plan.pk), str(not_a_workbook)])
    assert status == 1
    assert capsys.readouterr().err.strip() == "错误：bad.xlsx：不是有效的 Excel（.xlsx）文件"
