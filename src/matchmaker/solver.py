"""The match round: candidate graph, min-cost flow, explanations, alternatives and reasons.

1. Score and check youth x mentors in blocks of rows (never a dense all-pairs float matrix), keeping
   each youth's top-k and each mentor's top-k feasible pairs; their union is the candidate graph.
2. OR-Tools `SimpleMinCostFlow` finds the assignment with the highest total score:
   source -> youth (capacity: team max minus locked mentors), youth -> mentor (capacity 1,
   cost -score), mentor -> sink (capacity minus locks), and a zero-cost source -> sink arc so any
   youth may stay unmatched. Pairs below the minimum score are not in the graph.
3. Team programmes (REL-3, team min > 1): min-cost flow cannot say "at least two or none", so a
   youth who ends with fewer than the minimum is dropped and the flow re-solved without them, until
   every matched youth has between team min and team max mentors (see docs/matching.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from matchmaker import constraints as c
from matchmaker.encode import Array, Side, build_vocabularies, encode_mentors, encode_youths
from matchmaker.scoring import contributions, score
from matchmaker.types import Alternative, Mentor, Proposal, Result, Rules, Unmatched, Youth

# About this many pairs are scored at once per thread (tens of MB of temporaries).
BLOCK_PAIRS = 2_000_000
# Scores are 0..1; the solver needs integer costs.
COST_SCALE = 1_000_000
# Threads that score blocks at once (numpy releases the GIL).
THREADS = 2

BELOW_MIN_SCORE = "below_minimum_score"
TAKEN = "all_suitable_mentors_taken"
TEAM_INCOMPLETE = "team_incomplete"
NO_MENTORS = "no_mentors"

LANGUAGE_NAMES = {
    "nl": "Dutch",
    "en": "English",
    "ar": "Arabic",
    "tr": "Turkish",
    "zgh": "Tamazight",
    "pap": "Papiamento",
    "srn": "Sranantongo",
    "pl": "Polish",
    "so": "Somali",
    "ti": "Tigrinya",
    "uk": "Ukrainian",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "pt": "Portuguese",
    "fa": "Persian",
}


@dataclass(frozen=True)
class CandidateGraph:
    """Candidate pairs (youth index, mentor index, score) and per-youth counts for the reasons."""

    youth: Array
    mentor: Array
    score: Array
    fail_counts: Array  # (n_youth, len(REASON_ORDER)) mentors failing each constraint
    feasible: Array  # mentors passing every hard constraint, per youth
    above_min: Array  # of those, scoring at least the minimum


def match(youths: Sequence[Youth], mentors: Sequence[Mentor], rules: Rules) -> Result:
    """Run a match round: the best total matching, with explanations, alternatives and reasons."""
    _validate(youths, mentors, rules)
    v = build_vocabularies(youths, mentors)
    ys, ms = encode_youths(youths, v), encode_mentors(mentors, v)
    y_index = {y.id: i for i, y in enumerate(youths)}
    m_index = {m.id: j for j, m in enumerate(mentors)}
    excluded = _excluded_by_youth(rules, y_index, m_index)
    locks, dropped = _usable_locks(youths, mentors, rules, y_index, m_index)

    graph = candidate_graph(ys, ms, rules, excluded)
    youth_cap = np.full(len(youths), rules.team_max, dtype=np.int64)
    mentor_cap = np.array([max(m.capacity, 0) for m in mentors], dtype=np.int64)
    locked_count = np.zeros(len(youths), dtype=np.int64)
    for yi, mj in locks:
        youth_cap[yi] -= 1
        mentor_cap[mj] -= 1
        locked_count[yi] += 1
    youth_cap = np.maximum(youth_cap, 0)
    mentor_cap = np.maximum(mentor_cap, 0)

    # Locked pairs are already in; do not offer the same pair twice.
    if locks:
        lock_keys = np.array([yi * len(mentors) + mj for yi, mj in locks], dtype=np.int64)
        keep = ~np.isin(graph.youth.astype(np.int64) * len(mentors) + graph.mentor, lock_keys)
    else:
        keep = np.ones(len(graph.youth), dtype=bool)
    ey, em, es = graph.youth[keep], graph.mentor[keep], graph.score[keep]

    chosen, team_dropped = _solve_with_team_minimum(ey, em, es, youth_cap, mentor_cap, locked_count, rules)
    assigned: dict[int, list[int]] = defaultdict(list)
    for yi, mj in zip(ey[chosen].tolist(), em[chosen].tolist(), strict=True):
        assigned[yi].append(mj)
    locked_by_youth: dict[int, list[int]] = defaultdict(list)
    for yi, mj in locks:
        locked_by_youth[yi].append(mj)

    proposals = _proposals(youths, mentors, ys, ms, rules, assigned, locked_by_youth)
    alternatives = _alternatives(youths, mentors, ey, em, es, assigned, rules.alternatives)
    matched = {p.youth_id for p in proposals}
    unmatched = tuple(
        _reason(youths[i], i, graph, team_dropped, rules, len(mentors))
        for i in range(len(youths))
        if youths[i].id not in matched
    )
    return Result(
        proposals=tuple(proposals), alternatives=alternatives, unmatched=unmatched, dropped_locks=dropped
    )


def _validate(youths: Sequence[Youth], mentors: Sequence[Mentor], rules: Rules) -> None:
    if len({y.id for y in youths}) != len(youths) or len({m.id for m in mentors}) != len(mentors):
        raise ValueError("youth and mentor ids must be unique")
    if not 1 <= rules.team_min <= rules.team_max:
        raise ValueError("team sizes need 1 <= team_min <= team_max")


def _excluded_by_youth(rules: Rules, y_index: dict[int, int], m_index: dict[int, int]) -> dict[int, Array]:
    by_youth: dict[int, list[int]] = defaultdict(list)
    for youth_id, mentor_id in rules.excluded:
        if youth_id in y_index and mentor_id in m_index:
            by_youth[y_index[youth_id]].append(m_index[mentor_id])
    return {yi: np.array(cols, dtype=np.int64) for yi, cols in by_youth.items()}


def _usable_locks(
    youths: Sequence[Youth],
    mentors: Sequence[Mentor],
    rules: Rules,
    y_index: dict[int, int],
    m_index: dict[int, int],
) -> tuple[list[tuple[int, int]], tuple[tuple[int, int, str], ...]]:
    """Locks to keep, and locks dropped because a person is gone or a hard constraint now fails."""
    keep: list[tuple[int, int]] = []
    dropped: list[tuple[int, int, str]] = []
    for youth_id, mentor_id in sorted(rules.locked):
        if youth_id not in y_index or mentor_id not in m_index:
            dropped.append((youth_id, mentor_id, "not_in_round"))
            continue
        yi, mj = y_index[youth_id], m_index[mentor_id]
        broken = c.broken_constraints(youths[yi], mentors[mj], rules)
        if broken:
            dropped.append((youth_id, mentor_id, broken[0]))
        else:
            keep.append((yi, mj))
    return keep, tuple(dropped)


def candidate_graph(
    ys: Side, ms: Side, rules: Rules, excluded: dict[int, Array] | None = None
) -> CandidateGraph:
    """Union of each youth's top-k and each mentor's top-k feasible pairs at or above the minimum score.

    Works in blocks of youth rows against all mentors, so memory stays at about BLOCK_PAIRS pairs.
    The mentor side keeps a per-mentor threshold (its k-th best score so far): a block passes on
    only the pairs at or above it, and the pool is cut back to each mentor's k best now and then.
    """
    excluded = excluded or {}
    n_y, n_m = len(ys), len(ms)
    k = max(1, rules.candidates_k)
    kk = min(k, n_y)
    fail_counts = np.zeros((n_y, len(c.REASON_ORDER)), dtype=np.int32)
    feasible = np.zeros(n_y, dtype=np.int32)
    above = np.zeros(n_y, dtype=np.int32)
    parts_y: list[Array] = []
    parts_m: list[Array] = []
    parts_s: list[Array] = []
    mall = ms.pick(slice(None), expand=0)
    rows_per_block = max(1, BLOCK_PAIRS // max(n_m, 1))
    min_score = np.float32(rules.min_score)
    lowest = np.float32(-np.finfo(np.float32).max)  # every finite score passes, -inf does not
    # Per-mentor k-th best score so far; read by the workers (a stale, lower value is safe).
    state = {"threshold": np.full(n_m, lowest, dtype=np.float32)}

    def scored_block(start: int) -> tuple[Array, Array, Array, Array, Array, Array]:
        """Check and score one block of youth rows; fills the per-youth counts; returns the block's
        youth-side top-k edges and its mentor-side candidate edges (youth, mentor, score each)."""
        idx = np.arange(start, min(start + rows_per_block, n_y))
        block = ys.pick(idx, expand=1)
        ok, fails = c.feasibility(block, mall, rules)
        ex = np.zeros((len(idx), n_m), dtype=bool)
        for r, yi in enumerate(idx.tolist()):
            if yi in excluded:
                ex[r, excluded[yi]] = True
        fails[c.EXCLUDED] = ex
        for col, code in enumerate(c.REASON_ORDER):
            fails_code = fails[code]
            if fails_code.shape[0] == 1:  # mentor-only: the same count for every row
                fail_counts[idx, col] = int(fails_code.sum())
            else:
                fail_counts[idx, col] = fails_code.sum(axis=1)
        ok &= ~ex
        s = np.where(ok, score(block, mall, rules), np.float32(-np.inf))
        feasible[idx] = ok.sum(axis=1)
        s[s < min_score] = -np.inf
        above[idx] = np.isfinite(s).sum(axis=1)
        yy, ym, yv = _youth_top_k(s, idx, k)
        rows, cols = np.nonzero(s >= state["threshold"])
        return yy, ym, yv, idx[rows].astype(np.int32), cols.astype(np.int32), s[rows, cols]

    pool_y: list[Array] = []
    pool_m: list[Array] = []
    pool_s: list[Array] = []
    pooled = 0
    limit = max(2 * n_m * kk, BLOCK_PAIRS)
    starts = list(range(0, n_y, rows_per_block))
    # numpy releases the GIL, so two threads score two blocks at once; this thread gathers the edges
    # and now and then cuts the mentor-side pool back to each mentor's kk best (raising thresholds).
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for yy, ym, yv, my, mm, mv in pool.map(scored_block, starts):
            parts_y.append(yy)
            parts_m.append(ym)
            parts_s.append(yv)
            pool_y.append(my)
            pool_m.append(mm)
            pool_s.append(mv)
            pooled += len(my)
            if pooled > limit:
                py, pm, ps, threshold = _mentor_top_k(pool_y, pool_m, pool_s, n_m, kk, lowest)
                pool_y, pool_m, pool_s, pooled = [py], [pm], [ps], len(py)
                state["threshold"] = threshold
    if n_m:
        py, pm, ps, _ = _mentor_top_k(pool_y, pool_m, pool_s, n_m, kk, lowest)
        parts_y.append(py)
        parts_m.append(pm)
        parts_s.append(ps)
    ey = np.concatenate(parts_y) if parts_y else np.zeros(0, np.int32)
    em = np.concatenate(parts_m) if parts_m else np.zeros(0, np.int32)
    es = np.concatenate(parts_s) if parts_s else np.zeros(0, np.float32)
    keys = ey.astype(np.int64) * max(n_m, 1) + em
    _, first = np.unique(keys, return_index=True)
    return CandidateGraph(ey[first], em[first], es[first], fail_counts, feasible, above)


def _youth_top_k(s: Array, idx: Array, k: int) -> tuple[Array, Array, Array]:
    n_m = s.shape[1]
    # Rows keep their k best mentors (all when there are no more than k).
    cols = np.argpartition(-s, k - 1, axis=1)[:, :k] if n_m > k else np.broadcast_to(np.arange(n_m), s.shape)
    vals = np.take_along_axis(s, cols, axis=1)
    keep = np.isfinite(vals)
    return (
        np.broadcast_to(idx[:, None], cols.shape)[keep].astype(np.int32),
        cols[keep].astype(np.int32),
        vals[keep],
    )


def _mentor_top_k(
    pool_y: list[Array], pool_m: list[Array], pool_s: list[Array], n_m: int, kk: int, lowest: np.float32
) -> tuple[Array, Array, Array, Array]:
    """Each mentor's kk best edges of the pool (ties: the lower youth index first), and per mentor
    the kk-th best score (`lowest` while a mentor has fewer than kk)."""
    py = np.concatenate(pool_y) if pool_y else np.zeros(0, np.int32)
    pm = np.concatenate(pool_m) if pool_m else np.zeros(0, np.int32)
    ps = np.concatenate(pool_s) if pool_s else np.zeros(0, np.float32)
    order = np.lexsort((py, -ps, pm))
    py, pm, ps = py[order], pm[order], ps[order]
    counts = np.bincount(pm, minlength=n_m)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(pm)) - starts[pm]
    keep = rank < kk
    threshold = np.full(n_m, lowest, dtype=np.float32)
    last = rank == kk - 1
    threshold[pm[last]] = ps[last]
    return py[keep], pm[keep], ps[keep], threshold


def solve_flow(ey: Array, em: Array, es: Array, youth_cap: Array, mentor_cap: Array) -> Array:
    """Maximum total score assignment on the candidate edges; returns a mask of chosen edges."""
    n_y, n_m = len(youth_cap), len(mentor_cap)
    if len(ey) == 0:
        return np.zeros(0, dtype=bool)
    source, sink = n_y + n_m, n_y + n_m + 1
    total = int(youth_cap.sum())
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([np.full(n_y, source), ey, n_y + np.arange(n_m), [source]]).astype(np.int32)
    heads = np.concatenate([np.arange(n_y), n_y + em, np.full(n_m, sink), [sink]]).astype(np.int32)
    caps = np.concatenate([youth_cap, np.ones(len(ey)), mentor_cap, [total]]).astype(np.int64)
    costs = np.concatenate(
        [np.zeros(n_y), -np.rint(es.astype(np.float64) * COST_SCALE), np.zeros(n_m), [0]]
    ).astype(np.int64)
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    edge_arcs = arcs[n_y : n_y + len(ey)]
    return np.asarray(flow.flows(edge_arcs)) > 0


def _solve_with_team_minimum(
    ey: Array,
    em: Array,
    es: Array,
    youth_cap: Array,
    mentor_cap: Array,
    locked_count: Array,
    rules: Rules,
) -> tuple[Array, set[int]]:
    """Solve; for teams (REL-3) drop youth below the team minimum and re-solve until none is."""
    cap = youth_cap.copy()
    dropped: set[int] = set()
    while True:
        chosen = solve_flow(ey, em, es, cap, mentor_cap)
        if rules.team_min <= 1:
            return chosen, dropped
        counts = locked_count + np.bincount(ey[chosen], minlength=len(cap))
        short = (counts > 0) & (counts < rules.team_min) & (locked_count == 0)
        if not short.any():
            return chosen, dropped
        cap[short] = 0
        dropped.update(np.flatnonzero(short).tolist())


def _proposals(
    youths: Sequence[Youth],
    mentors: Sequence[Mentor],
    ys: Side,
    ms: Side,
    rules: Rules,
    assigned: dict[int, list[int]],
    locked: dict[int, list[int]],
) -> list[Proposal]:
    pairs = [(yi, mj) for yi in sorted(set(assigned) | set(locked)) for mj in locked[yi] + assigned[yi]]
    if not pairs:
        return []
    pyi = np.array([p[0] for p in pairs])
    pmj = np.array([p[1] for p in pairs])
    parts = contributions(ys.pick(pyi), ms.pick(pmj), rules)
    # Mean contribution per youth over their mentors, for all factors at once.
    size = int(pyi.max()) + 1
    per_youth = np.bincount(pyi, minlength=size).astype(np.float64)
    means = {
        name: (np.bincount(pyi, weights=v, minlength=size) / np.maximum(per_youth, 1)).tolist()
        for name, v in parts.items()
    }
    by_youth: dict[int, list[int]] = defaultdict(list)
    for yi, mj in pairs:
        by_youth[yi].append(mentors[mj].id)
    proposals = []
    for yi, mentor_ids in by_youth.items():
        factors = {name: values[yi] for name, values in means.items()}
        proposals.append(
            Proposal(
                youth_id=youths[yi].id,
                mentor_ids=tuple(mentor_ids),
                score=sum(factors.values()),
                factors=factors,
                locked=tuple(mentors[mj].id for mj in locked[yi]),
            )
        )
    proposals.sort(key=lambda p: -p.score)
    return proposals


def _alternatives(
    youths: Sequence[Youth],
    mentors: Sequence[Mentor],
    ey: Array,
    em: Array,
    es: Array,
    assigned: dict[int, list[int]],
    how_many: int,
) -> dict[int, tuple[Alternative, ...]]:
    """Per youth, the best-scoring candidate mentors not proposed to them."""
    proposed = np.zeros(len(ey), dtype=bool)
    if assigned and len(ey):
        keys = ey.astype(np.int64) * len(mentors) + em
        taken = np.array(
            [yi * len(mentors) + mj for yi, mjs in assigned.items() for mj in mjs], dtype=np.int64
        )
        proposed = np.isin(keys, taken)
    ey, em, es = ey[~proposed], em[~proposed], es[~proposed]
    order = np.lexsort((-es, ey))
    ey, em, es = ey[order], em[order], es[order]
    # Rank of each edge within its youth's group; keep the first `how_many`.
    starts = np.flatnonzero(np.r_[True, ey[1:] != ey[:-1]]) if len(ey) else np.zeros(0, dtype=np.int64)
    rank = np.arange(len(ey)) - np.repeat(starts, np.diff(np.r_[starts, len(ey)]))
    keep = rank < how_many
    out: dict[int, list[Alternative]] = defaultdict(list)
    for yi, mj, s in zip(ey[keep].tolist(), em[keep].tolist(), es[keep].tolist(), strict=True):
        out[yi].append(Alternative(mentor_id=mentors[mj].id, score=float(s)))
    return {youths[yi].id: tuple(alts) for yi, alts in out.items()}


def _reason(
    youth: Youth, yi: int, graph: CandidateGraph, team_dropped: set[int], rules: Rules, n_mentors: int
) -> Unmatched:
    counts = {code: int(n) for code, n in zip(c.REASON_ORDER, graph.fail_counts[yi], strict=True) if n}
    if n_mentors == 0:
        return Unmatched(youth.id, NO_MENTORS, "there are no mentors in this round", counts)
    if yi in team_dropped:
        text = f"fewer than {rules.team_min} suitable mentors were free to form a team (REL-3)"
        return Unmatched(youth.id, TEAM_INCOMPLETE, text, counts)
    if graph.feasible[yi] == 0:
        code = max(counts, key=lambda k: counts[k])
        text = f"{constraint_text(code, youth, rules)} ({counts[code]} of {n_mentors} mentors ruled out)"
        return Unmatched(youth.id, code, text, counts)
    if graph.above_min[yi] == 0:
        text = (
            f"all {graph.feasible[yi]} suitable mentors score below the programme's minimum "
            f"of {rules.min_score:.2f}"
        )
        return Unmatched(youth.id, BELOW_MIN_SCORE, text, counts)
    text = f"all {graph.above_min[yi]} suitable mentors were proposed to other youth or are full"
    return Unmatched(youth.id, TAKEN, text, counts)


def constraint_text(code: str, youth: Youth, rules: Rules) -> str:
    """English text for a hard constraint that kept a youth unmatched."""
    language = LANGUAGE_NAMES.get(youth.wish_language, youth.wish_language)
    texts = {
        c.NOT_READY: "no mentor is ready to match",
        c.NOT_TRAINED: "the mentors have not finished their training (TRN-1)",
        c.DISQUALIFIED: "the mentors are disqualified (SCR-3)",
        c.AGE_GAP: f"no mentor is {rules.min_age_gap} years older or at a next school stage (MAT-3)",
        c.MINOR_UNSUPERVISED: "the mentors under 18 have no adult supervisor (MAT-4)",
        c.GENDER: f"no available mentor is {youth.wish_gender} (MAT-5)",
        c.LANGUAGE: f"no available mentor speaks {language}",
        c.BACKGROUND: f"no available mentor shares the required background '{youth.cultural_background}'",
        c.AVAILABILITY: f"no available mentor shares {rules.min_availability_overlap}+ weekly time slots",
        c.DISTANCE: f"no available mentor lives within {rules.max_travel_km:g} km",
        c.EXCLUDED: "the coordinator excluded the remaining mentors",
    }
    return texts[code]


def feasible_score_matrix(youths: Sequence[Youth], mentors: Sequence[Mentor], rules: Rules) -> Array:
    """Dense youth x mentor scores, -inf where infeasible or below the minimum.

    For tests and the benchmark's exact reference on small pools only (n x m float64).
    """
    v = build_vocabularies(youths, mentors)
    ys, ms = encode_youths(youths, v), encode_mentors(mentors, v)
    y_index = {y.id: i for i, y in enumerate(youths)}
    m_index = {m.id: j for j, m in enumerate(mentors)}
    y, m = ys.pick(slice(None), expand=1), ms.pick(slice(None), expand=0)
    ok, _ = c.feasibility(y, m, rules)
    ok = np.array(ok, dtype=bool)
    for yid, mid in rules.excluded:
        if yid in y_index and mid in m_index:
            ok[y_index[yid], m_index[mid]] = False
    s = score(y, m, rules).astype(np.float64)
    s[~ok | (s < np.float32(rules.min_score))] = -np.inf
    return s
