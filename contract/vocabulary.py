"""The words the programs share, as enums: a misspelt platform, status or action is an error where
it is written, not a row no query finds.

They are `StrEnum`s, so a member is the string stored in the database, the manifest and the
forms (`CommentStatus.APPROVED == "approved"`), and reading a stored value back is `Enum(value)`.
"""

from __future__ import annotations

import re
from enum import StrEnum

# An answer option's stored value (the editor's `value:`), as the build checks it and the
# answer index recognises a chosen option.
OPTION_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class Platform(StrEnum):
    """The social platforms the cross-poster posts to, in the order previews list them."""

    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    X = "x"
    FACEBOOK = "facebook"
    LINKEDIN = "linkedin"


PLATFORMS: tuple[str, ...] = tuple(Platform)


class QuestionType(StrEnum):
    """The kinds of question a questionnaire may ask (see the manifest schema for each)."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    FFT = "fft"
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    EQUALITY = "equality"


QUESTION_TYPES: tuple[str, ...] = tuple(QuestionType)
# The types a `show_if` condition may depend on, and those answered in the person's own words.
CHOICE_TYPES: tuple[str, ...] = (
    QuestionType.SINGLE,
    QuestionType.MULTIPLE,
    QuestionType.SCALE,
    QuestionType.FFT,
)
TEXT_TYPES: tuple[str, ...] = (QuestionType.TEXT, QuestionType.LONG_TEXT)


class CommentStatus(StrEnum):
    """Where a comment stands in moderation; only `approved` is ever public. What was said on
    social media is never approved: staff mark it `reviewed` (it is public where it was written,
    and not republished here)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"
    REVIEWED = "reviewed"


COMMENT_STATUSES: tuple[str, ...] = tuple(CommentStatus)


class CommitmentStatus(StrEnum):
    """Where a "You said, we did" commitment stands (content/commitments/<consultation>.yaml);
    the manifest carries each commitment's history of these, so notices can say what changed."""

    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    NOT_GOING_AHEAD = "not-going-ahead"


COMMITMENT_STATUSES: tuple[str, ...] = tuple(CommitmentStatus)


class Role(StrEnum):
    """What a staff account may do: moderators moderate; publishers also publish the site and
    cross-post; administrators also manage accounts, the audit log and people's data. Each role
    may do what the roles before it may."""

    MODERATOR = "moderator"
    PUBLISHER = "publisher"
    ADMIN = "admin"

    def allows(self, needed: Role) -> bool:
        """Whether this role may do what `needed` may."""
        order = list(Role)
        return order.index(self) >= order.index(needed)


class AuditAction(StrEnum):
    """Every action the audit log records, as staff read it in the log's filter."""

    APPROVE = "approve"
    REJECT = "reject"
    SPAM = "spam"
    REDACT_AND_APPROVE = "redact and approve"
    NEEDS_RESPONSE = "needs response"
    NO_RESPONSE_NEEDED = "no response needed"
    OFFICIAL_REPLY = "official reply"
    SIGNED_IN = "signed in"
    SIGNED_OUT = "signed out"
    SIGN_IN_FAILED = "sign-in failed"
    SIGN_IN_CODE_FAILED = "sign-in code failed"
    SIGN_IN_REFUSED_NO_SECOND_FACTOR = "sign-in refused: no second factor"
    ACCOUNT_LOCKED = "account locked"
    ACCOUNT_CREATED = "account created"
    ACCOUNT_DISABLED = "account disabled"
    PASSWORD_RESET = "password reset"
    SESSIONS_ENDED = "sessions ended"
    SECOND_FACTOR_SET = "second factor set"
    FEED_TOKEN_ISSUED = "feed token issued"
    PERSONAL_DATA_EXPORTED = "personal data exported"
    PERSONAL_DATA_ERASED = "personal data erased"
    RESPONSES_EXPORTED = "responses exported"
    PURGE = "purge"
    DIGEST_SENT = "digest sent"
    OUTBOX_RETRIED = "notice tried again"
    ACCOUNT_INVITED = "account invited"
    INVITATION_ACCEPTED = "invitation accepted"
    ROLE_CHANGED = "role changed"
    ACCOUNT_ENABLED = "account enabled"
    PASSWORD_RESET_SENT = "password reset link sent"
    PASSWORD_SET_BY_LINK = "password set by link"
    SECOND_FACTOR_REQUIRED = "second factor required"
    SECOND_FACTOR_NOT_REQUIRED = "second factor not required"
    SITE_CHECKED = "site checked"
    SITE_PUBLISHED = "site published"
    CROSSPOST_PREVIEWED = "cross-post previewed"
    CROSSPOSTED = "cross-posted"
    CROSSPOST_RETRIED = "cross-post tried again"
    REVIEW = "review"
    SOCIAL_REPLY_SENT = "reply posted to platform"
    SOCIAL_ITEM_DELETED = "social item deleted upstream"
    SOCIAL_ITEM_EDITED = "social item edited upstream"
    URGENT_ALERT = "urgent alert sent"
    THEME_ADDED = "theme added"
    THEME_RENAMED = "theme renamed"
    THEME_REMOVED = "theme removed"
    ITEM_CODED = "item coded"
