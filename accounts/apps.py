from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff sign-in"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (records logins)
