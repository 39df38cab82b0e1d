"""The trainee application, driven headless: views, addresses, the participant's code."""

from abitare.serve import TRAINEE_PAGES
from abitare_widgets.app import TraineeApp
from abitare_widgets.glossary import GlossaryView
from abitare_widgets.home import HomeApp
from abitare_widgets.pages import VIEWS
from abitare_widgets.player import ModulePlayer


class Sent:
    """Collects what the application tells the browser."""

    def __init__(self, app: TraineeApp) -> None:
        self.messages: list[dict] = []
        app.router.send = self.messages.append  # type: ignore[method-assign]


def test_every_trainee_address_is_a_view_of_the_application():
    assert set(VIEWS) == TRAINEE_PAGES


def test_links_change_the_view_in_the_same_application(store, settings):
    app = TraineeApp(settings, {})
    sent = Sent(app)
    app.start({"SCRIPT_NAME": "/voila/render/modulo.ipynb", "QUERY_STRING": "m=sistema-abitativo&p=Ada+Rossi"})
    player = app.body.children[0]
    assert isinstance(player, ModulePlayer) and player.participant.display_name == "Ada Rossi"
    assert sent.messages == []  # the first view needs no new address

    app.router._handle(app.router, {"go": "home.ipynb?p=Ada+Rossi", "how": "link"}, [])
    assert isinstance(app.body.children[0], HomeApp)
    assert sent.messages[-1]["shown"] is True and "Pagina iniziale" in sent.messages[-1]["title"]

    app.go("modulo.ipynb?m=sistema-abitativo&p=Ada+Rossi", how="history")  # back: the same player, as left
    assert app.body.children[0] is player


def test_a_link_without_the_code_keeps_it_and_the_address_says_so(store, settings):
    app = TraineeApp(settings, {})
    sent = Sent(app)
    app.start({"SCRIPT_NAME": "/voila/render/home.ipynb", "QUERY_STRING": "p=Bea"})
    app.go("glossario.ipynb")
    assert isinstance(app.body.children[0], GlossaryView)
    assert {"url": "glossario.ipynb?p=Bea", "how": "replace", "shown": False}.items() <= sent.messages[0].items()


def test_typing_the_code_on_home_replaces_the_address(store, settings):
    app = TraineeApp(settings, {})
    sent = Sent(app)
    app.start({"SCRIPT_NAME": "/voila/render/home.ipynb", "QUERY_STRING": ""})
    home = app.body.children[0]
    home.code.value = "Carla Bianchi"
    assert sent.messages[-1]["url"] == "home.ipynb?p=Carla+Bianchi" and sent.messages[-1]["how"] == "replace"
    app.go("modulo.ipynb?m=sistema-abitativo")  # a module link typed without the code still knows who it is
    assert app.body.children[0].participant.display_name == "Carla Bianchi"


def test_unknown_pages_and_modules_show_an_italian_notice(store, settings):
    app = TraineeApp(settings, {})
    app.start({"SCRIPT_NAME": "/voila/render/lavagna-finta.ipynb", "QUERY_STRING": "p=Dino"})
    assert isinstance(app.body.children[0], HomeApp)
    app.go("modulo.ipynb?m=non-esiste&p=Dino")
    assert "non esiste" in app.body.children[0].value
