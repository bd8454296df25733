"""The Dutch catalogue is complete, compiled, and covers every template string.

When one of these fails: run, from src/koppel,
    django-admin makemessages -l nl --ignore "*/tests/*" --no-obsolete
translate the new or fuzzy entries in locale/nl/LC_MESSAGES/django.po (terms in
docs/glossary.md), then
    django-admin compilemessages -l nl
"""

import re
from functools import cache
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "koppel"
LC_MESSAGES = SRC / "locale" / "nl" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

# {% translate "..." %} / {% trans '...' %}, optionally with `context "..."`, `noop`, `as var`.
# Template tags cannot span lines, so a line-bound pattern finds them all.
TRANSLATE_TAG = re.compile(
    r"""{%-?\s*trans(?:late)?\s+(?P<q>["'])(?P<msgid>.*?)(?<!\\)(?P=q)"""
    r"""(?:\s+context\s+(?P<cq>["'])(?P<ctx>.*?)(?<!\\)(?P=cq))?[^%]*%}"""
)
# _("...") as a filter or tag argument, e.g. {{ x|default:_("system") }}.
UNDERSCORE_ARG = re.compile(r"""(?<![\w.])_\((?P<q>["'])(?P<msgid>.*?)(?<!\\)(?P=q)\)""")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


@cache
def po() -> polib.POFile:
    return polib.pofile(str(PO))


def _key(entry) -> tuple[str | None, str]:
    return (entry.msgctxt or None, entry.msgid)


def _label(key: tuple[str | None, str]) -> str:
    ctx, msgid = key
    return f"{msgid!r} (context {ctx!r})" if ctx else repr(msgid)


def _live_entries():
    return [e for e in po() if not e.obsolete and e.msgid]


def test_every_entry_is_translated_and_none_is_fuzzy():
    fuzzy = [_label(_key(e)) for e in _live_entries() if "fuzzy" in e.flags]
    untranslated = [_label(_key(e)) for e in _live_entries() if not e.translated() and "fuzzy" not in e.flags]
    problems = untranslated + fuzzy
    assert not problems, (
        f"{len(untranslated)} untranslated: {', '.join(untranslated) or '-'}; "
        f"{len(fuzzy)} fuzzy (check, then drop the flag): {', '.join(fuzzy) or '-'}"
    )


def test_translations_keep_the_placeholders_of_their_source():
    """An unknown placeholder raises KeyError at runtime; a dropped one loses information.
    Only a plural form may drop the count (e.g. "één mentor")."""
    wrong = []
    for e in _live_entries():
        if e.msgid_plural:
            forms = [
                (e.msgid if int(i) == 0 else e.msgid_plural, s, True) for i, s in e.msgstr_plural.items()
            ]
        else:
            forms = [(e.msgid, e.msgstr, False)]
        for source, translation, may_drop in forms:
            if not translation:
                continue
            want, got = set(PLACEHOLDER.findall(source)), set(PLACEHOLDER.findall(translation))
            if got - want or (want - got and not may_drop):
                wrong.append(f"{source!r} -> {translation!r}")
    assert not wrong, "placeholders differ: " + "; ".join(wrong)


def _mo_table(entries) -> dict:
    table = {}
    for e in entries:
        if not e.msgid:  # the header
            continue
        if e.msgid_plural:
            value = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural, key=int))
        else:
            value = e.msgstr
        table[_key(e)] = value
    return table


def test_compiled_catalogue_matches_the_po_file():
    assert MO.exists(), f"{MO} is missing: run `django-admin compilemessages -l nl` in src/koppel"
    expected = _mo_table(e for e in po().translated_entries() if "fuzzy" not in e.flags)
    compiled = _mo_table(polib.mofile(str(MO)))
    stale = [_label(key) for key, value in expected.items() if compiled.get(key) != value]
    assert not stale, (
        f"{len(stale)} entries of {PO.name} differ from or are missing in {MO.name}; "
        "run `django-admin compilemessages -l nl` in src/koppel: " + ", ".join(stale)
    )


def _template_strings() -> dict[tuple[str | None, str], str]:
    found = {}
    for path in sorted(SRC.rglob("*.html")):
        if "tests" in path.relative_to(SRC).parts:  # makemessages runs with --ignore "*/tests/*"
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{path.relative_to(SRC)}:{lineno}"
            for m in TRANSLATE_TAG.finditer(line):
                found.setdefault((m["ctx"], m["msgid"]), where)
            for m in UNDERSCORE_ARG.finditer(line):
                found.setdefault((None, m["msgid"]), where)
    return found


def test_template_pattern_reads_the_forms_django_accepts():
    line = """{% translate "A" %}{% trans 'B' %}{% translate "C" context "ctx" %}"""
    line += """{% trans "D" as d %}"""
    found = [(m["ctx"], m["msgid"]) for m in TRANSLATE_TAG.finditer(line)]
    assert found == [(None, "A"), (None, "B"), ("ctx", "C"), (None, "D")]
    assert [m["msgid"] for m in UNDERSCORE_ARG.finditer("""{{ x|default:_("E") }}""")] == ["E"]


def test_every_template_string_is_in_the_catalogue():
    strings = _template_strings()
    assert strings, f"no {{% translate %}} strings found under {SRC}: is the pattern broken?"
    known = {_key(e) for e in _live_entries()}
    missing = [f"{_label(key)} at {where}" for key, where in strings.items() if key not in known]
    assert not missing, (
        f"{len(missing)} template strings are not in {PO.name}; run makemessages and translate: "
        + "; ".join(missing)
    )
