from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = "Guides"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from guides import models
        from guides.caching import content_version

        # Any change to what a page shows bumps the content version: every instance drops what
        # it kept (cached pages, guides in memory).
        # (Cache bookkeeping, not business logic: the one thing signals are used for here.)
        for model in (
            models.Category,
            models.Provider,
            models.PurchaseChannel,
            models.Route,
            models.Step,
            models.OfficialContact,
            models.ProviderNote,
            models.Question,
            models.StatementDescriptor,
        ):
            post_save.connect(content_version.bump, sender=model, dispatch_uid=f"pages-{model}")
            post_delete.connect(content_version.bump, sender=model, dispatch_uid=f"pages-d-{model}")
