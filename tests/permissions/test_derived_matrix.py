"""Every page of the site, derived from the URL resolver, tried as every role of the world (ALL_ROLES): no page
errors, anonymous visitors reach only the public pages, a page about one record answers 200 only to a role the
permission gate lets see that record, and read-only roles change nothing by posting to any page.

Nothing here lists pages: a new URL is tried as soon as it exists. The only hand-written part says what record a
URL's arguments name (PK_MODELS); a new URL with arguments fails `test_every_page_with_arguments_is_named` until
it is named there. Adding a role to the matrix is one line in world.ROLE_USERS.
"""

import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from duikou.core import permissions as perms
from permissions.world import ALL_ROLES

# Pages for everyone, without signing in.
PUBLIC = {
    "accounts:login",
    "set_language",
    "exchange:public_index",
    "exchange:public_national_dataset",
    "exchange:public_program",
    "exchange:public_iati",
    "exchange:public_dataset",
}
# What the `pk` of each page with arguments names (and the other arguments it needs).
PK_MODELS = {
    "accounts:provision": "plans.Plan",
    "reports:detail": "reports.Report",
    "reports:submit": "reports.Report",
    "reports:approve": "reports.Report",
    "reports:return": "reports.Report",
    "reports:evidence_upload": "reports.Report",
    "reports:evidence_download": "reports.Evidence",
    "reports:evidence_delete": "reports.Evidence",
    "reports:reminder_read": "reports.Reminder",
    "funds_workflow:confirm": "funds.Transaction",
    "funds_workflow:correct": "funds.Transaction",
    "projects_workflow:move": "projects.Project",
    "changes:object": "reports.Report",
    "assessments:detail": "programs.Program",
    "assessments:docx": "programs.Program",
    "assessments:xlsx": "programs.Program",
    "assessments:procedure": "programs.Program",
    "assessments:step_docx": "assessments.ProcedureStep",
    "indicators:agreement": "indicators.Agreement",
    "supervision:task": "plans.Task",
    "supervision:task_urge": "plans.Task",
    "supervision:request_new": "plans.Task",
    "supervision:report_urge": "reports.Report",
    "supervision:urge": "supervision.Urge",
    "supervision:request": "supervision.ChangeRequest",
    "supervision:request_approve": "supervision.ChangeRequest",
    "supervision:request_reject": "supervision.ChangeRequest",
    "supervision:request_evidence": "supervision.ChangeRequest",
    "supervision:instruction": "supervision.Instruction",
    "supervision:notice": "supervision.SupervisionNotice",
    "supervision:notice_docx": "supervision.SupervisionNotice",
    "supervision:notice_evidence": "supervision.SupervisionNotice",
    "exchange:public_program": "programs.Program",
    "exchange:public_iati": "programs.Program",
    "exchange:public_dataset": "programs.Program",
    "exchange:tasktable_export": "plans.Plan",
    "exchange:tasktable_import": "plans.Plan",
    "exchange:bulletin": "programs.Program",
    "web:import_review": "web.ImportDraft",
    "web:import_edit": "web.ImportDraft",
    "web:import_resolve": "web.ImportDraft",
    "web:import_publish": "web.ImportDraft",
    "web:import_discard": "web.ImportDraft",
    "plans:detail": "plans.Plan",
    "plans:matrix": "plans.Plan",
    "plans:findings": "plans.Plan",
    "targets:detail": "targets.Target",
    "funds:schedule": "plans.Plan",
    "programs:detail": "programs.Program",
    "supervision:program_settings": "programs.Program",
    "organizations:detail": "organizations.Organization",
    # A queued job's pages: its owner's alone (404 for anyone else, tests/exchange/test_queue.py).
    "jobs:page": "core.Job",
    "jobs:status": "core.Job",
    "jobs:next": "core.Job",
    "jobs:download": "core.Job",
}
OTHER_ARGS = {
    "year": "2025",
    "app_label": "reports",
    "model_name": "report",
    "dataset": "tasks",
    "fmt": "csv",
}
SKIP = {"accounts:logout"}  # signs the role out halfway through the table


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) or None
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield ":".join(filter(None, [namespace, p.name])), prefix + str(p.pattern)


def _pages():
    for name, route in _walk(get_resolver().url_patterns):
        if name.startswith(("admin:", "api:")) or name in SKIP:
            continue  # the admin is tried by the gate's own tests; the API by test_api_matrix
        yield name, route


PAGES = sorted(set(_pages()))
ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def _url(route: str, pk) -> str:
    def fill(match):
        arg = match.group(1) or match.group(2)
        return str(pk) if arg == "pk" else OTHER_ARGS[arg]

    return "/" + ARGUMENT.sub(fill, route).lstrip("^").rstrip("$").replace("\\.", ".")


def test_every_page_with_arguments_is_named():
    unnamed = [name for name, route in PAGES if "pk" in route and name not in PK_MODELS]
    assert not unnamed, f"say what record these pages' pk names (PK_MODELS): {unnamed}"
    unknown = {a for _n, r in PAGES for g in ARGUMENT.findall(r) for a in g if a and a != "pk"} - set(
        OTHER_ARGS
    )
    assert not unknown


def _records(world, label):
    """The world's rows of a model (for Organization: the world's four units, not the whole country)."""
    model = apps.get_model(label)
    if label == "organizations.Organization":
        return model, [world.mawei.pk, world.gulou.pk, world.wanzhou.pk]
    if label == "reports.Evidence":
        _evidence(world)
    if label.startswith("supervision."):
        _supervision(world)
    if label == "core.Job" and not model.objects.exists():
        from duikou.core import jobs

        jobs.start("exchange.reports", user=world.users[perms.OFFICE_ADMIN], title="导出月报")
    return model, list(model.objects.order_by("pk").values_list("pk", flat=True)[:6])


def _supervision(world):
    """One urge, change request, instruction and 督办 on unit B's task, made by the services themselves."""
    import datetime as dt

    from duikou.supervision import notices, services
    from duikou.supervision.models import SupervisionNotice, Urge

    if Urge.objects.exists():
        return
    office = world.users[perms.OFFICE_ADMIN]
    head_b = next(u for u in world.users.values() if u and u.organization_id == world.gulou.pk)
    services.urge(user=office, organization=world.gulou, task=world.task_b, message="请尽快推进")
    services.request_change(
        user=head_b, task=world.task_b, kind="deadline", reason="工期调整", due_date=dt.date(2026, 6, 30)
    )
    services.instruct(user=office, text="抓紧落实", leader_name="张三", task=world.task_b)
    notices._raise(
        task=world.task_b,
        organization=world.gulou,
        level=SupervisionNotice.YELLOW,
        cause=SupervisionNotice.RED_TOO_LONG,
        reason="红灯超期",
        today=dt.date(2026, 1, 5),
    )


def _evidence(world):
    from django.core.files.base import ContentFile

    from duikou.reports.models import Evidence

    if not Evidence.objects.exists():
        e = Evidence(
            report=world.report_b, original_name="b.png", content_type="image/png", size=4, sha256="0" * 64
        )
        e.file.save("b.png", ContentFile(b"\x89PNG"), save=False)
        e.save()


def _client(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_page_as_every_role_shows_only_what_the_gate_allows(client, world, role):
    browser = _client(client, world, role)
    user = world.users.get(role)
    tried = 0
    for name, route in PAGES:
        if "pk" not in route:
            targets = [(None, None)]
        else:
            model, pks = _records(world, PK_MODELS[name])
            targets = [(model, pk) for pk in pks] or []
        for model, pk in targets:
            url = _url(route, pk)
            response = browser.get(url)
            tried += 1
            status = response.status_code
            assert status < 500, f"GET {url} as {role}: {status}"
            if role == "anonymous":
                assert status != 200 or name in PUBLIC, f"GET {url} is open to anonymous visitors"
                continue
            if (
                status == 200
                and model is not None
                and name not in PUBLIC
                and hasattr(model.objects, "restrict")
            ):
                assert model.objects.restrict(user, perms.VIEW).filter(pk=pk).exists(), (
                    f"GET {url} as {role} shows {model.__name__} {pk}, which the gate hides from it"
                )
    assert tried >= len(PAGES)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [perms.AUDITOR, perms.LEADER, perms.AUDIT_ADMIN, "anonymous"])
def test_read_only_roles_change_nothing_by_posting_to_any_page(client, world, role):
    from duikou.core.models import ChangeLog

    browser = _client(client, world, role)
    _evidence(world)
    _supervision(world)
    before = ChangeLog.objects.count()
    for name, route in PAGES:
        if name in ("set_language", "accounts:login", "accounts:password_change"):
            continue  # the visitor's own language, sign-in and password: not records
        pks = _records(world, PK_MODELS[name])[1] if "pk" in route else [None]
        for pk in pks:
            url = _url(route, pk)
            response = browser.post(url, {"version": 1, "reason": "测试", "status": "under_way"})
            assert response.status_code < 500, f"POST {url} as {role}: {response.status_code}"
            changed = list(ChangeLog.objects.order_by("pk")[before:].values_list("object_repr", "after"))
            assert not changed, f"POST {url} as {role} changed {changed}"
