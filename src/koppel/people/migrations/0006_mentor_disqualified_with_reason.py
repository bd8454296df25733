from django.db import migrations, models


def record_every_disqualification(apps, schema_editor):
    """Before the constraint: a disqualified mentor without a reason gets the reason its facts give
    (never an offence nobody recorded), and a mentor with a reason but another status is disqualified
    (the facts win, SCR-3)."""
    Mentor = apps.get_model("people", "Mentor")
    ConductCertificate = apps.get_model("people", "ConductCertificate")
    SelfDisclosure = apps.get_model("people", "SelfDisclosure")
    refused = set(ConductCertificate.objects.filter(outcome="refused").values_list("mentor_id", flat=True))
    offence = set(
        SelfDisclosure.objects.filter(models.Q(child_offence=True) | models.Q(child_sexual_offence=True))
        .values_list("mentor_id", flat=True)
    )
    for mentor in Mentor.objects.filter(status="disqualified", disqualification_reason=""):
        if mentor.pk in offence:
            mentor.disqualification_reason = "child_offence"
        elif mentor.pk in refused:
            mentor.disqualification_reason = "vog_refused"
        else:
            mentor.disqualification_reason = "not_recorded"
        mentor.save(update_fields=["disqualification_reason"])
    Mentor.objects.exclude(disqualification_reason="").exclude(status="disqualified").update(
        status="disqualified"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_matching_profile"),
    ]

    operations = [
        migrations.RunPython(record_every_disqualification, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="mentor",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "disqualified"), models.Q(("disqualification_reason", ""), _negated=True)),
                    models.Q(models.Q(("status", "disqualified"), _negated=True), ("disqualification_reason", "")),
                    _connector="OR",
                ),
                name="mentor_disqualified_with_reason",
            ),
        ),
    ]
