"""Byte offsets ↔ jedi positions on ASCII, accented, CJK and emoji lines (PITFALLS.md)."""

from __future__ import annotations

import pytest

from actions_studio.analysis.positions import (
    Position,
    byte_offset_to_position,
    column_to_line_byte_column,
    line_byte_column_to_column,
    position_to_byte_offset,
)

TEXT = "x = 1\nname = 'é'; event.\n# 日本語 api.\ns = '🙂'.up\n"


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("x = 1", Position(1, 0)),
        ("event.", Position(2, 12)),   # after "name = 'é'; " — é is one code point, two bytes
        ("api.", Position(3, 6)),      # after "# 日本語 " — three CJK characters, nine bytes
        (".up", Position(4, 7)),       # after "s = '🙂'" — one emoji, four bytes
    ],
)
def test_byte_offset_of_a_marker_maps_to_code_point_column(marker: str, expected: Position) -> None:
    byte_offset = TEXT.encode("utf-8").index(marker.encode("utf-8"))
    assert byte_offset_to_position(TEXT, byte_offset) == expected
    assert position_to_byte_offset(TEXT, expected.line, expected.column) == byte_offset


def test_every_character_boundary_round_trips() -> None:
    encoded = TEXT.encode("utf-8")
    boundaries = [len(TEXT[:i].encode("utf-8")) for i in range(len(TEXT) + 1)]
    for offset in boundaries:
        pos = byte_offset_to_position(TEXT, offset)
        assert position_to_byte_offset(TEXT, pos.line, pos.column) == offset
    assert boundaries[-1] == len(encoded)


@pytest.mark.parametrize("offset", [-5, 10_000])
def test_out_of_range_offsets_clamp(offset: int) -> None:
    pos = byte_offset_to_position(TEXT, offset)
    assert position_to_byte_offset(TEXT, pos.line, pos.column) in (0, len(TEXT.encode("utf-8")))


def test_offset_inside_a_multibyte_character_snaps_to_its_start() -> None:
    start = TEXT.encode("utf-8").index("🙂".encode("utf-8"))
    assert byte_offset_to_position(TEXT, start + 2) == byte_offset_to_position(TEXT, start)


def test_column_far_past_the_line_end_clamps() -> None:
    # python-lsp-server's lesson: a cursor at column 1000 must not throw.
    assert position_to_byte_offset(TEXT, 2, 1000) == TEXT.encode("utf-8").index(b"\n# ")


@pytest.mark.parametrize(("line", "byte_col", "col"), [("é.x", 2, 1), ("日本.", 6, 2), ("🙂🙂", 8, 2), ("ab", 1, 1)])
def test_per_line_columns(line: str, byte_col: int, col: int) -> None:
    assert line_byte_column_to_column(line, byte_col) == col
    assert column_to_line_byte_column(line, col) == byte_col


# tsserver counts columns in UTF-16 code units (JavaScript strings): é and 日 are one unit, an
# emoji outside the Basic Multilingual Plane is two.
@pytest.mark.parametrize(
    ("line_text", "column", "units"),
    [
        ("event.user.", 11, 11),
        ("const s = 'é'; event.", 21, 21),
        ("// 日本語 api.", 11, 11),
        ("s = '🙂'; api.", 13, 14),
        ("🙂🙂x", 2, 4),
        ("short", 1000, 5),  # past the end clamps
        ("", 0, 0),
    ],
)
def test_code_point_columns_and_utf16_offsets(line_text: str, column: int, units: int) -> None:
    from actions_studio.analysis.positions import column_to_utf16, utf16_to_column

    assert column_to_utf16(line_text, column) == units
    assert utf16_to_column(line_text, units) == min(column, len(line_text))


def test_a_utf16_offset_inside_a_surrogate_pair_snaps_back_to_its_character() -> None:
    from actions_studio.analysis.positions import utf16_to_column

    assert utf16_to_column("a🙂b", 2) == 1  # between the two halves of 🙂
    assert utf16_to_column("a🙂b", 3) == 2
    assert utf16_to_column("a🙂b", 99) == 3


def test_every_character_of_a_mixed_line_round_trips_through_utf16() -> None:
    from actions_studio.analysis.positions import column_to_utf16, utf16_to_column

    line = "x = 'é日🙂'; api.\u0301𝄞"
    for column in range(len(line) + 1):
        assert utf16_to_column(line, column_to_utf16(line, column)) == column
    assert column_to_utf16(line, len(line)) == len(line.encode("utf-16-le")) // 2
