"""Readable, translated texts for the engine's reason codes and explanations (src/matchmaker returns
codes, parameters and pair details; the words are Koppel's, in the user's language)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import matchmaker.types as mm
from koppel.common.formatting import decimal_text
from koppel.people.enums import SpokenLanguage
from koppel.people.models import Interest

# Hard constraints with their rule IDs (shown beside the text).
RULE_OF = {
    "mentor_not_trained": "TRN-1",
    "mentor_disqualified": "SCR-3",
    "age_gap_too_small": "MAT-3",
    "minor_mentor_without_supervisor": "MAT-4",
    "required_gender": "MAT-5",
    "required_language": "MAT-5",
    "required_background": "MAT-5",
}


def params_for(youth: mm.Youth, rules: mm.Rules) -> dict[str, str]:
    """The values the texts mention, for one youth under a round's rules."""
    return {
        "language": youth.wish_language,
        "gender": youth.wish_gender,
        "background": youth.cultural_background,
        "km": f"{rules.max_travel_km:g}",
        "gap": str(rules.min_age_gap),
        "slots": str(rules.min_availability_overlap),
    }


def _count(value: str | int | None) -> int:
    """A number from the params (stored as text, "1") to choose a plural form by."""
    try:
        return int(value)  # type: ignore[arg-type]  # None (a missing param) falls to 2 below
    except (TypeError, ValueError):
        return 2


def _language(code: str) -> str:
    return str(dict(SpokenLanguage.choices).get(code, code))


def _gender(code: str) -> str:
    return {"female": _("a woman"), "male": _("a man")}.get(code, code)


def _phrase(code: str, p: dict) -> str:
    """What a suitable mentor would do or be, as the end of "no available mentor ..."."""
    phrases = {
        "mentor_not_ready": lambda: _("is ready to match"),
        "mentor_not_trained": lambda: _("has finished the training before matching"),
        "mentor_disqualified": lambda: _("is not disqualified"),
        "age_gap_too_small": lambda: (
            ngettext(
                "is at least %(gap)s year older or at a next school level",
                "is at least %(gap)s years older or at a next school level",
                _count(p.get("gap")),
            )
            % {"gap": p.get("gap", "")}
        ),
        "minor_mentor_without_supervisor": lambda: _("is an adult or has an adult supervisor"),
        "required_gender": lambda: _("is %(gender)s") % {"gender": _gender(p.get("gender", ""))},
        "required_language": lambda: (
            _("speaks %(language)s") % {"language": _language(p.get("language", ""))}
        ),
        "required_background": lambda: (
            _("shares the background '%(background)s'") % {"background": p.get("background", "")}
        ),
        "too_little_availability_overlap": lambda: (
            _("shares %(slots)s or more weekly time slots") % {"slots": p.get("slots", "")}
        ),
        "too_far": lambda: _("lives within %(km)s km") % {"km": decimal_text(p.get("km"))},
        "excluded_by_coordinator": lambda: _("is still open to this youth (the others were excluded)"),
    }
    return phrases[code]() if code in phrases else code


def _join(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c" in the user's language."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _team_incomplete(params: dict) -> str:
    if "free" not in params:  # rounds stored before the count of free mentors was kept
        return _("Too few suitable mentors were free to form a team (REL-3).")
    free = int(params["free"])
    return ngettext(
        "Too few suitable mentors were free to form a team of %(team_min)s (REL-3): %(free)s of the "
        "%(suitable)s had room left, and other teams could not spare enough of the others.",
        "Too few suitable mentors were free to form a team of %(team_min)s (REL-3): %(free)s of the "
        "%(suitable)s had room left, and other teams could not spare enough of the others.",
        free,
    ) % {"team_min": params.get("team_min", ""), "free": free, "suitable": params.get("suitable", "")}


def _taken_for_best_total(params: dict) -> str:
    if int(params.get("team_min", "1")) > 1:
        return _(
            "The suitable mentors went to larger teams: the programme aims for the best total score. "
            "Matching as many youth as possible first could give this youth a team as well (REL-3)."
        )
    return _(
        "The suitable mentors went to other youth: the programme aims for the best total score. "
        "Matching as many youth as possible first could give this youth a mentor as well, without "
        "another youth losing theirs."
    )


def unmatched_text(reason: str, codes: list[str], params: dict, counts: dict, mentors: int) -> str:
    """Why a round left a youth unmatched, in one sentence."""
    if reason == "no_mentors":
        return _("There were no available mentors in this round.")
    if reason == "team_incomplete":
        return _team_incomplete(params)
    if reason == "taken_for_best_total":
        return _taken_for_best_total(params)
    if reason == "not_found_in_time":
        return _(
            "The round stopped at its time limit before it found a team for this youth, although "
            "suitable mentors could still have formed one (REL-3)."
        )
    if reason == "outside_candidates":
        return _(
            "Suitable mentors who could still take this youth were not among the pairs the round "
            "compares (each youth's best %(k)s mentors and each mentor's best %(k)s youth)."
        ) % {"k": params.get("k", "")}
    if reason == "below_minimum_score":
        return _("The suitable mentors all score below the programme's minimum score.")
    if reason == "all_suitable_mentors_taken":
        return _("Every suitable mentor was proposed to another youth or has no room left.")
    phrases = [_phrase(code, params) for code in (codes or [reason])]
    return _("No available mentor %(what)s.") % {"what": _join(phrases)}


def pair_problem(code: str, params: dict) -> str:
    """Why one pair may not be proposed (MAT-6: a pair by hand), in one sentence."""
    texts = {
        "mentor_not_ready": lambda: _("The mentor is not ready to match (screening not finished)."),
        "mentor_not_trained": lambda: _("The mentor has not finished the training needed before matching."),
        "mentor_disqualified": lambda: _("The mentor is disqualified."),
        "age_gap_too_small": lambda: (
            ngettext(
                "The mentor is less than %(gap)s year older than the youth and not at a next school level.",
                "The mentor is less than %(gap)s years older than the youth and not at a next school level.",
                _count(params.get("gap")),
            )
            % {"gap": params.get("gap", "")}
        ),
        "minor_mentor_without_supervisor": lambda: _("The mentor is under 18 and has no adult supervisor."),
        "required_gender": lambda: (
            _("The youth or family asked for a mentor who is %(gender)s.")
            % {"gender": _gender(params.get("gender", ""))}
        ),
        "required_language": lambda: (
            _("The mentor does not speak %(language)s, which the family asked for.")
            % {"language": _language(params.get("language", ""))}
        ),
        "required_background": lambda: (
            _("The family requires a mentor with the background '%(background)s'.")
            % {"background": params.get("background", "")}
        ),
        "too_little_availability_overlap": lambda: (
            ngettext(
                "They share fewer than %(slots)s weekly time slot.",
                "They share fewer than %(slots)s weekly time slots.",
                _count(params.get("slots")),
            )
            % {"slots": params.get("slots", "")}
        ),
        "too_far": lambda: _("They live more than %(km)s km apart.") % {"km": decimal_text(params.get("km"))},
        "excluded_by_coordinator": lambda: _("A coordinator excluded this pair."),
    }
    return texts[code]() if code in texts else code


FACTOR_LABELS = {
    "wishes": ("MAT-1", lambda: _("The youth's own wishes")),
    "interests": ("MAT-2", lambda: _("Shared interests")),
    "personality": ("MAT-2", lambda: _("Similar personality")),
    "values": ("MAT-2", lambda: _("Shared values and beliefs")),
    "age_gap": ("MAT-3", lambda: _("Age gap")),
    "mutual_benefit": ("MAT-1", lambda: _("Mutual benefit")),
    "culture": ("MAT-5", lambda: _("Shared cultural background")),
    "demographics": ("MAT-2", lambda: _("Same gender and language")),
    "availability": ("", lambda: _("Shared availability")),
    "distance": ("", lambda: _("Short journey")),
    "waiting": ("", lambda: _("Time on the waiting list")),
}


def factor_rows(factors: dict[str, float], weights: dict[str, float] | None = None) -> list[dict]:
    """Rows for the bars of an explanation: label, rule, contribution, its share of the maximum
    contribution the factor could give (0..100), in the engine's order."""
    total_weight = sum((weights or {}).values()) or None
    rows = []
    for name, (rule, label) in FACTOR_LABELS.items():
        if name not in factors:
            continue
        value = float(factors[name])
        maximum = (weights[name] / total_weight) if (weights and total_weight) else None
        percent = round(100 * value / maximum) if maximum else None
        rows.append({"name": name, "label": label(), "rule": rule, "value": value, "percent": percent})
    return rows


# The constraints every proposed pair meets, for the explanation.
MET_CONSTRAINTS = (
    ("TRN-1", lambda: _("mentor trained and ready")),
    ("SCR-3", lambda: _("not disqualified")),
    ("MAT-3", lambda: _("age gap")),
    ("MAT-4", lambda: _("adult or supervised")),
    ("MAT-5", lambda: _("the family's required gender, language and background")),
    ("", lambda: _("shared availability")),
    ("", lambda: _("travel distance")),
)


def met_constraints() -> list[tuple[str, str]]:
    return [(rule, label()) for rule, label in MET_CONSTRAINTS]


# --- What matched (the explanation of a pair) ------------------------------------------------------


def interest_names(details: Iterable[dict]) -> dict[str, str]:
    """Managed interests named in these pair details -> their name in the user's language (one query)."""
    slugs = {
        slug
        for d in details
        for key in ("shared_interests", "wished_interests_met", "wished_interests_missed")
        for slug in d.get(key, ())
    }
    if not slugs:
        return {}
    return {i.slug: str(i) for i in Interest.objects.filter(slug__in=slugs)}


def _interests(items: Iterable[str], names: dict[str, str]) -> str:
    # An interest outside the managed list is the person's own word, shown as they wrote it.
    return _join([names.get(item, item) for item in items])


def _age_range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return _("%(low)s to %(high)s") % {"low": low, "high": high}
    if low is not None:
        return _("%(low)s or older") % {"low": low}
    return _("at most %(high)s") % {"high": high}


def _age_gap(years: int) -> str:
    if years > 0:
        return ngettext(
            "The mentor is %(years)s year older than the youth.",
            "The mentor is %(years)s years older than the youth.",
            years,
        ) % {"years": years}
    if years < 0:
        return ngettext(
            "The mentor is %(years)s year younger than the youth.",
            "The mentor is %(years)s years younger than the youth.",
            -years,
        ) % {"years": -years}
    return _("The mentor and the youth are the same age.")


def explanation(details: dict, names: dict[str, str], *, min_age_gap: int) -> list[tuple[str, str]]:
    """What matched in one pair (`matchmaker.types.PairDetails.as_dict()`), as (rule ID, sentence)
    rows for staff: the shared interests, each wish of the youth this mentor meets or misses (YTH-3,
    MAT-5), the age gap in years and, where MAT-3 relies on it, that the mentor is a school level
    further. `names`: managed interests by slug (see `interest_names`).

    Values and beliefs, personality answers and the cultural background itself are never named here
    (special categories of personal data); their factor bars say how much they add.
    """
    rows: list[tuple[str, str]] = []
    if details.get("shared_interests"):
        rows.append(
            (
                "MAT-2",
                _("Both like %(interests)s.") % {"interests": _interests(details["shared_interests"], names)},
            )
        )
    if details.get("wished_interests_met"):
        what = _interests(details["wished_interests_met"], names)
        rows.append(("YTH-3", _("Wish met: a mentor who likes %(interests)s.") % {"interests": what}))
    if details.get("wished_interests_missed"):
        what = _interests(details["wished_interests_missed"], names)
        rows.append(("YTH-3", _("Wish not met: a mentor who likes %(interests)s.") % {"interests": what}))
    if details.get("wish_gender"):
        gender = {"gender": _gender(details["wish_gender"])}
        met = details.get("wish_gender_met")
        text = (
            _("Wish met: a mentor who is %(gender)s.")
            if met
            else _("Wish not met: a mentor who is %(gender)s.")
        )
        rows.append(("MAT-5", text % gender))
    if details.get("wish_language"):
        language = {"language": _language(details["wish_language"])}
        met = details.get("wish_language_met")
        text = (
            _("Wish met: a mentor who speaks %(language)s.")
            if met
            else _("Wish not met: a mentor who speaks %(language)s.")
        )
        rows.append(("MAT-5", text % language))
    low, high = details.get("wish_age_min"), details.get("wish_age_max")
    if low is not None or high is not None:
        values = {"range": _age_range(low, high), "age": details.get("mentor_age", "")}
        text = (
            _("Wish met: a mentor aged %(range)s (this mentor is %(age)s).")
            if details.get("wish_age_met")
            else _("Wish not met: a mentor aged %(range)s (this mentor is %(age)s).")
        )
        rows.append(("YTH-3", text % values))
    if details.get("background_wish_met"):
        rows.append(("MAT-5", _("Wish met: the same cultural background, as the family asked.")))
    gap = int(details.get("age_gap", 0))
    rows.append(("MAT-3", _age_gap(gap)))
    if details.get("next_school_level") and gap < min_age_gap:
        rows.append(
            (
                "MAT-3",
                _("The mentor is a school level further, so an age gap under %(gap)s years is allowed.")
                % {"gap": min_age_gap},
            )
        )
    return rows
