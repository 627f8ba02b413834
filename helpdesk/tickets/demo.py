"""Demo tickets: a few in Exempelkommun in every tier and status, and one of Grannby's own."""
from __future__ import annotations

from sqlalchemy import delete

from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from helpdesk.tickets import desk_settings, services
from helpdesk.tickets.models import TicketStatus

# Subjects the permission matrix and the tests look tickets up by.
LOCAL_SUBJECT = "Klassen 6A syns inte i min översikt"
CENTRAL_SUBJECT = "Vårdnadshavare saknar koppling till sitt barn"
VENDOR_SUBJECT = "Fel när omdömen exporteras till PDF"
GUARDIAN_SUBJECT = "Kan inte logga in med BankID"
EKBACK_SUBJECT = "Hur lägger jag till en undervisningsgrupp?"
RESOLVED_SUBJECT = "Hur byter jag lösenord i appen?"
GRANNBY_SUBJECT = "Var hittar jag närvaron för 3A?"


def demo_tickets(ctx) -> None:
    u = ctx.users
    teacher = u["larare.norr@exempelkommun.se"]
    local = u["lokal.norr@exempelkommun.se"]
    central = u["central@exempelkommun.se"]
    vendor = u["leverantor@leverantor.example"]
    guardian = u["vardnadshavare.norr@exempelkommun.se"]
    db.session.flush()

    services.file_ticket(teacher, subject=LOCAL_SUBJECT, category="usage",
                         body="Jag har bytt telefon och nu syns inte klassen 6A i appen. Vad gör jag? "
                              "Det gäller bland annat eleven 20140301-1238.")

    t = services.file_ticket(teacher, subject=CENTRAL_SUBJECT, category="administration",
                             body="En vårdnadshavare i 6A ser inte sitt barn när hon loggar in.")
    services.add_message(t, local, "Kopplingen kommer från synken, jag kan inte ändra den. Tar det vidare.",
                         internal=True)
    services.escalate(t, local, "Kontrollerat att eleven finns i 6A; vårdnadshavarkopplingen saknas i synken.")

    t = services.file_ticket(u["rektor.norr@exempelkommun.se"], subject=VENDOR_SUBJECT, category="bug",
                             body="När jag exporterar omdömen för 6A blir PDF-filen tom.")
    services.escalate(t, local, "Samma fel i två webbläsare och för två klasser.")
    services.escalate(t, central, "Felet går att återskapa för alla skolor i kommunen sedan i måndags.")
    services.update_vendor_case(t, vendor, "UNI-88412", "Under utredning")

    child = ctx.people.get("vh_norr")
    students = sorted(services.filing_choices(guardian).children, key=lambda c: c[0].id)
    student_id = next((p.id for p, s in students if s is not None and s.name == "Norrskolan"), None)
    t = services.file_ticket(guardian, subject=GUARDIAN_SUBJECT, category="login", student_id=student_id,
                             body="Jag får ett felmeddelande när jag loggar in med Mobilt BankID.")
    services.add_message(t, local, "Vilket felmeddelande står det? Skicka gärna en skärmbild.")
    services.set_status(t, local, TicketStatus.WAITING_FOR_REQUESTER.value)
    del child

    services.file_ticket(u["larare.ekback@exempelkommun.se"], subject=EKBACK_SUBJECT, category="administration",
                         body="Jag vill skapa en undervisningsgrupp för engelska i 5C.")

    t = services.file_ticket(teacher, subject=RESOLVED_SUBJECT, category="login",
                             body="Jag har glömt hur man byter lösenord.")
    services.add_message(t, local, "Det gör du under Mitt konto > Byt lösenord.")
    services.set_status(t, local, TicketStatus.RESOLVED.value)

    services.file_ticket(u["larare@grannby.se"], subject=GRANNBY_SUBJECT, category="usage",
                         body="Jag hittar inte närvaron för min klass.")

    desk_settings.add_canned_reply(central, title="Byt lösenord", language="sv",
                              body="Du byter lösenord under Mitt konto > Byt lösenord.")
    desk_settings.add_canned_reply(central, title="Change password", language="en",
                              body="You change your password under My account > Change password.")
    # The demo starts with an empty outbox: nobody needs mail about made-up questions.
    db.session.flush()
    db.session.execute(delete(OutboxMail).where(OutboxMail.kind.like("ticket_%")))
