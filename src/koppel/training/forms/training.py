from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from koppel.accounts.models import User
from koppel.common.forms import DATE_WIDGET, DATETIME_WIDGET, ErrorClassMixin, meta_fields, model_choice_field
from koppel.people.domain.queries.visible import coordinators_of_programmes_of, programmes_visible_to
from koppel.people.domain.roles import AnyUser, roles_of
from koppel.people.models import Guardian, Mentor, Youth
from koppel.programmes.models import Programme
from koppel.training.enums import Audience
from koppel.training.models import ExternalHours, Module, PeerGroup, PeerSession, Registration, Session


def _staff_users(user: AnyUser) -> QuerySet[User]:
    """Users who can train or facilitate: the coordinators of the user's programmes."""
    return coordinators_of_programmes_of(user)


class ModuleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Module) -> str:
        return f"{obj.title} ({obj.rule})"


class SessionForm(ErrorClassMixin, forms.ModelForm):
    programme: "forms.ModelChoiceField[Programme]" = forms.ModelChoiceField(
        label=_("Programme"), queryset=None
    )
    modules = ModuleChoiceField(
        label=_("Modules"),
        queryset=Module.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The curriculum topics covered (TRN-3 mentors, TRN-4 youth, TRN-5 parents and guardians)."
        ),
    )

    class Meta:
        model = Session
        fields = [
            "programme",
            "title",
            "audience",
            "modules",
            "starts_at",
            "duration_hours",
            "trainer",
            "trainer_name",
            "capacity",
            "online",
            "place",
            "link",
            "notes",
        ]
        widgets = {"starts_at": DATETIME_WIDGET}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "programme").queryset = programmes_visible_to(user)
        model_choice_field(self, "trainer").queryset = _staff_users(user)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("online") and not cleaned.get("link"):
            self.add_error("link", _("An online session needs a link."))
        if not cleaned.get("online") and not cleaned.get("place"):
            self.add_error("place", _("Enter the place, or mark the session as online."))
        audience = cleaned.get("audience")
        wrong = [m for m in cleaned.get("modules") or [] if audience and m.audience != audience]
        if wrong:
            self.add_error(
                "modules", _("TRN-3, TRN-4, TRN-5: choose modules for the session's audience only.")
            )
        return cleaned

    def domain_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in meta_fields(self) if name != "programme"}


class RegistrationForm(ErrorClassMixin, forms.Form):
    """Register one person of the session's audience who is not registered yet."""

    person: "forms.ModelChoiceField[Mentor | Youth | Guardian]" = forms.ModelChoiceField(
        label=pgettext_lazy("training registration", "Person"), queryset=None
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programme = session.programme
        queryset: QuerySet[Mentor] | QuerySet[Youth] | QuerySet[Guardian]
        if session.audience == Audience.MENTOR:
            queryset = Mentor.objects.filter(programme=programme).exclude(
                training_registrations__session=session
            )
            label = _("Mentor")
        elif session.audience == Audience.YOUTH:
            queryset = Youth.objects.filter(programme=programme).exclude(
                training_registrations__session=session
            )
            label = pgettext_lazy("one person", "Youth")
        else:
            queryset = (
                Guardian.objects.filter(guardianships__youth__programme=programme)
                .exclude(training_registrations__session=session)
                .distinct()
            )
            label = _("Parent or guardian")
        model_choice_field(self, "person").queryset = queryset
        self.fields["person"].label = label


ATTENDANCE_CHOICES = [
    ("", _("Not recorded")),
    ("yes", _("Attended")),
    ("no", _("Absent")),
]


class AttendanceForm(forms.Form):
    """One choice per registration: attended, absent or not recorded yet."""

    def __init__(self, *args: Any, registrations: Iterable[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for registration in registrations:
            name = f"registration_{registration.pk}"
            initial = "" if registration.attended is None else ("yes" if registration.attended else "no")
            self.fields[name] = forms.ChoiceField(
                label=str(registration.person),
                choices=ATTENDANCE_CHOICES,
                required=False,
                initial=initial,
                widget=forms.RadioSelect,
            )
            self.rows.append((registration, name))

    def attendance(self) -> dict[int, bool | None]:
        return {
            registration.pk: {"yes": True, "no": False}.get(self.cleaned_data[name])
            for registration, name in self.rows
        }

    def bound_rows(self) -> list[tuple[Registration, BoundField]]:
        return [(registration, self[name]) for registration, name in self.rows]


class ExternalHoursForm(ErrorClassMixin, forms.ModelForm):
    class Meta:
        model = ExternalHours
        fields = ["date", "hours", "kind", "description"]
        widgets = {"date": DATE_WIDGET}


class PeerGroupForm(ErrorClassMixin, forms.ModelForm):
    programme: "forms.ModelChoiceField[Programme]" = forms.ModelChoiceField(
        label=_("Programme"), queryset=None
    )

    class Meta:
        model = PeerGroup
        fields = ["programme", "name", "facilitator", "members"]
        widgets = {"members": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "programme").queryset = programmes_visible_to(user)
        model_choice_field(self, "facilitator").queryset = _staff_users(user)
        model_choice_field(self, "members").queryset = Mentor.objects.filter(
            programme_id__in=roles_of(user).staff_programme_ids
        ).select_related("programme")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        programme = cleaned.get("programme")
        if programme and any(m.programme_id != programme.pk for m in cleaned.get("members") or []):
            self.add_error("members", _("SUP-4: choose mentors of the group's programme only."))
        return cleaned

    def domain_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("name", "facilitator", "members")}


class PeerSessionForm(ErrorClassMixin, forms.ModelForm):
    class Meta:
        model = PeerSession
        fields = ["date", "duration_hours", "topic", "attendees"]
        widgets = {"date": DATE_WIDGET, "attendees": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, group: PeerGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "attendees").queryset = group.members.all()

    def domain_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("date", "duration_hours", "topic")}
