"""SCR-3 in the database: a disqualified mentor is never put in a match, nor starts one.

The domain functions refuse first (with the reason, translated); these triggers hold the same rule
for every other write.
"""

from koppel.common.guards import Guard

_DISQUALIFIED = (
    "SELECT 1 FROM people_mentor "
    "WHERE people_mentor.id = NEW.mentor_id AND people_mentor.status = 'disqualified'"
)

# SQLite takes one event per trigger, so adding and changing a match's mentor are two guards.
MATCH_MENTOR_NOT_DISQUALIFIED = Guard(
    name="koppel_match_mentor_not_disqualified",
    table="matches_matchmentor",
    events="INSERT",
    when=f"EXISTS ({_DISQUALIFIED})",
    message="SCR-3: a disqualified mentor cannot be in a match",
)
MATCH_MENTOR_NOT_CHANGED_TO_DISQUALIFIED = Guard(
    name="koppel_match_mentor_not_changed_to_disqualified",
    table="matches_matchmentor",
    events="UPDATE OF mentor_id",
    when=f"EXISTS ({_DISQUALIFIED})",
    message="SCR-3: a disqualified mentor cannot be in a match",
)

MATCH_START_WITHOUT_DISQUALIFIED = Guard(
    name="koppel_match_start_without_disqualified",
    table="matches_match",
    events="UPDATE OF state",
    when=(
        "NEW.state = 'active' AND OLD.state <> 'active' AND EXISTS (SELECT 1 FROM matches_matchmentor "
        "JOIN people_mentor ON people_mentor.id = matches_matchmentor.mentor_id "
        "WHERE matches_matchmentor.match_id = NEW.id AND people_mentor.status = 'disqualified')"
    ),
    message="SCR-3: a match with a disqualified mentor cannot start",
)

GUARDS = [
    MATCH_MENTOR_NOT_DISQUALIFIED,
    MATCH_MENTOR_NOT_CHANGED_TO_DISQUALIFIED,
    MATCH_START_WITHOUT_DISQUALIFIED,
]
