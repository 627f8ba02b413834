"""Demo content: Supportgruppen in Exempelkommun and Grannby, the vendor forum, a check-in."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from helpdesk.boards import meetings, moderation, services
from helpdesk.boards.attachments import Upload
from helpdesk.boards.models import MeetingKind, Post, Thread
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.notify.models import OutboxMail


def _age(thread: Thread, days: float) -> None:
    """Spread the demo over the last weeks, so lists have an order."""
    base = utcnow() - timedelta(days=days)
    posts = db.session.scalars(db.select(Post).where(Post.thread_id == thread.id).order_by(Post.id))
    for i, post in enumerate(posts):
        post.created_at = base + timedelta(hours=3 * i)
    thread.created_at = base
    thread.last_activity_at = base + timedelta(hours=3 * max(thread.post_count - 1, 0))


def add_demo_content(ctx) -> None:
    exk, grb, users = ctx.orgs["exk"], ctx.orgs["grb"], ctx.users
    support = services.ensure_support_board(exk)
    services.ensure_support_board(grb)
    vendor_board = services.ensure_vendor_board(ctx.vendor)

    vaster, central, norr, soder = (users["lokal.vaster@exempelkommun.se"], users["central@exempelkommun.se"],
                                    users["lokal.norr@exempelkommun.se"], users["lokal.soder@exempelkommun.se"])
    solved = services.start_thread(
        vaster, support, "Hur lägger jag till en specialpedagog som inte kommer med synken?",
        "En ny specialpedagog började hos oss i måndags men syns inte i plattformen. "
        "Hon finns inte i elevregistret. Får jag lägga till henne själv?")
    answer = services.reply(
        central, solved,
        "Ja, specialpedagoger, rektorer och annan personal som inte finns i elevregistret kommer aldrig "
        "med den nattliga synken. Lägg till henne manuellt på skolan, men **hör av dig till oss centralt "
        "först** så att vi vet om det.\n\n1. Gå till skolan i katalogen.\n2. Välj *Lägg till personal*.\n"
        "3. Koppla henne till rätt grupper.",
        attachments=[Upload("checklista-manuell-personal.txt",
                            "Checklista: personal som inte kommer med synken\n"
                            "1. Kontakta centralt ansvariga.\n2. Lägg till personen på skolan.\n"
                            "3. Koppla till grupper.\n".encode())])
    services.reply(vaster, solved, "Tack! Det fungerade.")
    services.accept_answer(vaster, solved, answer.id)
    _age(solved, 12)

    open_q = services.start_thread(
        soder, support, "Vårdnadshavare utan personnummer kan inte logga in",
        "En vårdnadshavare har samordningsnummer och kan inte använda BankID. "
        "Vad brukar ni andra göra? @lokal.norr har ni haft samma sak?")
    _age(open_q, 2)

    team = services.start_thread(
        norr, support, "Arbetslagsgrupper inför medarbetarsamtalen",
        "Vi ska skapa arbetslagsgrupper inför medarbetarsamtalen. Gör ni en grupp per arbetslag eller "
        "en per rektor?")
    team_reply = services.reply(vaster, team, "Vi gör en per arbetslag, och rektorn kopplas som mentor till var och en.")
    moderation.report_post(norr, team_reply, "Svaret verkar gälla förskolan, inte grundskolan. Kan någon central titta?")
    _age(team, 5)

    vendor_thread = services.start_thread(
        central, vendor_board, "Synken tar med avslutade grupper",
        "Sedan förra veckan dyker grupper med slutdatum i våras upp igen efter nattens synk. "
        "Är det känt hos er?")
    services.reply(users["leverantor@leverantor.example"], vendor_thread,
                   "Tack, vi har sett det och en rättning kommer i nästa version.")
    services.reply(users["central@grannby.se"], vendor_thread, "Vi ser samma sak i Grannby.")
    _age(vendor_thread, 4)

    meeting = meetings.plan_meeting(
        central, organisation_id=exk.id, title="Avstämningsmöte för supportgruppen", kind=MeetingKind.CHECK_IN,
        starts_at=(utcnow() + timedelta(days=7)).astimezone(services.STOCKHOLM).replace(
            hour=14, minute=0, second=0, microsecond=0),
        duration_minutes=60, location="Kommunhuset, sal 3, eller Teams",
        school_ids=[ctx.schools[k].id for k in ("norr", "soder", "vaster", "ekback")])
    meetings.add_agenda_item(central, meeting, kind="thread", ref=open_q.id)
    meetings.add_agenda_item(central, meeting, kind="note", text="Nyheter i nästa version")
    # The demo's own posts need not fill the outbox.
    db.session.execute(delete(OutboxMail).where(OutboxMail.kind.in_(["board_post", "board_mention", "board_meeting"])))
    db.session.flush()
