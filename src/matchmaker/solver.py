"""The match round: candidate graph, min-cost flow, explanations, alternatives and reasons.

1. Score and check youth x mentors in blocks of rows (never a dense all-pairs float matrix) with the
   matrix-product path of kernel.py, keeping each youth's top-k (ties kept whole) and each mentor's
   top-k (ties: lower youth index) feasible pairs; their union is the candidate graph.
2. OR-Tools `SimpleMinCostFlow` finds the best assignment: source -> youth (capacity: team max
   minus locked mentors), youth -> mentor (capacity 1, cost -score), mentor -> sink (capacity minus
   locks), and a zero-cost source -> sink arc so any youth may stay unmatched. Pairs below the
   minimum score are not in the graph. `Rules.objective` says what "best" is: the most youth with a
   mentor (a complete team) first and then the highest total score (YOUTH_FIRST, the default), or
   the highest total score (BEST_TOTAL). Youth first is solved exactly by weighting: each of a
   youth's first `team_min` mentors is worth a bonus on top of its score, together more than any
   total score can reach (`unit_bonus`).
3. Team programmes (REL-3, team min > 1): min-cost flow cannot say "at least two or none", so
   OR-Tools CP-SAT solves the candidate graph exactly (a youth gets between team min and team max
   mentors or none), seeded with a heuristic answer (drop youth below the minimum, re-solve the flow)
   and stopped after TEAM_TIME_LIMIT seconds (then `Result.optimal` is False).
4. Unmatched youth get a reason that is true of this answer (`_taken_reason`, `_Spare`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow
from ortools.sat.python import cp_model, cp_model_helper

from matchmaker import constraints as c
from matchmaker import kernel
from matchmaker.encode import Array, Side, build_vocabularies, encode_mentors, encode_youths
from matchmaker.explain import pair_details
from matchmaker.scoring import contributions
from matchmaker.types import (
    BEST_TOTAL,
    OBJECTIVES,
    YOUTH_FIRST,
    Alternative,
    Mentor,
    Proposal,
    Result,
    Rules,
    Unmatched,
    Youth,
)

# About this many pairs are scored at once per thread (a few MB per temporary, so passes stay in cache).
BLOCK_PAIRS = 1_000_000
# Scores are 0..1; the solver needs integer costs.
COST_SCALE = 1_000_000
# Threads that score blocks at once (numpy releases the GIL).
THREADS = 2
# Seconds CP-SAT may spend on a team programme before the best answer found is used.
TEAM_TIME_LIMIT = 10.0
# Measured on team pools (docs/matching.md): one worker with the LP and its cuts (linearization
# level 2), without presolve and probing, proves the optimum fastest (200 x 500: 3 s against 10 s+
# with the defaults, whose presolve alone took seconds); the relaxation is tight, the search small.
TEAM_SOLVER_PARAMETERS: dict[str, object] = {
    "num_workers": 1,
    "linearization_level": 2,
    "cp_model_presolve": False,
    "cp_model_probing_level": 0,
}

# `progress(fraction, stage)`: called from the calling thread only.
Progress = Callable[[float, str], None]
ENCODING, SCORING, SOLVING, EXPLAINING, DONE = "encoding", "scoring", "solving", "explaining", "done"

BELOW_MIN_SCORE = "below_minimum_score"
TAKEN = "all_suitable_mentors_taken"
TEAM_INCOMPLETE = "team_incomplete"
TAKEN_FOR_BEST_TOTAL = "taken_for_best_total"
NOT_FOUND_IN_TIME = "not_found_in_time"
OUTSIDE_CANDIDATES = "outside_candidates"
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
    """Candidate pairs: youth index, mentor index, score."""

    youth: Array
    mentor: Array
    score: Array


def match(
    youths: Sequence[Youth], mentors: Sequence[Mentor], rules: Rules, progress: Progress | None = None
) -> Result:
    """Run a match round: the best matching by `rules.objective` (youth first, or the best total
    score), with explanations, alternatives and reasons.

    `progress`, when given, is called with a fraction 0..1 (never decreasing) and a stage code
    ("encoding", "scoring", "solving", "explaining", "done") a few times per stage, from the calling
    thread only; the last call is (1.0, "done").
    """
    report = _Reporter(progress)
    report(0.0, ENCODING)
    _validate(youths, mentors, rules)
    v = build_vocabularies(youths, mentors)
    ys, ms = encode_youths(youths, v), encode_mentors(mentors, v)
    y_index = {y.id: i for i, y in enumerate(youths)}
    m_index = {m.id: j for j, m in enumerate(mentors)}
    excluded = _excluded_by_youth(rules, y_index, m_index)
    locks, dropped = _usable_locks(youths, mentors, rules, y_index, m_index)
    report(0.05, ENCODING)

    report(0.05, SCORING)
    graph = candidate_graph(
        ys, ms, rules, excluded, progress=lambda done, total: report(0.05 + 0.75 * done / total, SCORING)
    )
    report(0.8, SOLVING)
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

    # A youth's first `need` mentors make them matched (a complete team); a youth with locked mentors
    # is matched already. Youth first: each of those mentors is worth `bonus` on top of its score.
    need = np.where(locked_count > 0, 0, rules.team_min).astype(np.int64)
    bonus = unit_bonus(rules, ey, es, youth_cap)
    if rules.team_min <= 1:
        # The best-total flow is also the youth-first optimum when it matches as many youth as any
        # assignment can (often so, and the bonus flow is slower: its costs span a wider range).
        chosen, optimal = solve_flow(ey, em, es, youth_cap, mentor_cap), True
        if bonus and not matches_most_youth(chosen, ey, em, youth_cap, mentor_cap, need):
            chosen = solve_flow(ey, em, es, youth_cap, mentor_cap, need, bonus)
    else:
        # The time limit covers the heuristic and CP-SAT together.
        deadline = time.perf_counter() + TEAM_TIME_LIMIT
        report(0.82, SOLVING)
        chosen, optimal = _solve_with_team_minimum(
            ey, em, es, youth_cap, mentor_cap, locked_count, rules, deadline, bonus=bonus
        )
        report(0.84, SOLVING)
        remaining = deadline - time.perf_counter()
        if not optimal and remaining > 0.5:
            chosen, optimal = solve_teams(
                ey,
                em,
                es,
                youth_cap,
                mentor_cap,
                locked_count,
                rules.team_min,
                chosen,
                time_limit=remaining,
                team_bonus=bonus * rules.team_min,
            )
    report(0.9, EXPLAINING)
    assigned: dict[int, list[int]] = defaultdict(list)
    for yi, mj in zip(ey[chosen].tolist(), em[chosen].tolist(), strict=True):
        assigned[yi].append(mj)
    locked_by_youth: dict[int, list[int]] = defaultdict(list)
    for yi, mj in locks:
        locked_by_youth[yi].append(mj)

    proposals = _proposals(youths, mentors, ys, ms, rules, assigned, locked_by_youth)
    report(0.93, EXPLAINING)
    alternatives = _alternatives(youths, mentors, ey, em, es, chosen, rules.alternatives)
    report(0.96, EXPLAINING)
    matched = {p.youth_id for p in proposals}
    left = [i for i, y in enumerate(youths) if y.id not in matched]
    outcome = _Outcome(
        ey=ey,
        em=em,
        chosen=chosen,
        room=mentor_cap - np.bincount(em[chosen], minlength=len(mentors)),
        teams={yi: locked_by_youth[yi] + assigned[yi] for yi in set(assigned) | set(locked_by_youth)},
        locked=frozenset(locks),
        optimal=optimal,
    )
    unmatched = _reasons(youths, left, rules, ys, ms, excluded, outcome)
    result = Result(
        proposals=tuple(proposals),
        alternatives=alternatives,
        unmatched=unmatched,
        dropped_locks=dropped,
        optimal=optimal,
    )
    report(1.0, DONE)
    return result


class _Reporter:
    """Calls `progress` with never-decreasing fractions."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.last = 0.0

    def __call__(self, fraction: float, stage: str) -> None:
        if self.progress is not None:
            self.last = max(self.last, min(fraction, 1.0))
            self.progress(self.last, stage)


def _validate(youths: Sequence[Youth], mentors: Sequence[Mentor], rules: Rules) -> None:
    if len({y.id for y in youths}) != len(youths) or len({m.id for m in mentors}) != len(mentors):
        raise ValueError("youth and mentor ids must be unique")
    if not 1 <= rules.team_min <= rules.team_max:
        raise ValueError("team sizes need 1 <= team_min <= team_max")
    if rules.objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}")


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
    ys: Side,
    ms: Side,
    rules: Rules,
    excluded: dict[int, Array] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CandidateGraph:
    """Union of each youth's top-k and each mentor's top-k feasible pairs at or above the minimum score.

    A youth keeps every pair scoring at least its k-th best (a tie is kept whole); a mentor keeps its
    k best, ties to the lower youth index; so the graph does not depend on how equal scores happen to
    be ordered. `progress(done, total)` is called after each block, from this thread.
    Works in blocks of youth rows against all mentors, so memory stays at about BLOCK_PAIRS pairs.
    The mentor side keeps a per-mentor threshold (its k-th best score so far): a block passes on
    only the pairs at or above it, and the pool is cut back to each mentor's k best now and then.
    """
    excluded = excluded or {}
    n_y, n_m = len(ys), len(ms)
    k = max(1, rules.candidates_k)
    kk = min(k, n_y)
    parts_y: list[Array] = []
    parts_m: list[Array] = []
    parts_s: list[Array] = []
    tables = kernel.mentor_tables(ys, ms)
    youth = kernel.youth_tables(ys, tables, rules)
    rows_per_block = max(1, BLOCK_PAIRS // max(n_m, 1))
    lowest = np.float32(-np.finfo(np.float32).max)  # every finite score passes, -inf does not
    floor = lowest_kept(rules)
    # Per-mentor k-th best score so far; read by the workers (a stale, lower value is safe).
    state = {"threshold": np.full(n_m, lowest, dtype=np.float32)}

    def scored_block(start: int) -> tuple[Array, Array, Array, Array, Array, Array]:
        """Check and score one block of youth rows; returns the block's
        youth-side top-k edges and its mentor-side candidate edges (youth, mentor, score each)."""
        idx = np.arange(start, min(start + rows_per_block, n_y))
        s = kernel.block_scores(youth, slice(start, start + len(idx)), tables, ms.personality, rules)
        for r, row in enumerate(idx.tolist()):
            if row in excluded:
                s[r, excluded[row]] = -np.inf
        # Youth side: every pair at or above the row's k-th best score (all of a tie, so the graph
        # does not depend on how a partition orders equal scores). Mentor side: every pair at or above
        # the mentor's threshold. One pass finds both.
        # Infeasible pairs are below `floor` (penalised), so no pass is needed to mask them.
        row_kth = np.partition(s, n_m - k, axis=1)[:, n_m - k] if n_m > k else np.full(len(idx), floor)
        row_kth = np.maximum(row_kth, floor)
        threshold = np.maximum(state["threshold"], floor)
        keep = s >= row_kth[:, None]
        keep |= s >= threshold
        flat = np.flatnonzero(keep)  # (several times faster than a 2-D nonzero)
        rows = flat // n_m
        cols = flat - rows * n_m
        vals = s.ravel()[flat]
        of_youth = vals >= row_kth[rows]
        of_mentor = vals >= threshold[cols]
        ys_ = idx[rows].astype(np.int32)
        ms_ = cols.astype(np.int32)
        return ys_[of_youth], ms_[of_youth], vals[of_youth], ys_[of_mentor], ms_[of_mentor], vals[of_mentor]

    pool_y: list[Array] = []
    pool_m: list[Array] = []
    pool_s: list[Array] = []
    pooled = 0
    limit = max(2 * n_m * kk, BLOCK_PAIRS)
    starts = list(range(0, n_y, rows_per_block))
    # numpy releases the GIL, so two threads score two blocks at once; this thread gathers the edges
    # and now and then cuts the mentor-side pool back to each mentor's kk best (raising thresholds).
    with kernel.single_threaded_blas(), ThreadPoolExecutor(max_workers=THREADS) as pool:
        for done, (yy, ym, yv, my, mm, mv) in enumerate(pool.map(scored_block, starts), 1):
            if progress is not None:
                progress(done, len(starts))
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
    return CandidateGraph(*_unique_edges(ey, em, es, n_m))


def _unique_edges(ey: Array, em: Array, es: Array, n_m: int) -> tuple[Array, Array, Array]:
    """Edges without duplicates (a pair in both top-k lists), ordered by youth then mentor.

    A pair always has the same score, so the pair and the score's bits pack into one uint64 and a
    plain sort finds the duplicates.
    """
    pair = ey.astype(np.uint64) * np.uint64(max(n_m, 1)) + em.astype(np.uint64)
    if len(pair) and int(pair.max()) >= 1 << 32:
        _, first = np.unique(pair, return_index=True)
        return ey[first], em[first], es[first]
    packed = (pair << np.uint64(32)) | es.astype(np.float32).view(np.uint32).astype(np.uint64)
    packed.sort()  # (np.unique hashes uint64 here, 50 times slower than sorting)
    packed = packed[np.r_[True, packed[1:] != packed[:-1]]] if len(packed) else packed
    pair = packed >> np.uint64(32)
    scores = (packed & np.uint64(0xFFFFFFFF)).astype(np.uint32).view(np.float32)
    return (
        (pair // np.uint64(max(n_m, 1))).astype(np.int32),
        (pair % np.uint64(max(n_m, 1))).astype(np.int32),
        scores,
    )


def lowest_kept(rules: Rules) -> np.float32:
    """The lowest block score of a pair that may be proposed: feasible and at least the minimum score."""
    half = np.float32(-kernel.penalty(rules) / 2)
    low = np.float32(rules.min_score)
    return low if low > half else np.nextafter(half, np.float32(np.inf))


@dataclass(frozen=True)
class _Block:
    scores: Array  # float32, -inf where infeasible, excluded or below the minimum score
    feasible: Array  # per row: mentors passing every hard constraint
    above: Array  # of those, at or above the minimum score


def block_candidates(
    youth: kernel.YouthTables,
    rows: slice | Array,
    tables: kernel.MentorTables,
    ms: Side,
    rules: Rules,
    excluded: dict[int, Array],
) -> _Block:
    """Scores of youth `rows` x all mentors with infeasible pairs at -inf, and the per-row counts."""
    s = kernel.block_scores(youth, rows, tables, ms.personality, rules)
    index = np.arange(len(youth.a))[rows]
    for r, yi in enumerate(index.tolist()):
        if yi in excluded:
            s[r, excluded[yi]] = -np.inf
    half = np.float32(-kernel.penalty(rules) / 2)
    feasible = np.count_nonzero(s > half, axis=1)
    np.putmask(s, s < lowest_kept(rules), np.float32(-np.inf))
    return _Block(s, feasible, np.count_nonzero(s > -np.inf, axis=1))


def _mentor_top_k(
    pool_y: list[Array], pool_m: list[Array], pool_s: list[Array], n_m: int, kk: int, lowest: np.float32
) -> tuple[Array, Array, Array, Array]:
    """Each mentor's kk best edges of the pool (ties: the lower youth index first), and per mentor
    the kk-th best score (`lowest` while a mentor has fewer than kk)."""
    py = np.concatenate(pool_y) if pool_y else np.zeros(0, np.int32)
    pm = np.concatenate(pool_m) if pool_m else np.zeros(0, np.int32)
    ps = np.concatenate(pool_s) if pool_s else np.zeros(0, np.float32)
    py, pm, ps = _sorted_by_mentor_score_youth(py, pm, ps)
    counts = np.bincount(pm, minlength=n_m)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(pm)) - starts[pm]
    keep = rank < kk
    threshold = np.full(n_m, lowest, dtype=np.float32)
    last = rank == kk - 1
    threshold[pm[last]] = ps[last]
    return py[keep], pm[keep], ps[keep], threshold


def _sorted_by_mentor_score_youth(py: Array, pm: Array, ps: Array) -> tuple[Array, Array, Array]:
    """Edges ordered by mentor, then score from high to low, then youth index (the fixed tie rule).

    Packs the three keys into one uint64 (mentor | descending score bits | youth) when they fit, which
    sorts about 50 times faster than a three-key lexsort; otherwise lexsorts.
    """
    y_bits = max(1, int(py.max(initial=0)).bit_length())
    m_bits = max(1, int(pm.max(initial=0)).bit_length())
    if y_bits + m_bits > 32 or not np.isfinite(ps).all():
        order = np.lexsort((py, -ps, pm))
        return py[order], pm[order], ps[order]
    bits = (ps + np.float32(0)).view(np.uint32)  # + 0 turns -0.0 into 0.0, as the lexsort compares
    ascending = np.where(bits >> 31, ~bits, bits | np.uint32(1 << 31))  # order of the float values
    descending = (~ascending).astype(np.uint64)
    key = (
        (pm.astype(np.uint64) << np.uint64(32 + y_bits))
        | (descending << np.uint64(y_bits))
        | py.astype(np.uint64)
    )
    key.sort()
    py = (key & np.uint64((1 << y_bits) - 1)).astype(np.int32)
    pm = (key >> np.uint64(32 + y_bits)).astype(np.int32)
    back = ~((key >> np.uint64(y_bits)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    ps = np.where(back >> 31, back & np.uint32(0x7FFFFFFF), ~back).view(np.float32)
    return py, pm, ps


def scaled_scores(es: Array) -> Array:
    """Pair scores 0..1 as the solvers' integers (int64, `COST_SCALE` per 1)."""
    return np.rint(es.astype(np.float64) * COST_SCALE).astype(np.int64)


def score_bound(ey: Array, weight: Array, youth_cap: Array) -> int:
    """An upper bound on the integer total score of any assignment: per youth, the sum of its
    `youth_cap` best edges (no youth gets more mentors than that, each mentor at most once)."""
    if len(ey) == 0:
        return 0
    order = np.lexsort((-weight, ey))
    y, w = ey[order], weight[order]
    starts = np.flatnonzero(np.r_[True, y[1:] != y[:-1]])
    rank = np.arange(len(y)) - np.repeat(starts, np.diff(np.r_[starts, len(y)]))
    return int(np.clip(w[rank < youth_cap[y]], 0, None).sum())


def unit_bonus(rules: Rules, ey: Array, es: Array, youth_cap: Array) -> int:
    """What each of a youth's first `team_min` mentors is worth on top of its score, so that the
    solvers maximise the number of matched youth first and the total score second (YOUTH_FIRST).

    One more matched youth (a complete team: `team_min` mentors) gains `team_min * bonus`, more than
    the largest total score any assignment reaches, so no difference in score can outweigh it; among
    assignments with as many matched youth, the total score decides. BEST_TOTAL: 0.
    """
    if rules.objective != YOUTH_FIRST or len(ey) == 0:
        return 0
    return score_bound(ey, scaled_scores(es), youth_cap) // rules.team_min + 1


# OR-Tools' min-cost flow multiplies the costs by the number of nodes + 1 (cost scaling) and needs the
# products within int64; CP-SAT's LP relaxation holds the objective in doubles, exact up to 2^53.
FLOW_COST_LIMIT = 2**62
CP_SAT_OBJECTIVE_LIMIT = 2**53


def check_flow_costs(bonus: int, n_nodes: int, units: int) -> None:
    """Refuse costs the min-cost flow cannot hold exactly (a pool far beyond any programme's size)."""
    largest = bonus + COST_SCALE
    if largest * (n_nodes + 1) >= FLOW_COST_LIMIT or largest * max(units, 1) >= FLOW_COST_LIMIT:
        raise ValueError("the pool is too large for exact integer costs in the min-cost flow")


def check_team_objective(total_weight: int, team_bonus: int, n_teams: int) -> None:
    """Refuse a CP-SAT objective that a double cannot hold exactly."""
    if total_weight + team_bonus * n_teams >= CP_SAT_OBJECTIVE_LIMIT:
        raise ValueError("the pool is too large for an exact team objective")


def solve_flow(
    ey: Array,
    em: Array,
    es: Array,
    youth_cap: Array,
    mentor_cap: Array,
    need: Array | None = None,
    bonus: int = 0,
) -> Array:
    """The best assignment on the candidate edges; returns a mask of chosen edges.

    Each youth's first `need[y]` mentors are each worth `bonus` on top of their score (youth first,
    see `unit_bonus`; 0: the highest total score). The source reaches each youth by two arcs, the
    first `need` units at cost -bonus and the rest at 0, so the reward is concave and the flow exact.
    """
    n_y, n_m = len(youth_cap), len(mentor_cap)
    if len(ey) == 0:
        return np.zeros(0, dtype=bool)
    source, sink = n_y + n_m, n_y + n_m + 1
    total = int(youth_cap.sum())
    check_flow_costs(bonus, n_y + n_m + 2, total)
    first = np.minimum(need, youth_cap) if need is not None and bonus else np.zeros(n_y, dtype=np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([np.full(2 * n_y, source), ey, n_y + np.arange(n_m), [source]]).astype(np.int32)
    heads = np.concatenate([np.tile(np.arange(n_y), 2), n_y + em, np.full(n_m, sink), [sink]]).astype(
        np.int32
    )
    caps = np.concatenate([first, youth_cap - first, np.ones(len(ey)), mentor_cap, [total]]).astype(np.int64)
    costs = np.concatenate(
        [np.full(n_y, -bonus), np.zeros(n_y), -scaled_scores(es), np.zeros(n_m), [0]]
    ).astype(np.int64)
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    edge_arcs = arcs[2 * n_y : 2 * n_y + len(ey)]
    return np.asarray(flow.flows(edge_arcs)) > 0


def matches_most_youth(
    chosen: Array, ey: Array, em: Array, youth_cap: Array, mentor_cap: Array, need: Array
) -> bool:
    """With a team minimum of 1: does this assignment give as many youth (those with `need`) a mentor
    as any assignment on these edges can? Cheap bounds first, else a maximum flow."""
    first = np.minimum(need, youth_cap)
    matched = np.zeros(len(youth_cap), dtype=bool)
    matched[ey[chosen]] = True
    got = int(np.count_nonzero(matched & (first > 0)))
    reachable = np.zeros(len(youth_cap), dtype=bool)
    reachable[ey[mentor_cap[em] > 0]] = True
    if got == min(int(np.count_nonzero(reachable & (first > 0))), int(mentor_cap.sum())):
        return True
    n_y, n_m = len(youth_cap), len(mentor_cap)
    source, sink = n_y + n_m, n_y + n_m + 1
    flow = max_flow.SimpleMaxFlow()
    tails = np.concatenate([np.full(n_y, source), ey, n_y + np.arange(n_m)]).astype(np.int32)
    heads = np.concatenate([np.arange(n_y), n_y + em, np.full(n_m, sink)]).astype(np.int32)
    caps = np.concatenate([first, np.ones(len(ey)), mentor_cap]).astype(np.int64)
    flow.add_arcs_with_capacity(tails, heads, caps)
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise RuntimeError("maximum flow failed")
    return got == flow.optimal_flow()


def _solve_with_team_minimum(
    ey: Array,
    em: Array,
    es: Array,
    youth_cap: Array,
    mentor_cap: Array,
    locked_count: Array,
    rules: Rules,
    deadline: float = np.inf,
    bonus: int = 0,
) -> tuple[Array, bool]:
    """Heuristic for teams (REL-3): drop youth below the team minimum and re-solve until none is (after
    `deadline`, a `time.perf_counter()` value, the short teams are dropped without re-solving).

    Always respects the sizes; returns (chosen edges, proven optimal). It is optimal when the first
    flow, which ignores the minimum, already gives no youth fewer than the minimum: that flow is the
    best over a larger set of answers (short teams allowed, each of a youth's first `team_min` mentors
    worth `bonus`), and on answers without short teams its value is the round's objective.
    """
    cap = youth_cap.copy()
    need = np.where(locked_count > 0, 0, rules.team_min).astype(np.int64)
    first = True
    while True:
        chosen = solve_flow(ey, em, es, cap, mentor_cap, need, bonus)
        counts = locked_count + np.bincount(ey[chosen], minlength=len(cap))
        short = (counts > 0) & (counts < rules.team_min) & (locked_count == 0)
        if not short.any():
            return chosen, first
        if time.perf_counter() > deadline:
            return chosen & ~short[ey], False
        cap[short] = 0
        first = False


def solve_teams(
    ey: Array,
    em: Array,
    es: Array,
    youth_cap: Array,
    mentor_cap: Array,
    locked_count: Array,
    team_min: int,
    hint: Array | None = None,
    time_limit: float = TEAM_TIME_LIMIT,
    team_bonus: int = 0,
) -> tuple[Array, bool]:
    """Exact team matching (REL-3) on the candidate edges with CP-SAT; returns (chosen edges, optimal).

    One boolean per edge and per youth z: team_min * z <= mentors <= youth_cap * z (a youth with
    locked mentors has no minimum: the coordinator settled the team), each mentor within capacity;
    maximise the total integer-scaled score plus `team_bonus` per youth with a team (youth first:
    more than any total score, see `unit_bonus`; 0: the highest total score). `hint` (a feasible
    answer) seeds the search; after `time_limit` seconds the best answer found is used and `optimal`
    is False.
    """
    n_y = len(youth_cap)
    chosen = np.zeros(len(ey), dtype=bool)
    if len(ey) == 0:
        return chosen, True
    # Youth who cannot reach the minimum on their candidate edges never get a team: leave them out.
    degree = np.bincount(ey, minlength=n_y)
    reachable = (locked_count > 0) | (np.minimum(degree, youth_cap) >= team_min)
    use = np.flatnonzero(reachable[ey] & (youth_cap[ey] > 0) & (mentor_cap[em] > 0))
    if len(use) == 0:
        return chosen, True
    began = time.perf_counter()
    uy, um = ey[use], em[use]
    weight = scaled_scores(es[use])
    n_x = len(use)

    # Built on the model proto with bulk extends: the Python expression API costs seconds at 100k+ edges.
    # Variables 0..n_x-1 are the edges, then one z per youth without locks; literal -v-1 is "not v".
    model = cp_model.CpModel()
    proto = model.proto
    order = np.argsort(uy, kind="stable")
    bounds = np.searchsorted(uy[order], np.arange(n_y + 1))
    youth_with_edges = np.flatnonzero(np.diff(bounds)).tolist()
    n_z = sum(1 for yi in youth_with_edges if locked_count[yi] == 0)
    check_team_objective(int(weight.sum()), team_bonus, n_z)
    for _ in range(n_x + n_z):
        proto.variables.add().domain.extend([0, 1])
    hint_values = hint[use].astype(np.int64).tolist() if hint is not None else []
    z = n_x
    for yi in youth_with_edges:
        mine = order[bounds[yi] : bounds[yi + 1]].tolist()
        cap = int(youth_cap[yi])
        if locked_count[yi] > 0:  # no minimum: the coordinator settled the team
            _linear(proto, mine, [1] * len(mine), 0, cap)
            continue
        _linear(proto, [*mine, z], [1] * len(mine) + [-cap], -cap, 0)  # at most cap, none without z
        _linear(proto, [*mine, z], [1] * len(mine) + [-team_min], 0, len(mine))  # at least team_min with z
        ct = proto.constraints.add()  # not z => no edges: redundant, but it tightens the LP relaxation
        ct.enforcement_literal.append(-z - 1)
        ct.bool_and.literals.extend([-e - 1 for e in mine])
        if hint is not None:
            hint_values.append(int(any(hint_values[e] for e in mine)))
        z += 1
    order = np.argsort(um, kind="stable")
    bounds = np.searchsorted(um[order], np.arange(len(mentor_cap) + 1))
    for mj in np.flatnonzero(np.diff(bounds)).tolist():
        if bounds[mj + 1] - bounds[mj] > mentor_cap[mj]:
            mine = order[bounds[mj] : bounds[mj + 1]].tolist()
            _linear(proto, mine, [1] * len(mine), 0, int(mentor_cap[mj]))
    # CP-SAT minimises; minimise the negated total score (and team bonus).
    proto.objective.vars.extend(range(n_x + (n_z if team_bonus else 0)))
    proto.objective.coeffs.extend((-weight).tolist() + ([-team_bonus] * n_z if team_bonus else []))
    if hint is not None:
        proto.solution_hint.vars.extend(range(n_x + n_z))
        proto.solution_hint.values.extend(hint_values)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit - (time.perf_counter() - began), 0.1)
    for name, value in TEAM_SOLVER_PARAMETERS.items():
        setattr(solver.parameters, name, value)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = solver.response_proto.solution
        chosen[use] = np.asarray(list(values), dtype=np.int64)[:n_x] > 0
        return chosen, status == cp_model.OPTIMAL
    if hint is not None:  # no answer within the limit: keep the heuristic's
        return hint.copy(), False
    raise RuntimeError(f"team solver failed with status {solver.status_name(status)}")


def _linear(
    proto: cp_model_helper.CpModelProto, variables: list[int], coeffs: list[int], lo: int, hi: int
) -> None:
    ct = proto.constraints.add()
    ct.linear.vars.extend(variables)
    ct.linear.coeffs.extend(coeffs)
    ct.linear.domain.extend([lo, hi])


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
        by_youth[yi].append(mj)
    proposals = []
    for yi, team in by_youth.items():
        factors = {name: values[yi] for name, values in means.items()}
        proposals.append(
            Proposal(
                youth_id=youths[yi].id,
                mentor_ids=tuple(mentors[mj].id for mj in team),
                score=sum(factors.values()),
                factors=factors,
                locked=tuple(mentors[mj].id for mj in locked.get(yi, ())),
                details=tuple(pair_details(youths[yi], mentors[mj]) for mj in team),
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
    chosen: Array,
    how_many: int,
) -> dict[int, tuple[Alternative, ...]]:
    """Per youth, the best-scoring candidate mentors not proposed to them (ties: lower mentor index)."""
    rest = ~chosen
    em, ey, es = _sorted_by_mentor_score_youth(em[rest], ey[rest], es[rest])  # by youth, score, mentor
    # Rank of each edge within its youth's group; keep the first `how_many`.
    starts = np.flatnonzero(np.r_[True, ey[1:] != ey[:-1]]) if len(ey) else np.zeros(0, dtype=np.int64)
    rank = np.arange(len(ey)) - np.repeat(starts, np.diff(np.r_[starts, len(ey)]))
    keep = rank < how_many
    out: dict[int, list[Alternative]] = defaultdict(list)
    for yi, mj, s in zip(ey[keep].tolist(), em[keep].tolist(), es[keep].tolist(), strict=True):
        out[yi].append(Alternative(mentor_id=mentors[mj].id, score=float(s)))
    return {youths[yi].id: tuple(alts) for yi, alts in out.items()}


def _reasons(
    youths: Sequence[Youth],
    unmatched: list[int],
    rules: Rules,
    ys: Side,
    ms: Side,
    excluded: dict[int, Array],
    outcome: _Outcome | None = None,
) -> tuple[Unmatched, ...]:
    """Why each unmatched youth (by index) stayed unmatched; checks their rows again (few youth).

    `outcome` (the round's answer) tells a youth whose suitable mentors went elsewhere apart from one
    who could still have had a mentor or team; without it every such youth counts as "taken".
    """
    n_m = len(ms)
    if n_m == 0:
        text = "there are no mentors in this round"
        return tuple(Unmatched(youths[i].id, NO_MENTORS, text, {}, (NO_MENTORS,), {}) for i in unmatched)
    if not unmatched:
        return ()
    spare = _Spare(outcome, rules) if outcome is not None else None
    mall = ms.pick(slice(None), expand=0)
    tables = kernel.mentor_tables(ys, ms)
    youth = kernel.youth_tables(ys, tables, rules)
    rows_per_block = max(1, BLOCK_PAIRS // (n_m * len(c.REASON_ORDER)))
    out = []
    for start in range(0, len(unmatched), rows_per_block):
        rows = np.array(unmatched[start : start + rows_per_block], dtype=np.int64)
        fails = fail_matrix(ys, mall, rules, excluded, rows)
        counts = block_candidates(youth, rows, tables, ms, rules, excluded)
        for r, yi in enumerate(rows.tolist()):
            # Feasibility from the reference checks, so the ruling-out set always covers every mentor.
            feasible = int(np.count_nonzero(~fails[r].any(axis=0)))
            ruled_out = reason_counts(fails[r])
            reason = _reason(youths[yi], rules, fails[r], feasible, int(counts.above[r]), ruled_out)
            if reason is None:
                suitable = np.flatnonzero(np.isfinite(counts.scores[r]))
                reason = _taken_reason(youths[yi], yi, rules, n_m, suitable, spare, ruled_out)
            out.append(reason)
    return tuple(out)


def fail_matrix(ys: Side, mall: Side, rules: Rules, excluded: dict[int, Array], rows: Array) -> Array:
    """(rows, len(REASON_ORDER), mentors) booleans: where each constraint fails for these youth."""
    _, fails = c.feasibility(ys.pick(rows, expand=1), mall, rules)
    n_m = len(mall.age[0])
    ex = np.zeros((len(rows), n_m), dtype=bool)
    for r, yi in enumerate(rows.tolist()):
        if yi in excluded:
            ex[r, excluded[yi]] = True
    fails[c.EXCLUDED] = ex
    return np.stack([np.broadcast_to(fails[code], (len(rows), n_m)) for code in c.REASON_ORDER], axis=1)


def reason_counts(fails: Array) -> dict[str, int]:
    """Per constraint, how many mentors it rules out on its own (only those that rule out any)."""
    per_code = fails.sum(axis=1)
    return {code: int(n) for code, n in zip(c.REASON_ORDER, per_code.tolist(), strict=True) if n}


def _reason(
    youth: Youth, rules: Rules, fails: Array, feasible: int, above_min: int, counts: dict[str, int]
) -> Unmatched | None:
    """The reason for one unmatched youth when no mentor is suitable: `fails` is their (constraints,
    mentors) fail matrix, `feasible` the mentors passing every hard constraint, `above_min` those at
    the minimum score, `counts` the mentors each constraint rules out (`reason_counts`). None when
    some mentor is suitable (then see `_taken_reason`)."""
    n_m = fails.shape[1]
    base = {"mentors": str(n_m)}
    if feasible == 0:
        codes = ruling_out_set(fails)
        params = base | constraint_params(codes, youth, rules)
        if len(codes) == 1:
            (code,) = codes
            params["ruled_out"] = str(counts[code])
            text = f"{constraint_text(code, youth, rules)} ({counts[code]} of {n_m} mentors ruled out)"
        else:
            parts = [constraint_phrase(code, youth, rules) for code in codes]
            joined = f"{', '.join(parts[:-1])} and {parts[-1]}"
            text = f"no available mentor {joined} (together these rule out all {n_m} mentors)"
        return Unmatched(youth.id, codes[0], text, counts, codes, params)
    if above_min == 0:
        suitable = feasible
        text = f"all {suitable} suitable mentors score below the programme's minimum of {rules.min_score:.2f}"
        params = base | {"suitable": str(suitable), "min_score": f"{rules.min_score:.2f}"}
        return Unmatched(youth.id, BELOW_MIN_SCORE, text, counts, (BELOW_MIN_SCORE,), params)
    return None


def _taken_reason(
    youth: Youth,
    yi: int,
    rules: Rules,
    n_m: int,
    suitable: Array,
    spare: _Spare | None,
    counts: dict[str, int],
) -> Unmatched:
    """Why a youth with suitable mentors (mentor indices `suitable`) stayed unmatched, said only when
    it is true.

    - The youth could still have had a mentor or a complete team on the round's candidate pairs
      without any other youth losing theirs (`_Spare`): with BEST_TOTAL the programme chose the higher
      total score (`taken_for_best_total`); with YOUTH_FIRST only a solver stopped at its time limit
      leaves that (`not_found_in_time`).
    - Only with pairs outside the candidate graph (each youth's and each mentor's best k):
      `outside_candidates`.
    - Otherwise, in a team programme, too few suitable mentors were free (`team_incomplete`); with one
      mentor, every suitable mentor went to other youth or is full (`all_suitable_mentors_taken`).
    """
    team = rules.team_min > 1
    params = {"mentors": str(n_m), "suitable": str(len(suitable))}
    if team:
        params["team_min"] = str(rules.team_min)
    what = f"a team of {rules.team_min}" if team else "a mentor"
    if spare is not None and spare.possible(spare.candidates_of(yi), rules.team_min):
        if rules.objective == BEST_TOTAL:
            went = "larger teams" if team else "other youth"
            text = (
                f"the suitable mentors went to {went}: the programme chooses the best total score; "
                f"matching as many youth as possible first could give this youth {what} as well"
            )
            return Unmatched(youth.id, TAKEN_FOR_BEST_TOTAL, text, counts, (TAKEN_FOR_BEST_TOTAL,), params)
        text = f"the solver stopped at its time limit before it found {what} for this youth"
        return Unmatched(youth.id, NOT_FOUND_IN_TIME, text, counts, (NOT_FOUND_IN_TIME,), params)
    if spare is not None and spare.possible(suitable, rules.team_min):
        params["k"] = str(rules.candidates_k)
        text = (
            f"suitable mentors who could still take this youth were not among the pairs the round "
            f"compares (each youth's best {rules.candidates_k} mentors and each mentor's best "
            f"{rules.candidates_k} youth)"
        )
        return Unmatched(youth.id, OUTSIDE_CANDIDATES, text, counts, (OUTSIDE_CANDIDATES,), params)
    if team:
        free = int(np.count_nonzero(spare.room[suitable] > 0)) if spare is not None else 0
        params["free"] = str(free)
        text = (
            f"too few suitable mentors were free to form a team of {rules.team_min} (REL-3): {free} of "
            f"the {len(suitable)} had room left, and other teams could not spare enough of the rest"
        )
        return Unmatched(youth.id, TEAM_INCOMPLETE, text, counts, (TEAM_INCOMPLETE,), params)
    text = f"all {len(suitable)} suitable mentors were proposed to other youth or are full"
    return Unmatched(youth.id, TAKEN, text, counts, (TAKEN,), params)


@dataclass(frozen=True)
class _Outcome:
    """The round's answer as the unmatched reasons read it."""

    ey: Array  # candidate edges, without the locked pairs
    em: Array
    chosen: Array  # the edges proposed
    room: Array  # per mentor: places left after the round
    teams: dict[int, list[int]]  # youth index -> proposed mentor indices, locked ones included
    locked: frozenset[tuple[int, int]]  # (youth index, mentor index)
    optimal: bool


class _Spare:
    """Which mentors could still take one more youth without any youth losing their mentor or
    complete team (REL-3).

    A mentor can when they have room left, or when they may leave a team that stays complete: one
    above the team minimum, or a team with locked mentors (no minimum; the locked ones stay). With a
    team minimum of 1 a chain of swaps counts too: a youth moves to another candidate mentor who can,
    so their own mentor can (alternating paths, found for all mentors at once).
    """

    def __init__(self, outcome: _Outcome, rules: Rules) -> None:
        self.outcome = outcome
        self.room = outcome.room
        # Team (youth index) -> how many mentors it could give up; mentor -> teams it could leave.
        self.surplus: dict[int, int] = {}
        self.leaves: dict[int, list[int]] = defaultdict(list)
        for yi, team in outcome.teams.items():
            unlocked = [mj for mj in team if (yi, mj) not in outcome.locked]
            spare = len(unlocked) if len(unlocked) < len(team) else len(team) - rules.team_min
            if spare > 0:
                self.surplus[yi] = spare
                for mj in unlocked:
                    self.leaves[mj].append(yi)
        self.leaver = np.zeros(len(self.room), dtype=bool)
        self.leaver[list(self.leaves)] = True
        self.order = np.argsort(outcome.ey, kind="stable")
        n_y = int(outcome.ey.max(initial=-1)) + 1
        self.bounds = np.searchsorted(outcome.ey[self.order], np.arange(n_y + 1))
        self._chains: Array | None = None

    def candidates_of(self, yi: int) -> Array:
        """The mentors on this youth's candidate pairs."""
        if yi + 1 >= len(self.bounds):
            return self.outcome.em[:0]
        return self.outcome.em[self.order[self.bounds[yi] : self.bounds[yi + 1]]]

    def possible(self, mentors: Array, team_min: int) -> bool:
        """Could a youth whose suitable mentors are `mentors` get `team_min` of them this way?"""
        if team_min <= 1:
            return bool(self.chains()[mentors].any())
        return self._direct(mentors, team_min)

    def _direct(self, mentors: Array, team_min: int) -> bool:
        """Free places plus mentors leaving teams with a surplus, each team giving up at most its
        surplus (a small bipartite matching, augmented as in Kuhn's algorithm)."""
        has_room = self.room[mentors] > 0
        free = int(np.count_nonzero(has_room))
        if free >= team_min:
            return True
        others = mentors[~has_room & self.leaver[mentors]].tolist()
        if free + len(others) < team_min:
            return False
        leaving: dict[int, list[int]] = defaultdict(list)  # team -> mentors that leave it
        got = free
        for mj in others:
            if self._place(mj, leaving, set()):
                got += 1
                if got >= team_min:
                    return True
        return False

    def _place(self, mj: int, leaving: dict[int, list[int]], seen: set[int]) -> bool:
        for team in self.leaves[mj]:
            if team in seen:
                continue
            seen.add(team)
            if len(leaving[team]) < self.surplus[team]:
                leaving[team].append(mj)
                return True
            for other in list(leaving[team]):
                if self._place(other, leaving, seen):
                    leaving[team].remove(other)
                    leaving[team].append(mj)
                    return True
        return False

    def chains(self) -> Array:
        """Per mentor: could take one more youth, directly or through a chain of swaps."""
        if self._chains is None:
            o = self.outcome
            can = (self.room > 0) | self.leaver
            matched = np.zeros(int(o.ey.max(initial=-1)) + 1, dtype=bool)
            matched[o.ey[o.chosen]] = True
            while True:
                # Matched youth with a candidate mentor who can (not one of theirs: those pairs are
                # chosen) could move there and free their own unlocked mentors.
                movers = np.zeros(len(matched), dtype=bool)
                movers[o.ey[~o.chosen & can[o.em] & matched[o.ey]]] = True
                new = o.chosen & movers[o.ey] & ~can[o.em]
                if not new.any():
                    break
                can[o.em[new]] = True
            self._chains = can
        return self._chains


# The youth's own wishes come first when naming a combination (MAT-5).
WISH_CODES = (c.LANGUAGE, c.GENDER, c.BACKGROUND)


def ruling_out_set(fails: Array) -> tuple[str, ...]:
    """The constraints that together rule out every mentor, given a (constraints, mentors) fail matrix
    in REASON_ORDER in which every mentor fails something.

    One constraint that rules out all is reported alone (a wish first, else the first in reason order).
    Otherwise: the youth's own wishes first, then greedily the constraint that rules out most of the
    remaining mentors (ties: reason order), until none remain; constraints the others make redundant
    are then dropped, the latest added first.
    """
    rank = {code: r for r, code in enumerate(c.REASON_ORDER)}
    everyone = fails.all(axis=1)
    for code in (*WISH_CODES, *c.REASON_ORDER):
        if everyone[rank[code]]:
            return (code,)
    remaining = np.ones(fails.shape[1], dtype=bool)
    chosen: list[str] = []
    for pool in (WISH_CODES, c.REASON_ORDER):
        while remaining.any():
            options = [code for code in pool if code not in chosen]
            gains = [int((fails[rank[code]] & remaining).sum()) for code in options]
            if not gains or max(gains) == 0:
                break
            best = options[gains.index(max(gains))]
            chosen.append(best)
            remaining &= ~fails[rank[best]]
    for code in reversed(chosen[:-1]):
        rest = [rank[k] for k in chosen if k != code]
        if fails[rest].any(axis=0).all():
            chosen.remove(code)
    return tuple(chosen)


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


def constraint_params(codes: Sequence[str], youth: Youth, rules: Rules) -> dict[str, str]:
    """The values a text about these constraints uses, for a caller that translates it."""
    values = {
        c.AGE_GAP: ("gap", str(rules.min_age_gap)),
        c.GENDER: ("gender", youth.wish_gender),
        c.LANGUAGE: ("language", youth.wish_language),
        c.BACKGROUND: ("background", youth.cultural_background),
        c.AVAILABILITY: ("slots", str(rules.min_availability_overlap)),
        c.DISTANCE: ("km", f"{rules.max_travel_km:g}"),
    }
    return dict(values[code] for code in codes if code in values)


def constraint_phrase(code: str, youth: Youth, rules: Rules) -> str:
    """What a mentor would need, as a phrase after "no available mentor" (for combinations)."""
    language = LANGUAGE_NAMES.get(youth.wish_language, youth.wish_language)
    phrases = {
        c.NOT_READY: "is ready to match",
        c.NOT_TRAINED: "has finished the training (TRN-1)",
        c.DISQUALIFIED: "is not disqualified (SCR-3)",
        c.AGE_GAP: f"is {rules.min_age_gap} years older or at a next school stage (MAT-3)",
        c.MINOR_UNSUPERVISED: "is an adult or has an adult supervisor (MAT-4)",
        c.GENDER: f"is {youth.wish_gender} (MAT-5)",
        c.LANGUAGE: f"speaks {language}",
        c.BACKGROUND: f"shares the required background '{youth.cultural_background}'",
        c.AVAILABILITY: f"shares {rules.min_availability_overlap}+ weekly time slots",
        c.DISTANCE: f"lives within {rules.max_travel_km:g} km",
        c.EXCLUDED: "was not excluded by the coordinator",
    }
    return phrases[code]


def feasible_score_matrix(youths: Sequence[Youth], mentors: Sequence[Mentor], rules: Rules) -> Array:
    """Dense youth x mentor scores, -inf where infeasible or below the minimum.

    For tests and the benchmark's exact reference on small pools only (n x m float64).
    """
    v = build_vocabularies(youths, mentors)
    ys, ms = encode_youths(youths, v), encode_mentors(mentors, v)
    y_index = {y.id: i for i, y in enumerate(youths)}
    m_index = {m.id: j for j, m in enumerate(mentors)}
    excluded = _excluded_by_youth(rules, y_index, m_index)
    tables = kernel.mentor_tables(ys, ms)
    youth = kernel.youth_tables(ys, tables, rules)
    return block_candidates(youth, slice(0, len(ys)), tables, ms, rules, excluded).scores.astype(np.float64)
