"""Writing reviews, scores with their explanation, helpfulness ratings, and flags through moderation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cohorts.models import AssignmentState, Review, ReviewAssignment, ReviewFlag
from cohorts.review import notification_kinds, services
from cohorts.review import scoring as review_scoring
from cohorts.review.results import activity_results_for
from cohorts.review.services.reviews import review_received_notify
from p2pu.notifications.models import Notification
from tests.cohorts.review_setup import hand_in, review_circle, review_done
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def allocated(site_tree):
    """Four learners handed in; reviews are out (three each)."""
    rc = review_circle(learners=4)
    work = {learner.pk: hand_in(rc, learner) for learner in rc.learners}
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    return rc, work


def reviews_of(submission):
    return list(ReviewAssignment.objects.filter(submission=submission).order_by("pk"))


def test_an_incomplete_review_is_kept_as_a_draft_with_errors_next_to_the_fields(client, allocated):
    rc, _ = allocated
    assignment = ReviewAssignment.objects.filter(reviewer=rc.learners[0]).first()
    clarity, evidence = rc.criterion_ids()
    client.force_login(rc.learners[0])
    url = f"/circles/{rc.circle.pk}/reviews/{assignment.pk}/"
    page = client.get(url).content.decode()
    assert "My plan:" in page and "<legend>Clarity</legend>" in page

    response = client.post(
        f"{url}save/",
        {"action": "submit", f"criterion_{clarity}_score": "4", f"criterion_{clarity}_comment": "Clear goals"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose a level for “Evidence”." in page and "Write an overall comment" in page
    review = Review.objects.get(assignment=assignment)
    assert review.submitted_at is None and review.scores_by_criterion[clarity].score == 4
    assert "Clear goals" in client.get(url).content.decode()  # nothing lost

    response = client.post(
        f"{url}save/",
        {
            "action": "submit",
            f"criterion_{clarity}_score": "4",
            f"criterion_{evidence}_score": "2",
            "overall_comment": "Good start.",
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.COMPLETED
    assert client.post(f"{url}save/", {"action": "save", "overall_comment": "changed"}).status_code == 200
    assert Review.objects.get(assignment=assignment).overall_comment == "Good start."


def test_levels_must_be_the_rubrics_own(allocated):
    rc, _ = allocated
    assignment = ReviewAssignment.objects.filter(reviewer=rc.learners[0]).first()
    clarity, _ = rc.criterion_ids()
    with pytest.raises(ValidationError) as refused:
        services.review_save_draft(
            assignment=assignment, by=rc.learners[0], overall_comment="", scores={clarity: (9, "")}
        )
    assert set(refused.value.error_dict) == {f"criterion_{clarity}_score"}


def test_only_the_assigned_reviewer_writes_the_review(allocated):
    rc, _ = allocated
    assignment = ReviewAssignment.objects.filter(reviewer=rc.learners[0]).first()
    for person in (rc.learners[1], rc.facilitator, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.review_save_draft(assignment=assignment, by=person, overall_comment="x", scores={})
        with pytest.raises(PermissionDenied):
            services.review_submit(assignment=assignment, by=person)


def test_authors_hear_of_each_review_once_without_the_reviewers_name(allocated):
    rc, work = allocated
    author = rc.learners[0]
    first = reviews_of(work[author.pk])[0]
    review = review_done(first)
    notification = Notification.objects.get(recipient=author, kind=notification_kinds.RECEIVED)
    assert notification.actor is None
    assert first.reviewer.get_display_name() not in notification.title + notification.body
    review_received_notify(review, first)  # a repeat is deduplicated
    assert Notification.objects.filter(recipient=author, kind=notification_kinds.RECEIVED).count() == 1


def test_scores_are_medians_with_spread_and_say_which_reviews_counted(client, allocated):
    rc, work = allocated
    author = rc.learners[0]
    submission = work[author.pk]
    for assignment, levels in zip(reviews_of(submission), [(2, 5), (4, 4), (5, 1)], strict=True):
        review_done(assignment, levels=levels)
    result = activity_results_for(rc.activity()).for_submission(submission.pk)
    clarity, evidence = result.criteria
    assert (clarity.median, clarity.spread, clarity.count) == (4, 1, 3)
    assert (evidence.median, evidence.spread) == (4, 1)
    assert clarity.estimator == "median" and clarity.nearest_level["label"] == "Level 4"
    assert evidence.flagged  # 1 and 5 on a 1–5 rubric: reviewers disagree strongly
    client.force_login(author)
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "<strong>4 of 5</strong>" in page and "± 1" in page
    assert "3 reviews counted: Reviewer 1, Reviewer 2, Reviewer 3." in page
    assert "<em>median</em>" in page


def test_a_circle_shows_the_corrected_score_only_when_it_beat_the_median_on_facilitator_reviews(
    client, allocated, monkeypatch
):
    rc, work = allocated
    author = rc.learners[0]
    submission = work[author.pk]
    for assignment in reviews_of(submission):
        review_done(assignment, levels=(3, 3))
    anchor = services.review_facilitator_take(submission=submission, by=rc.facilitator)
    review_done(anchor, levels=(5, 5))
    seen = {}

    def choose(observations, anchors, reviewer_weights=None):
        seen["anchors"] = set(anchors)
        return review_scoring.EstimatorChoice("corrected", "closer_to_anchors", anchored_submissions=1, min_anchors=1)

    monkeypatch.setattr(review_scoring, "choose_estimator_for", choose)
    result = activity_results_for(rc.activity()).for_submission(submission.pk)
    assert seen["anchors"] == {rc.facilitator.pk}
    assert result.uses_corrected and result.criteria[0].shown == result.criteria[0].corrected
    # The anchor pulls the corrected estimate above the peers' median of 3.
    assert result.criteria[0].corrected > 3
    client.force_login(author)
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "corrected" in page and "Reviewer 4 (a facilitator)" in page
    assert "the corrected score came at least as close to the facilitator" in page


def test_without_enough_facilitator_scores_the_author_reads_why_the_median_is_shown(client, allocated):
    rc, work = allocated
    author = rc.learners[0]
    submission = work[author.pk]
    for assignment in reviews_of(submission):
        review_done(assignment, levels=(3, 3))
    client.force_login(author)
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "A facilitator has scored 0 of the 3 pieces of work needed" in page
    assert "corrected</span>" not in page


def test_a_harsh_reviewer_with_facilitator_anchors_keeps_the_median_when_correction_does_not_help(site_tree):
    rc = review_circle(learners=7)
    work = [hand_in(rc, learner) for learner in rc.learners]
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    truth = {s.pk: 2 + (i % 3) for i, s in enumerate(work)}
    harsh = rc.learners[0]
    for assignment in ReviewAssignment.objects.all():
        level = 1 if assignment.reviewer == harsh else truth[assignment.submission_id]
        review_done(assignment, levels=(level, level))
    for submission in work[:4]:
        review_done(
            services.review_facilitator_take(submission=submission, by=rc.facilitator),
            levels=(truth[submission.pk],) * 2,
        )
    results = activity_results_for(rc.activity())
    # The median of two honest reviews and one harsh one is already exact, so nothing beats it.
    assert set(results.estimators.values()) == {"median"}
    assert results.anchored_submissions == 4
    for submission in work:
        assert results.for_submission(submission.pk).criteria[0].median == truth[submission.pk]


def test_helpfulness_is_rated_by_the_author_and_shown_to_the_reviewer(client, allocated):
    rc, work = allocated
    author = rc.learners[0]
    assignment = reviews_of(work[author.pk])[0]
    review = review_done(assignment)
    for person in (
        assignment.reviewer,
        rc.facilitator,
        rc.learners[3] if rc.learners[3] != assignment.reviewer else rc.learners[2],
    ):
        with pytest.raises(PermissionDenied):
            services.review_rate(review=review, by=person, helpfulness=5)
        client.force_login(person)
        assert client.post(f"/circles/{rc.circle.pk}/feedback/{review.pk}/rate/", {"helpfulness": 5}).status_code == 404
    client.force_login(author)
    client.post(f"/circles/{rc.circle.pk}/feedback/{review.pk}/rate/", {"helpfulness": 4})
    review.refresh_from_db()
    assert review.helpfulness == 4
    client.force_login(assignment.reviewer)
    page = client.get(rc.activity_url).content.decode()
    assert "the author found it <strong>helpful</strong>" in page
    assert "on average 4 of 5 for helpfulness" in page


def test_a_flag_reaches_moderation_where_the_review_is_hidden_and_another_asked_for(client, site_tree):
    rc = review_circle(learners=5)  # one more than k + 1, so someone is free to write another review
    work = {learner.pk: hand_in(rc, learner) for learner in rc.learners}
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    author = rc.learners[0]
    submission = work[author.pk]
    flagged_assignment = reviews_of(submission)[0]
    flagged = review_done(flagged_assignment, comment="Rubbish, you should quit.")
    for assignment in reviews_of(submission)[1:]:
        review_done(assignment)

    client.force_login(author)
    flag_url = f"/circles/{rc.circle.pk}/feedback/{flagged.pk}/flag/"
    response = client.post(flag_url, {"reason": "hurtful", "explanation": ""})
    assert "This field is required." in response.content.decode() and not ReviewFlag.objects.exists()
    client.post(flag_url, {"reason": "hurtful", "explanation": "It insults me."})
    flag = ReviewFlag.objects.get()
    with pytest.raises(ValidationError, match="already flagged"):
        services.review_flag(review=flagged, by=author, reason="other", explanation="again")
    raised = Notification.objects.get(kind=notification_kinds.FLAG_RAISED)
    assert raised.recipient == rc.facilitator and "Rude, hurtful or personal" in raised.body

    client.force_login(rc.facilitator)
    queue = client.get(f"/circles/{rc.circle.pk}/moderation/").content.decode()
    assert "It insults me." in queue and "Rubbish, you should quit." in queue
    response = client.post(
        f"/circles/{rc.circle.pk}/moderation/{flag.pk}/",
        {
            f"flag-{flag.pk}-hide_review": "on",
            f"flag-{flag.pk}-ask_for_another": "on",
            f"flag-{flag.pk}-note": "Hidden.",
        },
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    flagged.refresh_from_db()
    assert flag.is_resolved and flag.review_hidden and flag.another_requested and flagged.is_hidden
    flagged_assignment.refresh_from_db()
    assert flagged_assignment.state == AssignmentState.DISCARDED
    replacement = ReviewAssignment.objects.get(submission=submission, source="replacement")
    assert replacement.reviewer not in (author, flagged_assignment.reviewer)
    assert Notification.objects.filter(kind=notification_kinds.ASSIGNED, recipient=replacement.reviewer).exists()

    client.force_login(author)
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Rubbish, you should quit." not in page
    assert "1 review was hidden by a facilitator" in page
    assert "2 reviews counted" in page
    result = activity_results_for(rc.activity()).for_submission(submission.pk)
    assert flagged.pk not in result.counted_review_ids


def test_when_nobody_is_free_the_facilitator_is_told_to_review_it_themselves(allocated):
    rc, work = allocated
    submission = work[rc.learners[0].pk]
    for assignment in reviews_of(submission):
        review_done(assignment)
    review = Review.objects.filter(submission=submission).first()
    flag = services.review_flag(review=review, by=rc.learners[0], reason="unfair", explanation="Scores are off.")
    problems = services.flag_resolve(flag=flag, by=rc.facilitator, hide_review=True, ask_for_another=True)
    # Three others, all of whom hold or held this work: nobody is left.
    assert problems and "review it yourself" in problems[0]
    with pytest.raises(ValidationError, match="already been dealt with"):
        services.flag_resolve(flag=flag, by=rc.facilitator, hide_review=False, ask_for_another=False)


def test_only_authors_flag_and_only_facilitators_resolve(allocated):
    rc, work = allocated
    assignment = reviews_of(work[rc.learners[0].pk])[0]
    review = review_done(assignment)
    for person in (assignment.reviewer, rc.facilitator, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.review_flag(review=review, by=person, reason="other", explanation="x")
    flag = services.review_flag(review=review, by=rc.learners[0], reason="other", explanation="x")
    for person in (rc.learners[0], assignment.reviewer, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.flag_resolve(flag=flag, by=person, hide_review=True, ask_for_another=False)


def test_feedback_can_wait_until_the_learners_own_reviews_are_done(client, site_tree):
    rc = review_circle(learners=4)
    rc.circle.feedback_after_own_reviews = True
    rc.circle.save()
    work = {learner.pk: hand_in(rc, learner) for learner in rc.learners}
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    author = rc.learners[0]
    review_done(reviews_of(work[author.pk])[0], comment="Visible only later")
    client.force_login(author)
    page = client.get(work[author.pk].get_absolute_url()).content.decode()
    assert "Visible only later" not in page and "once you have done your own reviews" in page
    for assignment in ReviewAssignment.objects.filter(reviewer=author):
        review_done(assignment)
    assert "Visible only later" in client.get(work[author.pk].get_absolute_url()).content.decode()


def test_anonymity_can_only_grow_once_reviews_are_written(allocated):
    rc, work = allocated
    services.circle_review_settings_update(
        circle=rc.circle, by=rc.facilitator, review_anonymity="open", feedback_after_own_reviews=False
    )
    services.circle_review_settings_update(
        circle=rc.circle, by=rc.facilitator, review_anonymity="reviewers_hidden", feedback_after_own_reviews=False
    )
    review_done(reviews_of(work[rc.learners[0].pk])[0])
    with pytest.raises(ValidationError, match="only become more anonymous"):
        services.circle_review_settings_update(
            circle=rc.circle, by=rc.facilitator, review_anonymity="open", feedback_after_own_reviews=False
        )
    services.circle_review_settings_update(
        circle=rc.circle, by=rc.facilitator, review_anonymity="double_blind", feedback_after_own_reviews=True
    )
    with pytest.raises(PermissionDenied):
        services.circle_review_settings_update(
            circle=rc.circle, by=rc.learners[0], review_anonymity="double_blind", feedback_after_own_reviews=False
        )


def test_another_review_comes_from_someone_the_author_does_not_review_while_anyone_else_is_free(site_tree):
    rc = review_circle(learners=7, k=2)
    work = {learner.pk: hand_in(rc, learner) for learner in rc.learners}
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    author = rc.learners[0]
    reviewed_by_author = {a.submission.authors.get().user_id for a in ReviewAssignment.objects.filter(reviewer=author)}
    # Make the people the author reviews the least busy (one of their reviews hidden), so that only
    # the preference keeps them from being asked.
    for person in reviewed_by_author:
        theirs = ReviewAssignment.objects.filter(reviewer_id=person).exclude(submission=work[author.pk]).first()
        hidden = review_done(theirs)
        owner = theirs.submission.authors.get().user
        flag = services.review_flag(review=hidden, by=owner, reason="other", explanation="Off.")
        services.flag_resolve(flag=flag, by=rc.facilitator, hide_review=True, ask_for_another=False)
    review = review_done(reviews_of(work[author.pk])[0])
    flag = services.review_flag(review=review, by=author, reason="unfair", explanation="Off.")
    assert services.flag_resolve(flag=flag, by=rc.facilitator, hide_review=True, ask_for_another=True) == []
    replacement = ReviewAssignment.objects.get(source="replacement")
    assert replacement.reviewer_id not in reviewed_by_author | {author.pk, review.reviewer_id}


def test_reviewers_of_a_revision_see_what_changed_and_review_that_version(client, allocated):
    rc, work = allocated
    author = rc.learners[0]
    submission = work[author.pk]
    services.submission_save_draft(
        activity=rc.activity(), user=author, text="My plan:\n- a clearer goal\n- three steps", change_note="Goal"
    )
    services.submission_submit(submission=submission, by=author)
    assignment = reviews_of(submission)[0]
    client.force_login(assignment.reviewer)
    page = client.get(assignment.get_absolute_url()).content.decode()
    assert "The work, version 2" in page and "What changed since version 1" in page
    assert "+ - a clearer goal</ins>" in page and "- - a goal</del>" in page
    assert review_done(assignment).version.number == 2
