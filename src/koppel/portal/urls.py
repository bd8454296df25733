"""Every portal page and every public page. `urlpatterns` are the pages for mentors, youth and parents
or guardians, under /me/ and the `portal:` namespace; the public pages have a namespace of their own
each, included from koppel/urls.py: `public` (application forms, /join/), `links` (pages opened by a
personal signed link, /link/), `feeds` (calendar feeds, /feed/) and `statements` (privacy and
accessibility statements, at the root). A new page goes under the prefix of what it is about, and its
view in `views/<area>.py`."""

from django.urls import include, path

from koppel.portal.views import (
    agreement,
    calendar,
    home,
    matches,
    meetings,
    mentor,
    natural,
    own_file,
    privacy,
    public,
    statements,
    support,
    surveys,
)

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    path("youth/<int:pk>/", home.youth_detail, name="youth_detail"),
    path("propose-mentor/", natural.propose_mentor, name="propose_mentor"),
    path("training/", mentor.training, name="training"),
    path("support/", mentor.support_contacts, name="support_contacts"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path(
        "matches/<int:pk>/",
        include(
            [
                path("", matches.match_detail, name="match_detail"),
                path("agreement/", agreement.agreement, name="agreement"),
                path("meetings/", meetings.match_meetings, name="match_meetings"),
                path("meetings/new/", meetings.meeting_log, name="meeting_log"),
            ]
        ),
    ),
    path(
        "meetings/<int:pk>/",
        include(
            [
                path("edit/", meetings.meeting_edit, name="meeting_edit"),
                path("confirm/", meetings.meeting_confirm, name="meeting_confirm"),
            ]
        ),
    ),
    path(
        "concerns/",
        include(
            [
                path("", support.concerns, name="concerns"),
                path("new/", support.concern_raise, name="concern_raise"),
            ]
        ),
    ),
    path("resources/", support.resources, name="resources"),
    path("peer-supervision/", support.peer_sessions, name="peer_sessions"),
    path(
        "surveys/",
        include(
            [
                path("", surveys.my_surveys, name="my_surveys"),
                path("<int:pk>/", surveys.survey, name="survey"),
                path("<int:pk>/save/", surveys.survey_save, name="survey_save"),
            ]
        ),
    ),
    path(
        "my-data/",
        include(
            [
                path("", privacy.my_data, name="my_data"),
                path("new/", privacy.access_request_new, name="access_request_new"),
                path("<int:pk>/", privacy.access_request_detail, name="access_request_detail"),
                path("<int:pk>/download/", privacy.access_request_download, name="access_request_download"),
            ]
        ),
    ),
    path(
        "who-looked/",
        include(
            [
                path("", own_file.who_looked, name="who_looked"),
                path("<slug:kind>/<int:pk>/", own_file.who_looked_file, name="who_looked_file"),
            ]
        ),
    ),
    path("own-consent/<int:pk>/", own_file.own_consent, name="own_consent"),
]

# Public pages without login: a programme's application form, opened by its campaign's token.
public_urls = (
    [
        path("<str:token>/", public.apply, name="apply"),
        path("<str:token>/thanks/", public.apply_thanks, name="apply_thanks"),
    ],
    "public",
)

# Pages opened through a personal signed link, without login (AGR-1: consent; surveys).
link_urls = (
    [
        path("consent/<str:token>/", agreement.consent_by_link, name="consent"),
        path("survey/<str:token>/", surveys.survey_by_link, name="survey"),
        path("survey/<str:token>/save/", surveys.survey_save_by_link, name="survey_save"),
    ],
    "links",
)

# Calendar feeds: public, opened by a calendar app through a personal signed URL.
feed_urls = (
    [
        path("<str:token>.ics", calendar.calendar_feed_view, name="calendar"),
    ],
    "feeds",
)

# The privacy and accessibility statements, linked from every page's footer; one per organisation on
# an install with several.
statement_urls = (
    [
        path("privacy/", statements.privacy_statement, name="privacy"),
        path("privacy/<slug:slug>/", statements.privacy_statement, name="privacy_organisation"),
        path("accessibility/", statements.accessibility_statement, name="accessibility"),
        path(
            "accessibility/<slug:slug>/",
            statements.accessibility_statement,
            name="accessibility_organisation",
        ),
    ],
    "statements",
)
