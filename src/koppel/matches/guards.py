"""SCR-3 in the database: a mentor with any fact of a disqualification is never put in a match, nor
starts one.

The domain functions refuse first (with the reason, translated); these triggers hold the same rule
for every other write.
"""

from koppel.common.guards import Guard
from koppel.people.guards import mentor_disqualified_sql

MESSAGE = "SCR-3: a disqualified mentor cannot be in a match"
IS_DISQUALIFIED = mentor_disqualified_sql("NEW.mentor_id")

# SQLite takes one event per trigger, so adding a match's mentor and changing the row are two guards.
MATCH_MENTOR_NOT_DISQUALIFIED, MATCH_MENTOR_NOT_CHANGED_TO_DISQUALIFIED = (
    Guard(name=name, table="matches_matchmentor", events=events, when=IS_DISQUALIFIED, message=MESSAGE)
    for name, events in (
        ("koppel_match_mentor_not_disqualified", "INSERT"),
        ("koppel_match_mentor_not_changed_to_disqualified", "UPDATE OF mentor_id, match_id"),
    )
)

MATCH_START_WITHOUT_DISQUALIFIED = Guard(
    name="koppel_match_start_without_disqualified",
    table="matches_match",
    events="UPDATE OF state",
    when=(  # built from constants only
        "NEW.state = 'active' AND OLD.state <> 'active' AND EXISTS (SELECT 1 FROM matches_matchmentor "  # noqa: S608
        "WHERE matches_matchmentor.match_id = NEW.id AND "
        f"{mentor_disqualified_sql('matches_matchmentor.mentor_id')})"
    ),
    message="SCR-3: a match with a disqualified mentor cannot start",
)

GUARDS = [
    MATCH_MENTOR_NOT_DISQUALIFIED,
    MATCH_MENTOR_NOT_CHANGED_TO_DISQUALIFIED,
    MATCH_START_WITHOUT_DISQUALIFIED,
]
