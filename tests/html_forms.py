"""Read the forms of a rendered page the way a browser submits them, so a test posts back
exactly the fields the page renders (hidden ones included) rather than a hand-built dict."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    buttons: dict[str, list[str]] = field(default_factory=dict)

    def data(self, **changes) -> dict:
        """The form's data as a browser would send it, with `changes` typed over it (a list
        for a multiple choice); Django's test client takes lists for repeated names."""
        data: dict = {k: v if len(v) != 1 else v[0] for k, v in self.fields.items()}
        data.update(changes)
        return data


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._textarea: str | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        self._form.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = PageForm(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        if self._form is None or ("name" not in a and tag not in ("option",)):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                self._form.buttons.setdefault(a["name"], []).append(a.get("value", ""))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a["name"], a.get("value", "on"))
            elif kind != "file":
                self._add(a["name"], a.get("value", ""))
        elif tag == "button":
            self._form.buttons.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select, self._options = (a["name"], "multiple" in a), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [v for v, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            for value in chosen:
                self._add(name, value)
            self._select = None


def page_forms(html: str) -> list[PageForm]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def page_form(response, *, having: str) -> PageForm:
    """The form of `response` that renders a field named `having` (the only one)."""
    found = [f for f in page_forms(response.content.decode()) if having in f.fields]
    assert len(found) == 1, f"{len(found)} forms render a field {having!r}"
    return found[0]


def submit(client, url: str, *, having: str, **changes):
    """GET `url`, then post its form (the one rendering `having`) back as a browser would,
    with `changes` typed over the rendered values."""
    form = page_form(client.get(url), having=having)
    return client.post(form.action or url, form.data(**changes))
