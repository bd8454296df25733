"""Who looked at a file, read from the access log and the activity log (koppel.common.domain.audit).

Two readings of the same logs:

- `file_log` and `describe`: for the person themselves (the portal's "who looked at my file"): every
  view and every change of their file by someone else, when, by whom (a staff member by role and
  name; anyone else by role only), what kind of page or change. Never the reason, never another
  person's data; the person's own views and changes are left out.
- `reads_by_account`: for an administrator after a breach (AVG art. 33, 72 hours): which files
  (mentors, youth, parents, matches) one account read or changed in a period, with counts and the
  first and last time.

Both read a constant number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import CharField, Count, F, IntegerField, Max, Min, QuerySet, Value
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from koppel.accounts.models import User
from koppel.common.models import AccessLog, ActivityLog
from koppel.matches.models import Match
from koppel.people.models import Guardian, Mentor, Youth
from koppel.programmes.models import Administrator, Coordinator

VIEW = "view"
CHANGE = "change"

# What kind of page a view was on, said to the person whose file it is. Matched on the page name's
# last part (after "staff:" or "portal:" and the kind of person); anything else is "viewed a page
# about you".
PAGE_KINDS: dict[str, object] = {
    "detail": gettext_lazy("viewed your profile"),
    "edit": gettext_lazy("opened your profile to change it"),
    "history": gettext_lazy("viewed the history of your file"),
    "access_log": gettext_lazy("viewed who looked at your file"),
    "intake": gettext_lazy("viewed your intake"),
    "screening": gettext_lazy("viewed your screening"),
    "transition": gettext_lazy("viewed your screening"),
    "training": gettext_lazy("viewed your training hours"),
    "training_hours_add": gettext_lazy("viewed your training hours"),
    "agreement": gettext_lazy("viewed the agreement of your match"),
    "agreement_edit": gettext_lazy("viewed the agreement of your match"),
    "agreement_pdf": gettext_lazy("viewed the agreement of your match"),
    "consent": gettext_lazy("viewed the agreement of your match"),
    "meetings": gettext_lazy("viewed the meetings of your match"),
    "meeting_log": gettext_lazy("viewed the meetings of your match"),
    "meeting_edit": gettext_lazy("viewed the meetings of your match"),
    "support": gettext_lazy("viewed the support contacts of your match"),
    "closure": gettext_lazy("viewed the closure of your match"),
    "concern_detail": gettext_lazy("viewed a concern about your match"),
    "match_detail": gettext_lazy("viewed your match"),
    "files_read": gettext_lazy("viewed a list of files read by an account"),
}
PERSON_PREFIXES = ("mentor_", "youth_", "guardian_", "match_")

# Changes without field names, said by their action's last part.
ACTION_KINDS: dict[str, object] = {
    "created": gettext_lazy("registered you"),
    "status_changed": gettext_lazy("changed your status"),
    "guardian_linked": gettext_lazy("linked a parent or guardian to your file"),
    "intake_recorded": gettext_lazy("recorded your intake"),
    "matched": gettext_lazy("recorded your match"),
    "turned_sixteen": gettext_lazy("noted that you turned 16"),
    "invited": gettext_lazy("gave you your own login"),
}

ROLE_NAMES: dict[str, object] = {
    "administrator": gettext_lazy("administrator"),
    "coordinator": gettext_lazy("coordinator"),
    "mentor": gettext_lazy("a mentor"),
    "guardian": gettext_lazy("a parent or guardian"),
    "youth": gettext_lazy("a youth"),
    "former": gettext_lazy("someone whose login was removed"),
    "link": gettext_lazy("someone with a personal link"),
    "system": gettext_lazy("Koppel itself"),
    "other": gettext_lazy("someone else"),
}
STAFF_ROLES = ("administrator", "coordinator")


def _columns(queryset: QuerySet, kind: str, *, who: str, label: str, what: str) -> QuerySet:
    """The same six columns, in the same order, from either log: one UNION can page through both."""
    return queryset.annotate(
        kind=Value(kind, output_field=CharField()),
        who_id=F(who),
        who_label=F(label),
        what=F(what),
    ).values("id", "timestamp", "kind", "who_id", "who_label", "what")


def file_log(subject: models.Model, *, leave_out: Iterable[int | None] = ()) -> QuerySet:
    """Every view (access log) and change (activity log) of `subject`, newest first, as rows of
    id, timestamp, kind (VIEW or CHANGE), who_id, who_label, what (page or action); without the rows
    of the users in `leave_out` (the person themselves, the one asking)."""
    content_type = ContentType.objects.get_for_model(subject)
    users = [pk for pk in leave_out if pk is not None]
    views = AccessLog.objects.filter(content_type=content_type, object_id=subject.pk).exclude(
        viewer_id__in=users
    )
    changes = ActivityLog.objects.filter(content_type=content_type, object_id=subject.pk).exclude(
        actor_id__in=users
    )
    return (
        _columns(views.order_by(), VIEW, who="viewer_id", label="viewer_label", what="page")
        .union(
            _columns(changes.order_by(), CHANGE, who="actor_id", label="actor_label", what="action"), all=True
        )
        .order_by("-timestamp", "-id")
    )


@dataclass(frozen=True)
class Entry:
    """One line of "who looked at my file"."""

    timestamp: datetime
    kind: str
    role: str  # a key of ROLE_NAMES
    name: str  # the staff member's name; "" for anyone else
    what: str

    @property
    def role_name(self) -> str:
        return str(ROLE_NAMES[self.role])

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


def _roles(user_ids: set[int]) -> dict[int, str]:
    """Each user's role as the page names it, strongest first: five queries for any number of users."""
    roles: dict[int, str] = {}
    for role, ids in (
        (
            "administrator",
            Administrator.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True),
        ),
        ("coordinator", Coordinator.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)),
        ("mentor", Mentor.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)),
        ("guardian", Guardian.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)),
        ("youth", Youth.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)),
    ):
        if not user_ids:
            break
        for user_id in ids:
            roles.setdefault(user_id, role)
    return roles


def _page_kind(page: str) -> str:
    name = page.split(":", 1)[-1]
    if name in PAGE_KINDS:
        return str(PAGE_KINDS[name])
    for prefix in PERSON_PREFIXES:
        if name.startswith(prefix) and name[len(prefix) :] in PAGE_KINDS:
            return str(PAGE_KINDS[name[len(prefix) :]])
    return _("viewed a page about you")


def _field_names(model: type[models.Model], fields: list[str]) -> list[str]:
    names = []
    for name in fields:
        try:
            names.append(str(getattr(model._meta.get_field(name), "verbose_name", name)))
        except FieldDoesNotExist:
            continue
    return names


def _change_kind(model: type[models.Model], action: str, fields: list[str]) -> str:
    last = action.rsplit(".", 1)[-1]
    if last in ACTION_KINDS:
        return str(ACTION_KINDS[last])
    names = _field_names(model, fields)
    if names:
        return _("changed your %(fields)s") % {"fields": get_text_list(names, _("and"))}
    return _("made a change to your file")


def describe(rows: Iterable[Mapping], subject: models.Model) -> list[Entry]:
    """The rows of `file_log` (one page of them) as the person reads them: three queries for the
    changed fields and the viewers' names, five for their roles, whatever the number of rows."""
    rows = list(rows)
    user_ids = {row["who_id"] for row in rows if row["who_id"] is not None}
    names = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "name")) if user_ids else {}
    roles = _roles(user_ids)
    change_ids = [row["id"] for row in rows if row["kind"] == CHANGE]
    fields = (
        dict(ActivityLog.objects.filter(pk__in=change_ids).values_list("pk", "fields")) if change_ids else {}
    )
    entries = []
    for row in rows:
        who_id = row["who_id"]
        if who_id is not None:
            role = roles.get(who_id, "other")
        elif row["who_label"]:
            role = "former"
        else:
            role = "link" if row["kind"] == VIEW else "system"
        what = (
            _page_kind(row["what"])
            if row["kind"] == VIEW
            else _change_kind(type(subject), row["what"], list(fields.get(row["id"]) or []))
        )
        name = (names.get(who_id) or "").strip() if role in STAFF_ROLES else ""
        entries.append(Entry(row["timestamp"], row["kind"], role, name, what))
    return entries


# --- Which files did one account read ------------------------------------------------------------

FILE_MODELS: dict[str, type[models.Model]] = {
    "mentor": Mentor,
    "youth": Youth,
    "guardian": Guardian,
    "match": Match,
}
FILE_KIND_NAMES: dict[str, object] = {
    "mentor": gettext_lazy("mentor"),
    "youth": gettext_lazy("youth"),
    "guardian": gettext_lazy("parent or guardian"),
    "match": pgettext_lazy("noun", "match"),
}


@dataclass
class FileRead:
    kind: str  # a key of FILE_MODELS
    obj: models.Model
    views: int
    changes: int
    first: datetime
    last: datetime

    @property
    def kind_name(self) -> str:
        return str(FILE_KIND_NAMES[self.kind])

    @property
    def name(self) -> str:
        if isinstance(self.obj, Match):
            return _("Match of %(youth)s") % {"youth": self.obj.youth.full_name}
        return str(self.obj.full_name)  # type: ignore[attr-defined]

    @property
    def person(self) -> models.Model:
        """The person this line names (a match: its youth), for the access log of the page."""
        return Youth(pk=self.obj.youth_id) if isinstance(self.obj, Match) else self.obj  # type: ignore[attr-defined]


@dataclass
class AccountReads:
    files: list[FileRead]
    # Files this account read that the administrator may not see (another organisation's).
    elsewhere: int


def _grouped(
    queryset: QuerySet,
    user_field: str,
    account: User,
    start: datetime,
    end: datetime,
    cts: Iterable[ContentType],
) -> QuerySet:
    return (
        queryset.filter(
            **{user_field: account}, timestamp__gte=start, timestamp__lt=end, content_type__in=cts
        )
        .order_by()
        .values("content_type_id", "object_id")
        .annotate(n=Count("id", output_field=IntegerField()), first=Min("timestamp"), last=Max("timestamp"))
    )


def reads_by_account(
    account: User, *, start: datetime, end: datetime, visible: Mapping[str, QuerySet]
) -> AccountReads:
    """Every file (mentor, youth, parent, match) `account` viewed or changed from `start` up to `end`,
    with the number of views and changes and the first and last time, most recent first. `visible`
    maps each kind of FILE_MODELS to the files the asking administrator may see; the others are only
    counted. Two grouped queries and one per kind of file, whatever the number of rows."""
    cts = ContentType.objects.get_for_models(*FILE_MODELS.values())
    kind_of = {cts[model].pk: kind for kind, model in FILE_MODELS.items()}
    counts: dict[tuple[int, int], dict] = {}
    for queryset, field, column in (
        (AccessLog.objects.all(), "viewer", "views"),
        (ActivityLog.objects.all(), "actor", "changes"),
    ):
        for row in _grouped(queryset, field, account, start, end, list(cts.values())):
            key = (row["content_type_id"], row["object_id"])
            entry = counts.setdefault(
                key, {"views": 0, "changes": 0, "first": row["first"], "last": row["last"]}
            )
            entry[column] += row["n"]
            entry["first"] = min(entry["first"], row["first"])
            entry["last"] = max(entry["last"], row["last"])
    ids_by_kind: dict[str, list[int]] = {}
    for content_type_id, object_id in counts:
        ids_by_kind.setdefault(kind_of[content_type_id], []).append(object_id)
    files: list[FileRead] = []
    for kind, ids in ids_by_kind.items():
        objects = visible[kind].filter(pk__in=ids)
        if kind == "match":
            objects = objects.select_related("youth")
        ct_id = cts[FILE_MODELS[kind]].pk
        for obj in objects:
            files.append(FileRead(kind, obj, **counts[(ct_id, obj.pk)]))
    files.sort(key=lambda f: (f.last, f.kind, f.obj.pk), reverse=True)
    return AccountReads(files=files, elsewhere=len(counts) - len(files))
