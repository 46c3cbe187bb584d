"""The browser import: upload → review beside the source → correct → choose units → publish, all or nothing."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from duikou.organizations.models import Organization
from duikou.plans.models import Plan, Responsibility
from duikou.web.models import ImportDraft

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parents[2] / "examples" / "plans" / "001_419b3f3f91ecd403.txt"


@pytest.fixture
def office(client, make_user, settings):
    from duikou.core import permissions as perms

    client.force_login(make_user("office", perms.OFFICE_ADMIN))
    return client


def upload(client, name, content):
    return client.post(reverse("web:import"), {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def draft(office):
    response = upload(office, SEED.name, SEED.read_bytes())
    assert response.status_code == 302
    return ImportDraft.objects.get()


def test_upload_makes_a_draft_and_stores_no_plan(office, draft):
    assert Plan.objects.count() == 0
    assert draft.source_name == SEED.name and bytes(draft.source_bytes) == SEED.read_bytes()
    assert len(draft.plan_data["tasks"]) >= 25
    response = office.get(reverse("web:import_review", args=[draft.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    # Items are marked where they came from: the task text, its units and the target's allocations.
    assert response.context["located"] >= 0.9 * response.context["locatable"]
    assert '<mark class="task" data-refs="task-7' in body or 'data-refs="task-7"' in body
    assert 'data-refs="target-' in body and 'data-refs="task-0-lead_units-0' in body


def test_marked_text_is_the_text_of_the_item(draft):
    from duikou.web.locate import locate_plan

    spans, found = locate_plan(draft.source_text, draft.plan_data)
    by_ref = {s.ref: draft.source_text[s.start : s.end] for s in spans}
    assert by_ref["task-0-lead_units-0"] == "市委办公厅"
    assert by_ref["task-7"].startswith("推动消费帮扶")
    assert all(found.values()) or sum(found.values()) / len(found) > 0.9


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("plan.json", b'{"schema": "duikou.plan/1", "title": ', "第 1 行"),
        (
            "plan.json",
            json.dumps({"schema": "duikou.plan/1", "title": "x", "tasks": [{"due": "2023-13-45"}]}).encode(),
            "第1项任务的截止日期",
        ),
        ("plan.docx", b"PK\x03\x04 not really a zip", "plan.docx"),
        ("plan.exe", b"MZ\x90\x00", "不支持的文件类型"),
        ("empty.txt", b"", "空文件"),
    ],
)
def test_a_malformed_upload_is_reported_and_nothing_stored(office, name, content, message):
    response = upload(office, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert ImportDraft.objects.count() == 0 and Plan.objects.count() == 0


def test_a_huge_upload_is_refused(office, settings):
    settings.DUIKOU_MAX_UPLOAD_BYTES = 1000
    response = upload(office, SEED.name, SEED.read_bytes())
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert ImportDraft.objects.count() == 0


def test_correct_a_unit_in_place(office, draft):
    url = reverse("web:import_edit", args=[draft.pk])
    response = office.post(
        url,
        {
            "kind": "tasks",
            "index": "0",
            "ref": "task-0",
            "lead_units": "市委办公厅、福州市人民政府办公厅",
            "support_units": "市乡村振兴局",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.plan_data["tasks"][0]["lead_units"] == ["市委办公厅", "福州市人民政府办公厅"]
    assert "福州市人民政府办公厅" in response.content.decode()
    # The units table follows the correction.
    assert any(u.printed == "福州市人民政府办公厅" for u in response.context["units"])


def test_an_invalid_correction_names_the_place_and_changes_nothing(office, draft):
    before = json.dumps(draft.plan_data, sort_keys=True)
    url = reverse("web:import_edit", args=[draft.pk])
    response = office.post(url, {"kind": "tasks", "index": "2", "ref": "task-2", "due": "2023-02-30"})
    assert "第3项任务「" in response.content.decode() and "的截止日期" in response.content.decode()
    response = office.post(url, {"kind": "targets", "index": "0", "ref": "target-0", "value": "三千"})
    assert "第1个指标「" in response.content.decode() and "的目标值" in response.content.decode()
    assert "targets[" not in response.content.decode()
    response = office.post(url, {"kind": "targets", "index": "0", "ref": "target-0", "allocations": "马尾区"})
    assert "第 1 行" in response.content.decode()
    draft.refresh_from_db()
    assert json.dumps(draft.plan_data, sort_keys=True) == before


def test_remove_an_item(office, draft):
    count = len(draft.plan_data["targets"])
    office.post(reverse("web:import_edit", args=[draft.pk]), {"kind": "targets", "index": "0", "delete": "1"})
    draft.refresh_from_db()
    assert len(draft.plan_data["targets"]) == count - 1


def test_choose_units_then_publish(office, draft):
    mawei = Organization.objects.get(full_name="福建省福州市马尾区")
    resolve = reverse("web:import_resolve", args=[draft.pk])
    # 市委办公厅 is taken to mean 马尾区 here, only to see the choice carried through; 市政府办公厅 becomes a new unit.
    office.post(resolve, {"printed": "市委办公厅", "choice": str(mawei.pk), "row": "1"})
    office.post(resolve, {"printed": "市政府办公厅", "choice": "create", "row": "2"})
    office.post(resolve, {"printed": "市乡村振兴局", "full_name": "福建省福州市马尾区", "row": "3"})
    response = office.post(resolve, {"printed": "不在方案里", "choice": "create", "row": "4"})
    assert "不是本方案中出现的单位名称" in response.content.decode()
    draft.refresh_from_db()
    assert draft.resolutions == {
        "市委办公厅": {"organization": mawei.pk},
        "市政府办公厅": {"create": True},
        "市乡村振兴局": {"organization": mawei.pk},
    }
    # The seed prints 闽侯区委、政府 (闽侯 is a county): the resolver offers candidates and the office picks one.
    from duikou.web import imports

    undecided = [u for u in imports.unit_choices(draft) if u.needs_choice]
    assert "闽侯区委、政府" in [u.printed for u in undecided]
    response = office.post(reverse("web:import_publish", args=[draft.pk]))
    assert (
        response.status_code == 400
        and "闽侯区委、政府" in response.content.decode()
        and Plan.objects.count() == 0
    )
    for unit in undecided:
        if unit.status == "placeholder":  # 各签约单位, 前方工作组: no one organization; dropped from the plan
            office.post(resolve, {"printed": unit.printed, "drop": "1", "row": "1"})
            continue
        office.post(
            resolve, {"printed": unit.printed, "choice": str(unit.resolution.candidates[0].pk), "row": "1"}
        )

    response = office.post(reverse("web:import_publish", args=[draft.pk]))
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert plan.status == Plan.PUBLISHED and plan.tasks.count() == len(draft.plan_data["tasks"])
    first = plan.tasks.get(order=0)
    assert {r.printed_name: r.organization for r in first.responsibilities.all()}["市委办公厅"] == mawei
    created = Responsibility.objects.get(task=first, printed_name="市政府办公厅").organization
    assert created.aliases.filter(alias="市政府办公厅").exists()
    draft.refresh_from_db()
    assert draft.status == ImportDraft.PUBLISHED and draft.plan == plan
    # Published once: a second publish is refused.
    response = office.post(reverse("web:import_publish", args=[draft.pk]))
    assert Plan.objects.count() == 1


def test_a_failed_publish_stores_nothing(office, draft):
    from duikou.plans.importer import import_plan_data

    # The same source was imported meanwhile (say, from the command line): publishing must not half-create units.
    import_plan_data(draft.plan_data, source_bytes=bytes(draft.source_bytes), source_name="cli.txt")
    office.post(
        reverse("web:import_resolve", args=[draft.pk]),
        {"printed": "各签约单位", "choice": "create", "row": "1"},
    )
    organizations = Organization.objects.count()
    response = office.post(reverse("web:import_publish", args=[draft.pk]))
    assert response.status_code == 400
    assert "已导入为方案" in response.content.decode()
    assert Plan.objects.count() == 1 and Organization.objects.count() == organizations
    draft.refresh_from_db()
    assert draft.status == ImportDraft.OPEN


def test_an_ambiguous_unit_must_be_chosen_before_publishing(office, draft):
    from duikou.web import imports

    ambiguous = next(u for u in imports.unit_choices(draft) if u.needs_choice)
    assert ambiguous.resolution.candidates  # offered for confirmation, never picked silently
    response = office.post(reverse("web:import_publish", args=[draft.pk]))
    assert response.status_code == 400 and ambiguous.printed in response.content.decode()
    assert Plan.objects.count() == 0


def test_a_json_plan_can_be_imported_too(office, plan_data):
    response = upload(office, "plan.json", json.dumps(plan_data, ensure_ascii=False).encode())
    draft = ImportDraft.objects.get()
    assert response.status_code == 302 and draft.source_text == ""
    assert office.get(reverse("web:import_review", args=[draft.pk])).status_code == 200
    response = office.post(reverse("web:import_publish", args=[draft.pk]))
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Plan.objects.get().title == plan_data["title"]
