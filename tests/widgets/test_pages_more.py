"""Glossary and class view, driven as a user would."""

from abitare.classview import class_report
from abitare.content import scan
from abitare.facilitators import FacilitatorStore
from abitare_widgets.classview import ClassView
from abitare_widgets.glossary import GlossaryView
from tests.conftest import CONTENT_DIR


def test_glossary_search_ignores_case_and_accents():
    modules, _ = scan(CONTENT_DIR)
    view = GlossaryView(modules)
    total = sum(len(m.glossary) for m in modules)
    assert view.filter("") == total and total >= 30
    view.search.value = "MOROSITA"
    assert "Morosit" in view.results.value and view.filter("morosita") < total
    view.search.value = "zzzz-nessuno"
    assert "Nessun termine trovato" in view.results.value


def test_class_view_needs_the_secret_and_escapes_names(store):
    modules, _ = scan(CONTENT_DIR)
    FacilitatorStore(store.engine).set_secret("Giulia", "parola-segreta-lunga")
    p = store.identify("<img src=x onerror=alert(1)> O'Brien", trusted=True)
    store.mark_lesson(p.id, modules[0].id, modules[0].lessons[0].id, 5)
    view = ClassView(FacilitatorStore(store.engine), lambda: class_report(store.engine, modules))
    view.secret.value = "sbagliata-di-sicuro"
    view.enter_button.click()
    assert "non valida" in view.message.value and view.content.children == ()
    assert view.secret.value == ""
    view.secret.value = "parola-segreta-lunga"
    view.enter_button.click()
    html = view.content.children[1].value
    assert "Accesso eseguito come Giulia" in view.message.value
    assert "&lt;img src=x onerror=alert(1)&gt; O&#x27;Brien" in html and "<img" not in html
    assert "avanzamento-classe.csv" in html
    assert "Avanzamento per modulo" in html and "in corso" in html
