"""The instructions' personal-data source (decision 0034): a leader downloads the instructions he gave, on a key
proposal and on an opinion report alike; erasure keeps them as records, unlinked and without his name."""

import pytest

from tests.factories import make_user
from tests.proposals.test_key_supervision import _key
from xieshang.accounts import personal_data
from xieshang.accounts.models import Role
from xieshang.instructions.models import Instruction
from xieshang.proposals import services

pytestmark = pytest.mark.django_db


def test_a_leader_sees_his_instructions_and_erasure_keeps_them_without_his_name(world):
    w = world
    w.leader.phone = "13912345678"
    w.leader.save(update_fields=["phone"])
    proposal = _key(w)
    services.key_instruction_record(actor=w.leader, proposal=proposal, text="请分管领导牵头协调，电话13912345678。")
    other = make_user(Role.LEADER, w.org, username="leader2", name="另一位领导")
    services.key_instruction_record(actor=other, proposal=proposal, text="阅。")

    mine = {c["key"]: c for c in personal_data.categories(w.leader)}["instructions"]
    assert mine["count"] == 1 and "电话13912345678" in str(mine["rows"])

    changed = personal_data.erase(w.leader)
    assert changed["instructions"] == 1
    kept = Instruction.objects.exclude(leader=other).get()
    assert (kept.leader, kept.leader_name, kept.text) == (None, "已注销用户", "请已注销用户牵头协调，电话已注销用户。")
    assert Instruction.objects.get(leader=other).leader_name == "另一位领导"  # someone else's stays as it was
    assert personal_data.erase(w.leader)["instructions"] == 0
