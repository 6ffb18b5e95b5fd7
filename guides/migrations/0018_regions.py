"""Where a part of a guide applies: `regions` on routes, steps, notes, contacts and channels'
variants. A contact's free-text `region` becomes codes; a text that names no country is kept
in the contact's label, so nothing an editor typed is lost."""

import importlib

import django_countries.fields
from django.db import migrations

# Adding a column to guides_route makes SQLite rebuild the table, which drops its trigger
# (migration 0002): it is made again at the end.
route_trigger = importlib.import_module("guides.migrations.0002_route_parent_same_provider")


NAMED = {"united states": "US", "usa": "US", "u.s.": "US", "uk": "GB", "europe": "EU"}


def region_to_codes(apps, schema_editor):
    from django_countries import countries

    OfficialContact = apps.get_model("guides", "OfficialContact")
    for contact in OfficialContact.objects.exclude(region=""):
        text = contact.region.strip()
        code = NAMED.get(text.lower()) or countries.by_name(text) or (
            text.upper() if len(text) == 2 and text.upper() in countries else ""
        )
        if code:
            contact.regions = [code]
        else:
            contact.label = f"{contact.label} ({text})".strip()[:120]
        contact.save(update_fields=["regions", "label"])


def codes_to_region(apps, schema_editor):
    OfficialContact = apps.get_model("guides", "OfficialContact")
    for contact in OfficialContact.objects.exclude(regions=""):
        contact.region = ",".join(str(code) for code in contact.regions)[:80]
        contact.save(update_fields=["region"])


def remake_route_trigger(apps, schema_editor):
    route_trigger.drop_trigger(apps, schema_editor)
    route_trigger.create_trigger(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('guides', '0017_translation_sources'),
    ]

    operations = [
        migrations.AddField(
            model_name='officialcontact',
            name='regions',
            field=django_countries.fields.CountryField(blank=True, help_text='The countries (or groups, such as the European Union) where this applies; none: everywhere.', max_length=755, multiple=True, verbose_name='only in'),
        ),
        migrations.RunPython(region_to_codes, codes_to_region),
        migrations.RemoveField(
            model_name='officialcontact',
            name='region',
        ),
        migrations.AlterModelOptions(
            name='officialcontact',
            options={'ordering': ['kind', 'regions', 'value']},
        ),
        migrations.AddField(
            model_name='providernote',
            name='regions',
            field=django_countries.fields.CountryField(blank=True, help_text='The countries (or groups, such as the European Union) where this applies; none: everywhere.', max_length=755, multiple=True, verbose_name='only in'),
        ),
        migrations.AddField(
            model_name='purchasechannel',
            name='regions',
            field=django_countries.fields.CountryField(blank=True, help_text='The countries (or groups, such as the European Union) where this applies; none: everywhere.', max_length=755, multiple=True, verbose_name='only in'),
        ),
        migrations.AddField(
            model_name='route',
            name='regions',
            field=django_countries.fields.CountryField(blank=True, help_text='The countries (or groups, such as the European Union) where this applies; none: everywhere.', max_length=755, multiple=True, verbose_name='only in'),
        ),
        migrations.AddField(
            model_name='step',
            name='regions',
            field=django_countries.fields.CountryField(blank=True, help_text='The countries (or groups, such as the European Union) where this applies; none: everywhere.', max_length=755, multiple=True, verbose_name='only in'),
        ),
            migrations.RunPython(remake_route_trigger, migrations.RunPython.noop),
    ]
