"""Postcode areas for travel distances: loading them, and the distance the adapter derives."""

import math

import pytest
from django.core.management import CommandError, call_command

from koppel.matches.domain.adapter import postcode_locations
from koppel.matches.models import PostcodeArea
from tests.factories.matching import PostcodeAreaFactory

pytestmark = pytest.mark.django_db


def test_load_postcode_areas_loads_and_updates(tmp_path):
    PostcodeAreaFactory(postcode="3072", name="old", latitude="51.00000", longitude="4.00000")
    csv = tmp_path / "pc4.csv"
    csv.write_text(
        "postcode,latitude,longitude,name\n3072,51.8988,4.493,Afrikaanderwijk\n3511,52.0907,5.1214,Utrecht\n"
    )
    call_command("load_postcode_areas", str(csv))
    assert PostcodeArea.objects.count() == 2
    assert str(PostcodeArea.objects.get(postcode="3072").latitude) == "51.89880"


def test_load_postcode_areas_reports_every_bad_row_and_writes_nothing(tmp_path, capsys):
    csv = tmp_path / "pc4.csv"
    csv.write_text(
        "postcode,latitude,longitude\n3072,51.9,4.49\n0123,51.9,4.49\n3511,north,5.1\n3512,40.0,5.1\n3072,51.9,4.5\n"
    )
    with pytest.raises(CommandError, match="4 bad rows; nothing was loaded"):
        call_command("load_postcode_areas", str(csv))
    err = capsys.readouterr().err
    assert "line 3: '0123' is not a four-digit postcode" in err
    assert "line 4: latitude and longitude must be numbers" in err
    assert "line 5: 40.0, 5.1 is not in the Netherlands" in err
    assert "line 6: postcode area 3072 appears twice" in err
    assert not PostcodeArea.objects.exists()


def test_adapter_distance_between_two_areas_is_about_right():
    # Rotterdam Centraal (3013) and Utrecht Centraal (3511) are about 47 km apart in a straight line.
    PostcodeAreaFactory(postcode="3013", latitude="51.92500", longitude="4.46900")
    PostcodeAreaFactory(postcode="3511", latitude="52.08900", longitude="5.11000")
    places = postcode_locations(["3013AB", "3511 CE", "9999ZZ", ""])
    assert set(places) == {"3013", "3511"}
    assert math.dist(places["3013"], places["3511"]) == pytest.approx(47.5, abs=1.5)
