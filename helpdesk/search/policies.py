"""Who may change how search reads words: the central team, for its own organisation."""
from __future__ import annotations

from helpdesk.access import Scope, rule


@rule("search.synonyms")
def can_edit_synonyms(scope: Scope, group=None) -> bool:
    """Keep the organisation's synonym groups: its central administrators. A group of
    another organisation is out of reach (the service answers as if it did not exist)."""
    if not scope.central_org_ids:
        return False
    return group is None or scope.is_central_for(group.organisation_id)
