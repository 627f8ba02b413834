"""Demo content: the shipped articles, and one draft written in the portal by central."""
from __future__ import annotations

from helpdesk.kb.loader import default_root, load_articles

DRAFT_BODY = """Exempelkommun har en egen rutin när en ny skola ansluts till skolplattformen.

## Så går det till

1. Rektorn anmäler skolan till det centrala teamet senast en månad före start.
2. Det centrala teamet lägger upp skolan och utser en lokalt ansvarig tillsammans med rektorn.
3. Den lokalt ansvariga går introduktionsworkshopen och får behörighet som skoladministratör.

Frågor om rutinen ställer du i supportgruppen eller som ett ärende till det centrala teamet.
"""


def demo_step(ctx) -> None:
    from helpdesk.kb import services

    load_articles(default_root())
    central = ctx.users.get("central@exempelkommun.se")
    if central is not None:
        services.create_article(central, title="Rutin: när en ny skola ansluts", body=DRAFT_BODY,
                                language="sv", audience="staff", tags=["skola", "rutin", "lokalt ansvarig"],
                                category="organisation", publish=False)
