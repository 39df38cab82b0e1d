"""Summaries, the attestation and the facilitator's class report, on real stored answers."""

from abitare.attestation import attestation_html
from abitare.classview import class_report
from abitare.content import load_module
from abitare.quizbank import expected_value, input_values
from abitare.summary import summarize_course, summarize_module
from tests.conftest import CONTENT_DIR


def complete(store, participant, module, wrong: set[str] = frozenset()):
    """Read every lesson and answer every question (an attempt with every question, drawn or not)."""
    store.start_attempt(participant.id, module.id, 1, None)
    for lesson in module.lessons:
        store.mark_lesson(participant.id, module.id, lesson.id, 90)
    for q in module.questions:
        if q.type == "calculated":  # the participant's own inputs, answered with the calculator's value
            inputs = input_values(q, participant.code, module.id, 1)
            value = expected_value(q, inputs) + (q.tolerance + 1 if q.id in wrong else 0)
            ok = q.id not in wrong
            store.record_answer(participant.id, module.id, q.id, (), ok, value=value, inputs=inputs)
            continue
        right = list(range(len(q.options))) if q.type == "ordering" else sorted(q.correct_indexes)
        choice = right[::-1] if q.id in wrong and q.type == "ordering" else right
        if q.id in wrong and q.type != "ordering":
            choice = [next(i for i in range(len(q.options)) if i not in q.correct_indexes)]
        store.record_answer(participant.id, module.id, q.id, choice, q.is_correct(choice))


def test_a_completed_module_and_its_score(store):
    m = load_module(CONTENT_DIR, "morosita")
    p = store.identify("anna")
    complete(store, p, m, wrong={m.questions[0].id})
    s = summarize_module(store, p, m)
    assert s.complete and s.correct == len(m.questions) - 1 and s.seconds == 90 * len(m.lessons)


def test_attestation_lists_completed_modules_and_escapes_the_name(store):
    m = load_module(CONTENT_DIR, "morosita")
    p = store.identify("<i>Anna</i>", trusted=True)  # a hub name: not checked like typed codes
    complete(store, p, m)
    other = load_module(CONTENT_DIR, "lavoro-di-rete")
    html = attestation_html(summarize_course(store, p, [m, other]), "Corso di gestione sociale dell'abitare")
    assert "Attestato di partecipazione" in html and m.title in html and other.title not in html
    assert "&lt;i&gt;Anna&lt;/i&gt;" in html and "<i>Anna" not in html
    assert "ha completato 1 modulo su 2" in html
    assert "<script" not in html and "http" not in html  # self-contained


def test_class_report_counts_progress_and_most_missed_questions(store):
    m = load_module(CONTENT_DIR, "morosita")
    missed = m.questions[2].id
    a, b, c = (store.identify(x) for x in ("anna", "bruno", "carla"))
    complete(store, a, m, wrong={missed})
    complete(store, b, m, wrong={missed})
    store.mark_lesson(c.id, m.id, m.lessons[0].id, 10)
    report = class_report(store.engine, [m])
    n = len(m.questions)
    assert report.module_totals(m) == (3, 2, round((100 * (n - 1) / n * 2 + 0) / 3))
    top = report.most_missed()[0]
    assert top.question_id == missed and top.wrong == 2 and top.answered == 2
    csv = report.progress_csv()
    assert csv.splitlines()[0].startswith("partecipante;modulo;lezioni_lette")
    assert f"anna;morosita;4;4;{n};{n - 1};{n};{round(100 * (n - 1) / n)};sì;6" in csv
