"""`flask org ...` on an empty database: the installation's first steps."""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.auth.models import Role, User
from helpdesk.directory.models import Organisation
from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_operator_organisation_and_first_central_admin_from_the_command_line(app):
    assert _run(app, "org", "operator", "add", "drift@example.org").exit_code == 0
    result = _run(app, "org", "create", "--code", "exk", "--name", "Exempelkommun", "--no-autosync",
                  "--vendor", "Leverantören AB")
    assert result.exit_code == 0 and "created EXK" in result.output
    again = _run(app, "org", "create", "--code", "EXK", "--name", "Igen")
    assert again.exit_code != 0 and "EXK" in again.output
    assert _run(app, "org", "invite-admin", "EXK", "chef@exempelkommun.example").exit_code == 0
    unknown = _run(app, "org", "invite-admin", "XYZ", "chef@exempelkommun.example")
    assert unknown.exit_code != 0
    assert "EXK\tExempelkommun\tautosync off" in _run(app, "org", "list").output
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.code == "EXK"))
        assert not org.autosync and org.vendor.name == "Leverantören AB"
        chef = db.session.scalar(select(User).where(User.email == "chef@exempelkommun.example"))
        assert [(a.role, a.organisation_id) for a in chef.roles] == [(Role.CENTRAL_ADMIN, org.id)]
        operator = db.session.scalar(select(User).where(User.email == "drift@example.org"))
        assert [a.role for a in operator.roles] == [Role.OPERATOR]
        invited = set(db.session.scalars(select(OutboxMail.to_address).where(OutboxMail.kind == "invitation")))
        assert invited == {"drift@example.org", "chef@exempelkommun.example"}
