"""The address and QR code that open a session's worksheet."""

from abitare.practice.joinqr import join_url, qr_svg, short_address
from abitare_widgets.board import join_html


def test_the_address_follows_the_boards_own():
    env = {"VOILA_REQUEST_URL": "https://corso.example.it/user/anna/voila/render/lavagna.ipynb?x=1"}
    url = join_url("ABCD2345", env)
    assert url == "https://corso.example.it/user/anna/voila/render/scheda.ipynb?s=ABCD2345"
    assert short_address(url) == "corso.example.it/user/anna/voila/render/scheda.ipynb?s=ABCD2345"
    assert join_url("ABCD2345", {}) == "scheda.ipynb?s=ABCD2345"


def test_the_qr_code_is_an_inline_svg_with_a_title():
    svg = qr_svg("http://127.0.0.1:8866/voila/render/scheda.ipynb?s=ABCD2345")
    assert svg.startswith("<svg") and "<title>Codice QR" in svg and "<script" not in svg


def test_the_join_block_escapes_the_address():
    html = join_html("ABCD2345", 'scheda.ipynb?s=AB"><script>x</script>')
    assert "<script>x" not in html and "&lt;script&gt;" in html
