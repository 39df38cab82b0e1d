"""Under JupyterHub: the participant is the hub user, facilitators are a hub group (no secret)."""

from __future__ import annotations

import ipywidgets as w

from abitare.hub import hub_voila_command, pages_open, report_activity
from abitare.identity import DEFAULT_FACILITATOR_GROUP, hub_facilitator, hub_groups
from abitare.settings import Settings
from abitare_widgets.classview import ClassView
from abitare_widgets.pages import class_page

HUB = {"JUPYTERHUB_USER": "giulia", "ABITARE_HUB_GROUPS": "abitare-facilitatori, altri"}


def test_groups_come_from_the_spawner_environment():
    assert hub_groups(HUB) == {"abitare-facilitatori", "altri"}
    assert hub_groups({}) == frozenset()
    assert hub_facilitator(DEFAULT_FACILITATOR_GROUP, HUB) == "giulia"
    assert hub_facilitator("formatori", HUB) is None
    assert hub_facilitator(DEFAULT_FACILITATOR_GROUP, {"ABITARE_HUB_GROUPS": "abitare-facilitatori"}) is None
    assert hub_facilitator("", HUB) is None
    assert Settings().facilitator_group == DEFAULT_FACILITATOR_GROUP


def _text(widget: w.Widget) -> str:
    parts = [getattr(widget, "value", "") or ""]
    for child in getattr(widget, "children", ()):
        parts.append(_text(child))
    return " ".join(str(p) for p in parts)


def test_a_group_member_sees_the_class_with_no_secret(settings: Settings):
    view = class_page(settings, environ=HUB)
    assert isinstance(view, ClassView)
    assert view.facilitator == "giulia"
    assert view.login.layout.display == "none"
    assert "Avanzamento per modulo" in _text(view)
    view.close()


def test_a_hub_user_outside_the_group_is_refused_in_italian(settings: Settings):
    page = class_page(settings, environ={"JUPYTERHUB_USER": "anna", "ABITARE_HUB_GROUPS": "altri"})
    assert not isinstance(page, ClassView)
    text = _text(page)
    assert "riservata a chi tiene il corso" in text and "«anna»" in text and "«abitare-facilitatori»" in text
    assert "Parola segreta" not in text


def test_the_group_name_is_configurable(settings: Settings):
    cfg = settings.model_copy(update={"facilitator_group": "formatori"})
    assert isinstance(class_page(cfg, environ={**HUB, "ABITARE_HUB_GROUPS": "formatori"}), ClassView)
    assert not isinstance(class_page(cfg, environ=HUB), ClassView)


def test_outside_a_hub_the_secret_is_still_asked(settings: Settings):
    view = class_page(settings, environ={})
    assert isinstance(view, ClassView) and view.facilitator is None
    assert view.login.layout.display != "none"


def test_user_server_runs_voila_at_the_hub_prefix_for_one_person():
    cmd = hub_voila_command(9000, {"JUPYTERHUB_SERVICE_PREFIX": "/user/anna"})
    assert "--Voila.base_url=/user/anna/" in cmd and "--Voila.server_url=/" in cmd
    assert "--port=9000" in cmd and "--Voila.class_pool=1" in cmd and "--Voila.pool_reserve=0" in cmd
    assert "--Voila.max_kernels=4" in cmd and "--template=abitare" in cmd
    assert cmd[1:3] == ["-m", "abitare.hub_voila"]


def test_activity_is_reported_only_under_a_hub_and_while_a_page_is_open(tmp_path):
    assert report_activity({}) is False
    net = tmp_path / "net"
    net.mkdir()
    header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
    (net / "tcp").write_text(
        header
        + "   0: 0100007F:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0\n"  # listening
        + "   1: 0100007F:2328 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0\n"  # a page
    )
    assert pages_open(0x2328, proc=tmp_path) == 1
    assert pages_open(9001, proc=tmp_path) == 0
    assert pages_open(9000, proc=tmp_path) == 1  # 0x2328 is 9000
    assert pages_open(0x2328, proc=tmp_path / "none") == 0
