"""The import review proposes an indicator for each target; the office confirms or changes it; publishing keeps it."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from duikou.core import permissions as perms
from duikou.targets.models import Target
from duikou.web.models import ImportDraft

SEED = Path(__file__).resolve().parents[2] / "examples" / "plans" / "001_419b3f3f91ecd403.txt"


@pytest.fixture
def office(client, make_user):
    client.force_login(make_user("office", perms.OFFICE_ADMIN))
    return client


@pytest.fixture
def draft(office):
    office.post(reverse("web:import"), {"file": SimpleUploadedFile(SEED.name, SEED.read_bytes())})
    return ImportDraft.objects.get()


def _index(draft, words):
    return next(i for i, t in enumerate(draft.plan_data["targets"]) if words in (t.get("indicator") or ""))


def test_review_proposes_confirm_and_change_then_publish_keeps_the_choice(office, draft):
    review = office.get(reverse("web:import_review", args=[draft.pk]))
    by_index = {t["index"]: t for t in review.context["targets"]}
    sales, labour, poor = (
        _index(draft, "销售农副产品"),
        _index(draft, "农村劳动力就业"),
        _index(draft, "脱贫人口"),
    )
    assert by_index[sales]["proposal"].code == "consumption.sales"
    assert by_index[labour]["proposal"].code == "labour"
    assert by_index[poor]["proposal"].code == "labour.poverty"
    assert not by_index[sales]["confirmed"]
    assert "消费帮扶·帮助销售" in review.content.decode()

    edit = reverse("web:import_edit", args=[draft.pk])
    # Confirm the proposal for sales; say that labour's target is about 脱贫劳动力 instead; a wrong code is refused.
    office.post(
        edit,
        {
            "kind": "targets",
            "index": sales,
            "ref": f"target-{sales}",
            "national_indicator": "consumption.sales",
        },
    )
    office.post(
        edit, {"kind": "targets", "index": labour, "ref": f"target-{labour}", "national_indicator": "none"}
    )
    response = office.post(
        edit, {"kind": "targets", "index": poor, "ref": f"target-{poor}", "national_indicator": "nope"}
    )
    assert "未知指标“nope”" in response.content.decode()
    draft.refresh_from_db()
    assert draft.plan_data["targets"][sales]["national_indicator"] == "consumption.sales"
    assert "national_indicator" not in draft.plan_data["targets"][poor]

    from duikou.web import imports

    for unit in [u for u in imports.unit_choices(draft) if u.needs_choice]:
        office.post(
            reverse("web:import_resolve", args=[draft.pk]),
            # A placeholder name (各…) has no candidate: the office drops it, as the review asks.
            {"printed": unit.printed, "choice": str(unit.resolution.candidates[0].pk), "row": "1"}
            if unit.resolution.candidates
            else {"printed": unit.printed, "drop": "1", "row": "1"},
        )
    assert office.post(reverse("web:import_publish", args=[draft.pk])).status_code == 302
    by_name = {t.indicator: t for t in Target.objects.select_related("national_indicator")}
    sold = next(t for name, t in by_name.items() if "销售农副产品" in name)
    assert (sold.national_indicator.code, sold.national_indicator_confirmed) == ("consumption.sales", True)
    worked = next(t for name, t in by_name.items() if "农村劳动力就业" in name)
    assert (worked.national_indicator, worked.national_indicator_confirmed) == (None, True)
    poor_target = next(t for name, t in by_name.items() if "脱贫人口" in name)
    assert (poor_target.national_indicator.code, poor_target.national_indicator_confirmed) == (
        "labour.poverty",
        False,
    )
