"""Seed the managed list of interests (MAT-2: shared interests weigh in matching)."""

from django.db import migrations

INTERESTS = [
    ("voetbal", "voetbal", "football"),
    ("basketbal", "basketbal", "basketball"),
    ("zwemmen", "zwemmen", "swimming"),
    ("fietsen", "fietsen", "cycling"),
    ("vechtsport", "vechtsport", "martial arts"),
    ("dansen", "dansen", "dancing"),
    ("gamen", "gamen", "gaming"),
    ("muziek-maken", "muziek maken", "making music"),
    ("muziek-luisteren", "muziek luisteren", "listening to music"),
    ("tekenen", "tekenen", "drawing"),
    ("knutselen", "knutselen", "arts and crafts"),
    ("fotografie", "fotografie", "photography"),
    ("film-en-series", "film en series", "films and series"),
    ("theater", "theater", "theatre"),
    ("mode", "mode", "fashion"),
    ("koken", "koken", "cooking"),
    ("lezen", "lezen", "reading"),
    ("programmeren", "programmeren", "coding"),
    ("techniek", "techniek", "technology"),
    ("wetenschap", "wetenschap", "science"),
    ("geschiedenis", "geschiedenis", "history"),
    ("natuur", "natuur", "nature"),
    ("dieren", "dieren", "animals"),
    ("schaken", "schaken", "chess"),
    ("vrijwilligerswerk", "vrijwilligerswerk", "volunteering"),
]


def seed_interests(apps, schema_editor):
    Interest = apps.get_model("people", "Interest")
    for slug, name_nl, name_en in INTERESTS:
        Interest.objects.update_or_create(slug=slug, defaults={"name_nl": name_nl, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_interests, migrations.RunPython.noop),
    ]
