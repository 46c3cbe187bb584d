"""{% route_url %} (core/templatetags/route_urls.py): the navigation's URLs reversed once per process, equal to
reverse() whatever the language or the prefix the site is mounted under."""

from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix
from django.utils import translation

from duikou.core.templatetags.route_urls import route_url

NAMES = ["web:home", "plans:list", "plans:tasks", "accounts:logout", "set_language", "reports:list"]


def test_the_kept_url_is_reverse_in_each_language_and_under_a_prefix():
    try:
        for prefix in ("/", "/duikou/"):
            set_script_prefix(prefix)
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    for name in NAMES:
                        assert route_url(name) == reverse(name)
                        assert route_url(name) == reverse(name)  # the kept one
        set_script_prefix("/duikou/")
        assert route_url("web:home") == "/duikou/"
    finally:
        clear_script_prefix()
        set_script_prefix("/")
    assert route_url("web:home") == "/"


def test_the_tag_writes_what_the_url_tag_writes():
    for name in NAMES:
        tag = Template('{% load route_urls %}<a href="{% route_url "' + name + '" %}">').render(Context())
        builtin = Template("<a href=\"{% url '" + name + "' %}\">").render(Context())
        assert tag == builtin


def test_the_object_tag_writes_what_the_url_tag_writes():
    try:
        for prefix in ("/", "/duikou/"):
            set_script_prefix(prefix)
            for name in ("reports:detail", "reports:submit", "reports:evidence_download"):
                for pk in (7, 123456):
                    context = Context({"pk": pk})
                    tag = Template(
                        f'{{% load route_urls %}}<a href="{{% object_url "{name}" pk %}}">'
                    ).render(context)
                    builtin = Template(f"<a href=\"{{% url '{name}' pk %}}\">").render(context)
                    assert tag == builtin
    finally:
        clear_script_prefix()
        set_script_prefix("/")
