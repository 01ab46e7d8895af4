"""The answer index carries each response's language: counted per language like per channel,
its typed answers read with their language; the languages' migration leaves responses from
before without one (the site's, to the reports) and the index made before it still fills; the
reindex command copies each response's language onto its rows."""

from __future__ import annotations

import datetime

from sqlalchemy import select

from feedback_api.storage import transaction
from feedback_api.storage.answers import counts, texts
from feedback_api.storage.answers.counts import Selection
from feedback_api.storage.answers.models import AnswerRow
from feedback_api.storage.answers.texts import Asked
from feedback_api.storage.models import QuestionnaireResponse, db
from feedback_api.storage.responses import add_response

PEOPLE = [  # (language, answers)
    ("cy", {"q1": "yes", "used": ["gp", "pharmacy"], "why": "Aros hir iawn."}),
    ("cy", {"q1": "no", "used": ["gp"]}),
    ("en-GB", {"q1": "yes", "used": ["pharmacy"], "why": "A long wait."}),
    (None, {"q1": "yes"}),
]


def _store(app) -> None:
    with app.app_context(), transaction():
        for n, (language, answers) in enumerate(PEOPLE):
            add_response(
                questionnaire="lang-test",
                reference=f"LG{n:05d}",
                answers=answers,
                held_reasons={},
                spam=False,
                ip_hash=None,
                language=language,
            )
        add_response(  # the honeypot's catch: never counted, in any language
            questionnaire="lang-test",
            reference="LGSPAM",
            answers={"q1": "no"},
            held_reasons={},
            spam=True,
            ip_hash=None,
            language="cy",
        )


def test_answers_are_counted_per_language_like_per_channel(app) -> None:
    _store(app)
    with app.app_context():
        everyone = Selection("lang-test")
        assert counts.per_language(everyone) == {"cy": 2, "en-GB": 1, None: 1}
        per = counts.tally_by(everyone, counts.BY_LANGUAGE, ["q1", "used"])
        assert counts.sizes(per) == {"cy": 2, "en-GB": 1, None: 1}
        assert per["cy"].counts == {"q1": {"yes": 1, "no": 1}, "used": {"gp": 2, "pharmacy": 1}}
        assert per["cy"].answered == {"q1": 2, "used": 2}
        assert per["en-GB"].counts == {"q1": {"yes": 1}, "used": {"pharmacy": 1}}
        assert per[None].counts == {"q1": {"yes": 1}}
        typed = texts.typed(everyone, Asked(["why"]))
        assert [(found.text, found.language) for found in typed] == [
            ("A long wait.", "en-GB"),
            ("Aros hir iawn.", "cy"),
        ]


def test_responses_from_before_the_migration_have_no_language_and_are_still_counted(
    make_app,
) -> None:
    from flask_migrate import downgrade, upgrade

    from feedback_api.storage.answers.index import reindex

    app = make_app()
    with app.app_context():
        downgrade(revision="c0d1e2f3a4b5")
        db.session.execute(
            db.text(
                "INSERT INTO responses (questionnaire, reference, answers, held_reasons, spam,"
                " created, channel) VALUES ('old', 'OLD1', :a, '{}', :f, :c, 'site')"
            ),
            {
                "a": '{"q1": ["yes", "no"], "why": "Before languages"}',
                "f": False,
                "c": datetime.datetime(2026, 6, 30, 12, 0),
            },
        )
        # The index as it was before languages fills without the column it does not have yet.
        assert reindex(db.session.connection()) == 3
        db.session.commit()
        upgrade()
        stored = db.session.scalars(select(QuestionnaireResponse)).one()
        assert stored.language is None
        assert set(db.session.scalars(select(AnswerRow.language))) == {None}
        per = counts.tally_by(Selection("old"), counts.BY_LANGUAGE, ["q1"])
        assert counts.sizes(per) == {None: 1} and per[None].counts["q1"] == {"yes": 1, "no": 1}
        assert texts.typed(Selection("old"), Asked(["why"]))[0].language is None


def test_the_reindex_command_copies_each_responses_language(app) -> None:
    _store(app)
    with app.app_context(), transaction():
        # A response given its language straight in the database (a correction, say).
        db.session.execute(
            db.update(QuestionnaireResponse)
            .where(QuestionnaireResponse.reference == "LG00003")
            .values(language="pl")
        )
    result = app.test_cli_runner().invoke(args=["reports", "reindex"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        per = counts.tally_by(Selection("lang-test"), counts.BY_LANGUAGE, ["q1"])
        assert counts.sizes(per) == {"cy": 2, "en-GB": 1, "pl": 1}
        assert per["pl"].counts == {"q1": {"yes": 1}}
