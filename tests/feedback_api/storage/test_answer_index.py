"""The answer index counts what the responses say: whatever answers a response holds (choices,
lists, typed text, numbers, hostile shapes), the SQL figures equal counting the stored answers
one by one in Python, overall, per channel, per period and per answer to another question; a
deleted response takes its rows with it; the migration indexes responses stored before it."""

from __future__ import annotations

import datetime
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from contract.vocabulary import OPTION_VALUE
from feedback_api.storage import transaction
from feedback_api.storage.answers import counts, texts
from feedback_api.storage.answers.counts import Selection
from feedback_api.storage.answers.index import local_day, reindex
from feedback_api.storage.answers.models import AnswerRow
from feedback_api.storage.answers.texts import Asked
from feedback_api.storage.models import QuestionnaireResponse, db
from feedback_api.storage.responses import add_response

QUESTIONS = ["q1", "q2", "group"]
VALUES = ["yes", "no", "very_good", "16_24", "a-b", "Yes"]
answer = st.one_of(
    st.sampled_from(VALUES),
    st.lists(st.sampled_from(VALUES), max_size=4),
    # What people type, as the input boundary lets it through (no control characters).
    st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=30),
    st.integers(-3, 12),
    st.none(),
    st.booleans(),
    st.just([]),
    st.just(""),
)
response = st.fixed_dictionaries(
    {},
    optional={name: answer for name in QUESTIONS},
)
people = st.lists(
    st.tuples(
        response,
        st.sampled_from([None, "site", "mastodon"]),
        st.integers(0, 3),  # days ago
        st.booleans(),  # spam
    ),
    max_size=12,
)


def _items(value) -> list[str]:
    """What the reports count of one stored answer, as the Python figures did."""
    if value is None or isinstance(value, bool) or value in ("", []):
        return []
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int) and str(v).strip()]
    return [str(value)] if str(value).strip() else []


def _kept(stored, chosen: Selection) -> list:
    return [
        r
        for r in stored
        if not r.spam
        and (chosen.channel == counts.EVERY_CHANNEL or r.channel == chosen.channel)
        and (chosen.since is None or local_day(r.created) >= chosen.since)
    ]


def _expected(stored, chosen: Selection):
    kept = _kept(stored, chosen)
    answered, given_ = Counter(), {q: Counter() for q in QUESTIONS}
    for r in kept:
        for question in QUESTIONS:
            items = _items(r.answers.get(question))
            if items:
                answered[question] += 1
                given_[question].update(i for i in items if i in VALUES or i.isdigit())
    return len(kept), answered, given_


def _store(app, found) -> list[QuestionnaireResponse]:
    now = datetime.datetime.now(datetime.UTC)
    with app.app_context():
        with transaction():
            db.session.execute(delete(QuestionnaireResponse))
        stored = []
        with transaction():
            for n, (answers, channel, ago, spam) in enumerate(found):
                made = add_response(
                    questionnaire="index-test",
                    reference=f"IX{n:05d}",
                    answers=answers,
                    held_reasons={},
                    spam=spam,
                    ip_hash=None,
                    channel=channel,
                )
                made.created = now - datetime.timedelta(days=ago)
                made.day = local_day(made.created)
                stored.append(made)
            db.session.flush()
            reindex(db.session.connection())  # the moved days, as the migration indexes
        return stored


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(found=people, since_ago=st.integers(0, 4), channel=st.sampled_from(["", None, "site"]))
def test_sql_figures_equal_counting_every_answer(app, found, since_ago, channel) -> None:
    stored = _store(app, found)
    today = datetime.datetime.now(datetime.UTC).astimezone(counts_zone()).date()
    chosen = Selection("index-test", today - datetime.timedelta(days=since_ago), None, channel)
    with app.app_context():
        tallied = counts.tally(chosen)
        total, answered, given_ = _expected(stored, chosen)
        assert tallied.responses == total == counts.response_count(chosen)
        assert {q: n for q, n in tallied.answered.items() if n} == dict(answered)
        for question in QUESTIONS:
            numeric = {v: n for v, n in tallied.counts.get(question, {}).items()}
            assert {v: n for v, n in numeric.items() if v in VALUES or v.isdigit()} == dict(
                given_[question]
            )
        # Per channel and per answer to "group": each group's counts add up to the whole.
        for by in (counts.BY_CHANNEL, "group"):
            per = counts.tally_by(chosen, by, ["q1"])
            assert sum(t.responses for t in per.values()) == total
            summed = Counter()
            for part in per.values():
                summed.update(part.counts.get("q1", {}))
            assert {v: n for v, n in summed.items() if v in VALUES or v.isdigit()} == dict(
                given_["q1"]
            )
        assert sum(n for _, n in counts.per_day(chosen)) == total
        # The cross-tabulation, group by group, as counted by hand: a response's group is its
        # answer to "group" (the first, for a list), None when it gave none an option could be.
        crossed: dict = {}
        sizes: Counter = Counter()
        for r in _kept(stored, chosen):
            items = _items(r.answers.get("group"))
            group = items[0] if items and OPTION_VALUE.match(items[0]) else None
            sizes[group] += 1
            crossed.setdefault(group, Counter()).update(
                i for i in _items(r.answers.get("q1")) if i in VALUES
            )
        per = counts.tally_by(chosen, "group", ["q1"])
        assert {g: t.responses for g, t in per.items() if t.responses} == {
            g: n for g, n in sizes.items() if n
        }
        for group, tallied in per.items():
            found = {v: n for v, n in tallied.counts.get("q1", {}).items() if v in VALUES}
            assert found == dict(crossed.get(group, Counter())), group


def counts_zone():
    from contract.manifest import SITE_ZONE

    return SITE_ZONE


def test_typed_answers_are_paged_searched_without_personal_data_and_go_with_their_response(
    app,
) -> None:
    with app.app_context():
        with transaction():
            for n in range(7):
                add_response(
                    questionnaire="index-test",
                    reference=f"TX{n:05d}",
                    answers={"why": f"Answer {n}: call 07700 900{n:03d}", "q1": "yes"},
                    held_reasons={"why": [{"kind": "phone", "start": 15, "end": 28}]},
                    spam=False,
                    ip_hash=None,
                )
        everyone = Selection("index-test")
        assert texts.count_typed(everyone, Asked(["why"])) == 7
        page = texts.typed(everyone, Asked(["why"]), limit=3, offset=3)
        assert [found.reference for found in page] == ["TX00003", "TX00002", "TX00001"]
        # Moderators search without the phone numbers; administrators with them.
        assert texts.count_typed(everyone, Asked(["why"], contains="07700")) == 0
        assert texts.count_typed(everyone, Asked(["why"], contains="07700", personal=True)) == 7
        assert texts.count_typed(everyone, Asked(["why"], contains="ANSWER 4")) == 1
        # LIKE's own characters are only themselves.
        assert texts.count_typed(everyone, Asked(["why"], contains="%")) == 0
        assert texts.count_typed(everyone, Asked(["why"], contains="_")) == 0
        with transaction():
            db.session.execute(
                delete(QuestionnaireResponse).where(QuestionnaireResponse.reference == "TX00000")
            )
        assert texts.count_typed(everyone, Asked(["why"])) == 6
        assert counts.tally(everyone).answered == {"why": 6, "q1": 6}
        rows = db.session.scalar(select(func.count()).select_from(AnswerRow))
        assert rows == 12


def test_the_migration_indexes_the_responses_stored_before_it(make_app) -> None:
    from flask_migrate import downgrade, upgrade

    app = make_app()
    with app.app_context():
        downgrade(revision="b9c0d1e2f3a4")
        db.session.execute(
            db.text(
                "INSERT INTO responses (questionnaire, reference, answers, held_reasons, spam,"
                " created, channel) VALUES ('old', 'OLD1', :a, '{}', :f, :c, 'site')"
            ),
            {
                "a": '{"q1": ["yes", "no"], "why": "Late at night"}',
                "f": False,
                "c": datetime.datetime(2026, 6, 30, 23, 30),  # UTC: 1 July in the UK
            },
        )
        db.session.commit()
        upgrade()
        stored = db.session.scalars(select(QuestionnaireResponse)).one()
        assert stored.day == datetime.date(2026, 7, 1)
        tallied = counts.tally(Selection("old", since=datetime.date(2026, 7, 1)))
        assert tallied.responses == 1
        assert tallied.counts["q1"] == {"yes": 1, "no": 1} and tallied.answered["q1"] == 1
        assert texts.typed(Selection("old"), Asked(["why"]))[0].text == "Late at night"


def test_the_reindex_command_counts_responses_written_by_hand(app) -> None:
    with app.app_context():
        with transaction():
            db.session.add(
                QuestionnaireResponse(
                    questionnaire="by-hand",
                    reference="HAND1",
                    answers={"q1": "yes", "why": "Written straight into the database."},
                    held_reasons={},
                )
            )
        assert counts.tally(Selection("by-hand")).answered == {}
    result = app.test_cli_runner().invoke(args=["reports", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 answer row(s)." in result.output
    with app.app_context():
        tallied = counts.tally(Selection("by-hand"))
        assert tallied.responses == 1 and tallied.counts["q1"] == {"yes": 1}
