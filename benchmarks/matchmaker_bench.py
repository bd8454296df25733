# ruff: noqa: S311, S603, T201  (synthetic data, runs itself in a subprocess, a script that prints figures)
"""Benchmark of the matching engine on synthetic pools (reports figures; not a test).

    uv run python benchmarks/matchmaker_bench.py --sizes 500 2000 10000
    uv run python benchmarks/matchmaker_bench.py --sizes --teams 200x500 2000x4000

Each size runs in a fresh subprocess so peak memory (ru_maxrss, whole process including Python,
numpy and OR-Tools) belongs to that size alone. The city is 16 x 13 km with 60 postcode areas.
Every pool is matched twice: youth first (the default: the most youth with a mentor or a complete
team, then the best total; `seconds`, `matched`, `total`, `peak_mb`) and for the best total score
alone (`bt_*`); `cost` is the share of total score youth first gives up. Up to --exact-max per side
both are compared with their exact dense optimum (scipy linear_sum_assignment; youth first with each
feasible pair worth more than any total), and the best-total run with a greedy best-pair-first
matching and Gale-Shapley stable matching.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from dataclasses import replace

import numpy as np
from scipy.optimize import linear_sum_assignment

from matchmaker.analysis import pool_gaps
from matchmaker.solver import feasible_score_matrix, match
from matchmaker.types import BEST_TOTAL, Mentor, Rules, Weights, Youth

SLOTS = [f"{d}-{p}" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") for p in ("am", "pm", "ev")]
INTERESTS = [f"interest-{i}" for i in range(40)]
VALUES = [f"value-{i}" for i in range(10)]
TRAITS = ["outgoing", "calm", "structured", "curious", "active"]
LANGUAGES = ["ar", "tr", "pl", "en", "pap", "so", "uk"]
BACKGROUNDS = ["Dutch", "Moroccan", "Turkish", "Surinamese", "Antillean", "Polish", "Somali", ""]
GOALS = ["school", "work", "confidence", "social", "leisure", "family"]


def _areas(rnd: random.Random) -> list[tuple[float, float]]:
    return [(rnd.uniform(0, 16), rnd.uniform(0, 13)) for _ in range(60)]


def _place(rnd: random.Random, areas: list[tuple[float, float]]) -> tuple[float, float]:
    x, y = rnd.choice(areas)
    return (min(max(x + rnd.gauss(0, 0.5), 0), 16), min(max(y + rnd.gauss(0, 0.5), 0), 13))


def _languages(rnd: random.Random) -> frozenset[str]:
    return frozenset({"nl"} | ({rnd.choice(LANGUAGES)} if rnd.random() < 0.3 else set()))


def make_youth(rnd: random.Random, i: int, areas: list[tuple[float, float]]) -> Youth:
    background = rnd.choice(BACKGROUNDS)
    return Youth(
        id=i,
        age=rnd.randint(10, 17),
        gender=rnd.choice(["female", "male"]),
        languages=_languages(rnd),
        cultural_background=background,
        location=_place(rnd, areas),
        school_stage=rnd.choice([1, 2, 2]),
        interests=frozenset(rnd.sample(INTERESTS, rnd.randint(3, 6))),
        personality={t: rnd.randint(1, 5) for t in TRAITS},
        values=frozenset(rnd.sample(VALUES, rnd.randint(1, 3))),
        availability=frozenset(rnd.sample(SLOTS, rnd.randint(3, 8))),
        goals=frozenset(rnd.sample(GOALS, rnd.randint(1, 3))),
        wish_gender=rnd.choices(["", "female", "male"], [80, 12, 8])[0],
        wish_language=rnd.choice(LANGUAGES) if rnd.random() < 0.05 else "",
        cultural_match=rnd.choices(["not", "nice", "important", "required"], [50, 25, 17, 8])[0]
        if background
        else "not",
        wish_interests=frozenset(rnd.sample(INTERESTS, rnd.randint(0, 2))),
        wish_age_min=rnd.choice([None, None, 18, 20]),
        wish_age_max=rnd.choice([None, None, 30, 40]),
        waiting_days=rnd.randint(0, 500),
    )


def make_mentor(rnd: random.Random, i: int, areas: list[tuple[float, float]]) -> Mentor:
    age = rnd.randint(16, 17) if rnd.random() < 0.05 else rnd.randint(18, 65)
    return Mentor(
        id=i,
        age=age,
        gender=rnd.choices(["female", "male"], [60, 40])[0],
        languages=_languages(rnd),
        cultural_background=rnd.choice(BACKGROUNDS),
        location=_place(rnd, areas),
        school_stage=3 if age < 23 else 4,
        interests=frozenset(rnd.sample(INTERESTS, rnd.randint(3, 6))),
        personality={t: rnd.randint(1, 5) for t in TRAITS},
        values=frozenset(rnd.sample(VALUES, rnd.randint(1, 3))),
        availability=frozenset(rnd.sample(SLOTS, rnd.randint(3, 8))),
        motives=frozenset(rnd.sample(["career", "personal", "altruism"], rnd.randint(1, 2))),
        ready=rnd.random() > 0.03,
        disqualified=rnd.random() < 0.005,
        trained=rnd.random() > 0.03,
        has_adult_supervisor=rnd.random() < 0.7,
        capacity=rnd.choices([1, 2], [85, 15])[0],
    )


def make_pools(n: int, seed: int = 7, n_mentors: int | None = None) -> tuple[list[Youth], list[Mentor]]:
    rnd = random.Random(seed)
    areas = _areas(rnd)
    mentors = n if n_mentors is None else n_mentors
    return [make_youth(rnd, i, areas) for i in range(n)], [make_mentor(rnd, i, areas) for i in range(mentors)]


def exact_total(dense: np.ndarray, mentors: list[Mentor]) -> float:
    cols = [j for j, m in enumerate(mentors) for _ in range(m.capacity)]
    matrix = np.where(np.isfinite(dense), dense, 0.0)[:, cols]
    rows, chosen = linear_sum_assignment(matrix, maximize=True)
    return float(matrix[rows, chosen].sum())


def exact_youth_first(dense: np.ndarray, mentors: list[Mentor]) -> tuple[int, float]:
    """The most youth with a mentor, then the best total: each feasible pair is worth more than any
    total score (at most 1 per pair)."""
    cols = [j for j, m in enumerate(mentors) for _ in range(m.capacity)]
    feasible = np.isfinite(dense)[:, cols]
    scores = np.where(feasible, dense[:, cols], 0.0)
    rows, chosen = linear_sum_assignment(scores + (dense.shape[0] + 1.0) * feasible, maximize=True)
    pairs = feasible[rows, chosen]
    return int(pairs.sum()), float(scores[rows, chosen][pairs].sum())


def greedy_total(dense: np.ndarray, mentors: list[Mentor]) -> tuple[float, int]:
    """Best pair first: take the highest-scoring remaining pair while both sides are free."""
    yi, mj = np.nonzero(np.isfinite(dense))
    order = np.argsort(-dense[yi, mj], kind="stable")
    left = [m.capacity for m in mentors]
    taken = np.zeros(dense.shape[0], dtype=bool)
    total, matched = 0.0, 0
    for y, m in zip(yi[order].tolist(), mj[order].tolist(), strict=True):
        if not taken[y] and left[m] > 0:
            taken[y] = True
            left[m] -= 1
            total += dense[y, m]
            matched += 1
    return total, matched


def stable_total(dense: np.ndarray, mentor_view: np.ndarray, mentors: list[Mentor]) -> tuple[float, int]:
    """Gale-Shapley, youth proposing by the engine score; mentors (with capacity) keep the youth
    they prefer by their own view (interests, availability, distance only)."""
    n_y = dense.shape[0]
    prefs = [
        np.flatnonzero(np.isfinite(dense[y]))[np.argsort(-dense[y][np.isfinite(dense[y])])]
        for y in range(n_y)
    ]
    nxt = [0] * n_y
    held: list[list[int]] = [[] for _ in mentors]
    free = list(range(n_y))
    while free:
        y = free.pop()
        if nxt[y] >= len(prefs[y]):
            continue
        m = int(prefs[y][nxt[y]])
        nxt[y] += 1
        held[m].append(y)
        if len(held[m]) > mentors[m].capacity:
            worst = min(held[m], key=lambda q: mentor_view[q, m])
            held[m].remove(worst)
            free.append(worst)
    pairs = [(y, m) for m, ys in enumerate(held) for y in ys]
    return float(sum(dense[y, m] for y, m in pairs)), len(pairs)


def run_size(n: int, exact_max: int, mentor_share: float = 1.0) -> dict[str, float]:
    youths, mentors = make_pools(n, n_mentors=round(n * mentor_share))
    rules = Rules()
    start = time.perf_counter()
    result = match(youths, mentors, rules)
    seconds = time.perf_counter() - start
    row: dict[str, float] = {
        "n": n,
        "mentors": len(mentors),
        "seconds": round(seconds, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "matched": len(result.proposals),
        "total": round(result.total_score, 3),
    }
    start = time.perf_counter()
    best = match(youths, mentors, replace(rules, objective=BEST_TOTAL))
    row |= {
        "bt_seconds": round(time.perf_counter() - start, 2),
        "bt_matched": len(best.proposals),
        "bt_total": round(best.total_score, 3),
        "cost": round(1 - result.total_score / best.total_score, 6) if best.total_score else 0.0,
    }
    start = time.perf_counter()
    pool_gaps(youths, mentors, rules)  # the MAT-5 pool analysis, timed on the same pools
    row["pool_gaps_seconds"] = round(time.perf_counter() - start, 2)
    if n <= exact_max:
        dense = feasible_score_matrix(youths, mentors, rules)
        mentor_weights = Weights(
            **dict.fromkeys(Weights().as_dict(), 0.0) | {"interests": 1, "availability": 1, "distance": 1}
        )
        view = feasible_score_matrix(youths, mentors, replace(rules, weights=mentor_weights))
        exact = exact_total(dense, mentors)
        exact_n, exact_yf = exact_youth_first(dense, mentors)
        greedy, greedy_n = greedy_total(dense, mentors)
        stable, stable_n = stable_total(dense, view, mentors)
        row |= {
            "exact": round(exact, 3),
            "bt_vs_exact": round(best.total_score / exact, 5),
            "exact_yf_matched": exact_n,
            "exact_yf": round(exact_yf, 3),
            "vs_exact_yf": round(result.total_score / exact_yf, 5),
            "bt_vs_greedy": round(best.total_score / greedy, 4),
            "greedy_matched": greedy_n,
            "bt_vs_stable": round(best.total_score / stable, 4),
            "stable_matched": stable_n,
        }
    return row


def run_teams(n_youth: int, n_mentors: int) -> dict[str, float]:
    """A team programme (REL-3, teams of 2-3 mentors), youth first and for the best total (`bt_*`):
    time, whether CP-SAT proved the optimum, youth with a team, mentors used, total score."""
    youths, mentors = make_pools(n_youth, n_mentors=n_mentors)
    row: dict[str, float] = {"youth": n_youth, "mentors": n_mentors}
    for prefix, rules in (
        ("", Rules(team_min=2, team_max=3)),
        ("bt_", Rules(team_min=2, team_max=3, objective=BEST_TOTAL)),
    ):
        start = time.perf_counter()
        result = match(youths, mentors, rules)
        row |= {
            f"{prefix}seconds": round(time.perf_counter() - start, 2),
            f"{prefix}optimal": result.optimal,
            f"{prefix}matched": len(result.proposals),
            f"{prefix}mentors_used": sum(len(p.mentor_ids) for p in result.proposals),
            f"{prefix}total": round(result.total_score, 3),
        }
    row["cost"] = round(1 - row["total"] / row["bt_total"], 6) if row["bt_total"] else 0.0
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[500, 2000, 10_000, 20_000])
    parser.add_argument("--exact-max", type=int, default=2000)
    parser.add_argument("--mentor-share", type=float, default=1.0, help="mentors per youth (default 1)")
    parser.add_argument("--teams", nargs="*", default=[], help="team pools as YOUTHxMENTORS, e.g. 200x500")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one-team", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one, args.exact_max, args.mentor_share)))
        return
    if args.one_team:
        n_youth, n_mentors = (int(x) for x in args.one_team.split("x"))
        print(json.dumps(run_teams(n_youth, n_mentors)))
        return
    for pool in args.teams:
        out = subprocess.run(
            [sys.executable, __file__, "--one-team", pool], check=True, capture_output=True, text=True
        )
        print(out.stdout.strip(), flush=True)
    for n in args.sizes:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(n),
                "--exact-max",
                str(args.exact_max),
                "--mentor-share",
                str(args.mentor_share),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        print(out.stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
