"""The hosts the link checks ask, one row each: one request at a time to a host, a delay
between two, across every worker process (guides/links/fetch.py)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('guides', '0020_link_checks'),
    ]

    operations = [
        migrations.CreateModel(
            name='LinkHost',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('host', models.CharField(max_length=255, unique=True)),
                ('free_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('holder', models.CharField(blank=True, max_length=32)),
            ],
        ),
    ]
