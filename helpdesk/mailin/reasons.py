"""The words for why a mail was refused or dropped, shown in the quarantine view."""
from flask_babel import lazy_gettext as _l

REASONS = {
    "too_large": _l("The mail is larger than the size limit."),
    "broken_mime": _l("The mail could not be read (its MIME structure is broken)."),
    "auto_submitted": _l("An automatic mail (such as an out-of-office reply): not answered, so no mail loop starts."),
    "bulk": _l("A mailing list or bulk mail: ignored."),
    "own_message": _l("Our own mail came back: ignored, so no mail loop starts."),
    "bounce": _l("A delivery failure report about mail the portal sent."),
    "rate_limited": _l("Too many mails from this sender in the last hour."),
    "forged_token": _l("The reply address was altered or forged."),
    "ticket_not_visible": _l("The sender may no longer see the question the reply was for."),
    "sender_mismatch": _l("The reply came from another address than the one the notification was sent to."),
    "refused": _l("The question did not take the mail."),
    "empty": _l("The mail has no text of its own above the quoted history."),
    "no_route": _l("The mail was not a reply to a question, and the address takes no new questions."),
    "unknown_sender": _l("The sender is not in the organisation's directory: they were told how to get help, "
                         "and nothing was created."),
    "not_from_desk": _l("The answer for the vendor's desk came from another address than the desk's."),
    "error": _l("The mail could not be handled; the operator's log has the details."),
}


def reason_text(code: str | None) -> str:
    return str(REASONS.get(code or "", code or ""))
