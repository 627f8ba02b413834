"""Every webhook route: only the central team of the hook's organisation; everyone else gets
the 404 of a missing page (a hook of Exempelkommun is missing for Grannby's central team)."""
from helpdesk.extensions import db
from tests.matrix import Case

CENTRALS = frozenset({"central", "other_org"})  # each manages their own organisation's hooks
CENTRAL = frozenset({"central"})


def _hook(r):
    from helpdesk.webhooks.models import Webhook

    hook = Webhook(organisation_id=r.org("Exempelkommun"), url="https://93.184.216.34/hook",
                   events=["ticket.created"], secret="whsec_" + "QUJD" * 8)
    db.session.add(hook)
    db.session.commit()
    return hook.id


CASES = [
    Case("webhooks.index", lambda r: "/webhooks/", CENTRALS),
    Case("webhooks.index", lambda r: "/webhooks/", CENTRALS, method="POST",
         data={"url": "https://93.184.216.34/hook", "events": ["ticket.created", "ticket.resolved"]}),
    Case("webhooks.hook_page", lambda r: f"/webhooks/{_hook(r)}", CENTRAL),
    Case("webhooks.send_test", lambda r: f"/webhooks/{_hook(r)}/test", CENTRAL, method="POST"),
    Case("webhooks.disable", lambda r: f"/webhooks/{_hook(r)}/disable", CENTRAL, method="POST"),
    Case("webhooks.enable", lambda r: f"/webhooks/{_hook(r)}/enable", CENTRAL, method="POST"),
    Case("webhooks.delete", lambda r: f"/webhooks/{_hook(r)}/delete", CENTRAL, method="POST"),
]
