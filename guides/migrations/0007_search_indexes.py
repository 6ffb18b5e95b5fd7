"""Search on PostgreSQL: the pg_trgm and unaccent extensions, an immutable unaccent wrapper
(unaccent() itself is only stable, so an index cannot use it), and a trigram index over each
provider's name and aliases. guides/search.py queries the very same expression.

A no-op on SQLite, where guides/search.py ranks the published providers in Python.
"""

from django.db import migrations

POSTGRESQL_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
    "CREATE EXTENSION IF NOT EXISTS unaccent;",
    """
    CREATE OR REPLACE FUNCTION cancelflow_unaccent(text) RETURNS text AS $$
        SELECT public.unaccent('public.unaccent'::regdictionary, $1)
    $$ LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT;
    """,
    # GiST rather than GIN: besides LIKE '%…%' it hands out the nearest names in order
    # (ORDER BY query <<-> document LIMIT n), which finds a typo without any threshold.
    """
    CREATE INDEX IF NOT EXISTS provider_search_trgm ON guides_provider
    USING gist (cancelflow_unaccent(lower(name || ' ' || aliases)) gist_trgm_ops);
    """,
]
# The extensions stay: other database objects may have come to use them.
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS provider_search_trgm;",
    "DROP FUNCTION IF EXISTS cancelflow_unaccent(text);",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in statements:
        schema_editor.execute(sql)


def create(apps, schema_editor):
    _run(schema_editor, POSTGRESQL_CREATE)


def drop(apps, schema_editor):
    _run(schema_editor, POSTGRESQL_DROP)


class Migration(migrations.Migration):
    dependencies = [("guides", "0006_editor_groups")]

    operations = [migrations.RunPython(create, drop)]
