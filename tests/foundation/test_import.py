"""Import is all-or-nothing, recognises a source it has seen, and export gives back what was imported."""

import copy
import json
from pathlib import Path

import pytest
from django.apps import apps

from duikou.core.errors import InputError
from duikou.plans.export import export_plan
from duikou.plans.importer import import_plan_data, import_plan_file
from duikou.plans.models import Plan

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plans"
SEEDS = sorted(EXAMPLES.glob("*.txt"))
PARTS = [
    "title",
    "doc_number",
    "issuer",
    "issued_on",
    "period",
    "donors",
    "recipients",
    "pairings",
    "funding",
    "targets",
    "tasks",
]


def plan_document(n_tasks: int) -> dict:
    return {
        "schema": "duikou.plan/1",
        "title": "大型测试方案",
        "doc_number": "测〔2024〕1号",
        "issuer": "福建省对口支援工作办公室",
        "issued_on": "2024-03-01",
        "period": {"start_year": 2024, "end_year": 2024},
        "donors": ["福建省"],
        "recipients": ["重庆市万州区"],
        "pairings": [{"donor": "福州市", "recipient": "沙河街道"}],
        "funding": [{"source": "福建省", "year": 2024, "amount_yuan": 13050000, "text": "1305万元"}],
        "targets": [
            {
                "text": "销售1亿元",
                "indicator": "销售农副产品",
                "value": 100000000,
                "unit": "yuan",
                "comparator": ">=",
                "year": 2024,
                "allocations": [{"unit": "马尾区", "value": 50000000}, {"unit": "闽侯县", "value": 50000000}],
            }
        ],
        "tasks": [
            {
                "number": str(i + 1),
                "path": ["一", str(i + 1)],
                "title": f"任务{i + 1}",
                "text": f"第{i + 1}项工作",
                "lead_units": ["省发改委", "省科技厅"],
                "support_units": ["省财政厅"],
                "deadline": "11月底前",
                "due": "2024-11-30",
            }
            for i in range(n_tasks)
        ],
    }


def row_counts() -> dict:
    return {
        m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "contenttypes"
    }


def test_bad_item_at_the_end_of_a_large_file_leaves_nothing(tmp_path):
    before = row_counts()
    document = plan_document(3000)
    document["tasks"][-1]["due"] = "2024-13-45"
    path = tmp_path / "big.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError, match="第3000项任务"):
        import_plan_file(path)
    # An error found only while writing (a negative allocation deep inside) also rolls everything back.
    document = plan_document(3000)
    document["tasks"].append(
        {
            "number": "x",
            "path": ["x"],
            "title": "最后",
            "lead_units": ["省发改委"] * 1,
            "support_units": [],
            "deadline": None,
            "due": None,
        }
    )
    document["targets"][0]["allocations"].append({"unit": "马尾区", "value": 1})
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError, match="第3项分解"):
        import_plan_file(path)
    assert row_counts() == before


def test_large_file_imports_whole(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps(plan_document(3000), ensure_ascii=False), encoding="utf-8")
    result = import_plan_file(path)
    assert result.created and result.counts["tasks"] == 3000 and result.counts["responsibilities"] == 9000
    assert result.plan.tasks.count() == 3000


def test_same_source_twice_is_not_duplicated(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_document(3), ensure_ascii=False), encoding="utf-8")
    first = import_plan_file(path)
    counts = row_counts()
    second = import_plan_file(path)
    assert first.created and not second.created and second.plan.pk == first.plan.pk
    assert row_counts() == counts
    assert "not duplicated" in second.summary()


def test_units_are_resolved_in_the_issuers_context():
    result = import_plan_data(plan_document(1), source_bytes=b"unit-context", source_name="t.json")
    task = result.plan.tasks.get()
    leads = {r.organization.full_name for r in task.responsibilities.filter(role="lead")}
    assert leads == {"福建省发展和改革委员会", "福建省科学技术厅"}
    allocation_orgs = {a.organization.full_name for a in result.plan.targets.get().allocations.all()}
    assert allocation_orgs == {"福建省福州市马尾区", "福建省福州市闽侯县"}


@pytest.mark.parametrize(
    "bad,message",
    [
        ({"schema": "other/1"}, "格式标识"),
        (
            {"funding": [{"source": "福建省", "year": 2024, "amount_yuan": -5}]},
            "第1笔资金安排「福建省」的金额",
        ),
        (
            {"funding": [{"source": "福建省", "year": 1066, "amount_yuan": 5}]},
            "第1笔资金安排「福建省」的年份",
        ),
        ({"title": ""}, "标题"),
    ],
)
def test_schema_errors_name_the_item(bad, message):
    document = plan_document(2)
    document.update(bad)
    with pytest.raises(InputError, match=message):
        import_plan_data(document, source_bytes=json.dumps(document).encode(), source_name="bad.json")
    assert not Plan.objects.exists()


def test_a_blank_unit_name_is_refused_naming_the_file():
    """A full-width space is a name to the schema but none to find or create a unit by (found by the fuzz test)."""
    document = plan_document(1)
    document["tasks"][0]["lead_units"] = ["\u3000"]
    with pytest.raises(InputError, match="blank.json.*单位名称"):
        import_plan_data(document, source_bytes=b"blank-unit", source_name="blank.json")
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    "where,message",
    [
        (lambda d: d.update(doc_number="闽\x00〔2024〕1号"), "bad.json 方案文件：文号含有空字符"),
        (lambda d: d["tasks"][1].update(title="任务\x00"), "bad.json 第2项任务.*：标题含有空字符"),
        (lambda d: d["tasks"][0]["lead_units"].append("单位\x00"), "第1项任务.*：牵头单位含有空字符"),
        (lambda d: d.update(notes={"附注": ["\x00"]}), "方案文件：notes含有空字符"),
    ],
)
def test_a_nul_character_is_refused_naming_the_field(where, message):
    """PostgreSQL refuses NUL in text and jsonb (found by the fuzz test on PostgreSQL): refused on both databases
    before anything is written, naming the item and the field."""
    document = plan_document(2)
    where(document)
    with pytest.raises(InputError, match=message):
        import_plan_data(document, source_bytes=json.dumps(document).encode(), source_name="bad.json")
    assert not Plan.objects.exists()


def normalized(part, value):
    """Parts compared as the interchange format means them: empty text and null are the same."""
    if isinstance(value, dict):
        return {k: normalized(part, v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalized(part, v) for v in value]
    return None if value == "" else value


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem[:3] for p in SEEDS])
def test_export_equals_what_was_imported(seed):
    from duikou.reader import extract_file

    imported = extract_file(seed)
    result = import_plan_file(seed)
    exported = export_plan(result.plan)
    for part in PARTS:
        original = copy.deepcopy(imported[part])
        if part == "tasks":  # a task without a title is stored under its text, as the page shows it
            for task in original:
                task["title"] = task["title"] or task["text"] or task["number"] or "（无标题）"
                for role in ("lead_units", "support_units"):
                    task[role] = list(dict.fromkeys(task[role]))
        assert normalized(part, exported[part]) == normalized(part, original), part
