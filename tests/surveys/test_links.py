"""Answering a survey through a personal signed link, without an account, on a phone."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from koppel.surveys.domain.delivery import LINK_SALT, assignment_from_token, survey_link
from koppel.surveys.enums import AssignmentStatus
from koppel.surveys.models import Answer, Instrument, Score
from tests.factories.survey import AssignmentFactory, small_instrument

pytestmark = pytest.mark.django_db


def _assignment(**kwargs):
    instrument = small_instrument(respondents=["youth"], young_age=12)
    return AssignmentFactory(instrument=instrument, **kwargs)


def _path(assignment) -> str:
    return urlsplit(survey_link(assignment)).path


def _items(assignment):
    return list(assignment.instrument.items.order_by("position"))


# The "x of N questions answered" count, on the page and (out of band) in the save answer.
PROGRESS = re.compile(r'<p id="survey-progress"([^>]*)>([^<]*)</p>')


def _progress(html: str) -> tuple[str, str]:
    """The count's element: (its attributes after the id, its text). Exactly one per page or answer."""
    found = PROGRESS.findall(html)
    assert len(found) == 1, found
    attributes, text = found[0]
    return attributes, text.strip()


def test_link_is_absolute_and_holds_the_assignment(settings):
    assignment = _assignment()
    link = survey_link(assignment)
    assert survey_link(assignment) == link  # the same link in every reminder
    assert link.startswith(settings.SITE_URL)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert assignment_from_token(token) == assignment


def test_page_shows_every_item_with_radio_buttons_in_the_assignments_language(client):
    assignment = _assignment(language="en")
    path = _path(assignment)
    response = client.get(path)
    assert response.status_code == 200
    text = response.text
    for item in _items(assignment):
        assert item.text_en in text
        assert f'name="item-{item.pk}"' in text
    assert 'type="radio"' in text
    assert "Strongly agree" in text
    assert "Trust" in text  # the subscale's heading
    assert f'hx-post="{path}save/"' in text


def test_language_switch_wins_over_the_assignments_language(client, settings):
    assignment = _assignment(language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    text = client.get(_path(assignment)).text
    assert _items(assignment)[0].text_nl in text


def test_youth_under_12_sees_the_young_wording(client):
    assignment = _assignment(language="en", young=True)
    item = _items(assignment)[0]
    item.young_text_en = "Do you like your mentor?"
    item.save()
    assert "Do you like your mentor?" in client.get(_path(assignment)).text


def test_each_change_is_saved_through_htmx_and_the_page_resumes(client):
    assignment = _assignment(language="en")
    q1, q2, _q3 = _items(assignment)
    save = _path(assignment) + "save/"
    response = client.post(save, {f"item-{q1.pk}": "4"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Saved" in response.text
    client.post(save, {f"item-{q1.pk}": "4", f"item-{q2.pk}": "2"}, HTTP_HX_REQUEST="true")
    assert dict(Answer.objects.values_list("item_id", "value")) == {q1.pk: 4, q2.pk: 2}
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.STARTED
    page = client.get(_path(assignment)).text
    checked = re.findall(r'<input type="radio" name="item-(\d+)" value="(\d)"[^>]*checked', page)
    assert sorted(checked) == sorted([(str(q1.pk), "4"), (str(q2.pk), "2")])


def test_each_save_updates_the_answered_count_out_of_band(client):
    assignment = _assignment(language="en")
    q1, q2, _q3 = _items(assignment)
    path = _path(assignment)
    attributes, text = _progress(client.get(path).text)
    assert text == "0 of 3 questions answered."
    assert "hx-swap-oob" not in attributes  # on the page itself a plain paragraph
    # Each save answers "Saved" and the page's count element, to be swapped in by its id.
    first = client.post(path + "save/", {f"item-{q1.pk}": "4"}, HTTP_HX_REQUEST="true")
    assert "Saved" in first.text
    assert _progress(first.text) == (' class="hint" hx-swap-oob="true"', "1 of 3 questions answered.")
    # The form sends all answers given so far; a changed answer is not counted twice.
    second = client.post(path + "save/", {f"item-{q1.pk}": "4", f"item-{q2.pk}": "2"}, HTTP_HX_REQUEST="true")
    assert _progress(second.text)[1] == "2 of 3 questions answered."
    again = client.post(path + "save/", {f"item-{q1.pk}": "5", f"item-{q2.pk}": "2"}, HTTP_HX_REQUEST="true")
    assert _progress(again.text)[1] == "2 of 3 questions answered."
    # A refused answer leaves the count as it was.
    refused = client.post(path + "save/", {f"item-{q1.pk}": "9"}, HTTP_HX_REQUEST="true")
    assert "Saved" not in refused.text
    assert _progress(refused.text)[1] == "2 of 3 questions answered."
    # Without JavaScript, a reload shows the same count.
    assert _progress(client.get(path).text) == (' class="hint"', "2 of 3 questions answered.")


def test_the_dutch_count_follows_the_answers(client):
    assignment = _assignment(language="nl")
    q1, q2, _q3 = _items(assignment)
    path = _path(assignment)
    client.post(path + "save/", {f"item-{q1.pk}": "4"}, HTTP_HX_REQUEST="true")
    response = client.post(path + "save/", {f"item-{q2.pk}": "3"}, HTTP_HX_REQUEST="true")
    assert _progress(response.text)[1] == "2 van de 3 vragen beantwoord."
    assert _progress(client.get(path).text)[1] == "2 van de 3 vragen beantwoord."


@pytest.mark.parametrize(
    ("language", "sentence"),
    [("nl", "Er zijn geen goede of foute antwoorden."), ("en", "There are no right or wrong answers.")],
)
@pytest.mark.parametrize("key", ["koppel-outcomes-youth", "koppel-relationship-youth"])
def test_no_right_or_wrong_answers_is_said_once(client, key, language, sentence):
    """The shipped youth questionnaires say it in their description; the page does not repeat it."""
    instrument = Instrument.objects.filter(organisation=None, key=key).latest("revision")
    assignment = AssignmentFactory(instrument=instrument, language=language)
    text = client.get(_path(assignment)).text
    assert text.count(sentence) == 1
    assert text.lower().count("right or wrong") + text.lower().count("goede of foute") == 1


def test_save_refuses_a_value_off_the_scale_without_saving(client):
    assignment = _assignment(language="en")
    q1 = _items(assignment)[0]
    response = client.post(_path(assignment) + "save/", {f"item-{q1.pk}": "9"})
    assert response.status_code == 200
    assert "Saved" not in response.text
    assert not Answer.objects.exists()


def test_save_and_finish_later_without_javascript(client):
    assignment = _assignment(language="en")
    q1 = _items(assignment)[0]
    response = client.post(_path(assignment), {f"item-{q1.pk}": "5", "action": "save"})
    assert response.status_code == 302
    assert Answer.objects.get().value == 5
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.STARTED


def test_send_submits_scores_and_thanks(client):
    assignment = _assignment(language="en")
    q1, q2, q3 = _items(assignment)
    response = client.post(
        _path(assignment),
        {f"item-{q1.pk}": "4", f"item-{q2.pk}": "5", f"item-{q3.pk}": "2", "action": "send"},
    )
    assert response.status_code == 200
    assert "Thank you" in response.text
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    # mean of 4, 5 and (6 - 2) = 4.333...
    assert Score.objects.get(assignment=assignment).value == pytest.approx(13 / 3)
    again = client.get(_path(assignment))
    assert again.status_code == 200
    assert "Thank you" in again.text
    assert 'type="radio"' not in again.text


def test_expired_link_shows_a_clear_page(client):
    assignment = _assignment(
        language="en",
        due_on=timezone.localdate() - timedelta(days=40),
        closes_on=timezone.localdate() - timedelta(days=1),
    )
    response = client.get(_path(assignment), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "closed" in response.text
    assert _items(assignment)[0].text_en not in response.text
    cancelled = _assignment(language="en", status=AssignmentStatus.CANCELLED)
    assert client.get(_path(cancelled)).status_code == 410


def test_forged_link_shows_a_clear_page(client):
    assignment = _assignment(language="en")
    token = signing.Signer(salt="something else").sign_object({"a": assignment.pk})
    response = client.get(reverse("links:survey", args=[token]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "not valid" in response.text
    unknown = signing.Signer(salt=LINK_SALT).sign_object({"a": 999999})
    assert client.get(reverse("links:survey", args=[unknown])).status_code == 404
    assert client.post(reverse("links:survey_save", args=["garbage"]), {}).status_code == 404


class _AnswerLayout(HTMLParser):
    """What a phone gets of the answer page: the viewport tag, any tables, the stylesheets, and per
    question (fieldset.survey-item) its legend and its option lists (div.survey-options), each a list
    of (radio name, value, label text)."""

    def __init__(self):
        super().__init__()
        self.viewport = None
        self.tables = 0
        self.stylesheets = []
        self.questions = []
        self.stray_radios = []
        self._in_legend = False
        self._list_depth = 0
        self._label = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "meta" and attrs.get("name") == "viewport":
            self.viewport = attrs.get("content")
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        elif tag == "table":
            self.tables += 1
        elif tag == "fieldset" and "survey-item" in classes:
            self.questions.append({"legend": "", "lists": []})
        elif tag == "legend" and self.questions:
            self._in_legend = True
        elif tag == "div" and self._list_depth:
            self._list_depth += 1
        elif tag == "div" and "survey-options" in classes and self.questions:
            self.questions[-1]["lists"].append([])
            self._list_depth = 1
        elif tag == "label" and self._list_depth and "survey-option" in classes:
            self._label = []
        elif tag == "input" and attrs.get("type") == "radio":
            radio = (attrs["name"], attrs["value"])
            if self._list_depth and self._label is not None:
                self.questions[-1]["lists"][-1].append([*radio, self._label])
            else:
                self.stray_radios.append(radio)

    def handle_endtag(self, tag):
        if tag == "legend":
            self._in_legend = False
        elif tag == "div" and self._list_depth:
            self._list_depth -= 1
        elif tag == "label" and self._label is not None:
            option = self.questions[-1]["lists"][-1][-1]
            option[2] = "".join(self._label).strip()
            self._label = None

    def handle_data(self, data):
        if self._in_legend:
            self.questions[-1]["legend"] += data
        if self._label is not None:
            self._label.append(data)


def test_phone_page_shows_each_question_as_one_column_of_options(client):
    assignment = _assignment(language="en")
    text = client.get(_path(assignment)).text
    page = _AnswerLayout()
    page.feed(text)
    # Laid out for the phone's width, not a zoomed-out desktop page; no table (a grid of questions
    # against answers would need sideways scrolling).
    assert page.viewport is not None
    assert "width=device-width" in page.viewport
    assert page.tables == 0
    # Each question on its own: its text, then all of its answers as one list, in the scale's order.
    labels = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    items = _items(assignment)
    assert [q["legend"].strip() for q in page.questions] == [item.text_en for item in items]
    for question, item in zip(page.questions, items, strict=True):
        assert question["lists"] == [
            [[f"item-{item.pk}", str(value), label] for value, label in enumerate(labels, start=1)]
        ]
    assert page.stray_radios == []
    # The list is stacked in a column by the survey stylesheet the page loads.
    assert any(href.endswith("koppel/surveys.css") for href in page.stylesheets)
    css = Path(finders.find("koppel/surveys.css")).read_text()
    rule = re.search(r"\.survey-options\s*\{([^}]*)\}", css)
    assert rule is not None
    assert re.search(r"flex-direction:\s*column", rule.group(1))
    # Each question's divider is its fieldset's top border, across the full width. A legend sits in
    # the border and breaks the line (it only showed to the right of a short question) unless it
    # floats, which lays it out inside the fieldset, below the line.
    item = re.search(r"\.survey-item\s*\{([^}]*)\}", css)
    assert item is not None and re.search(r"border-top:\s*1px solid", item.group(1))
    legend = re.search(r"\.survey-item legend\s*\{([^}]*)\}", css)
    assert legend is not None
    assert re.search(r"float:\s*left", legend.group(1)) and re.search(r"width:\s*100%", legend.group(1))
    # The strict CSP allows no inline style or script.
    assert "style=" not in text
    assert re.search(r"<script(?![^>]*\bsrc=)", text) is None


def test_saving_through_an_expired_link_with_htmx_says_why(client):
    assignment = _assignment(
        language="en",
        due_on=timezone.localdate() - timedelta(days=40),
        closes_on=timezone.localdate() - timedelta(days=1),
    )
    token = _path(assignment).rstrip("/").rsplit("/", 1)[-1]
    response = client.post(
        reverse("links:survey_save", args=[token]), {}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "closed" in response.text
    assert client.post(reverse("links:survey_save", args=[token]), {}).status_code == 410


def test_sending_with_questions_open_asks_once_more(client):
    assignment = _assignment(language="en")
    q1 = _items(assignment)[0]
    response = client.post(
        _path(assignment), {f"item-{q1.pk}": "4", "action": "send"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "2 questions are not answered yet" in response.text
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.STARTED  # saved, not sent
    response = client.post(_path(assignment), {"action": "send", "confirm": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
