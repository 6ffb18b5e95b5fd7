"""Statement descriptors (0024) are guide content: Editors and Publishers add, change and
delete them in a draft of a guide or of a channel, as they do a contact. Without these the
descriptor inlines were read-only to everyone but a superuser."""

from django.db import migrations

CODENAMES = [f"{action}_statementdescriptor" for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need these now.
    app_config = apps.get_app_config("guides")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

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
