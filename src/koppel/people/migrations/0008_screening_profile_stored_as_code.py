"""The VOG screening profile's default was stored as text in the language of whoever created the
record ("Werken met minderjarigen"), so English pages showed Dutch. Stored defaults in either
language become the code "minors", which pages name in the reader's language."""

from django.db import migrations
from django.db.models.functions import Lower, Trim

CODE = "minors"
# The default's names as they were stored, in every language Koppel had (compared in lower case).
NAMES = ["working with minors", "werken met minderjarigen"]


def to_code(apps, schema_editor):
    ConductCertificate = apps.get_model("people", "ConductCertificate")
    ConductCertificate.objects.annotate(stored=Lower(Trim("screening_profile"))).filter(
        stored__in=NAMES
    ).update(screening_profile=CODE)


def to_text(apps, schema_editor):
    ConductCertificate = apps.get_model("people", "ConductCertificate")
    ConductCertificate.objects.filter(screening_profile=CODE).update(screening_profile="Working with minors")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_screening_profile_code"),
    ]

    operations = [
        migrations.RunPython(to_code, to_text),
    ]
