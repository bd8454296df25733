from koppel.people.forms.people import GuardianForm, LinkGuardianForm, MentorForm, YouthForm

__all__ = ["GuardianForm", "LinkGuardianForm", "MentorForm", "YouthForm"]
