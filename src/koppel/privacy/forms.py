"""Forms of the privacy pages."""

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from koppel.accounts.models import User
from koppel.common.forms import ErrorClassMixin, VersionedModelForm
from koppel.privacy.domain.retention import SCHEDULE, too_short
from koppel.privacy.models import RetentionOverride

# AVG art. 33: a personal data breach is reported within 72 hours; the page looks back that far.
DEFAULT_WINDOW = timedelta(hours=72)
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AccountReadsForm(ErrorClassMixin, forms.Form):
    """Bound to request.GET: an account (found by e-mail address, then chosen by id) and a period.
    `accounts` is the selector's queryset of the logins the administrator may look up."""

    email = forms.CharField(label=_("E-mail address of the account"), max_length=254, required=False)
    account = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    start = forms.DateTimeField(label=_("From"), required=False, widget=DATETIME_WIDGET)
    end = forms.DateTimeField(label=_("Until"), required=False, widget=DATETIME_WIDGET)

    MAX_CANDIDATES = 20

    def __init__(
        self, data: QueryDict | None = None, *, accounts: QuerySet[User], now: datetime, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.accounts = accounts
        self.now = now
        self.candidates: list[User] = []
        self.chosen: User | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        end = cleaned.get("end") or self.now
        start = cleaned.get("start") or end - DEFAULT_WINDOW
        if start >= end:
            self.add_error("end", _("The end of the period must come after its start."))
        cleaned["start"], cleaned["end"] = start, end
        account_id = cleaned.get("account")
        email = (cleaned.get("email") or "").strip()
        if account_id is not None:
            self.chosen = self.accounts.filter(pk=account_id).first()
            if self.chosen is None and not email:
                self.add_error("email", _("Choose an account of your organisation."))
        if email and (self.chosen is None or email.lower() not in self.chosen.email.lower()):
            self.chosen = None
            self.candidates = list(
                self.accounts.filter(email__icontains=email).order_by("email")[: self.MAX_CANDIDATES]
            )
            exact = [account for account in self.candidates if account.email.lower() == email.lower()]
            if len(self.candidates) == 1 or exact:
                self.chosen = exact[0] if exact else self.candidates[0]
            elif not self.candidates:
                self.add_error("email", _("No account of your organisation has this e-mail address."))
        return cleaned


class RetentionOverrideForm(ErrorClassMixin, VersionedModelForm):
    """The organisation's own period for one rule and why (set_retention_period checks the minimum)."""

    class Meta:
        model = RetentionOverride
        fields = ["months", "reason"]
        labels = {"months": _("Period (months)"), "reason": _("Why this period")}
        help_texts = {
            "reason": _("Shown on the retention page and kept with the change, e.g. a funder's requirement."),
        }
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def clean_months(self) -> int:
        months = self.cleaned_data["months"]
        rule = SCHEDULE.get(self.instance.rule)  # type: ignore[call-overload]
        minimum = rule.minimum_months if rule is not None else 1
        if months is not None and months < minimum:
            raise forms.ValidationError(too_short(minimum))
        return months
