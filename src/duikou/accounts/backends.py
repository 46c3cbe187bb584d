"""Sign-in with lockout by django-axes: failures are counted per user name AND source address together, so a
stranger elsewhere cannot lock an office out, and an unknown name is counted and locked like a real one (the
answer never tells whether an account exists). Settings: DUIKOU_LOCKOUT_ATTEMPTS, DUIKOU_LOCKOUT_MINUTES."""

import functools

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend, UserModel
from django.db import router
from django.db.models import Subquery

from duikou.core import versioned
from duikou.core.compiled import Compiled, Param


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check before Django's password check (PasswordBackend, next in AUTHENTICATION_BACKENDS).

    An authenticate() without a request (the test client's login(), a shell) has no address to lock by: it is
    left to the password check alone."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _columns(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


@functools.cache
def _signed_in_user() -> tuple[Compiled, type, list[str], list[str]]:
    """The query for a user and its organization (built on first use: the models are loaded by then)."""
    organization = UserModel.organization.field.related_model
    user_columns, org_columns = _columns(UserModel), _columns(organization)
    # The data's version with it (core.versioned.read_at_start): a page then reads it in no query of its own.
    query = Compiled(
        UserModel,
        lambda: (
            UserModel._default_manager.filter(pk=Param("pk"))
            .annotate(newest_change=Subquery(versioned.newest_change()))
            .values_list(
                *user_columns, *(f"organization__{column}" for column in org_columns), "newest_change"
            )
        ),
        maxsize=2,
    )
    return query, organization, user_columns, org_columns


class PasswordBackend(ModelBackend):
    """Django's password check; the signed-in user of every request is read with its organization in one query
    (the header names it and most pages scope by it), compiled once per process (core.compiled: building and
    compiling the ORM's query took 0.5 ms of the 0.7 ms a request spent on its user)."""

    def get_user(self, user_id):
        query, organization, user_columns, org_columns = _signed_in_user()
        found = query.rows(None, pk=int(user_id))
        if not found:
            return None
        alias, (*row, newest) = router.db_for_read(UserModel), found[0]
        user = UserModel.from_db(alias, user_columns, row[: len(user_columns)])
        if user.organization_id is not None:
            user.organization = organization.from_db(alias, org_columns, row[len(user_columns) :])
        # The newest change-log id when the user was read (core.middleware.ActorMiddleware hands it to
        # core.versioned for the request).
        user.data_version = newest or 0
        return user if self.user_can_authenticate(user) else None
