from django.urls import path

from guides.web import feedback, views

app_name = "guides"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("channels/<slug:slug>/", views.channel, name="channel"),
    path("request/", views.request_guide, name="request_guide"),
    path("request/thanks/", views.request_guide_thanks, name="request_guide_thanks"),
    path("cancel/<slug:provider>/", views.provider_flow, name="provider"),
    path("cancel/<slug:provider>/<path:route_path>/", views.provider_flow, name="route"),
    path("feedback/<slug:provider>/<path:route_path>/", feedback.feedback, name="feedback"),
]
