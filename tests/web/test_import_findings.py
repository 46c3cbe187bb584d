"""The import review lists what the reading was unsure of, and an office's correction clears what it fixed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from duikou.web.models import ImportDraft

pytestmark = pytest.mark.django_db

PLAN = """某县对口支援工作方案
一、重点任务
1.推进产业合作。（县发展改革局负责）
2.开展人才交流。加强培训。
二、保障措施
3.加强组织领导。
五、其他
4.加强宣传。（县委宣传部负责）
"""


@pytest.fixture
def office(client, make_user):
    from duikou.core import permissions as perms

    client.force_login(make_user("office", perms.OFFICE_ADMIN))
    return client


def test_review_shows_reading_findings_and_a_correction_clears_its_own(office):
    response = office.post(reverse("web:import"), {"file": SimpleUploadedFile("plan.txt", PLAN.encode())})
    assert response.status_code == 302
    draft = ImportDraft.objects.get()
    assert {f["code"] for f in draft.plan_data["findings"]} >= {"numbering_jump", "task_without_unit"}
    body = office.get(reverse("web:import_review", args=[draft.pk])).content.decode()
    assert "编号从二跳到五" in body and "2项任务没有读到责任单位" in body
    for index in (1, 2):
        office.post(
            reverse("web:import_edit", args=[draft.pk]),
            {"kind": "tasks", "index": str(index), "ref": f"task-{index}", "lead_units": "县人社局"},
            HTTP_HX_REQUEST="true",
        )
    body = office.get(reverse("web:import_review", args=[draft.pk])).content.decode()
    assert "编号从二跳到五" in body and "没有读到责任单位" not in body
