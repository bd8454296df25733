"""SCR-3 in the database: disqualification is final.

The check constraint on `Mentor` (status "disqualified" exactly when a reason is recorded) keeps the
two fields that record a disqualification together; these triggers keep them from changing once set
and keep the row from being deleted, so no write, from any path, brings a disqualified mentor back or
lets them apply again as someone new.
"""

from koppel.common.guards import Guard

MESSAGE = "SCR-3: a disqualified mentor stays disqualified"

MENTOR_DISQUALIFICATION_FINAL = Guard(
    name="koppel_mentor_disqualification_final",
    table="people_mentor",
    events="UPDATE",
    # The status and reason, and what identifies the person (so they are found again when they apply
    # anew): name, date of birth, e-mail address and programme.
    when=(
        "OLD.status = 'disqualified' AND (NEW.status <> 'disqualified' "
        "OR NEW.disqualification_reason <> OLD.disqualification_reason "
        "OR NEW.first_name <> OLD.first_name OR NEW.last_name <> OLD.last_name "
        "OR NEW.date_of_birth <> OLD.date_of_birth OR NEW.email <> OLD.email "
        "OR NEW.programme_id <> OLD.programme_id)"
    ),
    message=MESSAGE,
)

MENTOR_DISQUALIFICATION_KEPT = Guard(
    name="koppel_mentor_disqualification_kept",
    table="people_mentor",
    events="DELETE",
    when="OLD.status = 'disqualified'",
    message=MESSAGE,
)

GUARDS = [MENTOR_DISQUALIFICATION_FINAL, MENTOR_DISQUALIFICATION_KEPT]


def mentor_disqualified_sql(mentor_id: str) -> str:
    """An SQL condition: the mentor `mentor_id` (a column expression) has any fact of a
    disqualification: the status or reason, a refused VOG, a disclosed offence involving children.
    The same facts as `people.domain.disqualification.disqualified_q`. Built from constants only.
    """
    return (
        f"(EXISTS (SELECT 1 FROM people_mentor WHERE people_mentor.id = {mentor_id} "  # noqa: S608
        "AND (people_mentor.status = 'disqualified' OR people_mentor.disqualification_reason <> '')) "
        "OR EXISTS (SELECT 1 FROM people_conductcertificate "
        f"WHERE people_conductcertificate.mentor_id = {mentor_id} "
        "AND people_conductcertificate.outcome = 'refused') "
        "OR EXISTS (SELECT 1 FROM people_selfdisclosure "
        f"WHERE people_selfdisclosure.mentor_id = {mentor_id} "
        "AND (people_selfdisclosure.child_sexual_offence OR people_selfdisclosure.child_offence)))"
    )
