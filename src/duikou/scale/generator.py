"""Realistic, seeded data at city, province or national scale, loaded in bulk for benchmarks and load tests.

The administrative divisions (organizations.services.seed_divisions) are the backbone; departments,
towns, schools, hospitals and enterprises are added under them, then programs, pairings, plans with
sections, tasks, responsibilities, targets, allocations, funding lines, projects, reports with target
figures, transactions and dispatches. The same seed on the same starting database gives the same rows.
Rows bypass save() and signals: one GenerationRun (and so one ChangeLog entry) records each run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from duikou.analytics.services import rebuild
from duikou.core.periods import Period
from duikou.dispatches.models import Dispatch
from duikou.funds.models import FundingLine, Transaction
from duikou.organizations.models import Organization
from duikou.organizations.models import Organization as O
from duikou.organizations.services import seed_divisions
from duikou.plans.models import Plan, Responsibility, Section, Task
from duikou.programs.models import Pairing, Program
from duikou.projects.models import Project
from duikou.reports.models import Report, TargetFigure
from duikou.targets.models import Allocation, Target

from .bulk import BulkLoad, TableWriter, next_id, reset_sequences, sqlite_load_settings
from .models import GenerationRun


@dataclass(frozen=True)
class Scale:
    """How much of everything one scale makes."""

    name: str
    donor_provinces: int
    recipient_provinces: int
    organizations: int  # including the seeded divisions of the provinces taking part
    programs: int
    pairings: int
    plans: int
    tasks_per_plan: int
    targets_per_plan: int
    allocations_per_target: int
    funding_per_plan: int
    projects: int
    reports: int
    figures_per_report: int
    transactions: int
    dispatches: int


SCALES = {
    "city": Scale("city", 1, 1, 600, 2, 500, 20, 25, 5, 10, 5, 500, 500, 20, 10_000, 100),
    "province": Scale(
        "province", 3, 2, 6_000, 50, 10_000, 1_000, 25, 5, 10, 5, 25_000, 25_000, 20, 500_000, 2_000
    ),
    "national": Scale(
        "national",
        30,
        20,
        50_000,
        1_000,
        200_000,
        20_000,
        25,
        5,
        10,
        5,
        500_000,
        500_000,
        20,
        10_000_000,
        20_000,
    ),
}

# Provinces that give and that receive, in the order a scale takes them (east gives, west receives).
DONOR_PROVINCES = [
    "福建省",
    "广东省",
    "浙江省",
    "江苏省",
    "上海市",
    "北京市",
    "天津市",
    "山东省",
    "辽宁省",
    "河北省",
    "湖北省",
    "湖南省",
    "安徽省",
    "江西省",
    "河南省",
    "山西省",
    "吉林省",
    "黑龙江省",
    "海南省",
    "重庆市",
    "四川省",
    "陕西省",
    "内蒙古自治区",
    "广西壮族自治区",
    "云南省",
    "贵州省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
]
RECIPIENT_PROVINCES = [
    "重庆市",
    "宁夏回族自治区",
    "西藏自治区",
    "新疆维吾尔自治区",
    "青海省",
    "甘肃省",
    "四川省",
    "云南省",
    "贵州省",
    "广西壮族自治区",
    "内蒙古自治区",
    "陕西省",
    "湖北省",
    "湖南省",
    "江西省",
    "河南省",
    "山西省",
    "吉林省",
    "黑龙江省",
    "河北省",
]
PROVINCE_DEPARTMENTS = [
    "发展和改革委员会",
    "教育厅",
    "科学技术厅",
    "工业和信息化厅",
    "民政厅",
    "财政厅",
    "人力资源和社会保障厅",
    "自然资源厅",
    "生态环境厅",
    "住房和城乡建设厅",
    "交通运输厅",
    "水利厅",
    "农业农村厅",
    "商务厅",
    "文化和旅游厅",
    "卫生健康委员会",
    "应急管理厅",
    "乡村振兴局",
    "林业局",
    "医疗保障局",
    "供销合作社联合社",
]
LOCAL_DEPARTMENTS = [
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "民政局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康局",
    "乡村振兴局",
    "医疗保障局",
    "市场监督管理局",
]
SYLLABLES = "安平和兴隆福寿康宁东西南北中新旧龙凤山河湖泉石桥林溪清云阳明华金玉丰泰昌盛永长乐"
TOWN_SUFFIXES = ["镇", "乡", "街道"]
ENTERPRISE_WORDS = ["农业", "文旅", "建设", "医药", "电子", "食品", "物流", "能源", "茶业", "纺织"]
TASK_VERBS = ["推进", "加强", "深化", "完善", "实施", "支持", "建设", "开展", "落实", "提升"]
TASK_OBJECTS = [
    "产业园区共建",
    "劳务协作",
    "消费帮扶",
    "教育人才交流",
    "医疗卫生合作",
    "干部双向挂职",
    "乡村振兴示范村建设",
    "特色农产品产销对接",
    "文旅资源联合推介",
    "科技成果转化",
    "职业技能培训",
    "基础设施补短板",
]
INDICATORS = [
    ("财政帮扶资金", "yuan"),
    ("引导企业投资", "yuan"),
    ("选派专业技术人才", "person"),
    ("培训干部人才", "person"),
    ("帮助农村劳动力就业", "person"),
    ("共建产业园区", "count"),
    ("消费帮扶金额", "yuan"),
    ("结对学校", "count"),
]
SECTORS = ["产业", "教育", "医疗", "就业", "基础设施", "文旅", "农业", "科技", "人才"]
BASE_YEAR = 2021


class _Org:
    """An organization kept in memory while generating (id, name, full name, tree path, side data)."""

    __slots__ = ("id", "name", "full_name", "tree_path", "level", "province", "is_region")

    def __init__(self, id, name, full_name, tree_path, level, province, is_region=False):
        self.id, self.name, self.full_name, self.tree_path = id, name, full_name, tree_path
        self.level, self.province, self.is_region = level, province, is_region


def generate(scale_name: str, *, seed: int = 1, progress=None) -> dict:
    """Generate one scale of data in one transaction; returns {table: rows}. Nothing is kept on failure.

    `progress(name, rows, note)` is called after each batch of a table (note: that table's rows per second)
    and after each phase of the load (rows 0, note: seconds).
    """

    if scale_name not in SCALES:
        raise ValueError(f"unknown scale {scale_name!r}; choose one of {', '.join(SCALES)}")
    scale = SCALES[scale_name]
    started = time.monotonic()

    def phase(name: str, since: float) -> None:
        if progress:
            progress(name, 0, f"{time.monotonic() - since:.1f} s")

    with sqlite_load_settings(), transaction.atomic():
        if not Organization.objects.filter(level=Organization.PROVINCE, kind=Organization.REGION).exists():
            seed_divisions()
        connection.ensure_connection()
        model_list = _models()
        with BulkLoad(
            model_list, progress=lambda label, s: progress and progress(label, 0, f"{s} s")
        ) as load:
            builder = _Builder(scale, random.Random(seed), seed, progress, load.copier)
            counts = builder.run(model_list)
        phase("载入完成 / rows loaded", started)
        step = time.monotonic()
        reset_sequences(model_list)

        rebuild()
        phase("统计重建 / analytics rebuilt", step)
        GenerationRun.objects.create(
            scale=scale.name, seed=seed, counts=counts, seconds=round(time.monotonic() - started, 2)
        )
        step = time.monotonic()
    phase("提交 / committed", step)
    return counts


def _models() -> list:

    return [
        Organization,
        Program,
        Program.donors.through,
        Program.recipients.through,
        Pairing,
        Plan,
        Section,
        Task,
        Responsibility,
        Target,
        Allocation,
        FundingLine,
        Project,
        Report,
        TargetFigure,
        Transaction,
        Dispatch,
    ]


class _Builder:
    """Walks the scale's shape and feeds the table writers."""

    def __init__(self, scale: Scale, rng: random.Random, seed: int, progress, copier=None):
        self.scale, self.rng, self.seed, self.progress, self.copier = scale, rng, seed, progress, copier
        self.writers: dict[str, TableWriter] = {}
        self.started = time.monotonic()

    def writer(self, model, columns) -> TableWriter:
        key = model._meta.label
        if key not in self.writers:
            self.writers[key] = TableWriter(model, columns, on_flush=self._flushed, copier=self.copier)
        return self.writers[key]

    def _flushed(self, model, n):
        if self.progress:
            # Tables fill side by side (program by program), so a table's rate is its rows over the whole run.
            key = model._meta.label
            rate = self.writers[key].count / max(time.monotonic() - self.started, 0.001)
            self.progress(model._meta.verbose_name_plural, n, f"{rate:,.0f} 行/秒")

    def run(self, model_list) -> dict:
        self.ids = {m._meta.label: next_id(m) for m in model_list}
        donors, recipients = self._organizations()
        self._programs(donors, recipients)
        for writer in self.writers.values():
            writer.flush()
        return {label.split(".")[-1].lower(): w.count for label, w in self.writers.items()}

    def take_id(self, model) -> int:
        label = model._meta.label
        value = self.ids[label]
        self.ids[label] = value + 1
        return value

    def take_ids(self, model, n: int) -> int:
        """Reserve n consecutive ids; returns the first (hot loops number rows themselves)."""
        label = model._meta.label
        value = self.ids[label]
        self.ids[label] = value + n
        return value

    # -- organizations ---------------------------------------------------------------------------
    def _organizations(self):

        scale = self.scale
        donor_names = DONOR_PROVINCES[: scale.donor_provinces]
        recipient_names = RECIPIENT_PROVINCES[: scale.recipient_provinces]
        provinces = {
            o.name: o
            for o in Organization.objects.filter(level=Organization.PROVINCE, kind=Organization.REGION)
        }
        taking_part = [provinces[n] for n in dict.fromkeys(donor_names + recipient_names) if n in provinces]
        regions: list[_Org] = []
        for province in taking_part:
            for o in Organization.objects.filter(tree_path__startswith=province.tree_path).order_by(
                "tree_path"
            ):
                regions.append(
                    _Org(o.id, o.name, o.full_name, o.tree_path, o.level, province.name, o.kind == "region")
                )
        if scale.name == "city":  # a city-scale run keeps to one city's worth of counties per province
            kept = []
            for province in taking_part:
                mine = [r for r in regions if r.province == province.name]
                kept += mine[:12]
            regions = kept
        existing = {
            (parent, name)
            for parent, name in Organization.objects.filter(
                parent_id__in=[r.id for r in regions]
            ).values_list("parent_id", "name")
        }
        writer = self.writer(
            Organization,
            ("id", "name", "full_name", "kind", "level", "parent_id", "tree_path", "division_code"),
        )
        budget = max(0, scale.organizations - len(regions))
        every: list[_Org] = list(regions)
        counters = {r.id: 0 for r in regions}
        made = 0
        round_no = 0
        while made < budget:
            for region in regions:
                if made >= budget:
                    break
                name, kind, level = self._child_name(region, counters[region.id], round_no)
                counters[region.id] += 1
                if (region.id, name) in existing:
                    continue
                existing.add((region.id, name))
                new_id = self.take_id(Organization)
                child = _Org(
                    new_id,
                    name,
                    region.full_name + name,
                    f"{region.tree_path}{new_id}/",
                    level,
                    region.province,
                )
                writer.add(new_id, name, child.full_name[:300], kind, level, region.id, child.tree_path, None)
                every.append(child)
                made += 1
            round_no += 1
        donors = [o for o in every if o.province in donor_names]
        recipients = [o for o in every if o.province in recipient_names]
        return donors, recipients

    def _child_name(self, region: _Org, n: int, round_no: int) -> tuple[str, str, str]:

        departments = PROVINCE_DEPARTMENTS if region.level == O.PROVINCE else LOCAL_DEPARTMENTS
        if n < len(departments):
            return departments[n], O.DEPARTMENT, region.level
        n -= len(departments)
        kind_cycle = n % 4
        k = n // 4 + 1
        if kind_cycle == 0:
            a, b = SYLLABLES[(k * 7) % len(SYLLABLES)], SYLLABLES[(k * 13 + 3) % len(SYLLABLES)]
            return f"{a}{b}{TOWN_SUFFIXES[k % 3]}{'' if k <= 40 else k}", O.TOWN, O.TOWNSHIP
        if kind_cycle == 1:
            return f"第{k}中学", O.SCHOOL, region.level
        if kind_cycle == 2:
            return ("人民医院" if k == 1 else f"第{k}人民医院"), O.HOSPITAL, region.level
        return (
            f"{region.name[:2]}{ENTERPRISE_WORDS[k % len(ENTERPRISE_WORDS)]}有限公司{k}",
            O.ENTERPRISE,
            region.level,
        )

    # -- programs and everything under them ------------------------------------------------------
    def _programs(self, donors: list[_Org], recipients: list[_Org]):

        scale, rng = self.scale, self.rng
        heads_d = [o for o in donors if o.is_region and o.level in (O.PROVINCE, O.CITY)]
        heads_r = [o for o in recipients if o.is_region and o.level in (O.PROVINCE, O.CITY, O.COUNTY)]
        sub_d = _subtrees(donors)
        sub_r = _subtrees(recipients)
        programs = self.writer(
            Program,
            ("id", "name", "kind", "start_year", "end_year", "reporting_period", "is_public", "description"),
        )
        donors_m2m = self.writer(Program.donors.through, ("id", "program_id", "organization_id"))
        recipients_m2m = self.writer(Program.recipients.through, ("id", "program_id", "organization_id"))
        pairings = self.writer(
            Pairing,
            (
                "id",
                "program_id",
                "plan_id",
                "donor_id",
                "recipient_id",
                "donor_printed",
                "recipient_printed",
                "level",
                "start_date",
                "end_date",
                "order",
            ),
        )
        kinds = [k for k, _ in Program.KINDS]
        per_program_pairings = max(1, scale.pairings // scale.programs)
        used_names = set(Program.objects.values_list("name", flat=True))
        for p in range(scale.programs):
            donor = heads_d[p % len(heads_d)]
            recipient = heads_r[(p * 7 + rng.randrange(len(heads_r))) % len(heads_r)]
            if recipient.id == donor.id:
                recipient = heads_r[(p * 7 + 1) % len(heads_r)]
            kind = kinds[p % len(kinds)]
            pid = self.take_id(Program)
            name = f"{donor.full_name}—{recipient.full_name} {dict(Program.KINDS)[kind]}（生成 {self.seed}-{p + 1}）"
            if name in used_names:
                name = f"{name} #{pid}"
            used_names.add(name)
            start = BASE_YEAR + rng.randrange(2)
            programs.add(pid, name[:300], kind, start, start + 4, "month", True, "")
            donors_m2m.add(self.take_id(Program.donors.through), pid, donor.id)
            recipients_m2m.add(self.take_id(Program.recipients.through), pid, recipient.id)
            dside = sub_d.get(donor.tree_path, [donor])
            rside = sub_r.get(recipient.tree_path, [recipient])
            seen = set()
            for i in range(per_program_pairings * 3):
                if len(seen) >= per_program_pairings:
                    break
                d, r = rng.choice(dside), rng.choice(rside)
                if d.id == r.id or (d.id, r.id) in seen:
                    continue
                seen.add((d.id, r.id))
                level = d.level if d.level in ("province", "city", "county") else "other"
                pairings.add(
                    self.take_id(Pairing),
                    pid,
                    None,
                    d.id,
                    r.id,
                    d.name,
                    r.name,
                    level,
                    dt.date(start, 1, 1),
                    dt.date(start + 4, 12, 31),
                    i,
                )
            self._program_content(pid, start, dside, rside, p)

    def _program_content(self, program_id: int, start: int, dside: list[_Org], rside: list[_Org], p: int):

        scale, rng = self.scale, self.rng
        n_programs = scale.programs
        share = lambda total: total // n_programs + (1 if p < total % n_programs else 0)  # noqa: E731
        plans = self.writer(
            Plan,
            (
                "id",
                "program_id",
                "title",
                "doc_number",
                "issuer",
                "issued_on",
                "start_year",
                "end_year",
                "status",
                "published_at",
                "source_name",
                "source_sha256",
                "source_content",
                "source_text",
            ),
        )
        sections = self.writer(Section, ("id", "plan_id", "parent_id", "number", "path", "title", "order"))
        tasks = self.writer(
            Task,
            (
                "id",
                "plan_id",
                "section_id",
                "number",
                "path",
                "title",
                "text",
                "deadline",
                "due_date",
                "status",
                "progress",
                "completed_on",
                "order",
            ),
        )
        resps = self.writer(
            Responsibility, ("id", "task_id", "organization_id", "role", "printed_name", "order")
        )
        targets = self.writer(
            Target,
            ("id", "plan_id", "task_id", "text", "indicator", "value", "unit", "comparator", "year", "order"),
        )
        allocs = self.writer(
            Allocation, ("id", "target_id", "organization_id", "printed_name", "value", "order")
        )
        lines = self.writer(
            FundingLine,
            ("id", "plan_id", "source", "source_organization_id", "year", "amount", "text", "order"),
        )
        program_targets: list[tuple[int, Decimal]] = []
        program_lines: list[tuple[int, int, int]] = []
        reporters: list[_Org] = dside[: max(1, min(len(dside), 40))]
        statuses = [
            Task.NOT_STARTED,
            Task.IN_PROGRESS,
            Task.IN_PROGRESS,
            Task.COMPLETED,
            Task.COMPLETED,
            Task.SUSPENDED,
        ]
        for k in range(share(scale.plans)):
            plan_id = self.take_id(Plan)
            year = start + (k % 5)
            issuer = dside[0]
            digest = hashlib.sha256(f"duikou-generated:{self.seed}:{plan_id}".encode()).hexdigest()
            issued = dt.date(year, 1 + rng.randrange(12), 1 + rng.randrange(28))
            plans.add(
                plan_id,
                program_id,
                f"{issuer.full_name}{year}年对口支援工作要点（第{k + 1}号）",
                f"{issuer.name[:2]}办〔{year}〕{k + 1}号",
                issuer.full_name,
                issued,
                year,
                year,
                Plan.PUBLISHED,
                dt.datetime(year, issued.month, issued.day, tzinfo=dt.UTC),
                f"generated-{plan_id}.json",
                digest,
                b"",
                "",
            )
            section_ids = []
            for s in range(4):
                sid = self.take_id(Section)
                number = "一二三四"[s] + "、"
                sections.add(
                    sid, plan_id, None, number, [number], f"{TASK_OBJECTS[(k + s) % len(TASK_OBJECTS)]}", s
                )
                section_ids.append((sid, number))
            task_ids = []
            for t in range(scale.tasks_per_plan):
                tid = self.take_id(Task)
                sid, snum = section_ids[t % 4]
                status = rng.choice(statuses)
                due = dt.date(year, 6 + rng.randrange(7) if rng.random() < 0.5 else 12, 28)
                number = f"{t + 1}."
                title = f"{rng.choice(TASK_VERBS)}{rng.choice(TASK_OBJECTS)}"
                progress = (
                    100
                    if status == Task.COMPLETED
                    else (0 if status == Task.NOT_STARTED else rng.randrange(5, 95))
                )
                tasks.add(
                    tid,
                    plan_id,
                    sid,
                    number,
                    [snum, number],
                    title,
                    f"{title}，{year}年底前取得明显成效。",
                    f"{year}年底前",
                    due,
                    status,
                    progress,
                    due if status == Task.COMPLETED else None,
                    t,
                )
                task_ids.append(tid)
                chosen = rng.sample(reporters, min(len(reporters), 1 + rng.randrange(3)))
                for order, org in enumerate(chosen):
                    role = Responsibility.LEAD if order == 0 else Responsibility.SUPPORT
                    resps.add(self.take_id(Responsibility), tid, org.id, role, org.full_name[:200], order)
            for g in range(scale.targets_per_plan):
                gid = self.take_id(Target)
                indicator, unit = INDICATORS[(k + g) % len(INDICATORS)]
                per = Decimal(rng.randrange(10, 500)) * (Decimal(10_000) if unit == "yuan" else 1)
                chosen = rng.sample(dside, min(len(dside), scale.allocations_per_target))
                total = per * len(chosen)
                targets.add(
                    gid,
                    plan_id,
                    task_ids[g % len(task_ids)] if rng.random() < 0.5 else None,
                    "",
                    indicator,
                    total,
                    unit,
                    ">=",
                    year,
                    g,
                )
                for order, org in enumerate(chosen):
                    allocs.add(self.take_id(Allocation), gid, org.id, org.full_name[:200], per, order)
                program_targets.append((gid, total))
            for f in range(scale.funding_per_plan):
                fid = self.take_id(FundingLine)
                source = dside[f % len(dside)]
                amount = Decimal(rng.randrange(100, 5000)) * 10_000
                lines.add(
                    fid,
                    plan_id,
                    source.full_name[:200],
                    source.id,
                    year + f // max(1, len(dside)),
                    amount,
                    "",
                    f,
                )
                program_lines.append((fid, plan_id, source.id))

        projects = self.writer(
            Project,
            (
                "id",
                "program_id",
                "plan_id",
                "task_id",
                "code",
                "name",
                "status",
                "recipient_id",
                "implementer_id",
                "proposed_by_id",
                "sector",
                "place",
                "budget",
                "beneficiaries",
                "start_date",
                "end_date",
                "description",
            ),
        )
        project_ids = []
        pstatuses = [s for s, _ in Project.STATUSES]
        for j in range(share(scale.projects)):
            pid = self.take_id(Project)
            r, d = rng.choice(rside), rng.choice(dside)
            sector = rng.choice(SECTORS)
            begin = dt.date(start + rng.randrange(4), 1 + rng.randrange(12), 1)
            projects.add(
                pid,
                program_id,
                None,
                None,
                f"P{program_id}-{j + 1}",
                f"{r.name}{sector}帮扶项目{j + 1}",
                rng.choice(pstatuses),
                r.id,
                d.id,
                r.id,
                sector,
                r.full_name[:200],
                Decimal(rng.randrange(10, 2000)) * 10_000,
                rng.randrange(50, 5000),
                begin,
                begin + dt.timedelta(days=365),
                "",
            )
            project_ids.append(pid)

        reports = self.writer(
            Report, ("id", "program_id", "organization_id", "period", "status", "summary", "submitted_at")
        )
        figures = self.writer(
            TargetFigure, ("id", "report_id", "target_id", "allocation_id", "value", "note")
        )
        n_reports = share(scale.reports)
        months = [Period(start + m // 12, "month", m % 12 + 1) for m in range(60)]
        rnd = rng.random
        # Hot loops (figures and transactions are most of the rows): one rng.random() per choice, ids
        # numbered locally, values formatted once and cached.
        n_rep = len(reporters)
        fig_cache: dict[tuple[int, int], str] = {}
        n_targets = len(program_targets)
        per_report = min(n_targets, scale.figures_per_report)
        add_figure = figures.add
        for i in range(n_reports):
            org = reporters[i % n_rep]
            period = months[(i // n_rep) % len(months)]
            if i >= n_rep * len(months):
                break
            rid = self.take_id(Report)
            submitted = dt.datetime(period.end.year, period.end.month, period.end.day, 9, tzinfo=dt.UTC)
            reports.add(
                rid, program_id, org.id, str(period), Report.APPROVED, f"{period.label}工作情况。", submitted
            )
            if per_report:
                # A random window of the program's targets (a rotation, so no target repeats in one report).
                offset = int(rnd() * n_targets)
                fid = self.take_ids(TargetFigure, per_report)
                for j in range(per_report):
                    t = (offset + j) % n_targets
                    pct = 60 + int(rnd() * 160)
                    value = fig_cache.get((t, pct))
                    if value is None:
                        total = program_targets[t][1]
                        value = str((total * pct / 100 / n_rep).quantize(Decimal("0.0001")))
                        fig_cache[(t, pct)] = value
                    add_figure(fid + j, rid, program_targets[t][0], None, value, "")

        txs = self.writer(
            Transaction,
            (
                "id",
                "funding_line_id",
                "project_id",
                "report_id",
                "kind",
                "amount",
                "date",
                "payer_id",
                "payee_id",
                "description",
                "receipt_status",
                "received_amount",
                "received_on",
            ),
        )
        kinds = [
            Transaction.COMMITMENT,
            Transaction.APPROPRIATION,
            Transaction.DISBURSEMENT,
            Transaction.DISBURSEMENT,
            Transaction.EXPENDITURE,
        ]
        days = [dt.date(start + y, m, d) for y in range(5) for m in range(1, 13) for d in range(1, 29)]
        day_text = [(d.isoformat(), (d + dt.timedelta(days=7)).isoformat()) for d in days]
        amounts = [str(Decimal(a) * 1_000) for a in range(1, 500)]
        d_ids = [o.id for o in dside]
        r_ids = [o.id for o in rside]
        n_lines, n_projects, n_days, n_d, n_r = (
            len(program_lines),
            len(project_ids),
            len(days),
            len(d_ids),
            len(r_ids),
        )
        add_tx = txs.add
        for _ in range(share(scale.transactions)):
            line = (
                program_lines[int(rnd() * n_lines)] if n_lines and (not n_projects or rnd() < 0.6) else None
            )
            project = None if line else (project_ids[int(rnd() * n_projects)] if n_projects else None)
            if line is None and project is None:
                break
            day, received_on = day_text[int(rnd() * n_days)]
            amount = amounts[int(rnd() * 499)]
            payer = line[2] if line else d_ids[int(rnd() * n_d)]
            payee = r_ids[int(rnd() * n_r)]
            if payee == payer:
                continue
            kind = kinds[int(rnd() * 5)]
            if rnd() < 0.7:
                add_tx(
                    self.take_id(Transaction),
                    line[0] if line else None,
                    project,
                    None,
                    kind,
                    amount,
                    day,
                    payer,
                    payee,
                    "",
                    "confirmed",
                    amount,
                    received_on,
                )
            else:
                add_tx(
                    self.take_id(Transaction),
                    line[0] if line else None,
                    project,
                    None,
                    kind,
                    amount,
                    day,
                    payer,
                    payee,
                    "",
                    "pending",
                    None,
                    None,
                )

        people = self.writer(
            Dispatch,
            (
                "id",
                "program_id",
                "target_id",
                "person_name",
                "from_organization_id",
                "to_organization_id",
                "field",
                "position",
                "start_date",
                "end_date",
            ),
        )
        fields = [f for f, _ in Dispatch.FIELDS]
        for i in range(share(scale.dispatches)):
            a, b = rng.choice(dside), rng.choice(rside)
            if a.id == b.id:
                continue
            begin = dt.date(start + rng.randrange(4), 1 + rng.randrange(12), 1)
            people.add(
                self.take_id(Dispatch),
                program_id,
                None,
                f"{SYLLABLES[i % 40]}{SYLLABLES[(i * 3 + 1) % 40]}{i}",
                a.id,
                b.id,
                rng.choice(fields),
                "",
                begin,
                begin + dt.timedelta(days=180 + rng.randrange(540)),
            )


def _subtrees(orgs: list[_Org]) -> dict[str, list[_Org]]:
    """Each organization's subtree (itself and everything under it), by tree path."""
    by_path: dict[str, list[_Org]] = {}
    for o in orgs:
        parts = o.tree_path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            by_path.setdefault("/" + "/".join(parts[:depth]) + "/", []).append(o)
    return by_path
