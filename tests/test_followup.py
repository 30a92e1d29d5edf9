"""What counts as a follow-up: done activities, notes and e-mails, narrowed by configuration."""

from logic.followup import is_followup

CALL, MEETING = 11, 12
NOTE, DISCUSSION, ACTIVITIES = 21, 22, 23


def test_everything_written_counts_when_nothing_is_configured():
    assert is_followup("comment", False, NOTE)
    assert is_followup("email", False, DISCUSSION)
    assert is_followup("email_outgoing", False, False)
    assert is_followup("notification", CALL, ACTIVITIES)


def test_opening_or_editing_never_counts():
    # Field tracking and the pool's own audit lines are notifications without an activity type.
    for configured in (((), ()), ((CALL,), (NOTE,))):
        assert not is_followup("notification", False, False, *configured)
        assert not is_followup("notification", False, NOTE, *configured)
        assert not is_followup("user_notification", False, False, *configured)
        assert not is_followup("auto_comment", False, False, *configured)


def test_configured_activity_types_and_subtypes():
    types, subtypes = (CALL,), (DISCUSSION,)
    assert is_followup("notification", CALL, ACTIVITIES, types, subtypes)
    assert not is_followup("notification", MEETING, ACTIVITIES, types, subtypes)
    assert is_followup("email", False, DISCUSSION, types, subtypes)
    assert not is_followup("comment", False, NOTE, types, subtypes)
    # Only subtypes configured: a done call counts only if its subtype is listed.
    assert not is_followup("notification", CALL, ACTIVITIES, (), (NOTE,))
    assert is_followup("notification", CALL, ACTIVITIES, (), (ACTIVITIES,))
    # Only types configured: notes and e-mails no longer count.
    assert not is_followup("comment", False, NOTE, (CALL,), ())
