"""The two editorial roles.

Editors change guide content and triage feedback; nothing about users or groups.
Publishers also publish guides and mark them verified. Add a person to a group in the admin
(Users → the user → Groups), with "Staff status" ticked.
"""

from django.db import migrations

CONTENT_MODELS = [
    "category",
    "provider",
    "purchasechannel",
    "route",
    "step",
    "officialcontact",
    "providernote",
    "question",
]
TRIAGE_MODELS = ["feedback", "guiderequest"]
PUBLISHER_ONLY = ["publish_provider", "verify_provider"]


def editor_codenames():
    codenames = [
        f"{action}_{model}"
        for model in CONTENT_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    codenames += [
        f"{action}_{model}" for model in TRIAGE_MODELS for action in ("change", "delete", "view")
    ]
    return codenames


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; these groups need them now.
    # (create_permissions skips an app without models_module, which a historical app lacks;
    # it is put back as it was, so that a test calling this with the project's own apps
    # leaves them whole.)
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    guides = Permission.objects.filter(content_type__app_label="guides")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.set(guides.filter(codename__in=editor_codenames()))
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publishers.permissions.set(
        guides.filter(codename__in=[*editor_codenames(), *PUBLISHER_ONLY])
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0005_feedback_requests_and_verification"),
        ("auth", "__latest__"),
        ("contenttypes", "__latest__"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
