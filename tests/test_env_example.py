"""Every environment variable Koppel reads is listed in .env.example, and nothing else is."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "src" / "koppel" / "settings.py", ROOT / "src" / "koppel" / "cli.py"]
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list"}


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def names_read(source: str) -> set[str]:
    """Names read through env_*("NAME"), os.environ.get("NAME"), os.getenv, os.environ["NAME"]
    and "NAME" in os.environ. Writes (os.environ[...] = ..., setdefault) are not reads."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            is_helper = isinstance(func, ast.Name) and func.id in ENV_HELPERS
            is_environ_get = (
                isinstance(func, ast.Attribute) and func.attr == "get" and _is_os_environ(func.value)
            )
            is_getenv = (
                isinstance(func, ast.Attribute)
                and func.attr == "getenv"
                and isinstance(func.value, ast.Name)
                and func.value.id == "os"
            )
            if (is_helper or is_environ_get or is_getenv) and _string(node.args[0]):
                names.add(_string(node.args[0]))
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and _is_os_environ(node.value)
            and _string(node.slice)
        ):
            names.add(_string(node.slice))
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.ops[0], ast.In)
            and _is_os_environ(node.comparators[0])
            and _string(node.left)
        ):
            names.add(_string(node.left))
    return names


def all_names_read() -> set[str]:
    return set().union(*(names_read(path.read_text()) for path in SOURCES))


def names_listed() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    # An entry is `NAME=value`, or `# NAME=value` where the default is right.
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_the_parser_finds_variables_in_both_files():
    # Guards against a parser that silently finds nothing and so lets everything pass.
    assert {"SECRET_KEY", "DATABASE_URL", "PAGE_SIZE"} <= names_read(SOURCES[0].read_text())
    assert {"KOPPEL_BIND", "WEB_CONCURRENCY"} <= names_read(SOURCES[1].read_text())


def test_parser_recognises_every_way_of_reading():
    source = """
import os
A = env_str("A")
B = env_bool("B", False)
C = env_int("C", 1)
D = env_list("D", [])
E = os.environ.get("E")
F = os.getenv("F")
G = os.environ["G"]
H = "H" in os.environ
os.environ["WRITTEN"] = "1"
os.environ.setdefault("DEFAULTED", "1")
"""
    assert names_read(source) == set("ABCDEFGH")


def test_every_variable_read_is_listed_in_env_example():
    missing = all_names_read() - names_listed()
    assert not missing, f"add these to .env.example with a one-line comment: {sorted(missing)}"


def test_env_example_lists_no_variable_that_is_not_read():
    stale = names_listed() - all_names_read()
    assert not stale, f".env.example lists variables nothing reads: {sorted(stale)}"


def test_every_entry_has_a_comment_line_above_it():
    entry = re.compile(r"^#?\s*[A-Z][A-Z0-9_]*=")
    lines = (ROOT / ".env.example").read_text().splitlines()
    for number, line in enumerate(lines):
        if entry.match(line):
            above = lines[number - 1]
            assert above.startswith("#"), f"no comment above {line!r}"
            assert not entry.match(above), f"no comment above {line!r}"
