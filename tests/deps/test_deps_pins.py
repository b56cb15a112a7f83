"""Pins: PEP 503 names, one exact version, nothing listed twice."""

from __future__ import annotations

import pytest

from actions_studio.deps import InvalidPinError, Pin, parse_pin, parse_pins, pure_python_reason


@pytest.mark.parametrize("text, expected", [
    ("requests==2.32.3", Pin("requests", "2.32.3")),
    ("Foo_Bar.baz == 1.0", Pin("foo-bar-baz", "1.0")),
    ("PyJWT", Pin("pyjwt", None)),
    ("httpx[HTTP2]==0.27.0", Pin("httpx", "0.27.0", ("http2",))),
])
def test_pins_are_normalised_as_pypi_does(text: str, expected: Pin) -> None:
    assert parse_pin(text) == expected


@pytest.mark.parametrize("text", ["", "not a pin", "a>=1", "a==1.*", "a==1,!=2", "a @ https://x/a.whl",
                                  "a==1; python_version<'3'"])
def test_anything_but_an_exact_pin_is_refused(text: str) -> None:
    with pytest.raises(InvalidPinError, match="name==version|exact version|package index"):
        parse_pin(text)


def test_a_package_listed_twice_after_normalisation_is_refused() -> None:
    with pytest.raises(InvalidPinError, match="listed twice: foo-bar"):
        parse_pins(["Foo_Bar==1", "foo-bar==2"])


@pytest.mark.parametrize("wheel, pure", [
    ("a-1.0-py3-none-any.whl", True),
    ("a-1.0-py2.py3-none-any.whl", True),
    ("a-1.0-cp311-cp311-linux_x86_64.whl", False),
    ("a-1.0-cp311-abi3-manylinux_2_17_x86_64.whl", False),
    ("a-1.0-py3-none-win_amd64.whl", False),
])
def test_only_pure_python_wheel_tags_pass(wheel: str, pure: bool) -> None:
    reason = pure_python_reason(wheel)
    assert (reason is None) is pure
    if not pure:
        assert "compiled code" in reason
