from django.test import RequestFactory

from guides.web.ratelimit import client_fingerprint, hit


def test_limit_per_client_and_scope():
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="192.0.2.1")
    two = factory.get("/", REMOTE_ADDR="192.0.2.2")
    verdicts = [hit(one, "test", limit=3, window=60).allowed for _ in range(5)]
    assert verdicts == [True, True, True, False, False]
    assert hit(two, "test", limit=3, window=60).allowed  # another client
    assert hit(one, "other", limit=3, window=60).allowed  # another scope
    assert 0 < hit(one, "test", limit=3, window=60).retry_after <= 60


def test_fingerprint_hides_the_address():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    fingerprint = client_fingerprint(request)
    assert "192.0.2.1" not in fingerprint and len(fingerprint) == 32
    assert fingerprint == client_fingerprint(RequestFactory().get("/", REMOTE_ADDR="192.0.2.1"))
