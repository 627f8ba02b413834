from tests.auth.saml.conftest import idp_login


def test_smoke(demo_app, sso):
    client = demo_app.test_client()
    form = idp_login(client, sso, "anna")
    r = client.post("/auth/saml/acs", data=form)
    print(r.status_code, r.get_data(as_text=True)[:3000])
    assert r.status_code == 303
