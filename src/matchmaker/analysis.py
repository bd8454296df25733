"""Pool analysis (MAT-5): what the mentor pool lacks for each youth, before or after a round.

Coordinators use it to see which wishes no mentor can meet (recruit an Arabic-speaking mentor, a
mentor in the north) rather than reading it off unmatched reasons one youth at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matchmaker import constraints as c
from matchmaker.encode import build_vocabularies, encode_mentors, encode_youths
from matchmaker.types import Mentor, PoolGap, Rules, Youth

# The constraints that depend on the youth, in reason order.
YOUTH_SIDE = tuple(
    code
    for code in c.REASON_ORDER
    if code in {c.GENDER, c.LANGUAGE, c.BACKGROUND, c.AGE_GAP, c.AVAILABILITY, c.DISTANCE}
)
# About this many pairs are checked at once.
BLOCK_PAIRS = 1_000_000


def pool_gaps(youths: Sequence[Youth], mentors: Sequence[Mentor], rules: Rules) -> tuple[PoolGap, ...]:
    """Per youth (in input order): the youth-side constraints that no considered mentor passes on its
    own, and how many considered mentors pass every hard constraint.

    Considered mentors are those ready to match, trained (TRN-1) and not disqualified (SCR-3). With
    no considered mentor at all nothing can be compared, so `unmet` is empty and the count 0.
    """
    considered = [m for m in mentors if m.ready and m.trained and not m.disqualified]
    if not youths:
        return ()
    if not considered:
        return tuple(PoolGap(y.id, (), 0) for y in youths)
    v = build_vocabularies(youths, considered)
    ys, ms = encode_youths(youths, v), encode_mentors(considered, v)
    mall = ms.pick(slice(None), expand=0)
    m_index = {m.id: j for j, m in enumerate(considered)}
    y_index = {y.id: i for i, y in enumerate(youths)}
    n_y, n_m = len(youths), len(considered)
    passed_any = np.zeros((n_y, len(YOUTH_SIDE)), dtype=bool)
    feasible = np.zeros(n_y, dtype=np.int64)
    rows_per_block = max(1, BLOCK_PAIRS // n_m)
    for start in range(0, n_y, rows_per_block):
        idx = np.arange(start, min(start + rows_per_block, n_y))
        ok, fails = c.feasibility(ys.pick(idx, expand=1), mall, rules)
        for col, code in enumerate(YOUTH_SIDE):
            passed_any[idx, col] = (~np.broadcast_to(fails[code], (len(idx), n_m))).any(axis=1)
        feasible[idx] = np.broadcast_to(ok, (len(idx), n_m)).sum(axis=1)
    # Excluded pairs (few) that pass everything else were counted as feasible; take them off.
    pairs = [
        (y_index[youth_id], m_index[mentor_id])
        for youth_id, mentor_id in rules.excluded
        if youth_id in y_index and mentor_id in m_index
    ]
    if pairs:
        pyi, pmj = np.array(pairs).T
        ok, _ = c.feasibility(ys.pick(pyi), ms.pick(pmj), rules)
        np.subtract.at(feasible, pyi[ok], 1)
    return tuple(
        PoolGap(
            youth_id=y.id,
            unmet=tuple(code for col, code in enumerate(YOUTH_SIDE) if not passed_any[i, col]),
            feasible_mentors=int(feasible[i]),
        )
        for i, y in enumerate(youths)
    )
