from koppel.programmes.forms.programme import ProgrammeForm, ProgrammeSettingsForm

__all__ = ["ProgrammeForm", "ProgrammeSettingsForm"]
