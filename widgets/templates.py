"""Templates to take away, under the lessons that use them.

The participant picks the Comune from the nine of the Ambito, may type the name
that signs the document, and presses «Prepara i documenti»: each template of the
lesson is filled in (by :mod:`abitare.templates`) and offered as a Word file and as
Markdown. The files travel inside the link itself (a ``data:`` address, as the
other downloads of the application): no extra server route, nothing stored,
nothing fetched later. A change of the fields hides the links until the files are
prepared again, so a link never holds values other than the ones on screen.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any

import ipywidgets as w

from abitare.content import Module
from abitare.templates import DOCX_MIME, MARKDOWN_MIME, DocumentTemplate, comuni_names, templates_for_lesson
from abitare_widgets.links import download_link
from abitare_widgets.safety import ErrorBanner, guarded

__all__ = ["TemplateDownloads", "lesson_templates"]

log = logging.getLogger(__name__)

NO_COMUNE = "Nessuno (resta uno spazio da compilare)"


class TemplateDownloads(w.VBox):
    """The templates of one lesson: two fields, a button, and the download links."""

    def __init__(self, templates: list[DocumentTemplate], **kwargs: Any) -> None:
        self.templates = templates
        self.message = ErrorBanner()
        wide = {"description_width": "initial"}
        self.comune = w.Dropdown(
            options=[(NO_COMUNE, ""), *((name, name) for name in comuni_names())],
            value="",
            description="Comune",
            style=wide,
            layout=w.Layout(width="auto", max_width="28rem"),
        )
        self.operatore = w.Text(
            value="",
            description="Il tuo nome (chi firma)",
            placeholder="Nome e cognome",
            style=wide,
            layout=w.Layout(width="auto", max_width="28rem"),
        )
        self.prepare = w.Button(
            description="Prepara i documenti",
            button_style="primary",
            layout=w.Layout(width="auto", align_self="flex-start", margin="0.5rem 0"),
        )
        self.prepare.on_click(lambda _b: self.build())
        self.links = w.HTML()
        self.comune.observe(self._changed, "value")
        self.operatore.observe(self._changed, "value")
        items = "".join(f"<li><strong>{escape(t.title)}</strong>: {escape(t.data.description)}</li>" for t in templates)
        intro = w.HTML(
            '<div class="abitare-lesson"><h3 class="abitare-templates-title">Modelli da scaricare</h3>'
            f"<p>Documenti da adattare al tuo servizio:</p><ul>{items}</ul>"
            "<p>Scegli il Comune e, se vuoi, scrivi il tuo nome; poi premi «Prepara i documenti». "
            "Gli altri spazi restano da compilare a mano. Il nome serve solo a compilare il documento: "
            "non viene salvato.</p></div>"
        )
        kwargs.setdefault("layout", w.Layout(max_width="46rem", margin="1.5rem 0 0 0"))
        super().__init__([intro, self.comune, self.operatore, self.prepare, self.message, self.links], **kwargs)
        self.add_class("abitare-templates")

    def given(self) -> dict[str, str]:
        """The values typed on the page, by field id."""
        return {"comune": self.comune.value or "", "operatore": self.operatore.value or ""}

    def _changed(self, _change: Any) -> None:
        if self.links.value:
            self.links.value = (
                '<div class="abitare-lesson"><p role="status">I dati sono cambiati: premi «Prepara i documenti» '
                "per aggiornare i file.</p></div>"
            )

    @guarded
    def build(self) -> None:
        """Fill every template with the values on screen and show the download links."""
        self.message.clear()
        given = self.given()
        parts = []
        for t in self.templates:
            docx = download_link(
                t.to_docx(given), t.filename("docx", given), DOCX_MIME, "Scarica in formato Word (DOCX)"
            )
            markdown = download_link(
                t.to_markdown(given).encode("utf-8"),
                t.filename("md", given),
                MARKDOWN_MIME,
                "Scarica in formato Markdown (MD)",
            )
            blanks = t.blanks(given)
            todo = f"<p>Da compilare a mano: {escape('; '.join(blanks))}.</p>" if blanks else ""
            parts.append(f"<h4>{escape(t.title)}</h4><p>{docx} {markdown}</p>{todo}")
        where = f"per il Comune di {escape(given['comune'])}" if given["comune"] else "senza Comune"
        self.links.value = (
            f'<div class="abitare-lesson"><p role="status">Documenti pronti {where}.</p>{"".join(parts)}</div>'
        )


def lesson_templates(module: Module, lesson_id: str) -> list[w.Widget]:
    """What to show under a lesson: its templates, or nothing (never an error in place of the lesson)."""
    try:
        templates = templates_for_lesson(module.folder.parent, module.id, lesson_id)
        return [TemplateDownloads(templates)] if templates else []
    except Exception:
        log.exception("templates of %s/%s not shown", module.id, lesson_id)
        return []
