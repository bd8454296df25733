"""Every staff page, under /staff/ and the `staff:` namespace. Each prefix says where its pages go:
a new page goes under the prefix of what it is about, and its view in `views/<area>.py`."""

from django.urls import URLPattern, include, path

from koppel.staff.views import (
    account_reads,
    agreement,
    closure,
    concerns,
    erasure,
    exports,
    imports,
    instruments,
    intake,
    matches,
    matching,
    matching_pairs,
    matching_weights,
    meetings,
    outcomes,
    people,
    privacy,
    privacy_access,
    programmes,
    recruitment,
    reminders,
    reports,
    retention,
    screening,
    support,
    surveys,
    training,
    worklist,
)

app_name = "staff"


def person_pages(kind: str, *, create: bool = True) -> list[URLPattern]:
    """The pages every kind of person has: the list, registering one, and per person their page,
    the edit form, history, access log, erasure and access archive."""
    k = {"kind": kind}
    return [
        path("", people.person_list, k, name=f"{kind}_list"),
        *([path("new/", people.person_create, k, name=f"{kind}_create")] if create else []),
        path("<int:pk>/", people.person_detail, k, name=f"{kind}_detail"),
        path("<int:pk>/edit/", people.person_edit, k, name=f"{kind}_edit"),
        path("<int:pk>/history/", people.person_history, k, name=f"{kind}_history"),
        path("<int:pk>/access-log/", people.person_access_log, k, name=f"{kind}_access_log"),
        path("<int:pk>/erase/", erasure.person_erase, k, name=f"{kind}_erase"),
        path("<int:pk>/access-archive/", privacy_access.access_request_new, k, name=f"{kind}_access_request"),
    ]


urlpatterns = [
    path("", programmes.overview, name="overview"),
    path("caseload/", people.caseload, name="caseload"),
    path(
        "worklist/",
        include(
            [
                path("", worklist.worklist, name="worklist"),
                path("<slug:key>/", worklist.worklist_section, name="worklist_section"),
            ]
        ),
    ),
    path(
        "programmes/<int:pk>/",
        include(
            [
                path("", programmes.programme_detail, name="programme_detail"),
                path("edit/", programmes.programme_edit, name="programme_edit"),
                path("settings/", programmes.programme_settings, name="programme_settings"),
                path("history/", programmes.programme_history, name="programme_history"),
                path("holidays/", meetings.programme_holidays, name="programme_holidays"),
                path("matching/weights/", matching_weights.matching_weights, name="matching_weights"),
                path(
                    "matching/weights/preview/",
                    matching_weights.matching_weights_preview,
                    name="matching_weights_preview",
                ),
                path("matching/pair/", matching_pairs.matching_pair, name="matching_pair"),
                path("matching/pool/", matching_pairs.matching_pool, name="matching_pool"),
                path(
                    "survey-schedules/",
                    surveys.programme_survey_schedules,
                    name="programme_survey_schedules",
                ),
                path("surveys/", surveys.programme_surveys, name="programme_surveys"),
            ]
        ),
    ),
    path(
        "mentors/",
        include(
            [
                *person_pages("mentor"),
                path("applications/<int:pk>/", recruitment.repeat_application, name="repeat_application"),
                path(
                    "<int:pk>/screening/",
                    include(
                        [
                            path("", screening.mentor_screening, name="mentor_screening"),
                            path("status/", screening.mentor_transition, name="mentor_transition"),
                            path("interviews/new/", screening.interview_create, name="interview_create"),
                            path("references/new/", screening.reference_create, name="reference_create"),
                            path("vog/new/", screening.vog_create, name="vog_create"),
                            path("disclosures/new/", screening.disclosure_create, name="disclosure_create"),
                        ]
                    ),
                ),
                path("<int:pk>/training/", training.mentor_training, name="mentor_training"),
                path(
                    "<int:pk>/training/hours/",
                    training.mentor_training_hours_add,
                    name="mentor_training_hours_add",
                ),
            ]
        ),
    ),
    path(
        "youth/",
        include(
            [
                *person_pages("youth"),
                path("register/", recruitment.youth_register, name="youth_register"),
                path("<int:pk>/intake/", intake.youth_intake, name="youth_intake"),
                path(
                    "<int:pk>/waiting-list/",
                    intake.youth_add_to_waiting_list,
                    name="youth_add_to_waiting_list",
                ),
                path("<int:pk>/withdraw/", intake.youth_withdraw, name="youth_withdraw"),
                path("<int:pk>/surveys/", surveys.youth_surveys, name="youth_surveys"),
                path("<int:youth_pk>/guardians/new/", people.guardian_create, name="guardian_create"),
                path("<int:youth_pk>/guardians/link/", people.guardian_link, name="guardian_link"),
            ]
        ),
    ),
    path("guardians/", include(person_pages("guardian", create=False))),
    path(
        "people/",
        include(
            [
                path("import/", imports.import_people_page, name="import_people"),
                path("export/", imports.export_people_page, name="export_people"),
            ]
        ),
    ),
    path(
        "campaigns/",
        include(
            [
                path("", recruitment.campaign_list, name="campaign_list"),
                path("new/", recruitment.campaign_create, name="campaign_create"),
                path("<int:pk>/", recruitment.campaign_detail, name="campaign_detail"),
                path("<int:pk>/edit/", recruitment.campaign_edit, name="campaign_edit"),
            ]
        ),
    ),
    path(
        "screening/",
        include(
            [
                path("interviews/<int:pk>/", screening.interview_edit, name="interview_edit"),
                path("references/<int:pk>/", screening.reference_edit, name="reference_edit"),
                path("vog/<int:pk>/", screening.vog_edit, name="vog_edit"),
                path("disclosures/<int:pk>/review/", screening.disclosure_review, name="disclosure_review"),
            ]
        ),
    ),
    path("waiting-list/", intake.waiting_list_page, name="waiting_list"),
    path(
        "training/",
        include(
            [
                path("sessions/", training.session_list, name="training_sessions"),
                path("sessions/new/", training.session_create, name="training_session_create"),
                path("sessions/<int:pk>/", training.session_detail, name="training_session_detail"),
                path(
                    "sessions/<int:pk>/register/",
                    training.session_register,
                    name="training_session_register",
                ),
                path("alerts/", training.training_alerts, name="training_alerts"),
                path("peer-groups/", training.peer_group_list, name="peer_groups"),
                path("peer-groups/new/", training.peer_group_create, name="peer_group_create"),
                path("peer-groups/<int:pk>/", training.peer_group_detail, name="peer_group_detail"),
            ]
        ),
    ),
    path(
        "matching/",
        include(
            [
                path("", matching.round_list, name="match_rounds"),
                path("new/", matching.round_create, name="match_round_create"),
                path("<int:pk>/", matching.round_detail, name="match_round_detail"),
                path("<int:pk>/progress/", matching.round_progress, name="match_round_progress"),
                path("<int:pk>/rerun/", matching.round_rerun, name="match_round_rerun"),
                path(
                    "proposals/<int:pk>/<str:action>/",
                    matching.proposal_decide,
                    name="match_proposal_decide",
                ),
                path(
                    "proposals/<int:pk>/mentors/<int:mentor_pk>/<str:kind>/",
                    matching.pair_rule_set,
                    name="match_pair_rule_set",
                ),
                path("pairs/<int:pk>/release/", matching.pair_rule_release, name="match_pair_rule_release"),
            ]
        ),
    ),
    path("matches/", matches.match_list, name="match_list"),
    path(
        "matches/<int:pk>/",
        include(
            [
                path("", matches.match_detail, name="match_detail"),
                path("introduce/", matches.match_introduce, name="match_introduce"),
                path("start/", matches.match_activate, name="match_activate"),
                path("pause/", matches.match_pause, name="match_pause"),
                path("resume/", matches.match_resume, name="match_resume"),
                path("agreement/", agreement.match_agreement, name="match_agreement"),
                path("agreement/edit/", agreement.match_agreement_edit, name="match_agreement_edit"),
                path(
                    "agreement/send-links/",
                    agreement.match_agreement_send_links,
                    name="match_agreement_send_links",
                ),
                path("agreement/pdf/", agreement.match_agreement_pdf, name="match_agreement_pdf"),
                path("meetings/", meetings.match_meetings, name="match_meetings"),
                path("support/", support.match_support, name="match_support"),
                path("support/add/", support.match_support_add, name="match_support_add"),
                path("closure/", closure.match_closure, name="match_closure"),
                path(
                    "closure/conversation/",
                    closure.closure_conversation_add,
                    name="closure_conversation_add",
                ),
                path("closure/close/", closure.match_close, name="match_close"),
                path("closure/rematch/", closure.match_rematch, name="match_rematch"),
                path("cancel/", closure.match_cancel, name="match_cancel"),
            ]
        ),
    ),
    path("consents/<int:pk>/paper/", agreement.consent_record_paper, name="consent_record_paper"),
    path("holidays/<int:pk>/delete/", meetings.programme_holiday_delete, name="programme_holiday_delete"),
    path(
        "concerns/",
        include(
            [
                path("", concerns.concern_list, name="concern_list"),
                path("new/", concerns.concern_create, name="concern_create"),
                path("<int:pk>/", concerns.concern_detail, name="concern_detail"),
                path("<int:pk>/take-up/", concerns.concern_take_up, name="concern_take_up"),
                path("<int:pk>/close/", concerns.concern_close, name="concern_close"),
            ]
        ),
    ),
    path(
        "resources/",
        include(
            [
                path("", concerns.resource_list, name="resource_list"),
                path("new/", concerns.resource_create, name="resource_create"),
                path("<int:pk>/edit/", concerns.resource_edit, name="resource_edit"),
                path("<int:pk>/delete/", concerns.resource_delete, name="resource_delete"),
            ]
        ),
    ),
    path(
        "reminders/",
        include(
            [
                path("", reminders.reminder_list, name="reminders"),
                path("<int:pk>/retry/", reminders.reminder_retry, name="reminder_retry"),
                path("mail/<int:pk>/retry/", reminders.mail_retry, name="mail_retry"),
            ]
        ),
    ),
    path(
        "survey-schedules/<int:pk>/",
        include(
            [
                path("edit/", surveys.survey_schedule_edit, name="survey_schedule_edit"),
                path("deactivate/", surveys.survey_schedule_deactivate, name="survey_schedule_deactivate"),
            ]
        ),
    ),
    path(
        "surveys/<int:pk>/",
        include(
            [
                path("", surveys.survey_detail, name="survey_detail"),
                path("new-link/", surveys.survey_link_reissue, name="survey_link_reissue"),
            ]
        ),
    ),
    path(
        "instruments/",
        include(
            [
                path("", instruments.instrument_list, name="instruments"),
                path("load/", instruments.instrument_load, name="instrument_load"),
                path("<int:pk>/", instruments.instrument_detail, name="instrument_detail"),
                path("<int:pk>/active/", instruments.instrument_set_active, name="instrument_set_active"),
            ]
        ),
    ),
    path("quality-alerts/<int:pk>/handled/", instruments.quality_alert_handle, name="quality_alert_handle"),
    path(
        "reports/",
        include(
            [
                path("", reports.dashboard, name="dashboard"),
                path("outcomes/", outcomes.outcomes, name="outcomes"),
            ]
        ),
    ),
    path(
        "exports/",
        include(
            [
                path("", exports.export_list, name="export_list"),
                path("new/", exports.export_request, name="export_request"),
                path("<int:pk>/", exports.export_detail, name="export_detail"),
                path("<int:pk>/download/", exports.export_download, name="export_download"),
            ]
        ),
    ),
    path(
        "privacy/",
        include(
            [
                path("", privacy.privacy_overview, name="privacy"),
                path(
                    "register.csv", privacy.register_download, {"format": "csv"}, name="privacy_register_csv"
                ),
                path(
                    "register.pdf", privacy.register_download, {"format": "pdf"}, name="privacy_register_pdf"
                ),
                path("access/", privacy_access.access_request_list, name="access_request_list"),
                path("access/<int:pk>/", privacy_access.access_request_detail, name="access_request_detail"),
                path(
                    "access/<int:pk>/download/",
                    privacy_access.access_request_download,
                    name="access_request_download",
                ),
                path("account-reads/", account_reads.account_reads, name="files_read"),
                path("account-reads/csv/", account_reads.account_reads_csv, name="files_read_csv"),
                path("erasures/", erasure.erasure_list, name="erasure_list"),
                path("retention/", retention.retention_page, name="privacy_retention"),
                path("retention/preview/", retention.retention_preview, name="privacy_retention_preview"),
                path(
                    "retention/<slug:rule>/items/", retention.retention_items, name="privacy_retention_items"
                ),
                path("retention/<slug:rule>/edit/", retention.retention_edit, name="privacy_retention_edit"),
            ]
        ),
    ),
]
