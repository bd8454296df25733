import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from koppel.people.enums import MentorStatus, SchoolType, YouthStatus
from koppel.people.models import Guardian, Mentor, Youth


def search_people(queryset, name, value):
    value = value.strip()
    if not value:
        return queryset
    q = Q()
    for word in value.split():
        q &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(postcode__icontains=word)
        )
    return queryset.filter(q)


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method=search_people)
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=None, field_name="programme")
    neighbourhood = django_filters.CharFilter(label=_("Neighbourhood"), lookup_expr="icontains")
    school_type = django_filters.ChoiceFilter(label=_("School type"), choices=SchoolType.choices)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["programme"].queryset = programmes


class MentorFilter(PersonFilter):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MentorStatus.choices)
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("last_name", "name"),
            ("date_of_birth", "born"),
            ("status", "status"),
            ("created_at", "registered"),
        ),
        field_labels={
            "last_name": _("Name"),
            "date_of_birth": _("Date of birth"),
            "status": _("Status"),
            "created_at": _("Registered"),
        },
    )

    class Meta:
        model = Mentor
        fields = ["q", "programme", "status", "neighbourhood", "school_type"]


class YouthFilter(PersonFilter):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=YouthStatus.choices)
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("last_name", "name"),
            ("date_of_birth", "born"),
            ("status", "status"),
            ("waiting_since", "waiting"),
        ),
        field_labels={
            "last_name": _("Name"),
            "date_of_birth": _("Date of birth"),
            "status": _("Status"),
            "waiting_since": _("Waiting since"),
        },
    )

    class Meta:
        model = Youth
        fields = ["q", "programme", "status", "neighbourhood", "school_type"]


def search_guardians(queryset, name, value):
    return search_people(queryset, name, value)


class GuardianFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method=search_guardians)
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("last_name", "name"), ("created_at", "registered")),
        field_labels={"last_name": _("Name"), "created_at": _("Registered")},
    )

    class Meta:
        model = Guardian
        fields = ["q"]

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
