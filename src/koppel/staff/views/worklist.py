"""The coordinator's worklist: what needs their action, most urgent first, across their programmes.

The worklist shows the first ITEMS_PER_SECTION rows of each section and links a longer section to
its own page (`worklist_section`): the same rows, the same notes, in pages of PAGE_SIZE.
"""

from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from koppel.staff.views.helpers import paginate, render_list, staff_required
from koppel.staff.worklist import ALL_SECTIONS, SPECS
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
    page = paginate(request, spec.rows(request.user).select_related(*spec.related))
    section = Section(
        key=spec.key,
        title=str(spec.title),
        rule=spec.rule,
        count=page.paginator.count,
        items=[_item(spec, row) for row in page],
    )
    return render_list(request, "staff/worklist/section.html", {"section": section, "page": page})
