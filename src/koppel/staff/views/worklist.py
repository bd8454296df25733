"""The coordinator's worklist: what needs their action, most urgent first, across their programmes.

The worklist shows the first ITEMS_PER_SECTION rows of each section and links a longer section to
its own page (`worklist_section`): the same rows, the same notes, in pages of PAGE_SIZE.
"""

from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from koppel.common.formatting import day, decimal_text
from koppel.people.domain.queries import intake as q
from koppel.people.domain.queries import screening
from koppel.policy import roles_of
from koppel.staff.views.people import _page, _render_list, staff_required
from koppel.staff.worklist import agreement as worklist_agreement
from koppel.staff.worklist import closure as worklist_closure
from koppel.staff.worklist import concerns as worklist_concerns
from koppel.staff.worklist import meetings as worklist_meetings
from koppel.staff.worklist import privacy as worklist_privacy
from koppel.staff.worklist import support as worklist_support
from koppel.staff.worklist import surveys as worklist_surveys
from koppel.staff.worklist.spec import Spec

ITEMS_PER_SECTION = 10


@dataclass(frozen=True)
class Item:
    name: str
    url: str
    programme: str
    note: str


@dataclass
class Section:
    key: str
    title: str
    rule: str
    count: int = 0
    items: list[Item] = field(default_factory=list)


def _day(value) -> str:
    """A day in a note: "3 March", with the year when it is not this year (formatting.day)."""
    return day(value) if value else "-"


def _applied(mentor) -> str:
    # Mentors registered by staff (not through the public form) have no application time.
    return _("applied on %(day)s") % {"day": _day(localtime(mentor.applied_at or mentor.created_at).date())}


def _programme_ids(user):
    return roles_of(user).staff_programme_ids


def _waiting_days(youth) -> str:
    if youth.waiting_since is None:
        return _("waiting")
    days = (timezone.localdate() - youth.waiting_since).days
    return ngettext("waiting %(days)s day", "waiting %(days)s days", days) % {"days": days}


SECTIONS = [
    # Safeguarding first (SCR-3), then what keeps screening moving, then the pool and the youth.
    Spec(
        "disclosures",
        gettext_lazy("Disclosures to review"),
        "SCR-3",
        lambda user: screening.disclosures_to_review(_programme_ids(user)),
        lambda d: _("submitted on %(day)s") % {"day": _day(d.submitted_on)},
        person=lambda d: d.mentor,
        related=("mentor__programme",),
    ),
    Spec(
        "vog_renewals",
        gettext_lazy("VOG renewals due"),
        "SCR-2",
        lambda user: screening.vog_renewals_due(_programme_ids(user), within_days=q.VOG_RENEWAL_NOTICE_DAYS),
        lambda vog: _("valid until %(day)s") % {"day": _day(vog.valid_until)},
        person=lambda vog: vog.mentor,
        related=("mentor__programme",),
    ),
    Spec("vogs", gettext_lazy("VOGs outstanding"), "SCR-2", q.vogs_outstanding, _applied),
    Spec(
        "references",
        gettext_lazy("References outstanding"),
        "SCR-2",
        q.references_outstanding,
        lambda m: (
            _("%(answered)s of %(required)s references answered")
            % {"answered": m.references_answered, "required": m.programme.settings.references_required}
        ),
        related=("programme__settings",),
    ),
    Spec("interviews", gettext_lazy("Interviews to plan"), "SCR-1", q.interviews_to_plan, _applied),
    Spec("applications", gettext_lazy("New applications"), "", q.new_applications, _applied),
    Spec(
        "training",
        gettext_lazy("Mentors short of training hours"),
        "TRN-1",
        q.mentors_short_of_training,
        lambda m: (
            ngettext("%(hours)s hour missing", "%(hours)s hours missing", 1 if m.hours_missing == 1 else 2)
            % {"hours": decimal_text(m.hours_missing)}
        ),
        url_name="staff:mentor_training",
    ),
    Spec(
        "waiting",
        gettext_lazy("Youth waiting longest"),
        "",
        q.youth_waiting_longest,
        _waiting_days,
        url_name="staff:youth_detail",
    ),
]


# Safeguarding first (concerns), then the matches that need the coordinator, then the rest.
ALL_SECTIONS = [
    *worklist_concerns.SECTIONS,
    *worklist_agreement.SECTIONS,
    *worklist_meetings.SECTIONS,
    *worklist_support.SECTIONS,
    *worklist_surveys.SECTIONS,
    *worklist_closure.SECTIONS,
    *worklist_privacy.SECTIONS,
    *SECTIONS,
]


SPECS = {spec.key: spec for spec in ALL_SECTIONS}


def _item(spec: Spec, row) -> Item:
    """One row of a section as the worklist shows it: name, link, programme, note."""
    person = spec.person(row)
    return Item(
        spec.name(row) if spec.name else person.full_name,
        spec.url(row) if spec.url else reverse(spec.url_name, args=[person.pk]),
        person.programme.name,
        spec.note(row),
    )


def _section(spec: Spec, user) -> Section:
    """Two queries whatever the number of rows: the count and the first ITEMS_PER_SECTION rows."""
    queryset = spec.rows(user)
    items = [_item(spec, row) for row in queryset.select_related(*spec.related)[:ITEMS_PER_SECTION]]
    return Section(key=spec.key, title=str(spec.title), rule=spec.rule, count=queryset.count(), items=items)


@staff_required
def worklist(request):
    sections = [_section(spec, request.user) for spec in ALL_SECTIONS]
    return render(request, "staff/worklist/worklist.html", {"sections": sections})


@staff_required
def worklist_section(request, key):
    """One worklist section in full, in pages: the rows of the user's own programmes only (each
    Spec's rows are already restricted to them), in the worklist's order."""
    spec = SPECS.get(key)
    if spec is None:
        raise Http404
    page = _page(request, spec.rows(request.user).select_related(*spec.related))
    section = Section(
        key=spec.key,
        title=str(spec.title),
        rule=spec.rule,
        count=page.paginator.count,
        items=[_item(spec, row) for row in page],
    )
    return _render_list(request, "staff/worklist/section.html", {"section": section, "page": page})
