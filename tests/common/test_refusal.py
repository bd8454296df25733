"""show_refusal: a domain function's refusal on the form it re-renders, on one field, or as a message."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from koppel.common.domain.errors import ConflictError, DomainError
from koppel.common.refusal import show_refusal


class NameForm(forms.Form):
    name = forms.CharField()


def _form() -> NameForm:
    form = NameForm({"name": "Sam"})
    assert form.is_valid()
    return form


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_nothing_refused_leaves_the_form_alone():
    form = _form()
    with show_refusal(form) as outcome:
        value = 42
    assert outcome.ok
    assert outcome.refusal is None
    assert value == 42
    assert form.errors == {}


def _refuse() -> None:
    raise DomainError("Not in this programme.")


def test_a_refusal_becomes_the_forms_error_and_ends_the_block():
    form = _form()
    reached = False
    with show_refusal(form) as outcome:
        _refuse()
        reached = True
    assert not reached
    assert not outcome.ok
    assert outcome.refusal == "Not in this programme."
    assert form.non_field_errors() == ["Not in this programme."]


def test_a_refusal_can_go_on_one_field():
    form = _form()
    with show_refusal(form, field="name") as outcome:
        raise ConflictError()
    assert not outcome.ok
    assert form.errors["name"] == [outcome.refusal]
    assert form.non_field_errors() == []


def test_a_refusal_without_a_form_is_an_error_message():
    request = _request()
    with show_refusal(request) as outcome:
        raise DomainError("The reminder was sent already.")
    assert not outcome.ok
    assert [(m.level_tag, m.message) for m in get_messages(request)] == [
        ("error", "The reminder was sent already.")
    ]


def test_other_exceptions_pass_through():
    form = _form()
    with pytest.raises(ValueError, match="a bug"), show_refusal(form):
        raise ValueError("a bug")
    assert form.errors == {}
