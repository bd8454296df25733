"""The filter form shared by the report pages (dashboard, outcomes): programme, period, coordinator."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from koppel.accounts.models import User
from koppel.common.forms import choice_field, model_choice_field
from koppel.programmes.models import Programme
from koppel.reports.domain.period import ReportFilter, build_filter, default_period


class ReportFilterForm(forms.Form):
    """Bound to request.GET. `programmes` is the user's visible programmes (a selector's queryset);
    an empty choice means all of them."""

    programme: "forms.ModelChoiceField[Programme]" = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("All")
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    coordinator = forms.TypedChoiceField(label=_("Coordinator"), required=False, coerce=int, empty_value=None)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        programmes: QuerySet[Programme],
        coordinators: QuerySet[User] | tuple[()] = (),
        today: date,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.programmes = programmes
        self.today = today
        model_choice_field(self, "programme").queryset = programmes
        choice_field(self, "coordinator").choices = [("", _("All")), *[(u.pk, str(u)) for u in coordinators]]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return cleaned

    def report_filter(self) -> ReportFilter:
        """The filter for valid data, or the default (all programmes, the last twelve months)."""
        default_start, default_end = default_period(self.today)
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        programme = data.get("programme")
        programmes = self.programmes.filter(pk=programme.pk) if programme else self.programmes
        return build_filter(
            programmes,
            start=data.get("start") or default_start,
            end=data.get("end") or default_end,
            coordinator_id=data.get("coordinator"),
        )
