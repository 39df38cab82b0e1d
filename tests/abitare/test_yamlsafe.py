import math

import pytest

from abitare.errors import ContentError
from abitare.yamlsafe import parse_yaml


def issue(text: str):
    with pytest.raises(ContentError) as info:
        parse_yaml(text, "f.yaml")
    (only,) = info.value.issues
    return only


def test_yaml_12_scalars_are_not_guessed_as_in_yaml_11():
    data = parse_yaml("a: NO\nb: 02100\nc: yes\nd: 2024-02-30\n", "f.yaml").data
    assert data == {"a": "NO", "b": "02100", "c": "yes", "d": "2024-02-30"}


def test_numbers_booleans_and_nulls():
    data = parse_yaml("i: 12\nh: 0x1F\nf: 1.5\ninf: .inf\nt: true\nn: null\ne:\n", "f.yaml").data
    assert data["i"] == 12 and data["h"] == 31 and data["f"] == 1.5 and math.isinf(data["inf"])
    assert data["t"] is True and data["n"] is None and data["e"] is None


def test_every_value_knows_its_line():
    located = parse_yaml("a: 1\nlist:\n  - x: 1\n    y: 2\n  - x: 3\n", "f.yaml")
    assert located.lines[("list", 1, "x")] == 5
    assert located.line_for(("list", 0, "missing")) == 3


def test_python_tags_are_refused_with_their_line():
    found = issue("a: 1\nb: !!python/object/apply:os.system ['echo hi']\n")
    assert found.line == 2 and "etichetta YAML non ammessa" in found.message


def test_custom_tags_are_refused():
    assert "non ammessa" in issue("a: !segreto 1\n").message


def test_duplicate_keys_are_refused():
    found = issue("a: 1\nb: 2\na: 3\n")
    assert found.line == 3 and "compare due volte" in found.message


def test_merge_keys_are_refused():
    assert "'<<'" in issue("base: &b {x: 1}\nother:\n  <<: *b\n").message


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    found = issue("\n".join(lines) + "\n")
    assert "alias bomb" in found.message


def test_recursive_alias_is_refused():
    assert "sé stesso" in issue("a: &a\n  - *a\n").message


def test_syntax_error_names_line_and_gives_a_hint():
    found = issue("a: 1\nb:\n\t- x\n")
    assert found.line == 3 and "tabulazioni" in found.message


def test_empty_document_is_none():
    assert parse_yaml("", "f.yaml").data is None


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\nx: !!float abc\n", 2, "non è un numero valido"),
        ("%YAML 1.1\n---\na: NO\n", 1, "YAML 1.2"),
        ("a: 1\n---\nb: 2\n", 2, "più documenti"),
        ("a: *nessuno\n", 1, "non è stato definito"),
        ("a: 1\nb: \x07\n", 2, "carattere non ammesso"),
    ],
    ids=["bad-explicit-float", "yaml-1.1-directive", "two-documents", "undefined-alias", "control-char"],
)
def test_every_loader_failure_is_a_content_error_with_a_line(text, line, words):
    found = issue(text)
    assert found.line == line and words in found.message


def test_deep_nesting_is_refused_not_a_crash():
    assert "annidato" in issue("[" * 5000 + "]" * 5000).message


def test_keys_are_names_even_when_they_look_like_numbers():
    assert parse_yaml("1: a\ntrue: b\n", "f.yaml").data == {"1": "a", "true": "b"}


def test_a_windows_bom_is_ignored():
    assert parse_yaml("\ufeffa: 1\n", "f.yaml").data == {"a": 1}


def test_huge_files_are_refused(tmp_path):
    from abitare.yamlsafe import MAX_BYTES, load_yaml

    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (MAX_BYTES + 1) + "\n")
    with pytest.raises(ContentError, match="troppo grande"):
        load_yaml(big, "big.yaml")
