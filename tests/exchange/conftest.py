"""Plans for the exchange tests: a small one built from a duikou.plan/1 object, and the five seeds."""

from pathlib import Path

import pytest

SEEDS = sorted((Path(__file__).resolve().parents[2] / "examples" / "plans").glob("*.txt"))

SMALL_PLAN = {
    "schema": "duikou.plan/1",
    "title": "福州市2023年闽宁协作工作要点",
    "doc_number": "榕援〔2023〕1号",
    "issuer": "福州市人民政府办公厅",
    "issued_on": "2023-03-01",
    "period": {"start_year": 2023, "end_year": 2023},
    "donors": ["福州市"],
    "recipients": ["宁夏回族自治区固原市"],
    "pairings": [{"donor": "马尾区", "recipient": "宁夏回族自治区固原市西吉县"}],
    "funding": [{"source": "福州市", "year": 2023, "amount_yuan": 50000000, "text": "安排财政援助资金5000万元"}],
    "targets": [
        {"text": "帮助销售农副产品2亿元以上", "indicator": "帮助销售农副产品", "value": 200000000, "unit": "yuan",
         "comparator": ">=", "year": 2023,
         "allocations": [{"unit": "马尾区", "value": 120000000}, {"unit": "闽侯县", "value": 80000000}]},
    ],
    "tasks": [
        {"number": "1", "path": ["一", "1"], "title": "召开联席会议", "text": "召开闽宁协作联席会议，研究年度重点工作",
         "lead_units": ["市政府办公厅"], "support_units": ["马尾区区委、政府"], "deadline": "6月底前", "due": "2023-06-30"},
        {"number": "2", "path": ["一", "2"], "title": "互派干部", "text": "选派干部到固原市挂职",
         "lead_units": ["市委组织部"], "support_units": [], "deadline": "全年", "due": None},
        {"number": "3", "path": ["二", "3"], "title": "消费帮扶", "text": "帮助销售农副产品",
         "lead_units": ["马尾区", "闽侯县"], "support_units": ["市商务局"], "deadline": "11月底前", "due": "2023-11-30"},
    ],
}


@pytest.fixture
def small_plan(db):
    from duikou.plans.services import import_plan_data

    import json

    data = json.loads(json.dumps(SMALL_PLAN))
    return import_plan_data(data, source_bytes=json.dumps(data).encode(), source_name="small.json").plan


@pytest.fixture
def seed_plan(db):
    """Import one of the five seed documents through the reader and the importer."""
    from duikou.plans.services import import_plan_file

    def load(path: Path):
        return import_plan_file(path).plan

    return load
