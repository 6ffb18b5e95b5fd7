from django.urls import path

from guides.web import didnt_work, feedback, number_check, plan, record, reminder, views

app_name = "guides"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("channels/<slug:slug>/", views.channel, name="channel"),
    path("check-number/", number_check.check_number, name="check_number"),
    path("request/", views.request_guide, name="request_guide"),
    path("request/thanks/", views.request_guide_thanks, name="request_guide_thanks"),
    path("cancel/<slug:provider>/", views.provider_flow, name="provider"),
    # Before "route": its last segment is not an answer (guides/web/didnt_work.py). A guide
    # whose steps need no answer has them on its own page: its way on has no route path.
    path(
        "cancel/<slug:provider>/didnt-work/",
        didnt_work.didnt_work,
        {"route_path": ""},
        name="didnt_work_direct",
    ),
    path(
        "cancel/<slug:provider>/<path:route_path>/didnt-work/",
        didnt_work.didnt_work,
        name="didnt_work",
    ),
    path("cancel/<slug:provider>/<path:route_path>/", views.provider_flow, name="route"),
    path("reminder/<slug:provider>/", reminder.reminder_page, name="reminder"),
    path("reminder/<slug:provider>.ics", reminder.reminder_calendar, name="reminder_calendar"),
    path("plan/", plan.plan, name="plan"),
    path("record/<slug:provider>/<path:route_path>/", record.record, name="record"),
    path("feedback/<slug:provider>/<path:route_path>/", feedback.feedback, name="feedback"),
]
