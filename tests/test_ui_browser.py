"""A real browser (Debian's Chromium, driven by Playwright) on the real app: ask, click a
citation, see the highlighted passage and the note; HTML in questions and letters stays text.
Screenshots go to artifacts/screenshots/ (git-ignored)."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

import bibtexparser
import pytest

from assistant.config import PROJECT_ROOT
from assistant.ui import launch

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
STOLBERG = "Qui était Benjamin Stolberg ?"
TIMEOUT = 60_000  # ms: the first question also warms the embedder


@pytest.fixture(scope="module")
def served(services, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ui = settings.ui.model_copy(update={"host": "127.0.0.1", "port": port})
    app, url = launch(services, settings.model_copy(update={"ui": ui}), block=False, quiet=True)
    yield url
    app.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.fail("Chromium is missing: `apt-get install chromium` (make setup-browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, served):
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.rstrip("/"))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served)
    page.wait_for_selector("#question textarea", timeout=TIMEOUT)
    yield page
    context.close()
    assert not errors, errors


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def ask(page, question: str, turn: int) -> None:
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_selector(f'#sources .src-panel[data-turn="{turn}"]', timeout=TIMEOUT)


def in_view(page, selector: str, container: str) -> bool:
    """The element is inside its scrolling container's visible box."""
    return page.evaluate(
        """([sel, box]) => {
            const el = document.querySelector(sel), c = document.querySelector(box);
            const r = el.getBoundingClientRect(), b = c.getBoundingClientRect();
            return r.bottom > b.top && r.top < b.bottom && r.top >= 0 && r.top < innerHeight;
        }""",
        [selector, container],
    )


def test_ask_click_citation_see_passage_and_note(page):
    ask(page, STOLBERG, 0)
    links = page.locator('#chat a[href^="#cite-0-"]')
    assert links.count() >= 1
    assert page.locator("#sources .src-card").count() >= 1
    shot(page, "1-answer")

    # "Copy reference" copies the card's reference string and opens nothing.
    copy = page.locator("#sources .src-card .src-copy").first
    copy.click()
    page.wait_for_function("document.querySelector('#sources .src-copy').textContent.includes('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == copy.get_attribute("data-ref")
    assert page.locator("#viewer .doc-viewer.empty").count() == 1
    # ... or, with the format chosen beside it, BibTeX or CSL-JSON that a parser reads.
    choice = page.locator("#sources .src-card .src-format").first
    choice.select_option("bibtex")
    copy.click()
    [entry] = bibtexparser.parse_string(page.evaluate("navigator.clipboard.readText()")).entries
    assert entry.fields_dict["title"].value
    choice.select_option("csl")
    copy.click()
    [item] = json.loads(page.evaluate("navigator.clipboard.readText()"))
    assert item["id"] == entry.key and ".txt, l. " in item["source"]
    assert page.locator("#viewer .doc-viewer.empty").count() == 1  # choosing opened nothing

    links.first.click()
    page.wait_for_selector("#viewer .doc-viewer .scroll-target", timeout=TIMEOUT)
    page.wait_for_timeout(300)
    assert page.locator("#sources .src-card.selected").count() == 1
    assert in_view(page, "#viewer .scroll-target", "#viewer")
    heading = page.inner_text("#viewer .doc-head")
    assert "Date" in heading and "Source" in heading
    shot(page, "2-citation-open")

    cited_note = page.locator("#viewer li.note.cited")
    if cited_note.count():  # a footnote citation: its note and its marker are highlighted
        assert "Stolberg" in cited_note.inner_text()
        assert page.locator("#viewer sup.marker.cited").count() == 1
    else:
        assert page.locator("#viewer p.para.cited").count() >= 1

    marker = page.locator("#viewer sup.marker.cited a, #viewer p.para.cited sup.marker a").first
    if not marker.count():
        marker = page.locator("#viewer sup.marker a").first
    note_n = marker.get_attribute("data-note")
    marker.click()
    popup = page.locator("#viewer .note-pop")
    popup.wait_for(timeout=5000)
    note_text = page.inner_text(f"#viewer #dv-note-{note_n} .note-text")
    assert note_text.strip()[:40] in popup.inner_text()
    shot(page, "3-note-shown")


def test_follow_up_and_source_cards(page):
    ask(page, STOLBERG, 0)
    ask(page, "Et pour quelle revue écrivait-il ?", 1)
    assert page.locator('#chat a[href^="#cite-1-"], #chat a[href^="#cite-1-s"]').count() >= 1
    cards = page.locator("#sources .src-card")
    cards.last.click()
    page.wait_for_selector("#viewer .doc-viewer", timeout=TIMEOUT)
    # Clicking a citation of the first answer brings its sources back.
    page.locator('#chat a[href^="#cite-0-"]').first.click()
    page.wait_for_selector('#sources .src-panel[data-turn="0"]', timeout=TIMEOUT)
    page.click("#new")
    page.wait_for_function("!document.querySelector('#chat a[href^=\"#cite-\"]')")


def test_filters_apply_to_the_next_question_and_show_on_the_answer(page):
    page.get_by_text("Filters — apply").click()
    page.fill("#f-after textarea", "1938-02-01")
    page.fill("#f-before textarea", "1938-02-28")
    page.click("#f-kind input")
    page.get_by_role("option", name="letter", exact=True).click()
    ask(page, "What did Trotsky write about the Moscow trials?", 0)
    assert "Searched letters of February 1938 only" in page.inner_text("#chat")
    dates = page.locator("#sources .src-meta").all_inner_texts()
    assert dates and all("February 1938" in d or "février 1938" in d for d in dates), dates
    shot(page, "5-filtered")


def test_html_in_question_and_letters_is_text(page, corpus):
    question = "<script>window.__xss=1</script><img src=x onerror=window.__xss=2> Stolberg ?"
    ask(page, question, 0)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#chat img, #chat script").count() == 0
    assert "<script>window.__xss=1</script>" in page.inner_text("#chat")

    # A letter whose OCR text holds '<', '>' or '&' shows those characters as text.
    doc = next((d for d in corpus.documents if any(c in p.text for p in d.paragraphs
                                                  for c in "<>&")), None)
    assert doc is not None, "no paragraph with <, > or & in the corpus"
    page.get_by_role("tab", name="Browse").click()
    page.fill("#b-text textarea, #b-text input", doc.title[:30])
    page.locator(f'#browse tr.doc-row[data-doc="{doc.id}"]').click()
    page.wait_for_selector(f'#viewer .doc-viewer[data-doc="{doc.id}"]', timeout=TIMEOUT)
    paragraph = next(p.text for p in doc.paragraphs if any(c in p.text for c in "<>&"))
    char = next(c for c in "<>&" if c in paragraph)
    at = paragraph.index(char)
    snippet = paragraph[max(0, at - 12): at + 12]
    text = " ".join(page.inner_text("#viewer .doc-body").split())
    assert " ".join(snippet.split()) in text
    shot(page, "4-browse-escaped")


def test_browse_lists_the_chronology(page):
    page.get_by_role("tab", name="Browse").click()
    rows = page.locator("#browse tr.doc-row")
    assert rows.count() > 90
    chronology = page.locator("#browse tr.doc-row", has_text="chronology").first
    chronology.click()
    page.wait_for_selector("#viewer .doc-viewer[data-doc]", timeout=TIMEOUT)
    assert "chronology" in page.inner_text("#viewer .doc-head")


def _outside(url: str, served: str) -> bool:
    """A request that leaves the app's own server (data: and blob: URLs stay in the page)."""
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about", "chrome-extension"):
        return False
    return parsed.hostname != "127.0.0.1" or parsed.port != urlparse(served).port


def test_loading_the_window_and_asking_sends_nothing_beyond_this_machine(browser, served):
    """Fonts, scripts, analytics included: every request, from the first one, goes to the app
    on 127.0.0.1 (a historian's archive stays private)."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.on("websocket", lambda socket_: requests.append(socket_.url))
    page.goto(served)
    page.wait_for_selector("#question textarea", timeout=TIMEOUT)
    ask(page, STOLBERG, 0)
    page.locator('#chat a[href^="#cite-0-"]').first.click()
    page.wait_for_selector("#viewer .doc-viewer .scroll-target", timeout=TIMEOUT)
    page.wait_for_timeout(1000)  # late requests (fonts, beacons) have their chance
    context.close()
    assert len(requests) > 10, requests  # the page's own requests were seen
    outside = [url for url in requests if _outside(url, served)]
    assert not outside, outside
