"""The matching engine: pure Python + numpy/scipy. Imports nothing from Django or koppel.

Entry point: `matchmaker.solver.match(youths, mentors, rules) -> Result` (see docs/matching.md).
"""
