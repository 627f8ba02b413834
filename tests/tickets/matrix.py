from helpdesk.tickets.demo import CENTRAL_SUBJECT, GRANNBY_SUBJECT, GUARDIAN_SUBJECT, LOCAL_SUBJECT, \
    RESOLVED_SUBJECT, VENDOR_SUBJECT
from tests.matrix import EVERYONE, LOGGED_IN, ORG_MEMBERS, Case
from tests.support.clock import day_ahead

FILERS = ORG_MEMBERS | {"other_org"}
NOBODY = frozenset()


def _t(subject):
    def ref(r):
        from helpdesk.tickets.models import Ticket

        return r._one(Ticket, subject=subject)
    return ref


LOCAL, CENTRAL, VENDOR = _t(LOCAL_SUBJECT), _t(CENTRAL_SUBJECT), _t(VENDOR_SUBJECT)
GUARDIAN, RESOLVED, GRANNBY = _t(GUARDIAN_SUBJECT), _t(RESOLVED_SUBJECT), _t(GRANNBY_SUBJECT)
TICKET_FORM = {"category": "usage", "subject": "Test", "body": "Hur gör jag?", "action": "file"}

def closed_day(r) -> int:
    """A closed day of Exempelkommun's (each matrix test has its own database)."""
    from helpdesk.extensions import db
    from helpdesk.tickets.models import ClosedDay

    day = ClosedDay(organisation_id=r.org("Exempelkommun"), day=day_ahead(180), note="Studiedag")
    db.session.add(day)
    db.session.commit()
    return day.id


# Counted from today: the service refuses days more than five years away.
CLOSED_DAY = day_ahead(200).isoformat()

CASES = [
    Case("tickets.new", lambda r: "/tickets/new", FILERS),
    Case("tickets.new", lambda r: "/tickets/new", FILERS, method="POST", data=TICKET_FORM),
    Case("tickets.mine", lambda r: "/tickets/mine", FILERS),
    Case("tickets.queue", lambda r: "/tickets/queue", frozenset({"central", "local", "local_other", "vendor", "other_org"})),
    Case("tickets.queue", lambda r: "/tickets/queue?tier=central", frozenset({"central", "other_org"}), name="central"),
    # Following a question up the tiers: central's "with the vendor" (the vendor's own queue at
    # the same address), a local admin's "escalated from my school"; the quick views.
    Case("tickets.queue", lambda r: "/tickets/queue?tier=vendor", frozenset({"central", "vendor", "other_org"}),
         name="vendor"),
    Case("tickets.queue", lambda r: "/tickets/queue?tier=escalated", frozenset({"local", "local_other"}),
         name="escalated"),
    Case("tickets.queue", lambda r: "/tickets/queue?tier=local&assigned=me&overdue=1&status=all",
         frozenset({"central", "local", "local_other", "other_org"}), name="views"),
    # Bulk: escalate the local ticket (central's escalate of a local ticket is taking it up);
    # for the others it is out of reach, which answers like a missing one. The local ticket is
    # the demo's first (id 1); the form's data cannot look ids up.
    Case("tickets.queue_bulk", lambda r: "/tickets/queue/bulk?tier=local", frozenset({"central", "local"}),
         method="POST", data={"ticket": "1", "action": "escalate", "note": "Provat allt"}),
    Case("tickets.show", lambda r: f"/tickets/{LOCAL(r)}", frozenset({"central", "local", "teacher"}), name="local"),
    Case("tickets.show", lambda r: f"/tickets/{VENDOR(r)}", frozenset({"central", "local", "vendor"}), name="vendor"),
    Case("tickets.show", lambda r: f"/tickets/{GUARDIAN(r)}", frozenset({"central", "local", "guardian"}), name="guardian"),
    Case("tickets.show", lambda r: f"/tickets/{GRANNBY(r)}", frozenset({"other_org"}), name="grannby"),
    Case("tickets.reply", lambda r: f"/tickets/{LOCAL(r)}/reply", frozenset({"central", "local", "teacher"}),
         method="POST", data={"body": "Svar"}),
    Case("tickets.escalate", lambda r: f"/tickets/{LOCAL(r)}/escalate", frozenset({"central", "local"}),
         method="POST", data={"note": "Provat allt"}),
    Case("tickets.link_article", lambda r: f"/tickets/{LOCAL(r)}/article", frozenset({"central", "local"}),
         method="POST", data={"article": "losenord-glomt"}),
    # The workspace: the article picked by searching titles (the page again, with the hits),
    # and "send and set status" in one step (only the ticket's own tier may set a status).
    Case("tickets.article_search", lambda r: f"/tickets/{LOCAL(r)}/article-search", frozenset({"central", "local"}),
         method="POST", data={"q": "lösenord"}),
    Case("tickets.reply", lambda r: f"/tickets/{LOCAL(r)}/reply", frozenset({"local"}),
         method="POST", data={"body": "Svar", "status": "waiting_for_requester"}, name="and_status"),
    Case("tickets.closed_days", lambda r: "/tickets/closed-days", frozenset({"central", "other_org"})),
    Case("tickets.closed_days", lambda r: "/tickets/closed-days", frozenset({"central", "other_org"}),
         method="POST", data={"day": CLOSED_DAY, "note": "Höstlov"}),
    Case("tickets.sla_targets", lambda r: "/tickets/targets", frozenset({"central", "other_org"})),
    Case("tickets.sla_targets", lambda r: "/tickets/targets", frozenset({"central", "other_org"}), method="POST",
         data={"local_response": "4", "local_resolution": "24", "central_response": "8",
               "central_resolution": "40", "vendor_response": "16", "vendor_resolution": "120"}),
    Case("tickets.closed_day_delete", lambda r: f"/tickets/closed-days/{closed_day(r)}/delete",
         frozenset({"central"}), method="POST"),
    Case("tickets.pull_up", lambda r: f"/tickets/{LOCAL(r)}/pull-up", frozenset({"central"}), method="POST"),
    Case("tickets.send_back", lambda r: f"/tickets/{CENTRAL(r)}/send-back", frozenset({"central"}),
         method="POST", data={"note": "Lös lokalt"}),
    Case("tickets.request_info", lambda r: f"/tickets/{VENDOR(r)}/request-info", frozenset({"vendor"}),
         method="POST", data={"note": "Vilken version?"}),
    Case("tickets.assign", lambda r: f"/tickets/{LOCAL(r)}/assign", frozenset({"local"}),
         method="POST", data={"assignee_id": "me"}),
    Case("tickets.set_status", lambda r: f"/tickets/{LOCAL(r)}/status", frozenset({"local"}),
         method="POST", data={"status": "waiting_for_requester"}),
    Case("tickets.vendor_case", lambda r: f"/tickets/{VENDOR(r)}/vendor-case", frozenset({"central", "vendor"}),
         method="POST", data={"vendor_reference": "UNI-1", "vendor_status": "Öppen"}),
    Case("tickets.rate", lambda r: f"/tickets/{RESOLVED(r)}/rate", frozenset({"teacher"}),
         method="POST", data={"rating": "5"}),
    # The local ticket's first message (id 1) had a personnummer masked.
    Case("tickets.reveal", lambda r: f"/tickets/{LOCAL(r)}/reveal", frozenset({"central", "local"}),
         method="POST", data={"message_id": "1"}),
    Case("tickets.attachment", lambda r: f"/tickets/{LOCAL(r)}/attachments/999", NOBODY),
    Case("tickets.canned", lambda r: "/tickets/canned", frozenset({"central", "local", "local_other", "other_org"})),
    Case("tickets.canned", lambda r: "/tickets/canned", frozenset({"central", "local", "local_other", "other_org"}),
         method="POST", data={"title": "Hej", "language": "sv", "body": "Hej!"}),
    Case("tickets.canned_delete", lambda r: "/tickets/canned/1/delete", frozenset({"central", "local", "local_other"}),
         method="POST"),
    Case("tickets.notifications", lambda r: "/tickets/notifications", LOGGED_IN),
    Case("tickets.notifications", lambda r: "/tickets/notifications", LOGGED_IN, method="POST",
         data={"kind": ["reply"]}),
    Case("tickets.guest_intake", lambda r: "/help/cannot-log-in", EVERYONE),
    Case("tickets.guest_intake", lambda r: "/help/cannot-log-in", EVERYONE, method="POST",
         # Norrskolan is the demo's first school (id 1); the form's data cannot look ids up.
         data={"name": "Vera", "email": "vera@example.org", "school_id": "1",
               "body": "Jag kommer inte in."}),
    Case("tickets.accessibility_report", lambda r: "/help/accessibility-problem", EVERYONE),
    Case("tickets.accessibility_report", lambda r: "/help/accessibility-problem", EVERYONE, method="POST",
         data={"name": "Vera", "email": "vera@example.org", "school_id": "1", "page": "Startsidan",
               "body": "Knappen syns inte med skärmläsare."}),
    Case("tickets.guest_verify", lambda r: "/help/verify/not-a-token", NOBODY),
    Case("tickets.guest_verify", lambda r: "/help/verify/not-a-token", NOBODY, method="POST"),
    Case("tickets.guest_follow", lambda r: "/help/follow/not-a-token", NOBODY),
    Case("tickets.guest_follow", lambda r: "/help/follow/not-a-token", NOBODY, method="POST", data={"body": "Hej"}),
    # The API.
    Case("api.tickets_create", lambda r: "/api/v1/tickets", FILERS, method="POST",
         json={"subject": "Test", "body": "Hur gör jag?", "category": "usage"}),
    Case("api.tickets_list", lambda r: "/api/v1/tickets", LOGGED_IN),
    Case("api.tickets_attachment", lambda r: f"/api/v1/tickets/{LOCAL(r)}/attachments/999", NOBODY),
    Case("api.tickets_get", lambda r: f"/api/v1/tickets/{LOCAL(r)}", frozenset({"central", "local", "teacher"})),
    Case("api.tickets_get", lambda r: f"/api/v1/tickets/{VENDOR(r)}", frozenset({"central", "local", "vendor"}),
         name="vendor"),
    Case("api.tickets_add_message", lambda r: f"/api/v1/tickets/{LOCAL(r)}/messages",
         frozenset({"central", "local", "teacher"}), method="POST", json={"body": "Svar"}),
    Case("api.tickets_escalate", lambda r: f"/api/v1/tickets/{LOCAL(r)}/escalate", frozenset({"central", "local"}),
         method="POST", json={"note": "Provat allt"}),
    Case("api.tickets_send_back", lambda r: f"/api/v1/tickets/{CENTRAL(r)}/send-back", frozenset({"central"}),
         method="POST", json={"note": "Lös lokalt"}),
    Case("api.tickets_assign", lambda r: f"/api/v1/tickets/{LOCAL(r)}/assign", frozenset({"local"}),
         method="POST", json={"assignee_id": "me"}),
    Case("api.tickets_set_status", lambda r: f"/api/v1/tickets/{LOCAL(r)}/status", frozenset({"local"}),
         method="POST", json={"status": "waiting_for_requester"}),
]
