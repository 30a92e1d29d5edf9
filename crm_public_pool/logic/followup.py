"""What counts as a follow-up of a customer, without Odoo."""

# Message types a person writes; Odoo's own notifications (tracking, our audit lines) are not.
WRITTEN_TYPES = ("comment", "email", "email_outgoing")


def is_followup(message_type, activity_type_id, subtype_id, counted_activity_type_ids=(), counted_subtype_ids=()):
    """True when a message of this kind is a follow-up.

    A done activity is a ``notification`` carrying its activity type; notes and e-mails are
    written messages.  With nothing configured every one of them counts; otherwise a message
    counts when its activity type or its subtype is one of the configured ones.  Opening or
    editing a customer writes no such message, so it never counts.
    """
    done_activity = message_type == "notification" and bool(activity_type_id)
    if not done_activity and message_type not in WRITTEN_TYPES:
        return False
    if not counted_activity_type_ids and not counted_subtype_ids:
        return True
    if done_activity and activity_type_id in counted_activity_type_ids:
        return True
    return bool(subtype_id) and subtype_id in counted_subtype_ids
