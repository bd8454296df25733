import django_filters
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from koppel.people.enums import MentorStatus, SchoolType, YouthStatus
from koppel.people.models import Guardian, Mentor, Youth


class OrderingFilter(django_filters.OrderingFilter):
    """Sort choices whose "(descending)" labels follow the language of each request."""

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels.get(field, param)
            choices.append((param, label))
            choices.append((f"-{param}", format_lazy("{} ({})", label, _("descending"))))
        return choices


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
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=None, field_name="programme", empty_label=_("All")
    )
    neighbourhood = django_filters.CharFilter(label=_("Neighbourhood"), lookup_expr="icontains")
    school_type = django_filters.ChoiceFilter(
        label=_("School type"), choices=SchoolType.choices, empty_label=_("All")
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["programme"].queryset = programmes


class MentorFilter(PersonFilter):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=MentorStatus.choices, empty_label=_("All")
    )
    sort = OrderingFilter(
        empty_label=_("Default order"),
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
    status = django_filters.ChoiceFilter(label=_("Status"), choices=YouthStatus.choices, empty_label=_("All"))
    sort = OrderingFilter(
        empty_label=_("Default order"),
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
    sort = OrderingFilter(
        empty_label=_("Default order"),
        label=_("Sort by"),
        fields=(("last_name", "name"), ("created_at", "registered")),
        field_labels={"last_name": _("Name"), "created_at": _("Registered")},
    )

    class Meta:
        model = Guardian
        fields = ["q"]

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
