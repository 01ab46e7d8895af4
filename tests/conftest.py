"""Every folder's fixtures, from tests/fixtures/: the sample site, the API on each database,
staff sign-in, Debian's Chromium, redis-server and a PostgreSQL cluster the tests may restart,
and the loopback fakes of the five platforms."""

# In the order they import each other, so pytest rewrites each one's asserts.
pytest_plugins = [
    "fixtures.servers",
    "fixtures.api",
    "fixtures.site",
    "fixtures.browser",
    "fixtures.redis",
    "fixtures.smtp",
    "fixtures.postgres_cluster",
    "fixtures.staff",
    "fixtures.packaging",
    "fixtures.fake_platforms.rig",
    "fixtures.crosspost_feeds",
    "fixtures.widget",
]
