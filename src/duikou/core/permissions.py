"""The one permission gate: `Model.objects.restrict(user, action)` narrows any query to what a user may touch.

Pages, the API, exports and the admin all call it. A model says how its rows belong to organizations:
`owner_paths` (lookups to the units responsible for a row: they read it and may change it) and
`recipient_paths` (lookups to the supported side: it reads what is committed to it). Rows of a model with
neither are shared reference data (every signed-in user reads them; only the office changes them).
"""

import contextvars
from contextlib import contextmanager

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import BooleanField, Expression, F, Func, IntegerField, Q, Subquery
from django.db.models.sql.where import WhereNode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .compiled import Param, bound
from .querysets import AuditedQuerySet

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)

OFFICE_ADMIN = "office_admin"
UNIT_REPORTER = "unit_reporter"
UNIT_HEAD = "unit_head"
RECIPIENT_VIEWER = "recipient_viewer"
AUDITOR = "auditor"
LEADER = "leader"
# 三员 (等保2.0): three administrators, none able to do another's work, none a user of the domain data.
SYSTEM_ADMIN = "system_admin"  # accounts, organizations, settings
SECURITY_ADMIN = "security_admin"  # roles, security policy, unlocks, tokens, second factors
AUDIT_ADMIN = "audit_admin"  # reads and verifies the security audit and the change log
THREE_ADMINS = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)
READ_EVERYTHING_ROLES = {AUDITOR, LEADER}
UNIT_ROLES = {UNIT_REPORTER, UNIT_HEAD}
ROLE_NAMES = (OFFICE_ADMIN, UNIT_REPORTER, UNIT_HEAD, RECIPIENT_VIEWER, AUDITOR, LEADER, *THREE_ADMINS)
# Who reads the security audit: the audit administrator alone.
SECURITY_AUDIT_READERS = {AUDIT_ADMIN}


# The superuser only sets up the three administrators (三员分立); it is no user of the domain data.
SUPERUSER = "superuser"
# Roles that must pass a TOTP second factor (accounts.otp): the administrators.
OTP_ROLES = {OFFICE_ADMIN, SUPERUSER, *THREE_ADMINS}
# Roles that use the back-office admin pages (is_staff follows the role, see accounts.User.save).
STAFF_ROLES = {OFFICE_ADMIN, AUDITOR, *THREE_ADMINS}


def role_of(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if user.is_superuser:
        return SUPERUSER
    return getattr(user, "role", None)


def sees_everything(user) -> bool:
    """Roles the gate lets read every row (the office, leaders, auditors): their figures are the whole tallies."""
    role = role_of(user)
    return role == OFFICE_ADMIN or role in READ_EVERYTHING_ROLES


def is_office(user) -> bool:
    """The program office (or a superuser) administers everything."""
    return role_of(user) == OFFICE_ADMIN


def viewer_key(user) -> tuple:
    """All the gate reads of a user: the role and the organization (whose place in the tree is data, so it moves
    with the data's version). Two users with the same key see the same rows of every model, so what is computed
    from what one of them sees, cached with the data's version, may serve the other."""
    return (role_of(user), getattr(user, "organization_id", None))


def within(user, organization) -> bool:
    """Whether `organization` is the user's own organization or one under it."""
    own = getattr(user, "organization", None)
    if own is None or organization is None:
        return False
    return organization.tree_path.startswith(own.tree_path)


def organization_subtree(user):
    """A subquery of the ids of the user's organization and everything under it (no ids without one).

    The query is made from the organization's own class: the gate sits below the organizations app."""
    org = getattr(user, "organization", None)
    if org is None:
        return []
    # A `Shape`'s stand-in has a `Param` for its path: the organizations' startswith writes it as it writes a path.
    return type(org)._default_manager.filter(tree_path__startswith=org.tree_path).values("pk")


SUBTREE = "subtree"


class Shape:
    """A user as the gate's SQL reads it but for where its unit lies in the tree: its role and whether it has a unit.
    Equal for every reporter of every unit: the gate's query built for `stand_in()` (whose unit's path is the
    `Param` SUBTREE) and compiled once (core.compiled) narrows the rows of any user of the same shape, run with
    `values()`. Compiled per user, each unit's first view built its own: under load, most views."""

    __slots__ = ("key", "_unit_type", "_path")

    def __init__(self, user):
        org = getattr(user, "organization", None)
        self.key = (role_of(user), org is not None)
        self._unit_type, self._path = type(org), getattr(org, "tree_path", None)

    def __eq__(self, other):
        return isinstance(other, Shape) and other.key == self.key

    def __hash__(self):
        return hash(self.key)

    def stand_in(self):
        """A user of this shape whose unit's path is the parameter SUBTREE, for building the query to compile."""
        role, has_unit = self.key
        return _StandIn(role, self._unit_type(tree_path=Param(SUBTREE)) if has_unit else None)

    def values(self) -> dict:
        """The compiled query's parameters for this user: the path of its unit."""
        return {} if self._path is None else {SUBTREE: self._path}


class _StandIn:
    """What `role_of`, `allows` and `organization_subtree` read of a user, for a `Shape`."""

    is_authenticated = True

    def __init__(self, role, organization):
        self.role, self.organization = role, organization
        self.is_active = role is not None
        self.is_superuser = role == SUPERUSER


class _AnyOf(Func):
    """`column IN (subquery)`, written `column = ANY(ARRAY(subquery))` on PostgreSQL: the subquery runs once and each
    column's index is searched for its ids, so an OR of several such columns is one bitmap OR of their indexes (an OR
    of `IN (subquery)` scans the whole table)."""

    output_field = BooleanField()
    conditional = True
    template = "{column} IN {query}"

    def __init__(self, column: str, subquery):
        super().__init__(F(column), subquery if isinstance(subquery, _GateSql) else Subquery(subquery))

    def as_sql(self, compiler, connection, **extra):
        (column, column_params), (query, query_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        template = extra.get("template", self.template)
        return template.format(column=column, query=query), (*column_params, *query_params)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="{column} = ANY(ARRAY{query})")


def _direct_reach(model, paths, orgs):
    """For paths of which at least one is a foreign key of the model itself (a payment's payer and payee, a target
    share's unit): one OR on the table (`_AnyOf`) of those columns and, for a path across a relation (a share's
    program's recipients), of the ids it leads to (`pk = ANY(ARRAY(…))`) — the UNION of subqueries read every
    matching row twice, then again by id: 140 ms against ~10 for a busy unit's 30,000 payments, 17 against 4 for its
    3,000 shares, on national PostgreSQL. None when no path is a column of the model."""
    if len(paths) < 2 or isinstance(orgs, list):
        return None
    terms = []
    for path in paths:
        try:
            field = model._meta.get_field(path)
        except FieldDoesNotExist:  # not a field of the model: a path across a relation
            field = None
        if field is not None and field.many_to_one and field.concrete:
            terms.append(_AnyOf(field.attname, orgs))
        else:
            terms.append(None)
    if all(term is None for term in terms):
        return None
    where = Q()
    for path, term in zip(paths, terms, strict=True):
        where |= Q(term if term is not None else _AnyOf("pk", _reach(model, path, orgs)))
    return where


class _GateSql(Expression):
    """A subquery of the gate as `_compiled_gate` wrote it once, with one user's parameters."""

    output_field = IntegerField()

    def __init__(self, sql: str, params: tuple):
        super().__init__()
        self.sql, self.params = sql, params

    def as_sql(self, compiler, connection):
        return self.sql, self.params

    def get_group_by_cols(self):
        return []


# (model, role, action, database alias, unit class) → the gate's subqueries compiled for a `Shape`'s stand-in (_compiled_gate).
_GATES: dict[tuple, tuple] = {}


def _compiled_gate(model, user, role: str, action: str, paths, alias: str) -> Q | None:
    """The gate's condition for a user with a unit: its subqueries written once per model, role, action and database
    (built for the `Shape`'s stand-in, whose unit's path is a parameter), then run with the user's path. Building and
    compiling them was most of a unit's list queries' Python: ~0.6 ms to build, ~0.4 ms for each query they are in.
    None for a user without a unit (nothing to compile) and for a stand-in itself."""
    path = getattr(getattr(user, "organization", None), "tree_path", None)
    if not isinstance(path, str):
        return None
    unit_type = type(user.organization)
    key = (model, role, action, alias, unit_type)
    compiled = _GATES.get(key)
    if compiled is None:
        compiled = _GATES[key] = _compile_gate(model, role, paths, alias, unit_type)
    values = {SUBTREE: path}
    where = Q()
    for column, sql, params in compiled:
        subquery = _GateSql(sql, tuple(bound(params, values)))
        where |= Q(pk__in=subquery) if column is None else Q(_AnyOf(column, subquery))
    return where


def _compile_gate(model, role: str, paths, alias: str, unit_type) -> tuple:
    """(column, SQL, parameters) of each subquery of the gate built for a stand-in of the role (column None: the
    UNION of `pk IN`), compiled where `restrict` puts them, so the SQL is the one it wrote built per user."""
    orgs = organization_subtree(_StandIn(role, unit_type(tree_path=Param(SUBTREE))))
    direct = _direct_reach(model, paths, orgs)
    if direct is None:
        reach = [_reach(model, path, orgs) for path in paths]
        direct = Q(pk__in=reach[0].union(*reach[1:]) if len(reach) > 1 else reach[0])
    query = model._base_manager.filter(direct).query
    compiler = query.get_compiler(using=alias)
    terms = []
    nodes = list(query.where.children)
    while nodes:
        node = nodes.pop(0)
        if isinstance(node, WhereNode):
            nodes[:0] = node.children
            continue
        condition = getattr(node, "lhs", node)  # a boolean expression is filtered on as `expression = true`
        if isinstance(condition, _AnyOf):
            column, subquery = condition.source_expressions
            terms.append((column.target.attname, *compiler.compile(subquery)))
        else:  # the UNION's `pk IN (…)`
            terms.append((None, *compiler.compile(node.rhs)))
    return tuple(terms)


def _is_reverse(model, name: str) -> bool:
    """Whether `name` is a reverse foreign key of the model (its rows are pointed at from another table)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # "pk", or no such field
        return False
    return field.one_to_many and field.auto_created


def _reach(model, path: str, orgs):
    """The ids of the model's rows that `path` leads from to one of `orgs`, as a subquery.

    When the path starts with a reverse foreign key or a many-to-many (a task's responsibilities, a program's
    recipients), the ids are read from the other table's own column (`SELECT task_id FROM responsibility …`) rather
    than by joining back to this table: the same ids, and PostgreSQL plans the gate's UNION in 3 ms instead of
    15–30 ms (the planning was most of a unit's task count)."""
    first, _sep, rest = path.partition("__")
    try:
        field = model._meta.get_field(first)
    except FieldDoesNotExist:  # "pk" and the like: read the model itself
        field = None
    if field is not None and field.one_to_many and field.auto_created:
        remote = field.field  # the foreign key on the other table that points here
        related = field.related_model
        if _is_reverse(related, rest.partition("__")[0]):
            # Further reverse hops are read the same way, one table inside the other (plans ← tasks ← assignments).
            rows = related._base_manager.filter(pk__in=_reach(related, rest, orgs))
        else:
            rows = related._base_manager.filter(**{f"{rest}__in" if rest else "pk__in": orgs})
        return rows.order_by().values(remote.attname)
    if field is not None and field.many_to_many and not field.auto_created and not rest:
        through = field.remote_field.through
        mine = field.m2m_field_name()
        theirs = field.m2m_reverse_field_name()
        return (
            through._base_manager.filter(**{f"{theirs}__in": orgs})
            .order_by()
            .values(through._meta.get_field(mine).attname)
        )
    keys, owner = _foreign_keys_to_many(model, path)
    if owner is not None:
        # Foreign keys to a many-to-many (a task's plan's program's recipients): the last key's own column among the
        # many-to-many's rows (plan.program_id IN (SELECT program_id FROM recipients …)), not joined through the
        # program's table: the same ids, and PostgreSQL plans a unit's gated query ~0.3 ms faster (one join fewer).
        last = path.rpartition("__")[2]
        return (
            model._base_manager.filter(**{f"{keys}__in": _reach(owner, last, orgs)}).order_by().values("pk")
        )
    return model._base_manager.filter(**{f"{path}__in": orgs}).order_by().values("pk")


def _foreign_keys_to_many(model, path: str) -> tuple[str, object]:
    """For a path of foreign keys ending in a many-to-many declared on the last key's model (`plan__program__
    recipients`): the keys (`plan__program`) and that model (Program); else ("", None)."""
    keys, _sep, last = path.rpartition("__")
    if not keys:
        return "", None
    owner = model
    for name in keys.split("__"):
        try:
            field = owner._meta.get_field(name)
        except FieldDoesNotExist:
            return "", None
        if not (field.many_to_one and field.concrete):
            return "", None
        owner = field.related_model
    try:
        field = owner._meta.get_field(last)
    except FieldDoesNotExist:
        return "", None
    return (keys, owner) if field.many_to_many and not field.auto_created else ("", None)


def _paths_for(model, role: str, action: str) -> tuple[str, ...]:
    """The lookups through which this role reaches rows of the model for this action."""
    owner = tuple(getattr(model, "owner_paths", ()))
    recipient = tuple(getattr(model, "recipient_paths", ()))
    unit_actions = getattr(model, "unit_actions", (CHANGE,))
    recipient_actions = getattr(model, "recipient_actions", ())
    if role in UNIT_ROLES:
        # A unit reads what it is responsible for and what is committed to it; it acts on its own rows.
        if action == VIEW:
            return owner + recipient
        return (owner if action in unit_actions else ()) + (recipient if action in recipient_actions else ())
    if role == RECIPIENT_VIEWER:
        return recipient if action == VIEW or action in recipient_actions else ()
    return ()


def allows(user, model, action: str) -> bool:
    """Whether the role may perform `action` on this model at all (before narrowing rows)."""
    role = role_of(user)
    if role is None:
        return False
    if role == OFFICE_ADMIN:
        return True
    if role == SUPERUSER:
        return False
    if role in THREE_ADMINS:
        # An administrator reaches only the models of its own work (Organization.admin_actions for the system
        # administrator); plans, reports, funds and the rest are the office's and the units'.
        return action in getattr(model, "admin_actions", {}).get(role, ())
    if action == VIEW:
        return True
    if role in READ_EVERYTHING_ROLES:
        return False
    return bool(_paths_for(model, role, action))


def _every_row(user, model, action: str) -> bool:
    """Whether a role the gate lets perform `action` on the model at all (`allows`) may perform it on every row."""
    role = role_of(user)
    if role in (OFFICE_ADMIN, *THREE_ADMINS) or (role in READ_EVERYTHING_ROLES and action == VIEW):
        return True
    # Shared reference data: every signed-in user reads it.
    return (
        action == VIEW and not getattr(model, "owner_paths", ()) and not getattr(model, "recipient_paths", ())
    )


class RestrictedQuerySet(AuditedQuerySet):
    def restrict(self, user, action: str = VIEW):
        """Only the rows `user` may perform `action` on."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if not allows(user, self.model, action):
            return self.none()
        if _every_row(user, self.model, action):
            return self
        if not getattr(self.model, "owner_paths", ()) and not getattr(self.model, "recipient_paths", ()):
            return self.none()
        role = role_of(user)
        paths = _paths_for(self.model, role, action)
        if not paths:
            return self.none()
        compiled = _compiled_gate(self.model, user, role, action, paths, self.db)
        if compiled is not None:
            return self.filter(compiled)
        orgs = organization_subtree(user)
        direct = _direct_reach(self.model, paths, orgs)
        if direct is not None:
            return self.filter(direct)
        # A subquery on pk avoids duplicate rows when a path crosses a many-valued relation; one per path joined
        # by UNION lets each walk its own index, where one OR of paths scans the whole table (20x at province scale).
        reach = [_reach(self.model, path, orgs) for path in paths]
        return self.filter(pk__in=reach[0].union(*reach[1:]) if len(reach) > 1 else reach[0])

    def through(self, user, path: str, organization, action: str = VIEW, *, passes: bool | None = None):
        """`restrict(user, action).filter(<path>=organization)`, without the gate's subquery when every such row
        passes (`passes_through`).

        For a query compiled once for many organizations (core.compiled), `organization` may be a `Param` standing for
        any of them, with `passes` the answer of `passes_through` for the ones it will be run with."""
        rows = self.filter(**{path: organization})
        if passes is None:
            passes = passes_through(user, self.model, path, organization, action)
        return rows if passes else rows.restrict(user, action)


def passes_through(user, model, path: str, organization, action: str = VIEW) -> bool:
    """Whether every row of `model` whose `path` leads to `organization` passes the gate for `user`: `path` is itself a
    way the role reaches these rows and `organization` lies in the user's subtree."""
    role = role_of(user)
    own = getattr(user, "organization", None)
    return (
        (role in UNIT_ROLES or role == RECIPIENT_VIEWER)
        and own is not None
        and organization.tree_path.startswith(own.tree_path)
        and allows(user, model, action)
        and path in _paths_for(model, role, action)
    )


# (user, model, row, action) → the gate's answer, inside `remembered()`; None outside.
_remembered: contextvars.ContextVar[dict | None] = contextvars.ContextVar("duikou_gate_answers", default=None)


@contextmanager
def remembered():
    """Inside the block, `can` asks the database once per user, row and action: for a page or a workflow step whose
    predicates ask the gate the same question more than once (a report page's edit and submit steps) and that
    writes nothing to the rows asked about in between."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def can(user, obj, action: str = VIEW) -> bool:
    """Whether `user` may perform `action` on this one saved row."""
    answers = _remembered.get()
    key = (getattr(user, "pk", None), type(obj), obj.pk, action)
    if answers is not None and key in answers:
        return answers[key]
    if (
        obj.pk is not None
        and allows(user, type(obj), action)
        and (_every_row(user, type(obj), action) or _passes_by_its_unit(user, obj, action))
    ):
        return True  # the gate's answer without asking the database for the row read already
    answer = type(obj)._default_manager.restrict(user, action).filter(pk=obj.pk).exists()
    if answers is not None:
        answers[key] = answer
    return answer


def _passes_by_its_unit(user, obj, action: str) -> bool:
    """Whether a saved row passes the gate by a unit it was read with: one of the role's paths for the action is the
    row's own foreign key to that unit, and the unit lies in the user's subtree (`passes_through`). The database is
    asked only when this does not settle it (a refusal, or a row reached another way)."""
    if role_of(user) not in (*UNIT_ROLES, RECIPIENT_VIEWER):
        return False
    own = getattr(user, "organization", None)
    model = type(obj)
    for path in _paths_for(model, role_of(user), action):
        try:
            field = model._meta.get_field(path)
        except FieldDoesNotExist:  # a path across a relation
            continue
        if not (field.many_to_one and field.concrete and field.is_cached(obj)):
            continue
        unit = field.get_cached_value(obj)
        if isinstance(unit, type(own)) and passes_through(user, model, path, unit, action):
            return True
    return False


def require(user, obj, action: str = VIEW) -> None:
    """Refuse (PermissionDenied, with a message naming the record) unless `can(user, obj, action)`."""
    if not can(user, obj, action):
        raise PermissionDenied(
            _("无权%(action)s：%(obj)s") % {"action": ACTION_LABELS.get(action, action), "obj": obj}
        )


def require_allowed(user, model, action: str) -> None:
    """Refuse unless the role may perform `action` on this model at all (used before creating rows)."""
    if not allows(user, model, action):
        raise PermissionDenied(
            _("无权%(action)s%(model)s")
            % {"action": ACTION_LABELS.get(action, action), "model": model._meta.verbose_name}
        )


# Shown inside refusal messages: 无权修改：…
ACTION_LABELS = {
    VIEW: gettext_lazy("查看"),
    ADD: gettext_lazy("新增"),
    CHANGE: gettext_lazy("修改"),
    DELETE: gettext_lazy("删除"),
}
