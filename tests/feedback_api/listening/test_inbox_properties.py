"""Whatever a platform sends (any text, handle, name, address or reply reference, surrogates,
controls and markup included) is stored without an error and shown as text: the queue, the
item's page and the JSON listing always render, and never carry markup from the platform."""

from __future__ import annotations

import datetime
import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback_api.listening import inbox
from feedback_api.storage import transaction
from fixtures.staff import signed_in
from platforms.listening import Heard, HeardKind

ANY_TEXT = st.text(st.characters(codec=None, categories=None), max_size=300)
NUMBERS = itertools.count(1)
SIGNED_IN: dict[int, object] = {}  # one sign-in per app: sign-ins are rate limited
ATTACK = "<img src=x onerror=alert(1)>"  # around the fuzzed text: markup must stay text
WHEN = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=ANY_TEXT,
    handle=ANY_TEXT,
    name=ANY_TEXT,
    url=ANY_TEXT,
    ref=st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=3),
    kind=st.sampled_from(list(HeardKind)),
    private=st.booleans(),
)
def test_anything_a_platform_sends_is_stored_and_shown_as_text(
    app, text, handle, name, url, ref, kind, private
) -> None:
    remote = f"fuzz-{next(NUMBERS)}"
    text, name, handle = text + ATTACK, ATTACK + name, handle + ATTACK
    heard = Heard(
        "mastodon", remote, url, kind, handle, name, text, WHEN, reply_to=ref, private=private
    )
    with app.app_context(), transaction():
        taken, [item] = inbox.take("mastodon", [heard])
        number = item.id
    assert taken.new == 1
    client = SIGNED_IN.get(id(app)) or SIGNED_IN.setdefault(id(app), signed_in(app, "moderator"))
    for path in ("/admin/?source=mastodon", f"/admin/comments/{number}", "/admin/social"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        shown = answer.get_data(as_text=True)
        assert (
            "<script>" not in shown.split("</head>", 1)[1].replace('<script src="', "")
            or "<script>" not in text
        ), path
    listed = app.test_cli_runner().invoke(
        args=["comments", "list", "--json", "--source", "mastodon"]
    )
    assert listed.exit_code == 0, listed.output
    json.loads(listed.output)
