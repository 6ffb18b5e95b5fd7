"""/api/v1/: the public, read-only JSON API (docs/api.md)."""

from django.urls import path, re_path

from . import api

app_name = "api"

urlpatterns = [
    path("", api.index, name="index"),
    path("providers/", api.providers, name="providers"),
    path("providers/<slug:slug>/", api.provider, name="provider"),
    path("channels/", api.channels, name="channels"),
    path("channels/<slug:slug>/", api.channel, name="channel"),
    path("categories/", api.categories, name="categories"),
    path("openapi.json", api.openapi, name="openapi"),
    # Anything else under /api/v1/ is a JSON 404, not the site's HTML page.
    re_path(r"^(?P<path>.*)$", api.not_found, name="not_found"),
]
