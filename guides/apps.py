from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = "Guides"

    def ready(self) -> None:
        from guides.caching import touched

        # A change to what visitors see is written to the change log, naming what it touched
        # (guides/caching/touched.py): every process drops what it kept of that alone.
        touched.connect()
