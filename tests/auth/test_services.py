"""Password hashing and account rules, without HTTP."""
from werkzeug.security import check_password_hash

from helpdesk.auth.services import hash_password


def test_passwords_are_hashed_with_scrypt_by_default(tmp_path):
    from helpdesk import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    with app.app_context():
        stored = hash_password("ett långt lösenord")
    assert stored.startswith("scrypt:32768:8:1$")
    assert check_password_hash(stored, "ett långt lösenord")
    assert not check_password_hash(stored, "fel")
