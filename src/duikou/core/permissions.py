"""The one permission gate: `Model.objects.restrict(user, action)` narrows any query to what a user may touch.

Pages, the API, exports and the admin all call it. A model says how its rows belong to organizations:
`owner_paths` (lookups to the units responsible for a row: they read it and may change it) and
`recipient_paths` (lookups to the supported side: it reads what is committed to it). Rows of a model with
neither are shared reference data (every signed-in user reads them; only the office changes them).
"""

from django.db import models
from django.db.models import Q

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)

OFFICE_ADMIN = "office_admin"
UNIT_REPORTER = "unit_reporter"
UNIT_HEAD = "unit_head"
RECIPIENT_VIEWER = "recipient_viewer"
AUDITOR = "auditor"
LEADER = "leader"
READ_EVERYTHING_ROLES = {AUDITOR, LEADER}
UNIT_ROLES = {UNIT_REPORTER, UNIT_HEAD}
ROLE_NAMES = (OFFICE_ADMIN, UNIT_REPORTER, UNIT_HEAD, RECIPIENT_VIEWER, AUDITOR, LEADER)


def role_of(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if user.is_superuser:
        return OFFICE_ADMIN
    return getattr(user, "role", None)


def organization_subtree(user):
    """A subquery of the ids of the user's organization and everything under it."""
    from duikou.organizations.models import Organization

    org = getattr(user, "organization", None)
    if org is None:
        return Organization.objects.none().values("pk")
    return Organization.objects.filter(tree_path__startswith=org.tree_path).values("pk")


def allows(user, model, action: str) -> bool:
    """Whether the role may perform `action` on this model at all (before narrowing rows)."""
    role = role_of(user)
    if role is None:
        return False
    if role == OFFICE_ADMIN:
        return True
    if action == VIEW:
        return True
    if role in READ_EVERYTHING_ROLES:
        return False
    if role in UNIT_ROLES:
        return bool(getattr(model, "owner_paths", ())) and action in getattr(model, "unit_actions", (CHANGE,))
    if role == RECIPIENT_VIEWER:
        return action in getattr(model, "recipient_actions", ())
    return False


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        """Only the rows `user` may perform `action` on."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if not allows(user, self.model, action):
            return self.none()
        role = role_of(user)
        if role == OFFICE_ADMIN or (role in READ_EVERYTHING_ROLES and action == VIEW):
            return self
        owner_paths = getattr(self.model, "owner_paths", ())
        recipient_paths = getattr(self.model, "recipient_paths", ())
        if not owner_paths and not recipient_paths:
            return self if action == VIEW else self.none()
        orgs = organization_subtree(user)
        paths = owner_paths if role in UNIT_ROLES else recipient_paths
        if not paths:
            return self.none()
        q = Q()
        for path in paths:
            q |= Q(**{f"{path}__in": orgs})
        # A subquery on pk avoids duplicate rows when a path crosses a many-valued relation.
        return self.filter(pk__in=self.model._base_manager.filter(q).values("pk"))
