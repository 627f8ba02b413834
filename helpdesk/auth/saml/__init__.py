"""Staff log in with their school account: this portal as a SAML 2.0 service provider,
one identity provider per organisation (README: "Single sign-on for staff (SAML)")."""


def init_app(app) -> None:
    from helpdesk.auth.loader import csrf_exempt
    from helpdesk.auth.saml import labels, models, policies, views  # noqa: F401
    from helpdesk.core.cli import add_setup_step
    from helpdesk.core.tick import add_tick_job

    app.register_blueprint(views.bp)
    # The IdP posts its answer and sends its logout request: no CSRF token can come with
    # them; the signed SAML message is the proof instead.
    csrf_exempt("saml.acs")
    csrf_exempt("saml.sls")
    add_setup_step(5, "SAML service provider key", _ensure_key)
    add_tick_job(30, "saml: metadata refresh", _refresh)
    from helpdesk.auth.saml import privacy_source

    privacy_source.register()  # the IdP's names for a person, for export and erasure


def _ensure_key():
    from helpdesk.auth.saml.sp import ensure_keypair

    key, _cert = ensure_keypair()
    return f"key in {key}"


def _refresh():
    from helpdesk.auth.saml.services import refresh_job

    return refresh_job()
