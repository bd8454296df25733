"""docs/rules.md is checked against the code, so it cannot drift: every practice rule ID the code
names has a row; a row's settings, functions and tests exist and name the rule."""

import importlib
import inspect
import re
from pathlib import Path

import pytest

from koppel.programmes.models import ProgrammeSettings

ROOT = Path(__file__).resolve().parents[1]
RULE_ID = re.compile(r"\b(?:REC|SCR|YTH|TRN|MAT|AGR|REL|SUP|CLS|OUT)-\d+\b")
ROW = re.compile(r"^\| (?P<id>[A-Z]{3}-\d+) \|(?P<rest>.*)\|$")


def _rows() -> dict[str, list[str]]:
    rows = {}
    for line in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8").splitlines():
        found = ROW.match(line)
        if found:
            cells = [cell.strip() for cell in found["rest"].split(" | ")]
            assert found["id"] not in rows, f"{found['id']} has two rows"
            assert len(cells) == 5, f"{found['id']}: rule, kind, setting, functions, tests"
            rows[found["id"]] = cells
    return rows


def _names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


ROWS = _rows()


def _ids_in_code() -> set[str]:
    ids: set[str] = set()
    for path in (ROOT / "src" / "koppel").rglob("*"):
        if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
            ids |= set(RULE_ID.findall(path.read_text(encoding="utf-8")))
    return ids


def test_every_rule_the_code_names_has_a_row_and_every_row_is_used():
    in_code = _ids_in_code()
    assert sorted(in_code - set(ROWS)) == [], "rule IDs in the code without a row in docs/rules.md"
    assert sorted(set(ROWS) - in_code) == [], "rows in docs/rules.md for rules the code never names"


def test_the_settings_column_is_the_settings_table():
    by_rule: dict[str, set[str]] = {}
    for name, (rule, _factsheet) in ProgrammeSettings.RULES.items():
        by_rule.setdefault(rule, set()).add(name)
    for rule, (_text, _kind, settings, _functions, _tests) in ROWS.items():
        assert set(_names(settings)) == by_rule.get(rule, set()), rule


@pytest.mark.parametrize("rule", sorted(ROWS))
def test_each_function_exists_and_names_its_rule(rule):
    functions = _names(ROWS[rule][3])
    assert functions, f"{rule}: no function enforces or computes it"
    for dotted in functions:
        module_name, _, attribute = dotted.rpartition(".")
        obj = getattr(importlib.import_module(module_name), attribute)
        assert rule in inspect.getsource(obj), f"{dotted} does not name {rule}"


@pytest.mark.parametrize("rule", sorted(ROWS))
def test_each_test_file_exists_and_names_its_rule(rule):
    files = _names(ROWS[rule][4])
    assert files, f"{rule}: no test"
    for name in files:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert rule in text or f"__{rule.replace('-', '_')}" in text, f"{name} does not name {rule}"


def test_the_check_fails_on_a_function_that_does_not_name_the_rule(monkeypatch):
    monkeypatch.setitem(
        ROWS, "SCR-3", [*ROWS["SCR-3"][:3], "`koppel.common.formatting.figure`", ROWS["SCR-3"][4]]
    )
    with pytest.raises(AssertionError, match="does not name SCR-3"):
        test_each_function_exists_and_names_its_rule("SCR-3")
