"""What the course teaches about the fondo morosità incolpevole follows DOMAIN.md.

The fund (D.L. 102/2013 art. 6 c. 5, D.M. 30 marzo 2016) is for a private-market tenant already
served with an intimazione di sfratto per morosità: €6,000 only repays the landlord for the
months an eviction is postponed; the deposit and the rents of a new canone concordato lease
fall under the €12,000 overall cap; it is not a guarantee for landlords.
"""

import re
from pathlib import Path

import pytest

from abitare.cases import load_case
from abitare.content import load_module
from abitare.parameters import load_parameters
from tests.conftest import CONTENT_DIR

FUND = "morosita_incolpevole"


def _content_files() -> list[Path]:
    files = sorted(CONTENT_DIR.glob("*/lezioni/*.md"))
    files += sorted(CONTENT_DIR.glob("*/quiz.yaml"))
    files += sorted(CONTENT_DIR.glob("*/module.yaml"))
    files += sorted(CONTENT_DIR.glob("casi/*.yaml"))
    files += sorted(CONTENT_DIR.glob("schede/*.yaml"))
    return files


# "fino a {{ …differimento_max }} per il deposito…" and "il deposito … fino a {{ …differimento_max }}"
DEPOSIT_WITHIN_POSTPONEMENT = [
    re.compile(r"differimento_max \}\}[^.;:]{0,40}\b(deposito|canoni)", re.IGNORECASE),
    re.compile(r"\b(deposito|canoni)\b[^.;]{0,120}fino a \{\{ morosita_incolpevole\.differimento_max", re.IGNORECASE),
    # "fino a {{ …differimento_max }} per differire lo sfratto, …, oppure per il deposito…"
    re.compile(r"differimento_max \}\}[^.;:\n]{0,80}\boppure\b[^.;:\n]{0,60}\b(deposito|canoni)", re.IGNORECASE),
]


@pytest.mark.parametrize(
    ("key", "value", "article"),
    [
        (f"{FUND}.ise_max", 35000, "art. 3"),
        (f"{FUND}.isee_max", 26000, "art. 3"),
        (f"{FUND}.residenza_min", 1, "art. 3"),
        (f"{FUND}.sanare_max", 8000, "art. 5, comma 1, lett. a)"),
        (f"{FUND}.anni_residui", 2, "art. 5, comma 1, lett. a)"),
        (f"{FUND}.differimento_max", 6000, "art. 5, comma 1, lett. b)"),
        (f"{FUND}.totale_max", 12000, "art. 5, comma 1, lett. c) e d)"),
    ],
)
def test_fund_parameters_and_their_source(key, value, article):
    p = load_parameters()[key]
    assert p.value == value
    assert "D.M. 30 marzo 2016" in p.source and article in p.source
    assert not p.indicative  # VERIFIED in DOMAIN.md


def test_postponement_figure_is_labelled_for_the_postponement_only():
    label = load_parameters()[f"{FUND}.differimento_max"].label.lower()
    assert "differimento" in label and "deposito" not in label and "canoni" not in label
    assert "deposito" in load_parameters()[f"{FUND}.totale_max"].label.lower()


def test_module5_deposit_question_keys_the_overall_cap():
    module = load_module(CONTENT_DIR, "abitare-temporaneo")
    question = next(q for q in module.questions if q.id == "fondo-deposito-concordato")
    params = load_parameters()
    correct = [o for o in question.options if o.correct]
    assert [o.text for o in correct] == [params[f"{FUND}.totale_max"].formatted()]
    postponement = next(o for o in question.options if o.text == params[f"{FUND}.differimento_max"].formatted())
    assert "differimento" in postponement.feedback and not postponement.correct
    assert all(o.feedback.strip() for o in question.options)
    assert "sfratto" in question.text and "mercato privato" in question.text
    assert params[f"{FUND}.totale_max"].formatted() in question.explanation


def test_no_quiz_feedback_ties_the_postponement_figure_to_the_deposit():
    shown = load_parameters()[f"{FUND}.differimento_max"].formatted()
    for folder in sorted(CONTENT_DIR.glob("[0-9][0-9]_*")):
        module = load_module(CONTENT_DIR, folder.name[3:])
        for question in module.questions:
            for option in question.options or ():
                if option.text != shown:
                    continue
                for sentence in _sentences(option.feedback):
                    low = sentence.lower()
                    if "deposito" in low or "canoni" in low:
                        assert re.search(r"\bnon\b", low), (module.id, question.id, sentence)


@pytest.mark.parametrize("path", _content_files(), ids=lambda p: str(p.relative_to(CONTENT_DIR)))
def test_no_text_puts_the_deposit_within_the_postponement_figure(path):
    text = path.read_text(encoding="utf-8")
    for pattern in DEPOSIT_WITHIN_POSTPONEMENT:
        found = pattern.search(text)
        assert found is None, f"{path.name}: «{found.group(0)}»"


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;!?])\s+|\n", text) if s.strip()]


@pytest.mark.parametrize("case_id", ["proprietario-agenzia", "uscita-temporaneo"])
def test_cases_never_offer_the_fund_to_a_landlord_or_a_household_already_out(case_id):
    """Households leaving temporary housing were evicted long ago: the fund is not theirs."""
    data = load_case(CONTENT_DIR, case_id).data
    for node_id, node in data.nodes.items():
        for choice in node.choices:
            if "fondo" not in choice.text.lower():
                continue
            # a choice that offers the fund is a trap, never the way forward, and its feedback says so
            assert not choice.recommended, (node_id, choice.text)
            assert choice.feedback and " non " in f" {choice.feedback} ", (node_id, choice.text)
    texts = [n.text for n in data.nodes.values()] + [e.debrief for e in data.endings.values()]
    for text in texts:
        for sentence in _sentences(text):
            low = sentence.lower()
            if "fondo per la morosità incolpevole" in low and re.search(r"copr|pag|garanz|deposito|canoni", low):
                assert re.search(r"\bnon\b", low), sentence
    assert not any("fondo" in step for step in data.recommended)


def test_lessons_do_not_present_the_fund_as_a_landlord_guarantee():
    for path in sorted(CONTENT_DIR.glob("*/lezioni/*.md")):
        for sentence in _sentences(path.read_text(encoding="utf-8")):
            low = sentence.lower()
            if "fondo per la morosità incolpevole" in low and ("garanzi" in low or "più sicuro" in low):
                assert "non è una garanzia" in low, f"{path.name}: {sentence}"


def test_fund_lesson_states_who_may_apply():
    text = (CONTENT_DIR / "03_morosita/lezioni/04-fondi-e-contributi.md").read_text(encoding="utf-8").lower()
    for words in (
        "intimazione di sfratto per morosità",
        "contratto di locazione privato registrato",
        f"{{{{ {FUND}.residenza_min }}}}",
        "non è una garanzia per i proprietari",
        f"{{{{ {FUND}.differimento_max }}}} **solo per differire lo sfratto**",
    ):
        assert words in text, words


# --- Contributo regionale di solidarietà (DOMAIN.md, SAP: L.R. 16/2016 art. 25, R.R. 11/2019) ---


@pytest.mark.parametrize(
    ("key", "value"),
    [("solidarieta.isee_max", 9360), ("solidarieta.anzianita_mesi", 24), ("solidarieta.importo_max", 2700)],
)
def test_solidarity_parameters_have_value_and_source(key, value):
    p = load_parameters()[key]
    assert p.value == value
    assert "art. 25" in p.source and "n. 11" in p.source and "2019" in p.source
    assert not p.indicative  # VERIFIED in DOMAIN.md


# --- Modules 05 and 06 and their cases: Housing First, housing sociale, SAT, the Agenzia,
# macro-action 1, accordi territoriali, the tenant's deduction, the ATA condition (DOMAIN.md) ---

M05 = CONTENT_DIR / "05_abitare-temporaneo"
M06 = CONTENT_DIR / "06_lavoro-di-rete"
MY_CASES = ("uscita-temporaneo", "proprietario-agenzia")
HOUSING_SOCIALE = (
    "le soluzioni abitative a canone più basso di quello di mercato che si collocano tra la casa pubblica e il "
    "mercato libero; in Lombardia la L.R. 16/2016 le chiama servizi abitativi sociali (SAS). Non sono soluzioni a "
    "tempo e di solito sono accompagnate da una gestione sociale."
)


def _m05_m06_texts() -> list[tuple[str, str]]:
    """(file name, text) of every lesson, module file and quiz of modules 05 and 06, and their cases."""
    paths = [*M05.glob("lezioni/*.md"), *M06.glob("lezioni/*.md")]
    paths += [M05 / "module.yaml", M06 / "module.yaml", M05 / "quiz.yaml", M06 / "quiz.yaml"]
    paths += [CONTENT_DIR / "casi" / f"{c}.yaml" for c in MY_CASES]
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(paths)]


def _glossary(module_id: str) -> dict[str, str]:
    return {g.term: g.definition for g in load_module(CONTENT_DIR, module_id).glossary}


def test_housing_first_is_never_called_temporary():
    definition = _glossary("abitare-temporaneo")["Housing first"].lower()
    assert "non è una soluzione temporanea" in definition and "senza limiti di tempo" in definition
    lesson = (M05 / "lezioni/01-soluzioni-temporanee.md").read_text(encoding="utf-8")
    assert "Non è una soluzione temporanea" in lesson
    row = next(line for line in lesson.splitlines() if line.startswith("| Housing first"))
    assert "Senza scadenza" in row


def test_housing_sociale_has_one_definition():
    definitions = set()
    for folder in sorted(CONTENT_DIR.glob("[0-9][0-9]_*")):
        definitions |= {d for t, d in _glossary(folder.name[3:]).items() if t.lower() == "housing sociale"}
    assert definitions == {HOUSING_SOCIALE[0].upper() + HOUSING_SOCIALE[1:]}
    lesson = (M05 / "lezioni/01-soluzioni-temporanee.md").read_text(encoding="utf-8")
    assert f"**Housing sociale**: {HOUSING_SOCIALE}" in lesson
    assert "canone moderato" not in lesson.lower()


def test_servizi_abitativi_transitori_keep_their_legal_meaning():
    sat = _glossary("abitare-temporaneo")["Servizi abitativi transitori (SAT)"]
    assert "quota degli alloggi pubblici" in sat and "Terzo settore" in sat
    for name, text in _m05_m06_texts():
        # third-sector flats are «alloggi temporanei», never «alloggi transitori»
        assert not re.search(r"alloggi[oi]? transitori", text, re.IGNORECASE), name
        assert not re.search(r"\b(nel|dal|il|del) transitorio\b", text), name


def test_the_agenzia_already_exists():
    for name, text in _m05_m06_texts():
        for sentence in _sentences(text):
            low = sentence.lower()
            if "agenzia dell'abitare sociale" in low:
                assert not re.search(r"previst[ao] dal progetto|creat[ao] dal progetto|del progetto offre", low), (
                    name,
                    sentence,
                )
    assert "esiste già" in _glossary("abitare-temporaneo")["Agenzia dell'Abitare Sociale"]
    assert "esiste già" in (M06 / "lezioni/01-la-rete-dell-ambito.md").read_text(encoding="utf-8")


def test_macro_action_one_is_the_challenge_of_the_free_market():
    lesson = (M06 / "lezioni/01-la-rete-dell-ambito.md").read_text(encoding="utf-8")
    assert "| 1. La sfida del mercato libero |" in lesson
    for name, text in _m05_m06_texts():
        assert "sfida al mercato libero" not in text.lower(), name


def test_not_every_comune_has_an_accordo_territoriale():
    lesson = (M05 / "lezioni/04-lavorare-con-i-proprietari.md").read_text(encoding="utf-8")
    assert "Non tutti i Comuni ne hanno uno proprio" in lesson
    assert "Comune più vicino di dimensioni simili" in lesson
    assert "attestazione di rispondenza" in lesson
    for name, text in _m05_m06_texts():
        assert "fanno riferimento ad accordi territoriali propri" not in text, name
    case = (CONTENT_DIR / "casi/proprietario-agenzia.yaml").read_text(encoding="utf-8")
    assert "Non tutti i Comuni ne hanno uno proprio" in case and "attestazione di rispondenza" in case


def test_tenant_deduction_cites_tuir_comma_1_bis():
    lesson = (M05 / "lezioni/03-percorsi-di-uscita.md").read_text(encoding="utf-8")
    assert "TUIR (articolo 16, comma 1-bis)" in lesson


def test_landlord_tax_benefits_are_tied_to_ata_municipalities():
    lesson = (M05 / "lezioni/04-lavorare-con-i-proprietari.md").read_text(encoding="utf-8")
    table = [line for line in lesson.splitlines() if line.startswith("| ")]
    for voice in ("| Cedolare secca", "| IRPEF", "| Imposta di registro"):
        row = next(line for line in table if line.startswith(voice))
        assert "alta tensione abitativa" in row, voice
    assert "Comuni ad alta tensione abitativa (ATA)" in lesson
    # the reductions were once said to «possibly depend on the Comune»: they hold in ATA municipalities
    assert "possono dipendere dal Comune" not in lesson


def test_the_deposit_negotiated_by_the_agenzia_is_an_example_not_a_rule():
    data = load_case(CONTENT_DIR, "uscita-temporaneo").data
    for node in data.nodes.values():
        for choice in node.choices:
            if "due mensilità" in choice.text:
                assert "in questo caso" in choice.text
                assert "non una regola" in (choice.feedback or "")
    debrief = data.endings["uscita-sostenibile"].debrief
    assert "In questo caso" in debrief and "non una regola" in debrief


def test_evaluation_lesson_links_the_project_reports():
    """The evaluation lesson names the logic model, the baseline and the data sources, and links both reports."""
    module = load_module(CONTENT_DIR, "lavoro-di-rete")
    lesson = next(x for x in module.lessons if x.id == "05-valutare-gli-interventi")
    assert 600 <= lesson.words <= 1100
    for words in ("modello logico", "situazione di partenza", "fonte dei dati", "«<5»"):
        assert words in lesson.markdown.lower(), words
    for report in ("monitoraggio-progetto", "valutazione-corso"):
        link = f"](reports/{report}.ipynb)"
        assert link in lesson.markdown, report
        assert (CONTENT_DIR.parent / "notebooks" / "reports" / f"{report}.ipynb").is_file()


def test_a_lesson_may_link_only_an_existing_report_page():
    from abitare.content import _check_links

    lesson = M06 / "lezioni/05-valutare-gli-interventi.md"
    assert _check_links("[r](reports/morosita.ipynb)", lesson, "x.md", CONTENT_DIR) == []
    for bad in ("reports/non-esiste.ipynb", "reports/../home.ipynb", "notebooks/reports/morosita.ipynb"):
        assert _check_links(f"[r]({bad})", lesson, "x.md", CONTENT_DIR), bad


def test_solidarity_lesson_gives_cap_conditions_and_the_indigenza_track():
    text = (CONTENT_DIR / "03_morosita/lezioni/04-fondi-e-contributi.md").read_text(encoding="utf-8")
    for words in (
        "{{ solidarieta.anzianita_mesi }}",
        "{{ solidarieta.isee_max }}",
        "{{ solidarieta.importo_max }} l'anno per nucleo",
        "**prima le spese per i servizi**",
        "avviso",
        "**percorso specifico**, concordato con i servizi sociali del Comune",
    ):
        assert words in text, words
    glossary = {g.term: g.definition for g in load_module(CONTENT_DIR, "morosita").glossary}
    shown = load_parameters()["solidarieta.importo_max"].formatted()
    assert shown in glossary["Contributo regionale di solidarietà"]
    assert "indigenza" in glossary["Contributo regionale di solidarietà"]


REFUSAL = re.compile(r"non (può|potrà|possono) essere accolt|non è la (sua |tua )?strada", re.IGNORECASE)


@pytest.mark.parametrize(
    "path",
    [
        "casi/nuova-assegnazione-indigenza.yaml",
        "03_morosita/lezioni/04-fondi-e-contributi.md",
        "03_morosita/module.yaml",
        "03_morosita/quiz.yaml",
    ],
)
def test_an_indigent_household_is_never_told_its_request_cannot_be_accepted(path):
    """DOMAIN.md (indigenza): indigent households have their own track with the Comune."""
    text = (CONTENT_DIR / path).read_text(encoding="utf-8")
    found = REFUSAL.search(text)
    assert found is None, found and found.group(0)


def test_indigenza_case_teaches_the_track_with_the_comune():
    from abitare.cases import recommended_choices

    data = load_case(CONTENT_DIR, "nuova-assegnazione-indigenza").data
    on_path = [data.nodes[n].choices[i] for n, i in recommended_choices(data)]
    assert any("quota per l'indigenza" in c.text and "percorso" in c.text for c in on_path)
    for node_id, node in data.nodes.items():
        for choice in node.choices:
            if "solidarietà" in choice.text:
                # the seniority rule is the wrong door for this household: never the way forward
                assert not choice.recommended, (node_id, choice.text)
                assert "percorso specifico" in choice.feedback and "servizi sociali del Comune" in choice.feedback
    for ending in data.endings.values():
        if "solidarietà" in ending.debrief:
            assert "percorso specifico" in ending.debrief


# --- The gas leak of the elderly-tenant case: the safe sequence is the recommended one ---

EMERGENCY = re.compile(r"\b112\b|pronto intervento")


def test_gas_leak_safe_sequence_is_recommended_and_explained():
    from abitare.cases import recommended_choices

    data = load_case(CONTENT_DIR, "anziano-solo").data
    chosen = dict(recommended_choices(data))
    safe = data.nodes["pianerottolo"].choices[chosen["pianerottolo"]]
    assert safe.recommended
    assert "uscire" in safe.text and "interruttori" in safe.text and EMERGENCY.search(safe.text)
    assert safe.effects.get("rischio", 0) < 0 and safe.effects.get("fiducia", 0) >= 0
    assert "interruttori" in safe.feedback and "da fuori" in safe.feedback
    first = data.nodes["segnalazione"].choices[chosen["segnalazione"]]
    assert EMERGENCY.search(first.text) and "uscire" in first.text


def test_calling_emergency_services_is_never_penalised():
    data = load_case(CONTENT_DIR, "anziano-solo").data
    calls = [
        (node_id, c) for node_id, node in data.nodes.items() for c in node.choices if EMERGENCY.search(c.text)
    ]
    assert len(calls) >= 3
    for node_id, choice in calls:
        assert choice.effects.get("fiducia", 0) >= 0, (node_id, choice.text)
        assert choice.effects.get("rischio", 0) <= 0, (node_id, choice.text)
        assert choice.to not in data.endings or data.endings[choice.to].outcome != "negative"
        assert "incapace" not in (choice.feedback or "")


# --- "rata" is an instalment, "canone" is the rent (module 3) ---


def test_arrears_module_does_not_call_unpaid_rent_a_rata():
    paths = [*sorted((CONTENT_DIR / "03_morosita").rglob("*.md")), CONTENT_DIR / "03_morosita/module.yaml"]
    paths.append(CONTENT_DIR / "casi/morosita-perdita-lavoro.yaml")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        found = re.search(r"prim[ae] rat[ae]\b(?! del piano)|rat[ae] mancat[ae]|(due|tre) rate mancate", text)
        assert found is None, f"{path.name}: «{found.group(0)}»"


def test_module6_has_its_co_design_case():
    """The seventh case: a co-design table with the third sector, related to module 6."""
    module = load_module(CONTENT_DIR, "lavoro-di-rete")
    assert ("case", "tavolo-co-progettazione") in {(r.kind, r.id) for r in module.related}
    data = load_case(CONTENT_DIR, "tavolo-co-progettazione").data
    assert data.module == "lavoro-di-rete" and "ASSEMI (Azienda Sociale Sud Est Milano)" in data.role
    assert {e.outcome for e in data.endings.values()} == {"positive", "mixed", "negative"}
    assert all(e.lessons for e in data.endings.values())
