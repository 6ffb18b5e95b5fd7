"""What is kept about staff sign-ins: one LoginRecord per login, with a keyed hash of the
device (browser and coarse network), never a raw address."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginRecord(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_records"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    device = models.CharField(
        max_length=64,
        help_text=_("A keyed hash of the browser and its coarse network: no address is stored."),
    )
    is_new_device = models.BooleanField(
        _("new device"),
        default=False,
        help_text=_("The first login of this user from this device."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "device"], name="loginrecord_user_device")]

    def __str__(self) -> str:
        return f"{self.user} at {self.created_at:%Y-%m-%d %H:%M}"
