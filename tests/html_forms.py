"""What a browser would post from a page: the fields of one of its forms with their current values,
read from the HTML itself (not from the view's context), so a field the template leaves out is
missing here too."""

from html.parser import HTMLParser

TEXT_INPUTS = {
    "text",
    "email",
    "tel",
    "hidden",
    "number",
    "date",
    "datetime-local",
    "url",
    "search",
    "password",
}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: tuple[str, bool] | None = None
        self._select_values: list[str] = []
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action"), "method": a.get("method", "get").lower(), "data": {}}
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        data = self._form["data"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in TEXT_INPUTS:
                data.setdefault(a["name"], []).append(a.get("value", ""))
            elif kind in ("checkbox", "radio") and "checked" in a:
                data.setdefault(a["name"], []).append(a.get("value", "on"))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], "multiple" in a)
            self._select_values, self._first_option = [], None
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            if self._first_option is None and value is not None:
                self._first_option = value
            if "selected" in a and value is not None:
                self._select_values.append(value)
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            data.setdefault(a["name"], []).append("")

    def handle_data(self, text):
        if self._textarea is not None and self._form is not None:
            self._form["data"][self._textarea][-1] += text

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple = self._select
            # A single select without a selected option posts its first option, as a browser does.
            first = [] if multiple or self._first_option is None else [self._first_option]
            values = self._select_values or first
            if values:
                self._form["data"][name] = values
            self._select = None


def page_form_data(html: str) -> dict[str, str | list[str]]:
    """The data of the page's own POST form (the first one that posts back to the page itself)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "post" and not form["action"]:
            return {k: v[0] if len(v) == 1 else v for k, v in form["data"].items()}
    raise AssertionError("the page has no form that posts back to itself")


def page_post_forms(html: str) -> list[tuple[str, dict[str, str | list[str]]]]:
    """(action, data) of every POST form of the page; the action is "" for one that posts back."""
    parser = _Forms()
    parser.feed(html)
    return [
        (form["action"] or "", {k: v[0] if len(v) == 1 else v for k, v in form["data"].items()})
        for form in parser.forms
        if form["method"] == "post"
    ]
