"""The public, read-only JSON API at /api/v1/ (docs/api.md), on django-ninja.

schemas.py (and channel_schemas.py, for the channels) and params.py describe the responses
and the query parameters once; ninja builds the responses through them and generates the
OpenAPI document from them (v1.py). views.py holds the endpoints, http.py the HTTP
conventions (ETag, CORS, JSON errors, methods), flow.py a provider's whole flow, and
urls.py the URLs.
"""
