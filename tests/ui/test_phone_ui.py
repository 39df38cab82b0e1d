"""Every participant page on a phone (360×640): nothing past the right edge, controls at least
44 px high, readable text; a worksheet with every field type filled in and saved; a screenshot
for the README (docs/telefono.png)."""

import time

import pytest
from playwright.sync_api import Locator, Page, expect

from abitare.paths import PROJECT_ROOT
from abitare.practice.sessions import SessionStore
from abitare.practice.worksheets import FIELD_TYPES, load_worksheet
from abitare.settings import Settings
from abitare.storage import make_engine
from tests.ui.conftest import create_session

pytestmark = pytest.mark.browser

LONG = 90_000
WIDTH, HEIGHT = 360, 640

#: what sticks out past the right edge, the controls under 44 px, the smallest text
MEASURE = """() => {
  const W = document.documentElement.clientWidth;
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const past = [];
  for (const el of document.querySelectorAll('#rendered_cells *')) {
    if (visible(el) && el.getBoundingClientRect().right > W + 0.5)
      past.push(el.tagName + ' «' + (el.textContent || '').trim().slice(0, 40) + '»');
  }
  const small = [];
  const controls = 'button, input:not([type=checkbox]):not([type=radio]), select, textarea, '
    + 'a.abitare-link-button, .widget-checkbox label, .widget-radio-box label';
  for (const el of document.querySelectorAll('#rendered_cells ' + controls.split(', ').join(', #rendered_cells '))) {
    if (visible(el) && el.getBoundingClientRect().height < 44)
      small.push(el.tagName + ' ' + Math.round(el.getBoundingClientRect().height) + ' «'
        + (el.textContent || el.value || '').trim().slice(0, 30) + '»');
  }
  let smallest = 99, smallestWhat = '';
  for (const el of document.querySelectorAll('#rendered_cells p, #rendered_cells li, #rendered_cells label, '
      + '#rendered_cells button, #rendered_cells input:not([type=checkbox]):not([type=radio]), #rendered_cells td')) {
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (visible(el) && (el.textContent || el.value || '').trim() && size < smallest) {
      smallest = size;
      smallestWhat = el.tagName + ' «' + (el.textContent || el.value).trim().slice(0, 30) + '»';
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, past: past.slice(0, 10),
          small: small.slice(0, 10), smallest, smallestWhat};
}"""


def check_fits(page: Page, where: str) -> None:
    found = page.evaluate(MEASURE)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, (where, found)
    assert found["past"] == [], (where, found["past"])
    assert found["small"] == [], (where, found["small"])
    assert found["smallest"] >= 15, (where, found["smallest"], found["smallestWhat"])


def phone(browser) -> Page:
    context = browser.new_context(
        locale="it-IT", viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True
    )
    p = context.new_page()
    p.set_default_timeout(30_000)
    return p


def fill(field: Locator, kind: str) -> None:
    if kind == "short_text":
        field.locator("input").fill("Via dei Mille 12, tre scale")
    elif kind in ("long_text", "list"):
        field.locator("textarea").fill("Prima voce\nSeconda voce")
    elif kind == "stakeholders":
        field.locator("textarea").fill("Comune; 5; 4\nAgenzia dell'abitare; 4; 5")
    elif kind == "action_plan":
        field.locator("textarea").fill("Assemblea di scala; Comune; 2027-01-15")
    elif kind in ("scale", "single"):
        field.locator("input[type=radio]").nth(1).check()
    elif kind == "multiple":
        field.locator("input[type=checkbox]").nth(0).check()
        field.locator("input[type=checkbox]").nth(1).check()
    elif kind == "ranking":
        selects = field.locator("select")
        for i in range(selects.count()):
            selects.nth(i).select_option(label=f"{i + 1}°")
    elif kind == "matrix":
        boxes = field.locator("textarea")
        for i in range(boxes.count()):
            boxes.nth(i).fill(f"Voce {i + 1}")


def test_participant_pages_fit_a_phone_and_every_field_type_is_filled_in(voila, browser):
    p = phone(browser)
    for address, heading in (
        ("home.ipynb?p=Anna", ".abitare-home h1"),
        ("modulo.ipynb?m=morosita&p=Anna", ".abitare-player h2"),
        ("caso.ipynb?c=anziano-solo&p=Anna", ".abitare-case h1"),
    ):
        p.goto(f"{voila.base}/voila/render/{address}")
        expect(p.locator(heading).first).to_be_visible(timeout=LONG)
        time.sleep(0.5)
        check_fits(p, address)

    engine = make_engine(Settings(data_dir=voila.data_dir).database_url)
    sessions = SessionStore(engine)
    kinds_filled: set[str] = set()
    for template in ("bisogni-edificio-sap", "mappa-attori-temporaneo"):
        sheet = load_worksheet(PROJECT_ROOT / "modules", template)
        code, _ = create_session(voila, template, f"Prova sul telefono {template}")
        p.goto(f"{voila.base}/voila/render/scheda.ipynb?s={code}")
        expect(p.get_by_label("Codice della sessione")).to_have_value(code, timeout=LONG)
        check_fits(p, f"join {template}")
        p.get_by_label("Il tuo nome (come vuoi farti vedere)").fill("Anna Maria Bianchi Rossi")
        p.get_by_role("button", name="Entra").click()
        expect(p.get_by_text("partecipi come Anna Maria Bianchi Rossi")).to_be_visible()
        fields = p.locator(".abitare-ws-field")
        expect(fields).to_have_count(len(sheet.data.fields))
        for i, spec in enumerate(sheet.data.fields):
            fill(fields.nth(i), spec.type)
            kinds_filled.add(spec.type)
        expect(p.get_by_text("Salvato alle")).to_be_visible(timeout=5_000)
        check_fits(p, f"worksheet {template}")
        session = sessions.find(code)
        assert session is not None
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            saved = {r.field_id: r.value for r in sessions.answers(session)}
            if len(saved) == len(sheet.data.fields):
                break
            time.sleep(0.2)
        assert set(saved) == {f.id for f in sheet.data.fields}, saved
        if template == "mappa-attori-temporaneo":
            assert saved["attori"][1] == {"attore": "Agenzia dell'abitare", "x": 4, "y": 5}
            fields.nth(1).scroll_into_view_if_needed()
            p.evaluate("window.scrollBy(0, -60)")
            (PROJECT_ROOT / "docs").mkdir(exist_ok=True)
            p.screenshot(path=str(PROJECT_ROOT / "docs" / "telefono.png"))
    assert kinds_filled == set(FIELD_TYPES)
    engine.dispose()
