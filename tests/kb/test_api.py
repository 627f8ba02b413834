"""GET /api/v1/articles/<slug>."""


def test_public_article_as_json(demo_app):
    body = demo_app.test_client().get("/api/v1/articles/losenord-glomt").get_json()
    assert body["slug"] == "losenord-glomt" and body["audience"] == "public"
    assert "<h2>" in body["html"] and body["body_markdown"].startswith(body["body_markdown"][:10])
    assert body["url"].endswith("/kb/a/losenord-glomt")


def test_closed_article_is_404_json(demo_app, as_user):
    response = demo_app.test_client().get("/api/v1/articles/autosynk-aldrig-manuellt")
    assert response.status_code == 404 and response.get_json()["error"] == "NotFound"
    assert as_user("lokal.norr@exempelkommun.se").get("/api/v1/articles/autosynk-aldrig-manuellt").status_code == 200


def test_odd_slugs_never_500(demo_app):
    client = demo_app.test_client()
    for slug in ["x" * 5000, "%00", "..%2F..", "ä", "a'b\"c"]:
        assert client.get(f"/api/v1/articles/{slug}").status_code == 404
