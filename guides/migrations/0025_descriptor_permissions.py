"""Statement descriptors (0024) are guide content: Editors and Publishers add, change and
delete them in a draft of a guide or of a channel, as they do a contact. Without these the
descriptor inlines were read-only to everyone but a superuser."""

from django.db import migrations

CODENAMES = [f"{action}_statementdescriptor" for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need these now.
    # (create_permissions skips an app without models_module, which a historical app lacks;
    # it is put back as it was, so that a test calling this with the project's own apps
    # leaves them whole.)
    app_config = apps.get_app_config("guides")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    granted = Permission.objects.filter(content_type__app_label="guides", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.add(*granted)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    revoked = Permission.objects.filter(content_type__app_label="guides", codename__in=CODENAMES)
    for group in Group.objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.remove(*revoked)


class Migration(migrations.Migration):

    dependencies = [
        ("guides", "0024_statement_descriptors"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
