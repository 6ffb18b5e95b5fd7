"""Search on PostgreSQL finds a guide by its aliases in every language: the trigram index
of migration 0007 covered the name and the `aliases` column, which since 0015 holds one
language's aliases only. It now covers the name and every language's column, a
translation not made yet (NULL) counting as blank. guides/search/database.py queries the
very same expression (PROVIDER_DOCUMENT): keep the two the same, or PostgreSQL stops using
the index.

A no-op on SQLite, where the published providers are ranked in Python.
"""

from django.db import migrations

LANGUAGES = ("en", "de", "fr", "es")
EVERY_LANGUAGE = " || ' ' || ".join(f"coalesce(aliases_{code}, '')" for code in LANGUAGES)

POSTGRESQL_CREATE = [
    "DROP INDEX IF EXISTS provider_search_trgm;",
    f"""
    CREATE INDEX provider_search_trgm ON guides_provider
    USING gist (cancelflow_unaccent(lower(name || ' ' || {EVERY_LANGUAGE})) gist_trgm_ops);
    """,
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS provider_search_trgm;",
    """
    CREATE INDEX provider_search_trgm ON guides_provider
    USING gist (cancelflow_unaccent(lower(name || ' ' || aliases)) gist_trgm_ops);
    """,
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
    dependencies = [("guides", "0015_translated_texts")]

    operations = [migrations.RunPython(create, drop)]
