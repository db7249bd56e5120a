"""Flagging, moderating and replying to course reviews: what each service writes, who hears of it, the audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cohorts import audit_actions
from cohorts.models import CourseRatingFlag
from cohorts.ratings import notification_kinds, services
from p2pu.audit.models import AuditEntry
from p2pu.core.rate_limits import RateLimited
from p2pu.notifications.models import Notification
from tests.cohorts.factories import make_course
from tests.factories import UserFactory

from .setup import maintainer_of, rate, site_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def rating(course):
    return rate(course, [2], review="Too fast for me.")[0]


class TestFlag:
    def test_a_reader_flags_a_review_once_and_site_editors_hear_of_it(self, rating):
        editor = site_editor()
        reader = UserFactory()
        flag = services.course_rating_flag(rating=rating, by=reader, explanation="  It insults the facilitator. ")
        assert flag.explanation == "It insults the facilitator."
        note = Notification.objects.get(recipient=editor, kind=notification_kinds.FLAG)
        assert note.url == f"/admin/course-rating-flags/{flag.pk}/"
        assert "Mapping rivers" in note.title
        with pytest.raises(ValidationError, match="already flagged"):
            services.course_rating_flag(rating=rating, by=reader, explanation="Again")
        assert CourseRatingFlag.objects.count() == 1

    def test_an_explanation_is_needed(self, rating):
        with pytest.raises(ValidationError) as refused:
            services.course_rating_flag(rating=rating, by=UserFactory(), explanation="   ")
        assert "explanation" in refused.value.error_dict

    def test_nobody_flags_their_own_review_or_a_hidden_one(self, rating):
        with pytest.raises(PermissionDenied):
            services.course_rating_flag(rating=rating, by=rating.membership.user, explanation="Mine")
        services.course_rating_hide(rating=rating, by=site_editor())
        with pytest.raises(PermissionDenied):
            services.course_rating_flag(rating=rating, by=UserFactory(), explanation="Hidden")

    def test_flagging_is_rate_limited(self, course, settings):
        settings.COURSE_RATING_FLAG_SEND_RATE = (2, 3600)
        reader = UserFactory()
        ratings = rate(course, [1, 2, 3])
        for rating in ratings[:2]:
            services.course_rating_flag(rating=rating, by=reader, explanation="Unkind")
        with pytest.raises(RateLimited):
            services.course_rating_flag(rating=ratings[2], by=reader, explanation="Unkind")
        assert CourseRatingFlag.objects.count() == 2

    def test_site_editors_flooded_with_flags_are_not_told_again(self, course, settings):
        settings.COURSE_RATING_NOTIFY_RATE = (1, 3600)
        editor = site_editor()
        for rating in rate(course, [1, 2]):
            services.course_rating_flag(rating=rating, by=UserFactory(), explanation="Unkind")
        assert Notification.objects.filter(recipient=editor, kind=notification_kinds.FLAG).count() == 1
        assert CourseRatingFlag.objects.count() == 2


class TestModeration:
    def test_hiding_resolves_the_open_flags_and_is_audited(self, rating):
        editor = site_editor()
        flags = [services.course_rating_flag(rating=rating, by=UserFactory(), explanation="Rude") for _ in range(2)]
        services.course_rating_hide(rating=rating, by=editor, note="Personal attack")
        rating.refresh_from_db()
        assert rating.hidden_at is not None and rating.hidden_by == editor
        for flag in flags:
            flag.refresh_from_db()
            assert flag.resolved_by == editor and flag.review_hidden
        entry = AuditEntry.objects.get(action=audit_actions.COURSE_RATING_HIDDEN)
        assert entry.actor == editor and entry.target == rating.membership.user and entry.reason == "Personal attack"

    def test_unhiding_shows_it_again_and_is_audited(self, rating):
        editor = site_editor()
        services.course_rating_hide(rating=rating, by=editor)
        services.course_rating_unhide(rating=rating, by=editor, note="On second reading, fair")
        rating.refresh_from_db()
        assert rating.hidden_at is None and rating.hidden_by is None
        assert AuditEntry.objects.filter(action=audit_actions.COURSE_RATING_UNHIDDEN, actor=editor).exists()
        with pytest.raises(ValidationError, match="not hidden"):
            services.course_rating_unhide(rating=rating, by=editor)

    def test_dismissing_keeps_the_review_and_resolves_its_flags(self, rating):
        editor = site_editor()
        flag = services.course_rating_flag(rating=rating, by=UserFactory(), explanation="I disagree")
        services.course_rating_flags_dismiss(rating=rating, by=editor, note="An honest opinion")
        flag.refresh_from_db()
        rating.refresh_from_db()
        assert flag.resolved_by == editor and not flag.review_hidden and rating.hidden_at is None
        assert AuditEntry.objects.filter(action=audit_actions.COURSE_RATING_FLAG_DISMISSED).exists()
        with pytest.raises(ValidationError, match="already been dealt with"):
            services.course_rating_flags_dismiss(rating=rating, by=editor)

    @pytest.mark.parametrize("who", ["reader", "reviewer", "maintainer"])
    def test_only_site_editors_moderate(self, rating, who):
        person = {
            "reader": UserFactory(),
            "reviewer": rating.membership.user,
            "maintainer": maintainer_of(rating.course),
        }[who]
        services.course_rating_flag(rating=rating, by=UserFactory(), explanation="Rude")
        for action in (services.course_rating_hide, services.course_rating_flags_dismiss):
            with pytest.raises(PermissionDenied):
                action(rating=rating, by=person)
        rating.refresh_from_db()
        assert rating.hidden_at is None and rating.flags.filter(resolved_at__isnull=True).count() == 1


class TestReply:
    def test_a_maintainer_replies_once_and_the_reviewer_is_told(self, rating):
        maintainer = maintainer_of(rating.course)
        services.course_rating_reply(rating=rating, by=maintainer, text=" We slowed module 2 down. ")
        rating.refresh_from_db()
        assert rating.reply == "We slowed module 2 down." and rating.replied_by == maintainer
        note = Notification.objects.get(recipient=rating.membership.user, kind=notification_kinds.REPLY)
        assert note.url == f"{rating.course.url}#review-{rating.pk}"

    def test_a_second_reply_is_refused_even_from_another_maintainer(self, rating):
        services.course_rating_reply(rating=rating, by=maintainer_of(rating.course), text="Thanks")
        with pytest.raises(ValidationError, match="reply already"):
            services.course_rating_reply(rating=rating, by=maintainer_of(rating.course), text="Me too")
        rating.refresh_from_db()
        assert rating.reply == "Thanks"

    def test_the_reply_is_edited_without_telling_the_reviewer_again(self, rating):
        maintainer = maintainer_of(rating.course)
        services.course_rating_reply(rating=rating, by=maintainer, text="Thanks")
        services.course_rating_reply_edit(rating=rating, by=maintainer, text="Thank you: we changed module 2.")
        rating.refresh_from_db()
        assert rating.reply == "Thank you: we changed module 2."
        assert Notification.objects.filter(kind=notification_kinds.REPLY).count() == 1

    def test_there_is_nothing_to_edit_before_a_reply(self, rating):
        with pytest.raises(ValidationError, match="no reply"):
            services.course_rating_reply_edit(rating=rating, by=maintainer_of(rating.course), text="Edit")

    def test_replies_are_rate_limited(self, course, settings):
        settings.COURSE_RATING_REPLY_RATE = (1, 3600)
        maintainer = maintainer_of(course)
        first, second = rate(course, [4, 5])
        services.course_rating_reply(rating=first, by=maintainer, text="Thanks")
        with pytest.raises(RateLimited):
            services.course_rating_reply(rating=second, by=maintainer, text="Thanks")
        second.refresh_from_db()
        assert second.replied_at is None

    def test_a_flooded_reviewer_is_not_told_again_but_the_reply_stands(self, course, settings):
        settings.COURSE_RATING_NOTIFY_RATE = (1, 3600)
        reviewer = UserFactory()
        other = make_course(modules=0, title="Brewing tea")
        ratings = [rate(each, [3], people=[reviewer])[0] for each in (course, other)]
        for rating in ratings:
            services.course_rating_reply(rating=rating, by=maintainer_of(rating.course), text="Thanks")
            rating.refresh_from_db()
            assert rating.reply == "Thanks"
        assert Notification.objects.filter(recipient=reviewer, kind=notification_kinds.REPLY).count() == 1

    @pytest.mark.parametrize("who", ["learner", "reviewer", "author of another course", "site editor"])
    def test_only_the_course_maintainers_reply(self, rating, site_tree, who):
        other = make_course(modules=0, title="Brewing tea")
        person = {
            "learner": UserFactory(),
            "reviewer": rating.membership.user,
            "author of another course": maintainer_of(other),
            "site editor": site_editor(),
        }[who]
        with pytest.raises(PermissionDenied):
            services.course_rating_reply(rating=rating, by=person, text="Hello")
        rating.refresh_from_db()
        assert rating.replied_at is None
