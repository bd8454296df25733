import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_domain_messages():
    """Domain functions raise messages in the active language; outside a request that is Dutch.
    These tests read the English source text (pages still follow each request's own language)."""
    with translation.override("en"):
        yield
