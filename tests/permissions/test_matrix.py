"""Every page of the reporting workflow, tried as every role: one table of role × URL × expected status.

The base class supplies the machinery; each case below supplies only the URL, the method, the data and the
expected status per role. Adding a page means adding one row.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from duikou.core import permissions as perms
from permissions.world import ROLES

OFFICE, AUDITOR, LEADER, RECIPIENT = perms.OFFICE_ADMIN, perms.AUDITOR, perms.LEADER, perms.RECIPIENT_VIEWER
LOGIN = 302  # anonymous visitors are sent to the login page


@dataclass
class Case:
    """One URL and the status each role must get."""

    name: str
    url: callable  # world -> url
    expected: dict  # role key -> status; roles not named get `default`
    method: str = "get"
    data: callable = None  # world -> POST data
    default: int = 200
    setup: callable = None  # world -> None, run before the request

    def status_for(self, role: str) -> int:
        return self.expected.get(role, self.default)


def _evidence(world):
    from duikou.reports.models import Evidence

    if not Evidence.objects.filter(report=world.report_a).exists():
        from django.core.files.base import ContentFile

        e = Evidence(
            report=world.report_a, original_name="a.png", content_type="image/png", size=3, sha256="0" * 64
        )
        e.file.save("a.png", ContentFile(b"\x89PNG"), save=False)
        e.save()
    return Evidence.objects.get(report=world.report_a)


UNITS_AND_OUTSIDERS_404 = {"reporter_b": 404, RECIPIENT: 404}
CASES = [
    Case("report list", lambda w: reverse("reports:list"), {"anonymous": LOGIN}),
    Case(
        "own report page",
        lambda w: reverse("reports:detail", args=[w.report_a.pk]),
        {"reporter_b": 404, RECIPIENT: 404, "anonymous": LOGIN},
    ),
    Case(
        "other unit's report page",
        lambda w: reverse("reports:detail", args=[w.report_b.pk]),
        {"reporter_a": 404, "head_a": 404, RECIPIENT: 404, "anonymous": LOGIN},
    ),
    Case(
        "save report",
        lambda w: reverse("reports:detail", args=[w.report_a.pk]),
        {
            OFFICE: 302,
            "reporter_a": 302,
            "head_a": 302,
            "reporter_b": 404,
            RECIPIENT: 404,
            AUDITOR: 403,
            LEADER: 403,
            "anonymous": LOGIN,
        },
        method="post",
        data=lambda w: {"version": w.report_a.version, "summary": "本月推进顺利"},
    ),
    Case(
        "submit report",
        lambda w: reverse("reports:submit", args=[w.report_a.pk]),
        {
            OFFICE: 302,
            "reporter_a": 302,
            "head_a": 302,
            "reporter_b": 404,
            RECIPIENT: 404,
            AUDITOR: 403,
            LEADER: 403,
            "anonymous": LOGIN,
        },
        method="post",
    ),
    Case(
        "approve report",
        lambda w: reverse("reports:approve", args=[w.report_b.pk]),
        {
            OFFICE: 302,
            "reporter_a": 404,
            "head_a": 404,
            "reporter_b": 403,
            RECIPIENT: 404,
            AUDITOR: 403,
            LEADER: 403,
            "anonymous": LOGIN,
        },
        method="post",
    ),
    Case(
        "return report",
        lambda w: reverse("reports:return", args=[w.report_b.pk]),
        {
            OFFICE: 302,
            "reporter_a": 404,
            "head_a": 404,
            "reporter_b": 403,
            RECIPIENT: 404,
            AUDITOR: 403,
            LEADER: 403,
            "anonymous": LOGIN,
        },
        method="post",
        data=lambda w: {"reason": "数据不全"},
    ),
    Case(
        "upload evidence",
        lambda w: reverse("reports:evidence_upload", args=[w.report_a.pk]),
        {
            OFFICE: 302,
            "reporter_a": 302,
            "head_a": 302,
            "reporter_b": 404,
            RECIPIENT: 404,
            AUDITOR: 403,
            LEADER: 403,
            "anonymous": LOGIN,
        },
        method="post",
        data=lambda w: {"file": _png_upload()},
    ),
    Case(
        "download evidence",
        lambda w: reverse("reports:evidence_download", args=[_evidence(w).pk]),
        {"reporter_b": 404, RECIPIENT: 404, "anonymous": LOGIN},
    ),
    Case("inbox", lambda w: reverse("reports:inbox"), {"anonymous": LOGIN}),
    Case("approved figures", lambda w: reverse("reports:figures"), {"anonymous": LOGIN}),
    Case("receipts", lambda w: reverse("funds_workflow:list"), {"anonymous": LOGIN}),
    Case(
        "confirm receipt",
        lambda w: reverse("funds_workflow:confirm", args=[w.txn.pk]),
        {
            OFFICE: 302,
            RECIPIENT: 302,
            "reporter_a": 403,
            "head_a": 403,
            "reporter_b": 404,
            AUDITOR: 403,
            LEADER: 403,
            "anonymous": LOGIN,
        },
        method="post",
        data=lambda w: {"version": w.txn.version, "received_amount": "300000", "received_on": "2025-06-11"},
    ),
    Case(
        "correct disbursement",
        lambda w: reverse("funds_workflow:correct", args=[w.txn.pk]),
        {
            OFFICE: 302,
            "reporter_a": 302,
            "head_a": 302,
            RECIPIENT: 403,
            "reporter_b": 404,
            AUDITOR: 403,
            LEADER: 403,
            "anonymous": LOGIN,
        },
        method="post",
        data=lambda w: {"version": w.txn.version, "amount": "300000", "date": "2025-06-10"},
    ),
    Case(
        "record disbursement",
        lambda w: reverse("funds_workflow:record"),
        {
            OFFICE: 302,
            "reporter_a": 302,
            "head_a": 302,
            # Unit B names a funding line it cannot see: the form comes back with the error, nothing recorded.
            "reporter_b": 400,
            RECIPIENT: 403,
            AUDITOR: 403,
            LEADER: 403,
            "anonymous": LOGIN,
        },
        method="post",
        data=lambda w: {
            "funding_line": w.line.pk,
            "payee": w.wanzhou.pk,
            "amount": "1000",
            "date": "2025-06-01",
        },
    ),
    Case("project moves", lambda w: reverse("projects_workflow:list"), {"anonymous": LOGIN}),
    Case(
        "move project",
        lambda w: reverse("projects_workflow:move", args=[w.project.pk]),
        {
            OFFICE: 302,
            "reporter_a": 302,
            "head_a": 302,
            RECIPIENT: 403,
            "reporter_b": 404,
            AUDITOR: 403,
            LEADER: 403,
            "anonymous": LOGIN,
        },
        method="post",
        data=lambda w: {"status": "under_way", "version": w.project.version},
    ),
    Case(
        "propose project",
        lambda w: reverse("projects_workflow:propose"),
        {
            OFFICE: 302,
            "reporter_a": 302,
            "head_a": 302,
            "reporter_b": 302,
            RECIPIENT: 302,
            AUDITOR: 403,
            LEADER: 403,
            "anonymous": LOGIN,
        },
        method="post",
        data=lambda w: {"program": w.program.pk, "name": "万州区冷链物流中心"},
    ),
    Case(
        "change-log search",
        lambda w: reverse("changes:search"),
        {OFFICE: 200, AUDITOR: 200, "anonymous": LOGIN},
        default=403,
    ),
    Case(
        "security audit (the audit administrator's alone; tests/trust tries that role)",
        lambda w: reverse("changes:security"),
        {"anonymous": LOGIN},
        default=403,
    ),
    Case(
        "one report's change log",
        lambda w: reverse("changes:object", args=["reports", "report", w.report_a.pk]),
        {"reporter_b": 404, RECIPIENT: 404, "anonymous": LOGIN},
    ),
    Case("admin index", lambda w: reverse("admin:index"), {OFFICE: 200, AUDITOR: 200}, default=302),
    Case(
        "admin report list",
        lambda w: reverse("admin:reports_report_changelist"),
        {OFFICE: 200, AUDITOR: 200},
        default=302,
    ),
    Case(
        "admin change log",
        lambda w: reverse("admin:core_changelog_changelist"),
        {OFFICE: 200, AUDITOR: 200},
        default=302,
    ),
    Case(
        "admin report page",
        lambda w: reverse("admin:reports_report_change", args=[w.report_a.pk]),
        {OFFICE: 200, AUDITOR: 200},
        default=302,
    ),
    Case(
        "admin adds a report",
        lambda w: reverse("admin:reports_report_add"),
        {OFFICE: 200, AUDITOR: 403},
        default=302,
    ),
    Case(
        "admin deletes a project",
        lambda w: reverse("admin:projects_project_delete", args=[w.project.pk]),
        {OFFICE: 200, AUDITOR: 403},
        default=302,
    ),
]


def _png_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from reports.files import PNG

    return SimpleUploadedFile("照片.png", PNG, content_type="image/png")


class PermissionMatrixTest:
    """Runs every case for every role; subclasses (or the parametrization) supply the cases."""

    cases: list[Case] = []

    def run(self, client, world, case: Case, role: str):
        if role != "anonymous":
            client.force_login(world.users[role])
        url = case.url(world)
        data = case.data(world) if case.data else {}
        response = getattr(client, case.method)(url, data)
        expected = case.status_for(role)
        assert response.status_code == expected, (
            f"{case.name} as {role}: expected {expected}, got {response.status_code} ({url})"
        )
        if role == "anonymous" and expected == LOGIN:
            assert "/accounts/login/" in response["Location"] or "/admin/login/" in response["Location"]
        return response


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_role_against_page(client, world, case, role):
    PermissionMatrixTest().run(client, world, case, role)


def test_matrix_covers_every_workflow_url():
    """Every URL of the reporting, receipt, project-move and change-log modules is in the matrix."""
    from duikou.changes import urls as changes_urls
    from duikou.funds import workflow_urls
    from duikou.projects import workflow_urls as project_urls
    from duikou.reports import urls as report_urls

    names = {
        f"{m.app_name}:{p.name}"
        for m in (changes_urls, workflow_urls, project_urls, report_urls)
        for p in m.urlpatterns
    }
    covered = set()
    for case in CASES:
        source = case.url.__code__.co_consts
        covered |= {c for c in source if isinstance(c, str) and ":" in c}
    missing = names - covered - {"reports:start", "reports:evidence_delete", "reports:reminder_read"}
    assert not missing, f"pages without a permission case: {sorted(missing)}"
