"""The coding queue found by the database: walking it visits every answer and comment once, in
the queue's order (oldest first; at one moment answers before comments, a response's answers in
question order), then comes back to what was skipped; its counts are the items'; and its work
does not grow with the number of items."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_coding import QUEUE, add, code, shown_item
from test_report_scale import statements

from feedback_api.storage import pages, transaction
from feedback_api.storage.answers.index import reindex
from feedback_api.storage.models import Comment, QuestionnaireResponse, db
from fixtures.surveys import CONSULTATION

NOON = datetime.datetime(2026, 11, 10, 12, 0, tzinfo=datetime.UTC)


def _same_moment(app) -> list[str]:
    """Every seeded response and three comments moved to two moments; the queue's order."""
    with app.app_context(), transaction():
        found = db.session.scalars(
            db.select(QuestionnaireResponse)
            .where(QuestionnaireResponse.spam.is_(False))
            .order_by(QuestionnaireResponse.id)
        ).all()
        for n, response in enumerate(found):
            response.created = NOON if n % 2 == 0 else NOON + datetime.timedelta(hours=1)
        pages.ensure_page(CONSULTATION)
        said = []
        for n, moment in enumerate([NOON, NOON - datetime.timedelta(hours=1), NOON]):
            comment = Comment(
                page=CONSULTATION,
                body=f"Comment {n} to code.",
                html=f"<p>Comment {n} to code.</p>",
                status="approved",
                edit_token_hash="",
                created=moment,
            )
            db.session.add(comment)
            said.append(comment)
        db.session.flush()
        reindex(db.session.connection())
        answers = [
            (response.created, 0, response.id, position, f"r{response.id}:{field}")
            for response in found
            for position, field in enumerate(("why", "bus_route"))
            if response.answers.get(field)
        ]
        comments = [(c.created, 1, c.id, 0, f"c{c.id}") for c in said]
        return [key for *_, key in sorted(answers + comments)]


def test_walking_the_queue_visits_every_item_once_in_order(seeded, staff) -> None:
    order = _same_moment(seeded)
    client = staff("moderator")
    assert add(client, "Waiting times").status_code == 303
    # The answers at noon (even responses, "why" before "bus_route"), the comments at noon,
    # then the odd responses an hour later; the comment an hour before noon comes first.
    assert order[0].startswith("c") and order[-1].startswith("r")
    seen = [shown_item(client.get(QUEUE).get_data(as_text=True))]
    while len(seen) < len(order):
        html = client.get(f"{QUEUE}&after={seen[-1]}").get_data(as_text=True)
        seen.append(shown_item(html))
    assert seen == order
    # After the last it comes back to the first not yet coded.
    html = client.get(f"{QUEUE}&after={order[-1]}").get_data(as_text=True)
    assert shown_item(html) == order[0]
    # Coding the first two: the queue starts at the third, and counts what is left.
    for key in order[:2]:
        assert code(client, key, action="none").status_code == 303
    html = client.get(QUEUE).get_data(as_text=True)
    assert shown_item(html) == order[2]
    assert f"{len(order) - 2} of {len(order)}" in " ".join(html.split())


def test_the_queue_runs_the_same_statements_whatever_the_number_of_items(seeded, staff) -> None:
    client = staff("moderator")
    assert add(client, "Waiting times").status_code == 303
    before = statements(seeded, client, QUEUE)
    sender = seeded.test_client()
    for n in range(10):
        answers = {"experience": "good", "travel": "car", "why": f"Another reason {n}."}
        sent = {"questionnaire": "test-survey", "answers": answers}
        assert sender.post("/api/responses", json=sent).status_code == 201
    after = statements(seeded, client, QUEUE)
    assert len(after) == len(before)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["after", "item"]),
    key=st.text(max_size=30)
    | st.from_regex(r"\A[rc]-?[0-9]{0,25}(:[a-z_]{0,10})?\Z")
    | st.sampled_from(["r1:why", "r1:experience", "c0", "r99999999999999999999:why"]),
)
def test_any_item_key_in_the_address_is_found_or_not_found(seeded, staff, name, key) -> None:
    client = seeded.config.setdefault("TEST_MODERATOR", None) or staff("moderator")
    seeded.config["TEST_MODERATOR"] = client
    answer = client.get("/admin/themes/code", query_string={"page": CONSULTATION, name: key})
    # `after` names where to go on from (anything unknown: the start); `item` one item.
    assert answer.status_code in ((200,) if name == "after" else (200, 404)), (name, key)
