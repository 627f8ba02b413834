"""A mail the reader refuses: the reason code (mailin/reasons.py has its words) and where it
belonged, so the right central team sees it in its quarantine."""


class Refused(Exception):
    def __init__(self, reason: str, detail: str | None = None, organisation_id=None, ticket_id=None):
        super().__init__(reason)
        self.reason, self.detail = reason, detail
        self.organisation_id, self.ticket_id = organisation_id, ticket_id
