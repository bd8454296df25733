"""Who a reminder or notice goes to: a person's or a login's address and language."""

from django.conf import settings

from koppel.accounts.models import User
from koppel.common.domain.reminders import Recipient
from koppel.people.enums import MentorStatus
from koppel.people.models import Guardian, Mentor, Youth


def person_recipient(person: Mentor | Youth | Guardian) -> Recipient | None:
    """A mentor, youth or guardian as a recipient: their address and language (None without address,
    and None for a disqualified mentor: SCR-3, nothing more about a youth goes to them)."""
    if isinstance(person, Mentor) and person.status == MentorStatus.DISQUALIFIED:
        return None
    user = person.user if person.user_id else None
    email = person.email or (user.email if user is not None else "")
    if not email:
        return None
    language = person.preferred_language or (user.language if user is not None else "")
    return Recipient(email=email, language=language or settings.LANGUAGE_CODE, user_id=person.user_id)


def user_recipient(user: User | None) -> Recipient | None:
    """A login as a recipient (staff): None without an address or for a deactivated login."""
    if user is None or not user.email or not user.is_active:
        return None
    return Recipient(email=user.email, language=user.language or settings.LANGUAGE_CODE, user_id=user.pk)
