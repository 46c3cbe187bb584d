"""Organizations: governments, departments, districts, towns, schools, hospitals, enterprises — one tree."""

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _

from duikou.core.compiled import AmongUncounted, Compiled, IdList, Param
from duikou.core.models import AuditedModel
from duikou.core.text import normalize_name


class PathStartsWith(models.lookups.StartsWith):
    """`tree_path__startswith` as a range of the index on SQLite: the same rows, read from the index.

    SQLite reads LIKE as a range only on NOCASE columns (its LIKE ignores ASCII case), so every subtree query
    scanned the whole tree_path index: 3.5 ms over the 50,000 units of national scale, a dozen times in a unit's
    cold dashboard, against 0.01 ms for the range. In binary order the strings starting with "/21/263/" are
    exactly those from "/21/263/" up to, not including, "/21/2630" (the last character plus one).

    The path may be a `Param` (the gate's query compiled once for every unit, core.permissions.Shape): written as
    for a path, the pattern or the range's ends made from the value when the query runs.
    """

    def as_sql(self, compiler, connection):
        if not isinstance(self.rhs, Param):
            return super().as_sql(compiler, connection)
        lhs, params = self.process_lhs(compiler, connection)
        like = connection.ops.prep_for_like_query
        pattern = self.rhs.placeholder(lambda path: self.param_pattern % like(path))
        return f"{lhs} {connection.operators[self.lookup_name] % '%s'}", (*params, pattern)

    def as_sqlite(self, compiler, connection):
        if isinstance(self.rhs, Param):
            lhs, params = self.process_lhs(compiler, connection)
            ends = self.rhs.placeholder(), self.rhs.placeholder(_after)
            return f"({lhs} >= %s AND {lhs} < %s)", (*params, *ends)
        if not (self.rhs_is_direct_value() and isinstance(self.rhs, str) and self.rhs):
            return self.as_sql(compiler, connection)
        lhs, params = self.process_lhs(compiler, connection)
        return f"({lhs} >= %s AND {lhs} < %s)", (*params, self.rhs, _after(self.rhs))


def _after(path: str) -> str:
    """The first string after every string that starts with `path`, in binary order."""
    return path[:-1] + chr(ord(path[-1]) + 1)


class Organization(AuditedModel):
    """A body that gives or receives assistance, or is responsible for work; a node of one tree."""

    REGION, DEPARTMENT, PARTY, SCHOOL, HOSPITAL, ENTERPRISE, TOWN, GROUP, OTHER = (
        "region",
        "department",
        "party",
        "school",
        "hospital",
        "enterprise",
        "town",
        "group",
        "other",
    )
    KINDS = [
        (REGION, _("行政区（政府）")),
        (DEPARTMENT, _("政府部门")),
        (PARTY, _("党委机构")),
        (SCHOOL, _("学校")),
        (HOSPITAL, _("医院")),
        (ENTERPRISE, _("企业")),
        (TOWN, _("乡镇街道")),
        (GROUP, _("工作组/领导小组")),
        (OTHER, _("其他")),
    ]
    PROVINCE, CITY, COUNTY, TOWNSHIP, VILLAGE = "province", "city", "county", "town", "village"
    LEVELS = [
        (PROVINCE, _("省级")),
        (CITY, _("市级")),
        (COUNTY, _("县级")),
        (TOWNSHIP, _("乡级")),
        (VILLAGE, _("村级")),
    ]

    name = models.CharField(_("名称"), max_length=200, db_index=True)
    full_name = models.CharField(
        _("全称"), max_length=300, db_index=True, help_text=_("含上级行政区，如 重庆市万州区")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=KINDS, default=OTHER, db_index=True)
    level = models.CharField(_("层级"), max_length=10, choices=LEVELS, blank=True)
    division_code = models.CharField(_("行政区划代码"), max_length=12, null=True, blank=True, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialized path of ids ("/1/23/"), so a subtree is one indexed prefix query.
    tree_path = models.CharField(_("树路径"), max_length=255, blank=True, db_index=True, editable=False)

    owner_paths = ("pk",)
    unit_actions = ()  # units read their own record; the office keeps the tree
    # A write may name any unit (a payee, the place a cadre goes): published plans print them all. Whether the
    # saved row is the writer's own is the gate's check on that row, not on the unit named.
    referable_by_anyone = True
    # 三员: the system administrator keeps the organizations (accounts belong to them); see core.permissions.
    admin_actions = {"system_admin": ("view", "add", "change", "delete")}

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["tree_path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="organization_unique_name_in_parent"),
            models.CheckConstraint(condition=~models.Q(name=""), name="organization_name_not_empty"),
        ]

    def __str__(self):
        return self.full_name or self.name

    def clean(self):
        super().clean()
        self._refuse_loop()

    def _refuse_loop(self) -> None:
        """A unit cannot be put under itself or under one of its own sub-units."""
        if self.pk is None or not self.parent_id:
            return
        parent_path = (
            type(self)._base_manager.filter(pk=self.parent_id).values_list("tree_path", flat=True).first()
        )
        own_path = type(self)._base_manager.filter(pk=self.pk).values_list("tree_path", flat=True).first()
        if self.parent_id == self.pk or (parent_path and own_path and parent_path.startswith(own_path)):
            from django.core.exceptions import ValidationError

            raise ValidationError({"parent": _("不能把单位移到它自己或它的下级单位之下")})

    def save(self, *args, **kwargs):
        """Save; a move (a new parent) moves the whole subtree's tree paths with it, in the same transaction, so
        the permission gate, which reads tree paths, sees the branch where it now is."""
        from django.db import transaction
        from django.db.models import Value
        from django.db.models.functions import Concat, Substr

        if not self.full_name:
            self.full_name = self.name
        with transaction.atomic():
            self._refuse_loop()
            old = (
                type(self)._base_manager.filter(pk=self.pk).values_list("tree_path", flat=True).first()
                if self.pk
                else None
            )
            super().save(*args, **kwargs)
            parent_path = (
                type(self)._base_manager.filter(pk=self.parent_id).values_list("tree_path", flat=True).first()
                if self.parent_id
                else "/"
            )
            expected = f"{parent_path}{self.pk}/"
            if self.tree_path != expected or (old and old != expected):
                self.tree_path = expected
                type(self)._base_manager.filter(pk=self.pk).update(tree_path=expected)
                if old and old != expected:
                    # One UPDATE for the whole branch: the old prefix replaced by the new one.
                    type(self)._base_manager.filter(tree_path__startswith=old).exclude(pk=self.pk).update(
                        tree_path=Concat(Value(expected), Substr("tree_path", len(old) + 1))
                    )

    def ancestors(self):
        ids = [int(x) for x in self.tree_path.strip("/").split("/") if x][:-1]
        by_id = Organization.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    @property
    def province(self):
        chain = self.ancestors() + [self]
        return next((o for o in chain if o.level == self.PROVINCE), None)


Organization._meta.get_field("tree_path").register_lookup(PathStartsWith, "startswith")


class UnitName(NamedTuple):
    """What a page that names units (the dashboard's units, 未报 and 迟报) reads of each."""

    pk: int
    name: str
    full_name: str


def unit_names(ids) -> dict[int, UnitName]:
    """Unit id → its names, for the given ids: one query compiled once."""
    return {row[0]: UnitName(*row) for row in _UNIT_NAMES.rows(ids)}


_UNIT_NAMES = Compiled(
    Organization,
    lambda: (
        Organization.objects.filter(AmongUncounted("pk", IdList())).order_by().values_list(*UnitName._fields)
    ),
)


class OrganizationAlias(AuditedModel):
    """Another name an organization is printed under (科技厅, 省科技厅 for 福建省科学技术厅)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="aliases"
    )
    alias = models.CharField(_("别名"), max_length=200)
    normalized = models.CharField(_("规范化别名"), max_length=200, db_index=True, editable=False)

    owner_paths = ("organization",)
    unit_actions = ()

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "normalized"], name="alias_unique_per_organization"
            ),
            models.CheckConstraint(condition=~models.Q(alias=""), name="alias_not_empty"),
        ]

    def __str__(self):
        return f"{self.alias} → {self.organization}"

    def save(self, *args, **kwargs):
        self.normalized = normalize_name(self.alias)
        super().save(*args, **kwargs)
