"""The guard every journey walks under: it fails the test on a server error (5xx), a console error or uncaught
exception (CSP violations included), a serious or critical axe violation, and a string left in the wrong language
(Latin words on a Chinese page outside an allow-list of names and codes; Chinese on an English page outside the
data the test itself created)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import translation

# Latin words that a Chinese page may show: names of formats, standards, products and codes, and Latin letters that
# are part of a number or grade.
ALLOWED_LATIN = {
    "pdf", "word", "docx", "excel", "xlsx", "csv", "qr", "api", "url", "http", "https", "www", "openapi", "id",
    "sms", "email", "e-mail", "totp", "app", "cppcc", "html", "htmx", "svg", "json", "zip", "ip", "atom", "rss", "ctrl",
    "doc", "xls", "ppt", "pptx", "ofd", "txt", "jpg", "jpeg", "png", "gif", "webp", "kb", "mb", "gb",
}  # fmt: skip
# A refused form answers 4xx on purpose (422 with the errors beside the fields); Chromium logs each such answer as a
# console error. Server errors are caught from the responses themselves.
CLIENT_ERROR = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z\-']+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# What a page shows to a reader: visible text, and the text a screen reader or a hover reads.
PAGE_TEXT = """(language) => {
  // Text marked as another language (the header's language switch) is not this page's language.
  const other = el => el.closest('[lang]') && el.closest('[lang]') !== document.documentElement
    && !el.closest('[lang]').lang.toLowerCase().startsWith(language.slice(0, 2));
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('body [lang]')) {
    if (other(el)) parts.push('\\u0000' + el.innerText);
  }
  const buttons = 'input[type=submit],input[type=button]';
  for (const el of document.querySelectorAll(`[aria-label],[title],[placeholder],img[alt],${buttons}`)) {
    if (other(el)) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
      const v = el.getAttribute(a);
      if (v) parts.push(v);
    }
    if (el.matches(buttons)) parts.push(el.value);
  }
  return parts;
}"""


# What people and organizations wrote or are called: the data a test created, in whatever script it was typed.
DATA_FIELDS = {
    "accounts.User": ["name", "username"],
    "accounts.Organization": ["name", "short_name", "region"],
    "accounts.HandlingUnit": ["name", "short_name"],
    "accounts.Community": ["name", "district"],
    "accounts.Partnership": ["title"],
    "proposals.Proposal": ["title", "body", "number"],
    "proposals.Reply": ["reference_number", "contact_person", "text"],
    "opinions.Report": ["title", "body"],
    "consultations.Consultation": ["title", "venue"],
    "consultations.Room": ["name"],
    "consultations.Topic": ["title", "body"],
    "consultations.Segment": ["title"],
    "consultations.LiveMessage": ["text"],
}


def database_text() -> set[str]:
    from django.apps import apps

    from xieshang.workflow.models import WorkflowEvent

    found: set[str] = set()
    for label, names in DATA_FIELDS.items():
        for row in apps.get_model(label).objects.values_list(*names):
            for value in row:
                found |= set(str(value or "").splitlines())
    for payload in WorkflowEvent.objects.values_list("payload", flat=True):
        found |= {str(v) for v in (payload or {}).values() if isinstance(v, str)}
    return {f.strip() for f in found if f.strip()}


def t(language: str, text: str) -> str:
    """The text a page in `language` shows for the Chinese source string `text` (the test names UI by its msgid)."""
    with translation.override(language):
        return str(translation.gettext(text))


@dataclass
class Guard:
    page: object
    language: str
    axe: object
    data: set[str] = field(default_factory=set)  # strings the test created: names, titles (either script)
    allowed_latin: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.page.on("response", self._on_response)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error on {self.page.url}: {exc}"))

    def _on_response(self, response):
        if response.status >= 500:
            self.problems.append(f"{response.status} from {response.request.method} {response.url}")

    def _on_console(self, message):
        if message.type == "error" and not CLIENT_ERROR.match(message.text):
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _(self, text: str) -> str:
        return t(self.language, text)

    def name(self, text: str) -> re.Pattern:
        """A workflow state or action by its default (Chinese) name, as the page's language shows it."""
        return re.compile(f"^{re.escape(self._(text))}$")

    def check(self, what: str = "") -> None:
        """Check the page as it stands: axe and the language of its text. Problems are collected, then raised by
        `done()` (or at once by `assert_clean()`), so one journey reports all it met."""
        self.page.wait_for_load_state("load")
        where = f"{what or self.page.url} ({self.language})"
        self.checked.append(where)
        for violation in self.axe(self.page):
            self.problems.append(f"axe on {where}: {violation['id']} {violation['help']} {violation['nodes']}")
        parts = self.page.evaluate(PAGE_TEXT, self.language)
        text = "\n".join(p for p in parts if not p.startswith("\u0000"))
        for other in (p[1:] for p in parts if p.startswith("\u0000")):
            text = text.replace(other, " ", 1)
        for item in sorted(self.data | database_text(), key=len, reverse=True):
            text = text.replace(item, " ")
        if self.language == "en":
            left = sorted(set(CJK.findall(text)))
            if left:
                self.problems.append(f"Chinese on the English page {where}: {left[:20]}")
        else:
            allowed = ALLOWED_LATIN | {w.lower() for w in self.allowed_latin}
            left = sorted({w for w in LATIN_WORD.findall(text) if w.lower() not in allowed})
            if left:
                self.problems.append(f"English on the Chinese page {where}: {left[:20]}")

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)
