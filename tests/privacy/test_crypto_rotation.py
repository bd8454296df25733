"""`koppel rotate_encryption_key`: every encrypted value and MFA secret ends on the first key, in
batches that survive an interruption, with nothing lost or encrypted twice; `--check` counts."""

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.management import CommandError, call_command

from koppel.common import crypto
from koppel.common.domain import encryption
from koppel.matches.models import Concern
from koppel.people.models import Reference
from koppel.surveys.models import Answer
from tests import factories as f
from tests.factories.concern import ConcernFactory
from tests.factories.screening import InterviewFactory, ReferenceFactory
from tests.factories.survey import AnswerFactory, AssignmentFactory, small_instrument
from tests.privacy.crypto_helpers import KEY_A, KEY_B, is_token_under, raw_column

pytestmark = pytest.mark.django_db

TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def _rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate_encryption_key", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old_key_data(settings):
    """References, a concern, an interview, a sensitive answer and MFA secrets, all under KEY_A."""
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    references = [ReferenceFactory(notes=f"Referentie {n}: betrouwbaar") for n in range(5)]
    ReferenceFactory(notes="")  # blank: nothing to rotate
    concern = ConcernFactory(text="Zorg over thuis")
    interview = InterviewFactory(qualities={"reliable": {"score": 4, "remark": "Altijd op tijd"}})
    instrument = small_instrument(domain="substances", threshold=None, drop=None, sensitive=True)
    answer = AnswerFactory(assignment=AssignmentFactory(instrument=instrument), value=4)
    user = f.UserFactory()
    TOTP.activate(user, TOTP_SECRET)
    RecoveryCodes.activate(user)
    return {
        "references": references,
        "concern": concern,
        "interview": interview,
        "answer": answer,
        "user": user,
    }


def _all_tokens(data) -> list[str]:
    tokens = [raw_column(r, "notes") for r in data["references"]]
    tokens += [raw_column(data["concern"], "text"), raw_column(data["interview"], "qualities")]
    tokens.append(raw_column(data["answer"], "sealed_value"))
    for authenticator in Authenticator.objects.filter(user=data["user"]):
        tokens.append(authenticator.data["secret" if authenticator.type == "totp" else "seed"])
    return tokens


def _texts_unchanged(data) -> None:
    for n, reference in enumerate(data["references"]):
        assert Reference.objects.get(pk=reference.pk).notes == f"Referentie {n}: betrouwbaar"
    assert Concern.objects.get(pk=data["concern"].pk).text == "Zorg over thuis"
    interview = type(data["interview"]).objects.get(pk=data["interview"].pk)
    assert interview.qualities == {"reliable": {"score": 4, "remark": "Altijd op tijd"}}
    assert Answer.objects.get(pk=data["answer"].pk).given == 4
    totp = Authenticator.objects.get(user=data["user"], type="totp")
    assert crypto.decrypt(totp.data["secret"]) == TOTP_SECRET
    code = format_hotp_value(hotp_value(TOTP_SECRET, next(yield_hotp_counters_from_time())))
    assert TOTP(totp).validate_code(code)


def test_rotation_moves_everything_to_the_new_key(settings, old_key_data):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    output = _rotate()
    assert "people.Reference.notes: 5 re-encrypted, 0 already on the current key" in output
    assert "surveys.Answer.sealed_value: 1 re-encrypted" in output
    assert "mfa.Authenticator (secrets): 2 re-encrypted" in output
    assert "betrouwbaar" not in output
    for token in _all_tokens(old_key_data):
        assert is_token_under(token, KEY_B) and not is_token_under(token, KEY_A)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # the old key dropped
    _texts_unchanged(old_key_data)
    assert "Every value is on the current key." in _rotate("--check")


def test_an_interrupted_rotation_resumes_without_loss_or_double_encryption(
    settings, old_key_data, monkeypatch
):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    batches = []

    def interrupt(target, progress):
        # The second batch of the references' notes fails inside its transaction.
        batches.append(target.label)
        if batches.count("people.Reference.notes") == 2:
            raise RuntimeError("power cut")

    monkeypatch.setattr(encryption, "_batch_done", interrupt)
    with pytest.raises(RuntimeError, match="power cut"):
        _rotate("--batch-size", "2")
    # The first batch of two committed, the second rolled back.
    notes = [raw_column(r, "notes") for r in old_key_data["references"]]
    on_new = [is_token_under(t, KEY_B) for t in notes]
    assert on_new.count(True) == 2, batches
    with pytest.raises(CommandError, match="on an older key"):
        _rotate("--check")

    monkeypatch.setattr(encryption, "_batch_done", lambda target, progress: None)
    output = _rotate("--batch-size", "2")
    assert "people.Reference.notes: 3 re-encrypted, 2 already on the current key" in output
    assert "people.Reference.notes: 4 of 5 rows" in output  # progress of a model with several batches
    for token in _all_tokens(old_key_data):
        assert is_token_under(token, KEY_B)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    _texts_unchanged(old_key_data)


def test_check_counts_what_is_left_on_an_older_key_and_changes_nothing(settings, old_key_data):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    before = _all_tokens(old_key_data)
    out = io.StringIO()
    with pytest.raises(CommandError, match="on an older key"):
        call_command("rotate_encryption_key", "--check", stdout=out)
    assert "people.Reference.notes: 5 values, 5 on an older key, 0 no key decrypts." in out.getvalue()
    assert "mfa.Authenticator (secrets): 2 values, 2 on an older key" in out.getvalue()
    assert _all_tokens(old_key_data) == before


def test_values_no_key_decrypts_are_reported_and_left_alone(settings, old_key_data):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # KEY_A lost
    before = raw_column(old_key_data["concern"], "text")
    with pytest.raises(CommandError, match="no key decrypts"):
        _rotate()
    assert raw_column(old_key_data["concern"], "text") == before
