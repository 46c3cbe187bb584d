"""Chinese everywhere in the Chinese UI: units by code, places in words, error pages in the layout, a readable log."""

import json
import logging
import re

import pytest
from django.test import override_settings

from duikou.plans.schema import describe_place

ENGLISH_LEAK = re.compile(r"\b(person|count|yuan|percent|targets\[|tasks\[|funding\[|Not Found|Forbidden)\b")


def _visible_text(html: str) -> str:
    """The page's text without tags, scripts and attribute values (what a person reads)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_places_are_named_in_words():
    data = {
        "targets": [
            {"indicator": "甲"},
            {"indicator": "帮助宁夏销售农副产品", "allocations": [{"unit": "马尾区"}]},
        ]
    }
    assert describe_place(("targets", 1, "allocations", 0, "value"), data) == (
        "第2个指标「帮助宁夏销售农副产品」第1项分解「马尾区」的数值"
    )
    assert describe_place(("funding", 0, "amount_yuan"), {"funding": [{}]}) == "第1笔资金安排的金额"


@pytest.mark.django_db
def test_import_review_reads_in_chinese(world, client_for, plan_data):
    from duikou.web.imports import create_draft

    plan_data["title"] = "另一份方案"
    plan_data["targets"].append(
        {
            "text": "劳务输出3000人",
            "indicator": "劳务输出",
            "value": 3000,
            "unit": "person",
            "comparator": ">=",
            "year": 2023,
        }
    )
    office = world["users"]["office"]
    raw = json.dumps(plan_data, ensure_ascii=False).encode()
    draft = create_draft(name="plan2.json", raw=raw, user=office)
    client = client_for(office)
    page = client.get(f"/import/{draft.pk}/").content.decode()
    text = _visible_text(page)
    assert "不少于 3,000人（2023年）" in text
    assert "不少于 7.50亿元（2023年）" in text
    assert "马尾区 9,000.00万元" in text
    assert not ENGLISH_LEAK.search(text), ENGLISH_LEAK.search(text)
    assert "第1个指标「帮助宁夏销售农副产品」" in text  # where a unit appears, in words


@pytest.mark.django_db
def test_changing_the_unit_to_person_keeps_it_a_person(world, client_for, plan_data):
    from duikou.targets.models import Target
    from duikou.web.imports import create_draft, publish_draft

    plan_data["title"] = "单位改为人"
    plan_data["targets"] = [
        {
            "text": "劳务输出3000名额",
            "indicator": "劳务输出",
            "value": 3000,
            "unit": "名额",
            "comparator": ">=",
            "year": 2023,
        }
    ]
    office = world["users"]["office"]
    draft = create_draft(name="p.json", raw=json.dumps(plan_data, ensure_ascii=False).encode(), user=office)
    client = client_for(office)
    response = client.post(
        f"/import/{draft.pk}/edit/",
        {"kind": "targets", "index": "0", "ref": "target-0", "indicator": "劳务输出", "value": "3000",
         "unit": "person", "unit_other": "", "comparator": ">=", "year": "2023", "allocations": ""},
    )  # fmt: skip
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.plan_data["targets"][0]["unit"] == "person"
    assert "不少于 3,000人（2023年）" in _visible_text(response.content.decode())
    result = publish_draft(draft=draft, user=office)
    target = Target.objects.get(plan=result.plan)
    assert target.unit == Target.PERSON and target.unit_label == "人"
    assert "其他" not in client.get(f"/targets/{target.pk}/").content.decode()


@pytest.mark.django_db
def test_a_refused_correction_names_the_item_and_keeps_what_was_typed(world, client_for, plan_data):
    from duikou.web.imports import create_draft

    plan_data["title"] = "改错"
    office = world["users"]["office"]
    draft = create_draft(name="p.json", raw=json.dumps(plan_data, ensure_ascii=False).encode(), user=office)
    response = client_for(office).post(
        f"/import/{draft.pk}/edit/",
        {"kind": "targets", "index": "0", "ref": "target-0", "indicator": "帮助宁夏销售农副产品",
         "value": "七亿五", "unit": "yuan", "comparator": ">=", "year": "2023", "allocations": ""},
    )  # fmt: skip
    text = response.content.decode()
    assert "第1个指标「帮助宁夏销售农副产品」的目标值：金额应为数字" in text
    assert 'value="七亿五"' in text
    assert "targets[" not in text


@pytest.mark.django_db
def test_money_in_the_review_is_corrected_in_wan(world, client_for, plan_data):
    from duikou.web.imports import create_draft

    plan_data["title"] = "改金额"
    office = world["users"]["office"]
    draft = create_draft(name="p.json", raw=json.dumps(plan_data, ensure_ascii=False).encode(), user=office)
    client_for(office).post(
        f"/import/{draft.pk}/edit/",
        {"kind": "funding", "index": "0", "ref": "funding-0", "source": "福州市", "year": "2023",
         "amount_yuan": "3,500"},
    )  # fmt: skip
    draft.refresh_from_db()
    assert draft.plan_data["funding"][0]["amount_yuan"] == 35_000_000


@pytest.mark.django_db
@override_settings(DEBUG=False)
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_error_pages_are_inside_the_layout_in_the_page_language(world, client_for, lang):
    client = client_for(world["users"]["mawei"])
    client.cookies["django_language"] = lang
    missing = client.get("/plans/999999/")
    assert missing.status_code == 404
    page = missing.content.decode()
    assert 'class="site-header"' in page and 'id="error-404"' in page
    forbidden = client.get("/import/")
    assert forbidden.status_code == 403
    page = forbidden.content.decode()
    assert 'class="site-nav"' in page and 'id="error-403"' in page
    if lang == "zh-hans":
        assert "页面不存在" in missing.content.decode() and "Not Found" not in missing.content.decode()
        assert "只有对口办管理员可以导入方案" in page  # the reason the server gave
        assert "返回工作总览" in page


@pytest.mark.django_db
def test_an_ordinary_403_logs_one_line_without_a_traceback(world, client_for, caplog):
    client = client_for(world["users"]["mawei"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/import/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.exc_info is None for r in records)
    assert "只有对口办管理员可以导入方案" in records[0].getMessage()


@pytest.mark.django_db
def test_the_change_log_reads_in_words(world, client_for):
    from duikou.funds.models import FundingLine
    from duikou.plans.models import Task

    task = Task.objects.filter(plan=world["plan"]).first()
    task.status = Task.COMPLETED
    task.save()
    line = FundingLine.objects.filter(plan=world["plan"]).first()
    line.amount = 31_000_000
    line.save()
    client = client_for(world["users"]["auditor"])
    page = _visible_text(client.get("/changes/").content.decode())
    assert "任务" in page and "资金计划" in page  # object types named
    assert "状态" in page and "status" not in page and "published_at" not in page
    history = _visible_text(client.get(f"/changes/funds/fundingline/{line.pk}/").content.decode())
    assert "3,100.00万元" in history and "3,000.00万元" in history
    assert "31000000" not in history
    plan_history = _visible_text(client.get(f"/changes/plans/plan/{world['plan'].pk}/").content.decode())
    assert "_id" not in plan_history


@pytest.mark.django_db
def test_user_labels_do_not_repeat(make_user, client):
    from duikou.core import permissions as perms

    leader = make_user("领导", perms.LEADER)
    client.force_login(leader)
    page = client.get("/").content.decode()
    assert "领导 · 领导" not in page and 'class="who">领导<' in page
