"""A route's parent must belong to the same provider.

A check constraint cannot look at another row, so the invariant is a named trigger,
`route_parent_same_provider`, written for each database the project runs on. On SQLite a
later migration that rebuilds guides_route drops its triggers: tests/test_models.py checks
that the database still refuses a foreign parent, so such a migration must recreate it.
"""

from django.db import migrations

SQLITE_CREATE = [
    """
    CREATE TRIGGER route_parent_same_provider_insert
    BEFORE INSERT ON guides_route
    FOR EACH ROW WHEN NEW.parent_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM guides_route p WHERE p.id = NEW.parent_id AND p.provider_id = NEW.provider_id
    )
    BEGIN SELECT RAISE(ABORT, 'route_parent_same_provider'); END;
    """,
    """
    CREATE TRIGGER route_parent_same_provider_update
    BEFORE UPDATE OF parent_id, provider_id ON guides_route
    FOR EACH ROW WHEN (NEW.parent_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM guides_route p WHERE p.id = NEW.parent_id AND p.provider_id = NEW.provider_id
    )) OR EXISTS (
        SELECT 1 FROM guides_route c WHERE c.parent_id = NEW.id AND c.provider_id <> NEW.provider_id
    )
    BEGIN SELECT RAISE(ABORT, 'route_parent_same_provider'); END;
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS route_parent_same_provider_insert;",
    "DROP TRIGGER IF EXISTS route_parent_same_provider_update;",
]

POSTGRESQL_CREATE = [
    """
    CREATE OR REPLACE FUNCTION route_parent_same_provider() RETURNS trigger AS $$
    BEGIN
        IF NEW.parent_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM guides_route p
            WHERE p.id = NEW.parent_id AND p.provider_id = NEW.provider_id
        ) THEN
            RAISE EXCEPTION 'route_parent_same_provider' USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND EXISTS (
            SELECT 1 FROM guides_route c
            WHERE c.parent_id = NEW.id AND c.provider_id <> NEW.provider_id
        ) THEN
            RAISE EXCEPTION 'route_parent_same_provider' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER route_parent_same_provider
    BEFORE INSERT OR UPDATE OF parent_id, provider_id ON guides_route
    FOR EACH ROW EXECUTE FUNCTION route_parent_same_provider();
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS route_parent_same_provider ON guides_route;",
    "DROP FUNCTION IF EXISTS route_parent_same_provider();",
]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
}


def _run(schema_editor, index):
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        return  # other databases rely on Route.clean() alone
    for sql in statements[index]:
        schema_editor.execute(sql)


def create_trigger(apps, schema_editor):
    _run(schema_editor, 0)


def drop_trigger(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("guides", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
