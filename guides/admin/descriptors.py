"""Statement descriptors, edited inline on a provider and on a channel."""

from django.utils.translation import gettext_lazy as _

from guides.admin.mixins import OrderedTabularInline
from guides.models import StatementDescriptor


class DescriptorInline(OrderedTabularInline):
    model = StatementDescriptor
    fields = ["position", "pattern", "example", "source_url", "last_verified_on"]
    extra = 0
    verbose_name = _("statement descriptor")
    verbose_name_plural = _("statement descriptors (how a charge reads on a statement)")


class ProviderDescriptorInline(DescriptorInline):
    fk_name = "provider"
