"""A subtree (tree_path__startswith) is exactly the units under the path, and SQLite reads it from the index."""

import pytest
from django.db import connection

from duikou.organizations.models import Organization


@pytest.mark.django_db
def test_a_subtree_is_the_units_under_the_path_read_as_an_index_range():
    paths = {"inside": "/7/263/", "below": "/7/263/9/", "digit after": "/7/2630/", "shorter": "/7/26/"}
    for name, path in paths.items():
        made = Organization.objects.create(name=name, kind=Organization.OTHER)
        Organization.objects.filter(pk=made.pk).update(tree_path=path)  # paths chosen, not made from ids
    subtree = Organization.objects.filter(tree_path__startswith="/7/263/")
    assert set(subtree.values_list("name", flat=True)) == {"inside", "below"}
    if connection.vendor == "sqlite":
        # LIKE is a range only on NOCASE columns in SQLite: without the lookup this plan scanned the whole index.
        sql, params = subtree.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            plan = " ".join(str(row[-1]) for row in cursor.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert "tree_path>? AND tree_path<?" in plan, plan
