from xieshang.consultations import services

from .conftest import advance, starting_in


def test_consultation_lifecycle(consultation, staff, leader, member, unit, officer):
    c = advance({"propose": staff, "approve": staff}, consultation, "propose", "approve")
    assert c.state.key == "approved"
    assert c.dispatches.count() == 2
    services.invite(actor=staff, consultation=c, users=[member])
    services.segment_add(actor=staff, consultation=c, kind="speeches", title="发言", speaker=member)
    inv = services.check_in(actor=member, token=services.checkin_token(starting_in(c, 30)))
    assert inv.checked_in_at
    c = advance({"hold": staff}, c, "hold")
    assert c.due_on
    services.minutes_save(actor=staff, consultation=c, minutes="纪要")
    o = services.recommendation_add(actor=staff, consultation=c, title="建议一", owner_unit=unit)
    c = advance({"report_minutes": staff}, c, "report_minutes")
    o = advance(
        {"send": staff, "instruct": leader, "adopt": officer, "implement": officer},
        o,
        "send",
        "instruct",
        "adopt",
        "implement",
    )
    services.progress_add(actor=officer, outcome=o, text="进展", percent=50)
    o = advance({"complete": officer}, o, "complete")
    assert o.state.key == "done"
