from django.urls import path

from . import views

app_name = "guides"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("channels/<slug:slug>/", views.channel, name="channel"),
    path("cancel/<slug:provider>/", views.provider_flow, name="provider"),
    path("cancel/<slug:provider>/<path:route_path>/", views.provider_flow, name="route"),
]
