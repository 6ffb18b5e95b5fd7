"""/api/v1/: the API's URLs (ninja's), each behind its HTTP conventions (http.py), and a
JSON 404 for anything else under /api/v1/."""

from django.urls import URLPattern, path, re_path

from guides.api import http
from guides.api.v1 import api

app_name = "api"

urlpatterns = [
    path(str(pattern.pattern), http.read_only(pattern.callback), name=pattern.name)
    for pattern in api.urls[0]
    # ninja's own root view: /api/v1/ is the index endpoint.
    if isinstance(pattern, URLPattern) and pattern.name != "api-root"
]
# Anything else under /api/v1/ is a JSON 404, not the site's HTML page (a newline too).
urlpatterns.append(re_path(r"^(?P<path>[\s\S]*)$", http.not_found, name="not_found"))
