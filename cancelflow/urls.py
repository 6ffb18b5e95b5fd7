from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import include, path

from cancelflow.security import admin_login
from guides.web import views as guide_views
from guides.web.sitemaps import SITEMAPS

admin.site.site_header = "cancelflow editors"
admin.site.site_title = "cancelflow editors"
admin.site.index_title = "Guides"
admin.site.site_url = "/"

urlpatterns = [
    path(f"{settings.ADMIN_PATH}login/", admin_login, name="admin_login"),
    path(f"{settings.ADMIN_PATH}two-factor/", include("accounts.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("healthz", guide_views.healthz, name="healthz"),
    path("robots.txt", guide_views.robots_txt, name="robots_txt"),
    # An index of the sections, each of them in pages of at most 50,000 addresses (every
    # page in every language makes many more than one file may hold).
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"}),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("api/v1/", include("guides.api.urls")),
]
# The visitor's pages, in English without a prefix and under /de/, /fr/, /es/
# (cancelflow/languages.py).
urlpatterns += i18n_patterns(
    path("jsi18n/", guide_views.javascript_catalog, name="javascript_catalog"),
    path("", include("guides.web.urls")),
    prefix_default_language=False,
)

if settings.BENCH:

    def baseline(request):
        """make bench's yardstick: the framework's bare response, no database, no template."""
        return HttpResponse(b"ok", content_type="text/plain")

    urlpatterns.insert(0, path("bench/baseline", baseline))
