"""Database leases: one holder at a time, renewable, free again once expired or released."""
from datetime import timedelta

from helpdesk import leases
from helpdesk.extensions import db
from helpdesk.models_base import utcnow


def test_one_holder_until_it_expires_or_releases(app):
    with app.app_context():
        assert leases.acquire("job", timedelta(minutes=5))
        assert leases.acquire("job", timedelta(minutes=5))  # the holder renews
        lease = db.session.get(leases.Lease, "job")
        lease.holder = "another-host:1"  # as if another process held it
        db.session.commit()
        assert not leases.acquire("job", timedelta(minutes=5))
        leases.release("job")  # only the holder's release counts
        assert not leases.acquire("job", timedelta(minutes=5))
        lease = db.session.get(leases.Lease, "job")
        lease.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert leases.acquire("job", timedelta(minutes=5))
        assert db.session.get(leases.Lease, "job").holder == leases.HOLDER
        leases.release("job")
        assert db.session.get(leases.Lease, "job").expires_at < utcnow()
        assert leases.acquire("other job", timedelta(minutes=5))  # names are independent
