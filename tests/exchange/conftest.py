"""Plans for the exchange tests: a small one built from a duikou.plan/1 object, and the five seeds."""

import json
from pathlib import Path

import pytest

SEEDS = sorted((Path(__file__).resolve().parents[2] / "examples" / "plans").glob("*.txt"))

SMALL_PLAN = json.loads((Path(__file__).parent / "small_plan.json").read_text(encoding="utf-8"))


@pytest.fixture
def small_plan(db):
    from duikou.plans.importer import import_plan_data

    data = json.loads(json.dumps(SMALL_PLAN))
    return import_plan_data(data, source_bytes=json.dumps(data).encode(), source_name="small.json").plan


@pytest.fixture
def seed_plan(db):
    """Import one of the five seed documents through the reader and the importer."""
    from duikou.plans.importer import import_plan_file

    def load(path: Path):
        return import_plan_file(path).plan

    return load
