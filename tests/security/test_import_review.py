"""Hole 16: the import review of a plan JSON whose target (or task) has no text answers with the page, not a 500."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from duikou.core import permissions as perms

PLAN = {
    "schema": "duikou.plan/1",
    "title": "2024年协作工作要点",
    "doc_number": "测〔2024〕3号",
    "issuer": "福州市人民政府",
    "issued_on": "2024-03-01",
    "period": {"start_year": 2024, "end_year": 2024},
    "donors": ["福州市"],
    "recipients": ["固原市"],
    "pairings": [],
    "funding": [{"source": "福州市", "year": 2024, "amount_yuan": 1000000}],
    "targets": [
        {
            "indicator": "选派干部",
            "value": 5,
            "unit": "person",
            "comparator": ">=",
            "year": 2024,
            "allocations": [{"unit": "马尾区", "value": 5}],
        },
        {"text": None, "indicator": None, "value": 2, "unit": "count", "allocations": []},
    ],
    "tasks": [
        {
            "number": "1",
            "path": ["一", "1"],
            "title": "联席会议",
            "lead_units": ["马尾区"],
            "support_units": [],
        },
        {
            "number": "2",
            "path": ["一", "2"],
            "title": "消费帮扶",
            "text": None,
            "lead_units": [],
            "support_units": [],
            "due": None,
        },
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("variant", ["no text", "null text"])
def test_a_plan_whose_target_has_no_text_is_reviewed(client, make_user, variant):
    office = make_user("office", perms.OFFICE_ADMIN)
    client.force_login(office)
    plan = json.loads(json.dumps(PLAN))
    if variant == "null text":
        plan["targets"][0]["text"] = None
    upload = SimpleUploadedFile("无原文.json", json.dumps(plan, ensure_ascii=False).encode())
    response = client.post("/import/", {"file": upload})
    assert response.status_code in (200, 302), response.content[:500]
    if response.status_code == 200:  # refused on the upload page: a message naming the file, nothing stored
        assert "无原文.json" in response.content.decode()
        return
    review = client.get(response["Location"])
    assert review.status_code == 200
    assert "选派干部" in review.content.decode()
