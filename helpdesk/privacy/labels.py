"""Words for the codes that erasure reports and retention rules are stored with, so a
stored report reads in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ITEMS = {
    "directory_entry": _l("Directory entry (name, e-mail address, civic number)"),
    "duties": _l("Employments at schools"),
    "group_memberships": _l("Group memberships"),
    "guardian_relations": _l("Guardian relations"),
    "mentor_relations": _l("Mentor links"),
    "accounts": _l("User accounts (e-mail address, password, roles)"),
    "api_tokens": _l("API tokens"),
    "tickets_asked": _l("Questions the person asked (name, e-mail address and their own text)"),
    "support_replies": _l("The support team's replies to those questions"),
    "attachments": _l("Files the person attached to their questions"),
    "tickets_about_child": _l("Questions a guardian asked about this child"),
    "replies_written": _l("Replies and notes the person wrote as support staff"),
    "guest_requests": _l("Requests from the \"I can't log in\" form"),
    "notification_choices": _l("E-mail notification choices"),
    "posts": _l("Posts in the support forum"),
    "subscriptions": _l("Forum threads and boards followed"),
    "read_markers": _l("Read markers in the forum"),
    "mentions": _l("Mentions in the forum"),
    "article_feedback": _l("\"Was this helpful?\" answers and comments"),
    "articles_written": _l("Help articles written"),
    "audit_entries": _l("Audit log entries about or by the person"),
    "approval_requests": _l("Requests for approval"),
    "activation_codes": _l("Activation codes for login letters"),
}

ACTIONS = {
    "removed": _l("Removed for good"),
    "anonymised": _l("Anonymised"),
    "kept": _l("Kept"),
}

REASONS = {
    "law": _l("Administrative decisions are official records the organisation must keep "
              "(the Archives Act); removed by the retention rule for the audit log."),
    "sync_source": _l("Comes from the school administrative system: erase it there, and the next "
                      "sync removes it here."),
    "work_record": _l("Work done for the organisation, kept as its record; the person's name is "
                      "gone with their account."),
    "other_requester": _l("The question belongs to the guardian who asked it; the link to the child "
                          "is removed and civic numbers in the text are masked."),
}

RULES = {
    "closed_ticket_days": _l("Closed questions keep their requester and text for"),
    "guest_request_days": _l("Requests from the \"I can't log in\" form and their e-mail addresses are kept for"),
    "search_log_days": _l("The search log is kept for"),
    "audit_days": _l("Audit log entries are kept for"),
    "deactivated_person_days": _l("People who have left the organisation are kept for"),
}

RULE_ACTIONS = {
    "closed_ticket_days": _l("closed questions to anonymise"),
    "guest_request_days": _l("guest requests and e-mail addresses to remove"),
    "search_log_days": _l("searches to remove from the log"),
    "audit_days": _l("audit log entries to remove"),
    "deactivated_person_days": _l("people who left to erase"),
}

TICKET_TEXT = {
    "mask": _l("keep the text, with civic numbers masked"),
    "remove": _l("remove the subject and the text"),
}


def item(code: str) -> str:
    return str(ITEMS.get(code, code))


def action(code: str) -> str:
    return str(ACTIONS.get(code, code))


def reason(code: str | None) -> str:
    return str(REASONS.get(code, code)) if code else ""


# Headings of the export's sections (the JSON keys stay English, for machines).
SECTIONS = {
    "person": _l("Directory entry"),
    "duties": _l("Employments at schools"),
    "groups": _l("Groups"),
    "guardian_relations": _l("Guardian relations"),
    "mentor_relations": _l("Mentor links"),
    "accounts": _l("User accounts"),
    "api_tokens": _l("API tokens"),
    "tickets": _l("Questions asked"),
    "tickets_about_person": _l("Questions asked about you"),
    "guest_requests": _l("Requests from the \"I can't log in\" form"),
    "messages_written_elsewhere": _l("Messages written on other questions"),
    "threads": _l("Forum threads started"),
    "posts": _l("Forum posts"),
    "following": _l("Forum threads and boards followed"),
    "article_feedback": _l("\"Was this helpful?\" answers"),
    "articles_written": _l("Help articles written"),
    "approval_requests": _l("Requests for approval"),
    "audit_entries": _l("Audit log entries about or by the person"),
}


def section(key: str) -> str:
    return str(SECTIONS.get(key, key.replace("_", " ")))
