from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "duikou.supervision"
    label = "supervision"
    verbose_name = _("督查督办")

    def ready(self):
        from . import signals

        signals.connect()
        _register_lights()


def _register_lights():
    """Every task read on a page, in the API or an export carries its light (plans' extension points)."""
    from duikou.core.lists import Column, template_cell
    from duikou.plans import filters, models, tables

    from . import lights
    from .filters import TASK_LIGHT_FILTER

    if lights.annotate_lights not in models.TASK_ANNOTATORS:
        models.TASK_ANNOTATORS.append(lights.annotate_lights)
    if lights.task_lights not in models.TASK_FIGURES:
        models.TASK_FIGURES.append(lights.task_lights)
    if not any(c.name == "light" for c in tables.TASK_COLUMNS):
        tables.TASK_COLUMNS.insert(
            2,
            Column(
                "light",
                _("红黄绿灯"),
                lambda task: lights.LABELS.get(getattr(task, "light", None), ""),
                sort="light_rank",
                # supervision/_light_cell.html, rendered once per light and language (not once per row).
                html=template_cell(
                    "supervision/_light.html", lambda task, _value: {"light": getattr(task, "light", None)}
                ),
            ),
        )
    from duikou.core.rest import READ_ANNOTATORS
    from duikou.organizations.models import Organization
    from duikou.programs.models import Program

    for model, annotate in (
        (Organization, lights.annotate_unit_lights),
        (Program, lights.annotate_program_lights),
    ):
        if annotate not in READ_ANNOTATORS.setdefault(model, []):
            READ_ANNOTATORS[model].append(annotate)
    filters.TASK_FILTERS.add(TASK_LIGHT_FILTER)
