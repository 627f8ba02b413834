"""Whose figures a viewer may see, as SQL conditions every query of the overview starts from.

Central admins see their organisation, local admins their own schools, the vendor only what
was escalated to it (across the organisations that escalate to it), the operator everything.
Everyone else is answered as if the overview did not exist (404), like other admin pages.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_, select, true

from helpdesk.access import scope_of
from helpdesk.directory.models import School
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket


@dataclass(frozen=True)
class Reach:
    operator: bool = False
    org_ids: frozenset[int] = field(default_factory=frozenset)  # as central admin
    school_ids: frozenset[int] = field(default_factory=frozenset)  # as local admin
    vendor_id: int | None = None

    @classmethod
    def of(cls, viewer) -> Reach:
        scope = scope_of(viewer)
        reach = cls(scope.is_operator, frozenset(scope.central_org_ids), frozenset(scope.local_school_ids),
                    scope.vendor_id)
        if not reach.allowed:
            raise NotFound(_l("That page could not be found."))
        return reach

    @classmethod
    def of_or_none(cls, viewer) -> Reach | None:
        try:
            return cls.of(viewer)
        except NotFound:
            return None

    @property
    def allowed(self) -> bool:
        return self.operator or bool(self.org_ids or self.school_ids) or self.vendor_id is not None

    @property
    def vendor_only(self) -> bool:
        """Only as the vendor: aggregated figures, no comments, no searches, no boards."""
        return self.vendor_id is not None and not (self.operator or self.org_ids or self.school_ids)

    def ticket_condition(self):
        return self._condition(Ticket.organisation_id, Ticket.school_id,
                               and_(Ticket.vendor_id == self.vendor_id, Ticket.vendor_escalated_at.is_not(None)))

    def rows_condition(self, model):
        """The same reach over rows of the daily rollup, whose `vendor_id` is set only once
        the question was escalated to that vendor (helpdesk/insight/models.py). The week
        level has no school: it is read only for a reach without schools."""
        return self._condition(model.organisation_id, getattr(model, "school_id", None),
                               model.vendor_id == self.vendor_id)

    def _condition(self, organisation_id, school_id, reached_vendor):
        if self.operator:
            return true()
        ors = []
        if self.org_ids:
            ors.append(organisation_id.in_(self.org_ids))
        if self.school_ids:
            ors.append(school_id.in_(self.school_ids))
        if self.vendor_id is not None:
            ors.append(reached_vendor)
        return or_(*ors) if ors else false()

    def school_condition(self):
        if self.operator:
            return true()
        ors = []
        if self.org_ids:
            ors.append(School.organisation_id.in_(self.org_ids))
        if self.school_ids:
            ors.append(School.id.in_(self.school_ids))
        if self.vendor_id is not None:
            ors.append(School.id.in_(select(Ticket.school_id).where(
                Ticket.vendor_id == self.vendor_id, Ticket.vendor_escalated_at.is_not(None))))
        return or_(*ors) if ors else false()

    def may_see_school(self, school_id: int) -> bool:
        return db.session.scalar(select(School.id).where(School.id == school_id, self.school_condition())) is not None

    def org_condition(self, column):
        """For figures kept per organisation (searches, deflection, boards): the central
        admin's organisations, or every one for the operator; None when the viewer sees only
        schools or what reached the vendor, where such figures would tell about others."""
        if self.operator:
            return true()
        if self.org_ids:
            return column.in_(self.org_ids)
        return None
