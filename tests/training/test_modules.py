import pytest

from koppel.training.models import Module

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("rule", "audience", "count"), [("TRN-3", "mentor", 12), ("TRN-4", "youth", 5), ("TRN-5", "guardian", 3)]
)
def test_seeded_modules_exist_in_both_languages(rule, audience, count):
    modules = Module.objects.filter(rule=rule)
    assert modules.count() == count
    for module in modules:
        assert module.audience == audience
        assert module.title_nl and module.title_en
        assert module.title_nl != module.title_en


def test_module_title_follows_the_language():
    from django.utils import translation

    module = Module.objects.get(code="trn3-veiligheid")
    with translation.override("en"):
        assert module.title.startswith("Risk management")
    with translation.override("nl"):
        assert module.title.startswith("Risico's")
