"""Rights notes: "your rights where you live", sourced and dated, per region, published with
four eyes (guides/models/rights.py). Editors and Publishers edit them as they edit guides."""

import django.core.validators
import django.db.models.deletion
import django_countries.fields
from django.conf import settings
from django.db import migrations, models

CODENAMES = [f"{action}_rightsnote" for action in ("add", "change", "delete", "view")]


def grant_to_editors(apps, schema_editor):
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
    granted = Permission.objects.filter(
        content_type__app_label="guides", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.add(*granted)


class Migration(migrations.Migration):

    dependencies = [
        ('guides', '0018_regions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('auth', '__latest__'),
        ('contenttypes', '__latest__'),
    ]

    operations = [
        migrations.CreateModel(
            name='RightsNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('translation_sources', models.JSONField(blank=True, db_default={}, default=dict, editable=False, help_text='What each translation was made from: digests of its English text and itself.')),
                ('slug', models.SlugField(help_text='Names the note in guide files.', max_length=120)),
                ('region', django_countries.fields.CountryField(help_text='Where this applies: a country, California (US-CA), or the European Union (EU).', max_length=10)),
                ('title', models.CharField(max_length=200)),
                ('title_en', models.CharField(max_length=200, null=True)),
                ('title_de', models.CharField(max_length=200, null=True)),
                ('title_fr', models.CharField(max_length=200, null=True)),
                ('title_es', models.CharField(max_length=200, null=True)),
                ('body', models.TextField(blank=True, help_text='Markdown.', max_length=10000)),
                ('body_en', models.TextField(blank=True, help_text='Markdown.', max_length=10000, null=True)),
                ('body_de', models.TextField(blank=True, help_text='Markdown.', max_length=10000, null=True)),
                ('body_fr', models.TextField(blank=True, help_text='Markdown.', max_length=10000, null=True)),
                ('body_es', models.TextField(blank=True, help_text='Markdown.', max_length=10000, null=True)),
                ('source_url', models.URLField(help_text="The official text: the law, or its regulator's page.", max_length=500)),
                ('sources', models.TextField(blank=True, help_text='More official pages, one address per line.', max_length=2000)),
                ('took_effect', models.DateField(blank=True, help_text='The day it took effect; empty: not yet in force.', null=True)),
                ('last_verified_on', models.DateField(blank=True, help_text='The day a person checked this note against its sources; empty until then.', null=True)),
                ('position', models.PositiveIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(9999)])),
                ('published', models.JSONField(blank=True, editable=False, null=True)),
                ('published_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('published_alone', models.BooleanField(default=False, editable=False)),
                ('editors', models.ManyToManyField(blank=True, editable=False, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('published_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['region', 'position', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('slug',), name='rightsnote_slug_unique', violation_error_message='Another rights note already has this slug.'), models.CheckConstraint(condition=models.Q(('source_url', ''), _negated=True), name='rightsnote_has_a_source', violation_error_message='A rights note needs its official source.')],
            },
        ),
        migrations.RunPython(grant_to_editors, migrations.RunPython.noop),
    ]
