"""Stepping through a module: one transaction a step, and no widget left behind per click."""

from ipywidgets.widgets.widget import _instances  # every live widget (Widget.widgets is deprecated)

from abitare.content import INTRO_POSITION, load_module
from abitare_widgets import ModulePlayer
from tests.conftest import CONTENT_DIR


def test_a_click_saves_the_lesson_left_the_lesson_opened_and_the_position_together(store):
    module = load_module(CONTENT_DIR, "sistema-abitativo")
    p = store.identify("Passo Passo")
    player = ModulePlayer(module, store, p)
    first, second = (lesson.id for lesson in module.lessons[:2])
    player.step(+1)
    player.step(+1)
    assert store.get_position(p.id, module.id) == second
    assert set(store.lessons_read(p.id, module.id)) == {first, second}
    reopened = ModulePlayer(module, store, p)  # days later: where the trainee was, lessons ticked
    assert reopened.position == second
    assert reopened.toc_buttons[first].description.startswith("✓ ")


def test_moving_back_and_forth_creates_no_new_widgets(store):
    module = load_module(CONTENT_DIR, "sistema-abitativo")
    player = ModulePlayer(module, store, store.identify("Avanti Indietro"))
    lessons = [lesson.id for lesson in module.lessons]
    for key in lessons:  # every lesson once (a lesson with templates to download builds them then)
        player.go(key)
    before = len(_instances)
    for _ in range(5):
        for key in [*lessons, INTRO_POSITION, *reversed(lessons)]:
            player.go(key)
    assert len(_instances) == before  # one page widget whose text changes
