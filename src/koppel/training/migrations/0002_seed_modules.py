"""Seed the default curriculum (TRN-3 mentors, TRN-4 youth, TRN-5 parents and guardians) in Dutch and English."""

from decimal import Decimal

from django.db import migrations

# (code, audience, rule, hours, title_nl, title_en)
MODULES = [
    ("trn3-verwachtingen", "mentor", "TRN-3", "1", "Realistische verwachtingen", "Realistic expectations"),
    ("trn3-doel", "mentor", "TRN-3", "0.5", "Het hoofddoel van de koppeling", "The main goal of the match"),
    ("trn3-verschillen", "mentor", "TRN-3", "1", "Verschillen overbruggen", "Bridging differences"),
    ("trn3-commitment", "mentor", "TRN-3", "0.5", "De verbintenis die je aangaat", "The commitment you enter"),
    (
        "trn3-programma",
        "mentor",
        "TRN-3",
        "1",
        "Eisen, verplichtingen en ondersteuning van het programma",
        "Programme requirements, obligations and sources of support",
    ),
    (
        "trn3-relatie",
        "mentor",
        "TRN-3",
        "1",
        "De relatie beginnen, onderhouden en afsluiten",
        "Starting, maintaining and ending the relationship",
    ),
    (
        "trn3-doelgroepen",
        "mentor",
        "TRN-3",
        "1",
        "Kansen en uitdagingen van specifieke doelgroepen",
        "Opportunities and challenges of specific populations",
    ),
    (
        "trn3-gezin",
        "mentor",
        "TRN-3",
        "1",
        "De relatie met het gezin van de jongere",
        "The relationship with the youth's family",
    ),
    (
        "trn3-veiligheid",
        "mentor",
        "TRN-3",
        "1.5",
        "Risico's, ethiek en veiligheid (lichamelijk contact, middelengebruik, omgaan met gegevens)",
        "Risk management, ethics and safety (physical contact, substance use, use of data)",
    ),
    (
        "trn3-vaardigheden",
        "mentor",
        "TRN-3",
        "1.5",
        "Vaardigheden: communiceren, doelen stellen, omgaan met conflicten",
        "Skills: communication, goal setting, handling conflict",
    ),
    (
        "trn3-vooroordelen",
        "mentor",
        "TRN-3",
        "1",
        "Vooroordelen in interculturele relaties",
        "Bias in cross-cultural relationships",
    ),
    (
        "trn3-complex",
        "mentor",
        "TRN-3",
        "1",
        "Specifieke vragen en complexe situaties",
        "Specific questions and complex situations",
    ),
    (
        "trn4-rol",
        "youth",
        "TRN-4",
        "0.5",
        "Jouw rol en verantwoordelijkheid",
        "Your role and responsibility",
    ),
    (
        "trn4-verwachtingen",
        "youth",
        "TRN-4",
        "0.5",
        "Realistische verwachtingen",
        "Realistic expectations",
    ),
    (
        "trn4-steun",
        "youth",
        "TRN-4",
        "0.5",
        "Je mentor om steun vragen",
        "Asking your mentor for support",
    ),
    (
        "trn4-meest-halen",
        "youth",
        "TRN-4",
        "0.5",
        "Het meeste uit de relatie halen",
        "Getting the most from the relationship",
    ),
    (
        "trn4-zelf-mentor-vinden",
        "youth",
        "TRN-4",
        "0.5",
        "Zelf een geschikte mentor vinden",
        "Finding a suitable mentor yourself",
    ),
    (
        "trn5-programma",
        "guardian",
        "TRN-5",
        "0.5",
        "Wat het programma is",
        "What the programme is",
    ),
    (
        "trn5-meerwaarde",
        "guardian",
        "TRN-5",
        "0.5",
        "Hoe de relatie uw kind kan helpen",
        "How the relationship can help your child",
    ),
    (
        "trn5-meedenken",
        "guardian",
        "TRN-5",
        "0.5",
        "Meedenken over afspraken en conflicten helpen oplossen",
        "Helping plan meetings and resolve conflicts",
    ),
]


def seed_modules(apps, schema_editor):
    Module = apps.get_model("training", "Module")
    for code, audience, rule, hours, title_nl, title_en in MODULES:
        Module.objects.update_or_create(
            code=code,
            defaults={
                "audience": audience,
                "rule": rule,
                "default_hours": Decimal(hours),
                "title_nl": title_nl,
                "title_en": title_en,
            },
        )


def unseed_modules(apps, schema_editor):
    apps.get_model("training", "Module").objects.filter(code__in=[m[0] for m in MODULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed_modules, unseed_modules)]
