"""Names in the order people expect: numbers inside a name by value (orgnet.collate)."""

from __future__ import annotations

import random

import pytest

from orgnet.collate import name_key, numeral_value


@pytest.mark.parametrize("text,value", [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("三十五", 35),
                                        ("九十九", 99), ("一百零八", 108), ("两", 2), ("二〇二六", 2026),
                                        ("12", 12), ("007", 7)])
def test_numeral_value(text, value):
    assert numeral_value(text) == value


def test_ordinals_sort_by_number():
    want = ["东风第一网格", "东风第二网格", "东风第三网格", "东风第四网格", "东风第五网格",
            "东风第九网格", "东风第十网格", "东风第十一网格", "东风第二十网格"]
    shuffled = want[:]
    random.Random(0).shuffle(shuffled)
    assert sorted(shuffled, key=name_key) == want
    assert sorted(want) != want  # code-point order is the problem this solves
    assert sorted(["3号楼", "12号楼", "1号楼"], key=name_key) == ["1号楼", "3号楼", "12号楼"]


def test_text_without_numbers_keeps_code_point_order():
    names = ["西关社区", "东风社区", "北门社区", None, ""]
    assert sorted(names, key=name_key) == sorted(names, key=lambda n: n or "")
