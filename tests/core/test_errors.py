from helpdesk.errors import PermissionDenied, ValidationFailed


def test_service_errors_can_be_raised_and_read_outside_a_request(app):
    with app.app_context():
        err = ValidationFailed(field="name")
        assert str(err.message) == "Några av uppgifterna är inte giltiga."
        assert err.to_dict() == {"error": "ValidationFailed", "message": "Några av uppgifterna är inte giltiga.",
                                 "field": "name"}
        assert PermissionDenied().status_code == 403
