"""Known scam numbers (guides/models/scams.py), edited by Editors and Publishers, confirmed by
a Publisher; seeded with the fake Kaspersky support number of the research's scam page."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CODENAMES = [f"{action}_scamnumber" for action in ("add", "change", "delete", "view")]

# The SEO spam page in the research (research/001_…): "1→855(737)→0477", written again and
# again beside Kaspersky's name. Its address was not kept with it.
SEED = {
    "number": "+18557370477",
    "company": "Kaspersky",
    "source_url": "",
    "seen_on": datetime.date(2026, 12, 7),
    "note": (
        "A tech-support-scam SEO page about cancelling Kaspersky repeats this number as "
        "Kaspersky's support line, written with arrows and brackets. Kaspersky publishes "
        "no such number."
    ),
    "confirmed_on": datetime.date(2026, 12, 7),
}


def seed_and_grant(apps, schema_editor):
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
    ScamNumber = apps.get_model("guides", "ScamNumber")
    ScamNumber.objects.get_or_create(number=SEED["number"], defaults=SEED)


def unseed(apps, schema_editor):
    apps.get_model("guides", "ScamNumber").objects.filter(number=SEED["number"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('guides', '0022_contact_verified_on_help'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('auth', '__latest__'),
        ('contenttypes', '__latest__'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScamNumber',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(help_text='Type it as you found it; it is kept in its international form (+1855…).', max_length=20)),
                ('company', models.CharField(blank=True, help_text='The company it pretends to be, as the scam page names it.', max_length=120)),
                ('source_url', models.URLField(blank=True, help_text="The page where it was seen. Visitors see only its site's name, never a link: we do not send anyone to a scam page.", max_length=500)),
                ('seen_on', models.DateField(help_text='When it was seen there.')),
                ('note', models.TextField(blank=True, help_text='For the editors: how it was found, what it says.', max_length=2000)),
                ('confirmed_on', models.DateField(blank=True, editable=False, null=True)),
                ('confirmed_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('provider', models.ForeignKey(blank=True, help_text='The company it pretends to be, if we have a guide for it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='scam_numbers', to='guides.provider')),
            ],
            options={
                'ordering': ['-seen_on', 'number'],
                'constraints': [models.UniqueConstraint(fields=('number',), name='scam_number_unique'), models.CheckConstraint(condition=models.Q(('number__startswith', '+')), name='scam_number_e164', violation_error_message='A scam number is kept in its international form.')],
            },
        ),
        migrations.RunPython(seed_and_grant, unseed),
    ]
