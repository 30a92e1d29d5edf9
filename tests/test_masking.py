import pytest
from logic.masking import MASK, mask_value


@pytest.mark.parametrize(
    "value, expected",
    [
        ("13800138000", "138****8000"),
        ("+86 138 0013 8000", "+86****8000"),
        ("010-1234567", "010****4567"),
        ("12345678", "12****78"),
        ("li.wang@acme.cn", "l****@****.cn"),
        ("x@localhost", "x****@****"),
        ("12345", MASK),
    ],
)
def test_mask_value_hides_the_middle(value, expected):
    assert mask_value(value) == expected


@pytest.mark.parametrize("value", [False, None, ""])
def test_mask_value_passes_empty_values_through(value):
    assert mask_value(value) == value


def test_masked_value_never_contains_the_hidden_part():
    masked = mask_value("13812345678")
    assert "12345" not in masked and "4567" not in masked[:-4]
