"""A gunicorn worker warms itself before its first request (duikou.gunicorn_hooks.post_worker_init)."""

import datetime as dt

from django.template import engines


def _cached_templates():
    loader = engines["django"].engine.template_loaders[0]
    return loader, loader.get_template_cache


def test_warm_compiles_the_templates_and_builds_the_lights_without_the_database():
    # No `db` mark: a database query here fails the test (the warm-up must not need one).
    from duikou import gunicorn_conf, gunicorn_hooks
    from duikou.core.dates import today_for
    from duikou.supervision import lights

    loader, cache = _cached_templates()
    loader.reset()
    lights._light_stages.cache_clear()
    assert "targets/target_list.html" not in cache and "plans/plan_detail.html" not in cache

    failed = gunicorn_hooks.warm()

    assert failed == []
    assert {"targets/target_list.html", "plans/plan_detail.html", "web/dashboard.html"} <= set(cache)
    assert lights._light_stages.cache_info().currsize == 1
    assert lights._light_stages.cache_info().hits == 0
    lights._light_stages(today_for())  # the first page of the day finds them built
    assert lights._light_stages.cache_info().hits == 1
    # `duikou serve` runs gunicorn with duikou.gunicorn_conf, whose hook it is.
    assert gunicorn_conf.post_worker_init is gunicorn_hooks.post_worker_init


def test_the_light_expressions_kept_for_a_day_are_not_used_the_next():
    from duikou.plans.models import Task
    from duikou.supervision import lights

    today = dt.date(2025, 3, 31)
    first = lights._light_stages(today)
    assert lights._light_stages(today) is first  # kept for the day
    sql = {
        day: str(lights.annotate_lights(Task.objects.all(), day).query)
        for day in (today, dt.date(2025, 4, 1))
    }
    assert "2025-03-31" in sql[today] and "2025-03-31" not in sql[dt.date(2025, 4, 1)]
    assert "2025-04-01" in sql[dt.date(2025, 4, 1)]


def test_a_worker_freezes_what_it_loaded_after_the_warm_up():
    # What the worker loaded lives as long as it does: the collector should not walk it again on every full
    # collection (gunicorn_hooks.settle, run by post_worker_init and by benchmarks/pages_bench.py alike).
    import gc
    from pathlib import Path

    from duikou import gunicorn_hooks

    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        assert gunicorn_hooks.settle() == []
        assert gc.get_freeze_count() > 10_000
        assert gc.get_count()[0] < 100  # collected before freezing: no garbage kept frozen
        # The youngest generation collected less often than Python's default of every 700 new objects.
        assert gc.get_threshold() == gunicorn_hooks.WORKER_GC_THRESHOLDS
        assert gc.get_threshold()[0] > thresholds[0]
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    bench = Path(__file__).resolve().parents[2] / "benchmarks" / "pages_bench.py"
    assert "gunicorn_hooks.settle()" in bench.read_text(encoding="utf-8")
