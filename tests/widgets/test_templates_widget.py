"""The templates under a lesson, driven headless as a participant's clicks would drive them."""

import base64
import io
import re

import docx

from abitare.content import load_module
from abitare_widgets import ModulePlayer
from abitare_widgets.templates import TemplateDownloads, lesson_templates
from tests.conftest import CONTENT_DIR


def links(widget: TemplateDownloads) -> dict[str, bytes]:
    """The files offered by the widget, by download name."""
    found = re.findall(r'download="([^"]+)" href="data:[^;]+(?:;charset=utf-8)?;base64,([^"]+)"', widget.links.value)
    return {name: base64.b64decode(data) for name, data in found}


def test_a_lesson_with_a_template_offers_it_filled_in():
    module = load_module(CONTENT_DIR, "morosita")
    [widget] = lesson_templates(module, "03-piano-di-rientro")
    assert "Accordo per un piano di rientro" in widget.children[0].value
    assert widget.links.value == ""  # nothing is built before the participant asks
    assert len(widget.comune.options) == 10  # the nine comuni and «none»
    widget.comune.value = "Colturano"
    widget.operatore.value = "Marta <i>Bianchi</i>"
    widget.prepare.click()
    files = links(widget)
    assert set(files) == {"piano-di-rientro-colturano.docx", "piano-di-rientro-colturano.md"}
    document = docx.Document(io.BytesIO(files["piano-di-rientro-colturano.docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Accordo per un piano di rientro" in text and "Colturano" in text and "Marta <i>Bianchi</i>" in text
    assert "Colturano" in files["piano-di-rientro-colturano.md"].decode("utf-8")
    assert "<i>Bianchi" not in widget.links.value  # what was typed never becomes markup on the page
    assert "Da compilare a mano:" in widget.links.value


def test_changing_a_field_hides_the_links_until_prepared_again():
    module = load_module(CONTENT_DIR, "morosita")
    [widget] = lesson_templates(module, "02-segnali-e-primo-contatto")
    widget.prepare.click()
    assert "lettera-primo-contatto.docx" in links(widget)
    widget.comune.value = "Dresano"
    assert links(widget) == {} and "premi «Prepara i documenti»" in widget.links.value
    widget.prepare.click()
    assert "lettera-primo-contatto-dresano.docx" in links(widget)


def test_a_lesson_without_templates_shows_nothing_more():
    module = load_module(CONTENT_DIR, "morosita")
    assert lesson_templates(module, "01-capire-la-morosita") == []


def test_the_player_shows_the_templates_under_the_lesson(store):
    module = load_module(CONTENT_DIR, "morosita")
    player = ModulePlayer(module, store, store.identify("modelli"))
    player.go("03-piano-di-rientro")
    assert any(isinstance(c, TemplateDownloads) for c in player.body.children)
    player.go("01-capire-la-morosita")
    assert not any(isinstance(c, TemplateDownloads) for c in player.body.children)
