"""The form for an item of the resource library (SUP-3)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from koppel.common.forms import ErrorClassMixin, VersionedModelForm, model_choice_field
from koppel.matches.models import Resource
from koppel.people.domain.queries.visible import programmes_visible_to
from koppel.people.domain.roles import AnyUser, roles_of


class ResourceForm(ErrorClassMixin, VersionedModelForm):
    class Meta:
        model = Resource
        fields = [
            "programme",
            "title",
            "kind",
            "topic",
            "url",
            "description",
            "for_mentors",
            "for_youth",
            "for_guardians",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles = roles_of(user)
        field = model_choice_field(self, "programme")
        field.queryset = programmes_visible_to(user).order_by("name")
        field.empty_label = _("The whole organisation")
        # Organisation-wide items belong to the administrators of the organisation.
        field.required = not self.roles.is_admin
        field.help_text = _("Leave empty for an item for every programme of the organisation.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not (cleaned.get("for_mentors") or cleaned.get("for_youth") or cleaned.get("for_guardians")):
            self.add_error(
                None, _("Choose who the item is for: mentors, youth and/or parents and guardians.")
            )
        if (
            not self.instance.pk
            and cleaned.get("programme") is None
            and self.roles.is_admin
            and len(self.roles.admin_org_ids) != 1
        ):
            self.add_error("programme", _("Choose a programme."))
        return cleaned

    def organisation_id(self) -> int:
        programme = self.cleaned_data.get("programme")
        if programme is not None:
            return programme.organisation_id
        return next(iter(self.roles.admin_org_ids))
