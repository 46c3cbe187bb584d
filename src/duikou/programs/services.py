"""Publishing a program: the office's decision that its plans, tasks, funds and projects become open data."""

from __future__ import annotations

from django.db import transaction

from duikou.core import permissions as perms

from .models import Program


@transaction.atomic
def publish_program(*, program: Program, user, public: bool = True) -> Program:
    """Make a program public (open data, the public page) or private again; the change log records who and when."""
    perms.require(user, program, perms.CHANGE)
    if program.is_public != public:
        program.is_public = public
        program.save()
    return program
