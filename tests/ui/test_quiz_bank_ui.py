"""A drawn quiz in the browser: options in the participant's order, a calculated question,
a reload that shows the same attempt, a retry that draws again, and the class view's statistics.

Runs on the small fixture course tests/fixtures/content/bank (one lesson with a calculated
question, one with four choice questions; three questions drawn per attempt), so it does
not depend on the shipped quizzes.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Locator, Page, expect

from abitare.content import load_module
from abitare.identity import normalize_code
from abitare.numbers import number
from abitare.quizbank import expected_value, input_values, option_order
from tests.ui.conftest import VoilaServer

pytestmark = pytest.mark.browser

BANK = Path(__file__).resolve().parents[1] / "fixtures" / "content" / "bank"
LONG = 90_000
CODE = "Tizia Banca"
SECRET = "parola-segreta-di-prova"


@pytest.fixture
def bank_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[VoilaServer]:
    monkeypatch.setenv("ABITARE_CONTENT_DIR", str(BANK))
    server = VoilaServer(tmp_path / "var", tmp_path / "voila.log")
    server.start()
    yield server
    server.stop()


def prompts(page: Page) -> list[str]:
    return [t.strip() for t in page.locator(".abitare-question").all_inner_texts()]


def shown_options(box: Locator) -> list[str]:
    texts = box.locator(".widget-radio-box label, .widget-checkbox label").all_inner_texts()
    return [t.strip() for t in texts if t.strip("\u200b \n")]


def test_a_drawn_quiz_with_a_calculated_question_resumes_and_draws_again(bank_server, page: Page):
    module = load_module(BANK, "banca")
    by_text = {q.text: q for q in module.questions}
    code = normalize_code(CODE)
    page.goto(f"{bank_server.base}/voila/render/modulo.ipynb?{urlencode({'m': 'banca', 'p': CODE})}")
    page.get_by_role("button", name="Verifica finale").click(timeout=LONG)
    boxes = page.locator(".abitare-question-box")
    expect(boxes).to_have_count(3)
    first_prompts = prompts(page)
    assert any("rate servono" in p for p in first_prompts), "the only question of lesson 1 is always drawn"

    orders: dict[str, list[str]] = {}
    for n in range(3):
        box = boxes.nth(n)
        prompt = first_prompts[n]
        if "rate servono" in prompt:
            calc = next(q for q in module.questions if q.type == "calculated")
            values = input_values(calc, code, module.id, 1)
            assert (
                number(values["arretrato"]) in prompt
            )  # values drawn for this participant, shown the Italian way
            box.get_by_role("textbox").fill("tante")
            box.get_by_role("button", name="Conferma la risposta").click()
            expect(box.get_by_role("alert")).to_contain_text("«tante» non è un numero")
            right = expected_value(calc, values)
            box.get_by_role("textbox").fill(number(right))
            box.get_by_role("button", name="Conferma la risposta").click()
            expect(box.locator(".abitare-feedback")).to_contain_text("Risposta corretta.")
            feedback = box.locator(".abitare-feedback")
            expect(feedback).to_contain_text("il valore giusto, secondo il calcolatore del corso")
            continue
        q = next(q for text, q in by_text.items() if text in prompt)
        labels = shown_options(box)
        expected = [q.choices[i].text for i in option_order(q, code, module.id)]
        assert labels == expected, "options shown in the participant's own order"
        orders[q.id] = labels
        role = "checkbox" if q.type == "multiple" else "radio"
        for i in sorted(q.correct_indexes):
            box.get_by_role(role, name=q.choices[i].text, exact=True).check()
        box.get_by_role("button", name="Conferma la risposta").click()
        expect(box.locator(".abitare-feedback")).to_contain_text("Risposta corretta.")
    expect(page.get_by_text("Risposte date: 3 su 3 · corrette: 3")).to_be_visible()

    page.reload()  # the same attempt: same questions, same order, answers kept
    page.get_by_role("button", name="Verifica finale").click(timeout=LONG)
    expect(boxes).to_have_count(3)
    assert prompts(page) == first_prompts
    for n in range(3):
        box = boxes.nth(n)
        expect(box.locator(".abitare-feedback")).to_contain_text("Risposta corretta.")
        q = next((q for text, q in by_text.items() if text in first_prompts[n]), None)
        if q is not None:
            assert shown_options(box) == orders[q.id]
    expect(page.get_by_text("Risposte date: 3 su 3 · corrette: 3")).to_be_visible()

    page.get_by_role("button", name="Riprova la verifica").click()
    expect(page.get_by_text("Tentativo n. 2: le domande sono state estratte di nuovo.")).to_be_visible()
    expect(page.get_by_text("Risposte date: 0 su 3")).to_be_visible()
    second = prompts(page)
    assert len(second) == 3 and second != first_prompts
    assert not page.locator(".abitare-feedback").count()
    assert "Traceback" not in page.content()

    page.reload()
    page.get_by_role("button", name="Verifica finale").click(timeout=LONG)
    expect(page.get_by_text("Risposte date: 0 su 3")).to_be_visible()
    assert prompts(page) == second, "a reload resumes the new attempt"

    env = {"PATH": "/usr/bin:/bin", "ABITARE_DATA_DIR": str(bank_server.data_dir), "ABITARE_CONTENT_DIR": str(BANK)}
    added = subprocess.run(
        [sys.executable, "-m", "abitare.cli", "facilitator", "add", "Giulia"],
        input=f"{SECRET}\n{SECRET}\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert added.returncode == 0, added.stderr
    page.goto(f"{bank_server.base}/voila/render/classe.ipynb")
    page.get_by_label("Parola segreta").fill(SECRET)
    page.get_by_role("button", name="Entra").click(timeout=LONG)
    expect(page.get_by_text("Accesso eseguito come Giulia.")).to_be_visible()
    expect(page.get_by_role("heading", name="Le domande, una per una")).to_be_visible()
    page.get_by_text("Modulo con domande estratte", exact=True).last.click()  # opens the module's table
    calc_row = page.get_by_role("row").filter(has_text="rate-del-piano")
    expect(calc_row).to_contain_text("calcolo")
    cells = calc_row.get_by_role("cell")
    # shown to 1 (both attempts are the same participant), answered by 1, 100% right
    assert [cells.nth(k).inner_text().strip() for k in (3, 4, 5)] == ["1", "1", "100%"]
    shown_choices = [q for q in module.questions if any(q.text in p for p in first_prompts + second)]
    assert len(shown_choices) == 4, "the retry drew the two choice questions not drawn the first time"
    unanswered = [q for q in shown_choices if any(q.text in p for p in second)]  # drawn again, not answered yet
    for q in unanswered:
        row = page.get_by_role("row").filter(has_text=q.id)
        assert [row.get_by_role("cell").nth(k).inner_text().strip() for k in (3, 4, 5)] == ["1", "0", "–"]
    answered = [q for q in shown_choices if q not in unanswered]
    for q in answered:
        row = page.get_by_role("row").filter(has_text=q.id)
        assert [row.get_by_role("cell").nth(k).inner_text().strip() for k in (3, 4, 5)] == ["1", "1", "100%"]
    assert "Traceback" not in page.content()
