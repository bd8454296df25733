"""Worklist sections for surveys: extra support contacts asked for by relationship quality (OUT-4)."""

from koppel.staff.worklist_spec import Spec

SECTIONS: list[Spec] = []
