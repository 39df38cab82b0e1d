"""The course in a real browser: a whole module, accessibility, keyboard, the facilitator's view."""

import json
import re
import subprocess
import sys
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from abitare.content import load_module, scan
from abitare.identity import normalize_code
from abitare.numbers import number as italian_number
from abitare.quizbank import draw_items, expected_value, input_values
from tests.conftest import CONTENT_DIR
from tests.ui.conftest import serious_violations

pytestmark = pytest.mark.browser

LONG = 90_000


def module_url(server, module_id: str, code: str) -> str:
    return f"{server.base}/voila/render/modulo.ipynb?{urlencode({'m': module_id, 'p': code})}"


def drawn(module, code: str) -> list:
    """The questions of a participant's first attempt, in the order shown (drawn when the quiz draws)."""
    ids = draw_items(module.quiz, [lesson.id for lesson in module.lessons], normalize_code(code), module.id, 1)
    by_id = {q.id: q for q in module.questions}
    return [by_id[i] for i in ids]


def right_number(module, code: str, question) -> str:
    """The right answer of a calculated question for this participant's first attempt, the Italian way."""
    values = input_values(question, normalize_code(code), module.id, 1)
    return italian_number(expected_value(question, values))


def answer(page: Page, number: int, question, wrong: bool = False, *, module=None, code: str = "") -> None:
    """Answer question ``number`` as a user would, right unless ``wrong``."""
    box = page.locator(".abitare-question-box").nth(number - 1)
    options = [o.text for o in question.choices]
    if question.type == "calculated":
        box.get_by_role("textbox").fill("123456789" if wrong else right_number(module, code, question))
    elif question.type == "ordering":
        order = list(range(len(options)))
        if wrong:
            order = order[::-1]
        for place, i in enumerate(order, start=1):
            box.get_by_role("combobox", name=options[i]).select_option(label=f"{place}°")
    else:
        right = sorted(question.correct_indexes)
        picks = [next(i for i in range(len(options)) if i not in right)] if wrong else right
        role = "checkbox" if question.type == "multiple" else "radio"
        for i in picks:
            box.get_by_role(role, name=options[i], exact=True).check()
    box.get_by_role("button", name=re.compile("^Conferma")).click()
    verdict = "Risposta non corretta" if wrong else "Risposta corretta."
    expect(box.locator(".abitare-feedback")).to_contain_text(verdict)


def test_a_whole_module_survives_a_restart_with_the_same_score(voila, page: Page):
    module = load_module(CONTENT_DIR, "sistema-abitativo")
    page.goto(module_url(voila, module.id, "Intera Prova"))
    expect(page.get_by_role("heading", name="Presentazione")).to_be_visible(timeout=LONG)
    for lesson in module.lessons:  # read every lesson, moving on with «Successiva»
        page.get_by_role("button", name="Successiva ▶").click()
        expect(page.get_by_role("heading", name=lesson.title, exact=True)).to_be_visible()
    page.get_by_role("button", name="Successiva ▶").click()
    expect(page.get_by_role("heading", name=module.quiz.title)).to_be_visible()
    questions = drawn(module, "Intera Prova")
    for n, q in enumerate(questions, start=1):
        answer(page, n, q, wrong=(n == 2), module=module, code="Intera Prova")
    total = len(questions)
    expect(page.get_by_text(f"Risposte date: {total} su {total} · corrette: {total - 1}")).to_be_visible()
    page.get_by_role("button", name="Successiva ▶").click()
    expect(page.get_by_text("Modulo completato.")).to_be_visible()
    expect(page.get_by_text(f"Risposte corrette: {total - 1} su {total}")).to_be_visible()

    voila.restart()
    page.goto(module_url(voila, module.id, "intera prova"))  # same code, typed differently
    expect(page.get_by_text("Modulo completato.")).to_be_visible(timeout=LONG)
    expect(page.get_by_text(f"Risposte corrette: {total - 1} su {total}")).to_be_visible()
    page.goto(voila.home + "?p=Intera+Prova")
    expect(page.get_by_text("Moduli completati: 1 su")).to_be_visible(timeout=LONG)
    expect(page.get_by_role("link", name="Rivedi il modulo")).to_be_visible()


def test_no_page_has_serious_accessibility_violations(voila, page: Page):
    problems = {}
    page.goto(voila.home + "?p=axe-tester")
    expect(page.get_by_text("Ti diamo il benvenuto, axe-tester")).to_be_visible(timeout=LONG)
    problems["home"] = serious_violations(page)
    for i, m in enumerate(scan(CONTENT_DIR)[0]):  # each module as a trainee reaches it: from the home page
        if i:
            page.get_by_role("link", name="← Tutti i moduli").click()
            expect(page.get_by_text("Ti diamo il benvenuto, axe-tester")).to_be_visible()
        page.locator(f'a.abitare-link-button[href*="m={m.id}&"]').click()
        expect(page.get_by_role("heading", name="Presentazione")).to_be_visible()
        problems[f"{m.id}/presentazione"] = serious_violations(page)
        page.get_by_role("button", name="Successiva ▶").click()
        problems[f"{m.id}/lezione"] = serious_violations(page)
        page.get_by_role("button", name="Verifica finale").click()
        answer(page, 1, drawn(m, "axe-tester")[0], wrong=True, module=m, code="axe-tester")
        problems[f"{m.id}/verifica"] = serious_violations(page)
    for name, c in (
        ("glossario", ""),
        ("classe", ""),
        ("caso", "conflitto-vicinato"),
        ("calcolatore", "canone-sap"),
        ("simulazione", ""),
    ):
        page.goto(f"{voila.base}/voila/render/{name}.ipynb?p=axe-tester&c={c}")
        expect(page.locator(".abitare-title")).to_be_visible(timeout=LONG)
        problems[name] = serious_violations(page)
    bad = {k: v for k, v in problems.items() if v}
    assert bad == {}, json.dumps(bad, indent=1, ensure_ascii=False)


def test_a_quiz_can_be_answered_with_the_keyboard_alone(voila, page: Page):
    module = load_module(CONTENT_DIR, "sistema-abitativo")
    page.goto(module_url(voila, module.id, "tastiera"))
    expect(page.get_by_role("heading", name="Presentazione")).to_be_visible(timeout=LONG)

    def tab_to(predicate: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(() => {{ const e = document.activeElement; return {predicate}; }})()"):
                return
        pytest.fail(f"Tab never reached: {predicate}")

    tab_to("e.tagName === 'BUTTON' && e.textContent.includes('Verifica finale')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=module.quiz.title)).to_be_visible()
    kinds = {"single": "radio", "true_false": "radio", "multiple": "checkbox", "ordering": "select"}
    questions = drawn(module, "tastiera")
    for n, q in enumerate(questions, start=1):
        box = page.locator(".abitare-question-box").nth(n - 1)
        options = [o.text for o in q.choices]
        if q.type == "calculated":
            tab_to(
                f"e.tagName === 'INPUT' && e.type === 'text' && e.closest('.abitare-question-box') === "
                f"document.querySelectorAll('.abitare-question-box')[{n - 1}]"
            )
            page.keyboard.type(right_number(module, "tastiera", q))
        elif kinds[q.type] == "radio":
            target = options[min(q.correct_indexes)]
            tab_to(
                f"e.type === 'radio' && e.closest('.abitare-question-box') === "
                f"document.querySelectorAll('.abitare-question-box')[{n - 1}]"
            )
            for _ in range(3 * len(options)):  # arrows move the choice within the group
                page.wait_for_timeout(150)  # the group re-renders when the kernel echoes the choice
                label = page.evaluate("document.activeElement.closest('label')?.textContent.trim()")
                if label == target:
                    break
                page.keyboard.press("ArrowDown")
            else:
                pytest.fail(f"the arrows never reached {target!r}")
            page.keyboard.press("Space")
        elif kinds[q.type] == "checkbox":
            for i in sorted(q.correct_indexes):
                tab_to(
                    f"e.type === 'checkbox' && e.closest('label') && "
                    f"e.closest('label').textContent.trim() === {options[i]!r}"
                )
                page.keyboard.press("Space")
        else:
            for right_place, text in enumerate(options, start=1):
                tab_to(f"e.tagName === 'SELECT' && e.closest('.widget-dropdown').textContent.includes({text!r})")
                page.keyboard.type(str(right_place))  # type-ahead picks "2°" on a focused list
        tab_to("e.tagName === 'BUTTON' && e.textContent.startsWith('Conferma')")
        page.keyboard.press("Enter")
        expect(box.locator(".abitare-feedback")).to_contain_text("Risposta corretta.")
    total = len(questions)
    expect(page.get_by_text(f"Risposte date: {total} su {total} · corrette: {total}")).to_be_visible()


def test_the_facilitator_sees_the_class(voila, page: Page):
    env = {"PATH": "/usr/bin:/bin", "ABITARE_DATA_DIR": str(voila.data_dir)}
    added = subprocess.run(
        [sys.executable, "-m", "abitare.cli", "facilitator", "add", "Giulia"],
        input="parola-segreta-di-prova\nparola-segreta-di-prova\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert added.returncode == 0, added.stderr
    module = load_module(CONTENT_DIR, "morosita")
    page.goto(module_url(voila, module.id, "Studente Uno"))
    page.get_by_role("button", name="Verifica finale").click(timeout=LONG)
    first = drawn(module, "Studente Uno")[0]
    answer(page, 1, first, wrong=True, module=module, code="Studente Uno")

    page.goto(f"{voila.base}/voila/render/classe.ipynb")
    page.get_by_label("Parola segreta").fill("tentativo-errato")
    page.get_by_role("button", name="Entra").click()
    expect(page.get_by_text("Parola segreta non valida.")).to_be_visible()
    expect(page.get_by_text("Studente Uno")).to_have_count(0)
    page.get_by_label("Parola segreta").fill("parola-segreta-di-prova")
    page.get_by_role("button", name="Entra").click()
    expect(page.get_by_text("Accesso eseguito come Giulia.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Studente Uno")).to_be_visible()
    expect(page.get_by_role("cell", name=first.text).first).to_be_visible()
    expect(page.get_by_role("link", name="Scarica l'avanzamento (CSV)")).to_be_visible()
    assert "parola-segreta-di-prova" not in voila.log()
