"""Every history action a write can record has a label in both languages, and no
other name can be recorded."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from audit.actions import ACTION_LABELS
from audit.listener import mark_action

ROOT = Path(__file__).resolve().parent.parent
# mark_action(obj, "name") and the stock helpers' action argument
LITERAL = re.compile(r'(?:mark_action\([^,]+,|stock\.(?:take|put_back|set_counted)\('
                     r'[^,]+,[^,"]*(?:,[^,"]*)?)\s*"([a-z_]+)"')


def emitted_actions() -> set[str]:
    found: set[str] = set()
    for folder in ("rules", "admin_views", "audit", "models"):
        for path in (ROOT / folder).glob("*.py"):
            found |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    found |= {"insert", "update", "void", "approve", "reject"}   # listener and chains
    return found


def test_the_source_scan_sees_the_actions():
    assert {"release", "settle", "deliver", "void_issue", "logout"} <= emitted_actions()


def test_every_emitted_action_has_a_label():
    assert emitted_actions() <= ACTION_LABELS.keys()


def test_an_unlabelled_action_cannot_be_recorded():
    class Row:
        pass

    with pytest.raises(ValueError):
        mark_action(Row(), "frobnicate")


@pytest.mark.parametrize("action", sorted(ACTION_LABELS))
def test_each_label_reads_in_chinese_and_english(shared_app, action):
    from flask_babel import force_locale

    with shared_app.test_request_context():
        with force_locale("zh_Hans_CN"):
            zh = str(ACTION_LABELS[action])
        with force_locale("en"):
            en = str(ACTION_LABELS[action])
    assert en and en != action
    assert zh != en and re.search(r"[\u4e00-\u9fff]", zh), (action, zh)
