"""SCR-3 in the database: disqualification is final.

The check constraint on `Mentor` (status "disqualified" exactly when a reason is recorded) keeps the
two fields that record a disqualification together; this trigger keeps them from changing once set,
so no write, from any path, brings a disqualified mentor back.
"""

from koppel.common.guards import Guard

MENTOR_DISQUALIFICATION_FINAL = Guard(
    name="koppel_mentor_disqualification_final",
    table="people_mentor",
    events="UPDATE",
    when=(
        "OLD.status = 'disqualified' AND (NEW.status <> 'disqualified' "
        "OR NEW.disqualification_reason <> OLD.disqualification_reason)"
    ),
    message="SCR-3: a disqualified mentor stays disqualified",
)

GUARDS = [MENTOR_DISQUALIFICATION_FINAL]
