"""Self-assessment and calibration in peer review: settings, the gate, who sees what, and query counts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from cohorts.models import CalibrationAttempt, CalibrationExample, ReviewAssignment, SelfAssessment
from cohorts.review import services
from cohorts.review.practice import reviewer_weights_for
from cohorts.review.results import activity_results_for
from tests.cohorts.factories import join, make_circle
from tests.cohorts.review_setup import ACTIVITY_ID, hand_in, review_circle, review_done
from tests.cohorts.test_review_pages import queries_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def add_examples(rc, count=2, levels=(4, 2)):
    activity = rc.activity()
    return [
        services.calibration_example_save(
            activity=activity,
            by=rc.facilitator,
            title=f"Example {number}",
            text=f"A plan, number {number}.",
            scores={
                cid: (level, f"Reference note {number}") for cid, level in zip(rc.criterion_ids(), levels, strict=True)
            },
            overall_comment="Notice the missing timings.",
        )
        for number in range(1, count + 1)
    ]


def calibrate(rc, learner, levels=(4, 2)):
    for example in CalibrationExample.objects.filter(activity=rc.activity()).exclude(attempts__reviewer=learner):
        services.calibration_attempt_submit(
            example=example, by=learner, scores=dict(zip(rc.criterion_ids(), levels, strict=True))
        )


def url(name, rc, *args):
    return reverse(f"cohorts:review:{name}", args=[rc.circle.pk, rc.module.pk, ACTIVITY_ID, *args])


def scores_post(rc, levels, **extra):
    return {**{f"criterion_{cid}_score": level for cid, level in zip(rc.criterion_ids(), levels, strict=True)}, **extra}


# Settings ---------------------------------------------------------------------------------------


def test_the_course_activity_block_switches_both_on_for_circles(site_tree):
    rc = review_circle(learners=2, self_assessment=True, calibration=True)

    activity = rc.activity()

    assert activity.self_assessment and activity.calibration
    assert not review_circle(learners=2).activity().calibration


def test_a_facilitator_switches_them_in_the_activity_settings(client, site_tree):
    rc = review_circle(learners=2)
    activity = rc.activity()
    client.force_login(rc.facilitator)

    response = client.post(
        url("activity_settings", rc),
        {
            "allocation_mode": "deadline",
            "due_at": activity.due_at.strftime("%Y-%m-%dT%H:%M"),
            "review_days": 7,
            "stuck_after_days": 10,
            "release_after_days": 7,
            "self_assessment": "on",
            "calibration": "on",
        },
    )

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.self_assessment and activity.calibration


# Self-assessment ------------------------------------------------------------------------------


def reviewed_work(rc):
    """Learner 0's work, reviewed by the other two learners (3 and 2 on both criteria) and a facilitator."""
    work = [hand_in(rc, learner) for learner in rc.learners]
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    for assignment in ReviewAssignment.objects.filter(submission=work[0]):
        review_done(assignment, levels=(3, 3))
    taken = services.review_facilitator_take(submission=work[0], by=rc.facilitator)
    review_done(taken, levels=(2, 3))
    return work[0]


def test_an_author_scores_their_own_work_before_reading_reviews_and_then_sees_the_comparison(client, site_tree):
    rc = review_circle(learners=3, k=2, self_assessment=True)
    work = reviewed_work(rc)
    author = rc.learners[0]
    client.force_login(author)

    before = client.get(work.get_absolute_url()).content.decode()
    assert "Score your own work" in before
    assert 'id="reviews-heading"' not in before

    refused = client.post(reverse("cohorts:review:self_assessment", args=[rc.circle.pk, work.pk]), {})
    assert refused.status_code == 200
    assert "Choose a level for “Clarity”" in refused.content.decode()
    assert not SelfAssessment.objects.exists()

    saved = client.post(
        reverse("cohorts:review:self_assessment", args=[rc.circle.pk, work.pk]),
        scores_post(rc, (5, 3), reflection="Add timings next time."),
    )
    assert saved.status_code == 302
    after = client.get(work.get_absolute_url()).content.decode()
    assert 'id="reviews-heading"' in after
    assert "Your own scores beside your reviewers" in after
    # Clarity: 5 against the facilitator's 2 is three levels generous; Evidence: 3 against 3 is close.
    assert "Generous by 3 levels" in after
    assert "You scored your work higher than your reviewers did on “Clarity”" in after
    assert "On “Evidence” you were within a level of them." in after
    assert "Add timings next time." in after

    with pytest.raises(ValidationError):
        services.self_assessment_submit(submission=work, by=author, scores=dict.fromkeys(rc.criterion_ids(), 3))


def test_without_self_assessment_the_author_reads_reviews_straight_away(client, site_tree):
    rc = review_circle(learners=3, k=2)
    work = reviewed_work(rc)
    client.force_login(rc.learners[0])

    page = client.get(work.get_absolute_url()).content.decode()

    assert 'id="reviews-heading"' in page and "Score your own work" not in page


@pytest.mark.parametrize("who", ["another learner", "facilitator", "member of another circle", "outsider"])
def test_nobody_but_an_author_scores_the_work_themselves(client, site_tree, who):
    rc = review_circle(learners=3, k=2, self_assessment=True)
    work = hand_in(rc, rc.learners[0])
    other = review_circle(learners=1)
    person = {
        "another learner": rc.learners[1],
        "facilitator": rc.facilitator,
        "member of another circle": other.learners[0],
        "outsider": UserFactory(),
    }[who]
    client.force_login(person)

    response = client.post(
        reverse("cohorts:review:self_assessment", args=[rc.circle.pk, work.pk]), scores_post(rc, (3, 3))
    )

    assert response.status_code == 404
    assert not SelfAssessment.objects.exists()
    with pytest.raises(PermissionDenied):
        services.self_assessment_submit(submission=work, by=person, scores=dict.fromkeys(rc.criterion_ids(), 3))


def test_anonymous_visitors_are_sent_to_sign_in(client, site_tree):
    rc = review_circle(learners=1, self_assessment=True, calibration=True)
    work = hand_in(rc, rc.learners[0])

    response = client.post(reverse("cohorts:review:self_assessment", args=[rc.circle.pk, work.pk]))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "/accounts/login/" in client.get(url("calibration", rc))["Location"]


# Calibration ----------------------------------------------------------------------------------


def test_learners_calibrate_before_reviewing_and_then_the_gate_opens(client, site_tree):
    rc = review_circle(learners=3, k=2, calibration=True)
    work = [hand_in(rc, learner) for learner in rc.learners]
    add_examples(rc)
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    learner = rc.learners[0]
    assignment = ReviewAssignment.objects.filter(reviewer=learner).first()
    client.force_login(learner)

    gated = client.get(assignment.get_absolute_url())
    assert gated.status_code == 302 and gated["Location"] == url("calibration", rc)
    with pytest.raises(ValidationError):
        review_done(assignment)
    assert "Practise on the examples" in client.get(rc.activity_url).content.decode()

    first = CalibrationExample.objects.filter(activity=rc.activity()).first()
    blind = client.get(url("calibration_example", rc, first.pk)).content.decode()
    assert "Reference note 1" not in blind and "Notice the missing timings" not in blind

    response = client.post(url("calibration_example", rc, first.pk), scores_post(rc, (5, 2)))
    assert response.status_code == 302
    seen = client.get(url("calibration_example", rc, first.pk)).content.decode()
    assert "Reference note 1" in seen and "1 level higher" in seen and "Same level" in seen
    assert client.post(url("calibration_example", rc, first.pk), scores_post(rc, (4, 2))).status_code == 403
    assert client.get(assignment.get_absolute_url()).status_code == 302  # one example left

    calibrate(rc, learner)  # the rest
    assert client.get(assignment.get_absolute_url()).status_code == 200
    review_done(assignment)
    assert work[0] in [a.submission for a in ReviewAssignment.objects.filter(activity=rc.activity())]


def test_rolling_review_asks_for_calibration_first(site_tree):
    rc = review_circle(learners=3, k=2, rolling=True, calibration=True)
    rc.activity().calibration = True
    activity = rc.activity()
    activity.calibration = True
    activity.save(update_fields=["calibration"])
    for learner in rc.learners:
        hand_in(rc, learner)
    add_examples(rc)

    with pytest.raises(ValidationError):
        services.review_request_next(activity=rc.activity(), user=rc.learners[0])
    calibrate(rc, rc.learners[0])
    assert services.review_request_next(activity=rc.activity(), user=rc.learners[0]) is not None


def test_with_fewer_than_two_examples_nobody_is_held_up(site_tree):
    rc = review_circle(learners=3, k=2, calibration=True)
    for learner in rc.learners:
        hand_in(rc, learner)
    add_examples(rc, count=1)
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)

    review_done(ReviewAssignment.objects.filter(reviewer=rc.learners[0]).first())


def test_facilitators_add_up_to_three_examples_and_cannot_change_scored_ones(client, site_tree):
    rc = review_circle(learners=2, calibration=True)
    hand_in(rc, rc.learners[0])
    client.force_login(rc.facilitator)

    response = client.post(
        url("calibration_example_new", rc),
        scores_post(
            rc,
            (4, 2),
            title="A clear plan without evidence",
            text="Goal: meet weekly.",
            overall_comment="The goal is clear; nothing backs it up.",
        ),
    )
    assert response.status_code == 302
    example = CalibrationExample.objects.get()
    assert example.reference_scores == dict(zip(rc.criterion_ids(), (4, 2), strict=True))
    page = client.get(url("calibration_example", rc, example.pk)).content.decode()
    assert "Your reference scores" in page

    missing = client.post(url("calibration_example_new", rc), {"title": "Unscored", "text": "Some work."})
    assert missing.status_code == 200 and "Choose a level for “Clarity”" in missing.content.decode()
    assert CalibrationExample.objects.count() == 1

    add_examples(rc, count=2)
    with pytest.raises(ValidationError):
        add_examples(rc, count=1)
    assert "Add an example" not in client.get(url("calibration", rc)).content.decode()

    calibrate(rc, rc.learners[1])
    edit = client.post(url("calibration_example_edit", rc, example.pk), scores_post(rc, (1, 1), title="New", text="x"))
    assert edit.status_code == 200
    assert "can no longer change" in edit.content.decode()
    example.refresh_from_db()
    assert example.title == "A clear plan without evidence"


@pytest.mark.parametrize("who", ["learner", "member of another circle", "facilitator of another circle", "outsider"])
def test_only_the_circles_facilitators_give_examples(client, site_tree, who):
    rc = review_circle(learners=1, calibration=True)
    hand_in(rc, rc.learners[0])
    [example] = add_examples(rc, count=1)
    other = review_circle(learners=1)
    person = {
        "learner": rc.learners[0],
        "member of another circle": other.learners[0],
        "facilitator of another circle": other.facilitator,
        "outsider": UserFactory(),
    }[who]
    client.force_login(person)

    assert client.get(url("calibration_example_new", rc)).status_code == 403
    assert client.post(url("calibration_example_edit", rc, example.pk), {"title": "Mine"}).status_code == 403
    example.refresh_from_db()
    assert example.title == "Example 1"
    with pytest.raises(PermissionDenied):
        add_examples(type(rc)(rc.circle, person, rc.learners, rc.module, rc.rubric), count=1)


@pytest.mark.parametrize("who", ["member of another circle", "outsider"])
def test_outsiders_neither_see_nor_score_examples(client, site_tree, who):
    rc = review_circle(learners=1, calibration=True)
    hand_in(rc, rc.learners[0])
    examples = add_examples(rc)
    person = review_circle(learners=1).learners[0] if who == "member of another circle" else UserFactory()
    client.force_login(person)

    assert client.get(url("calibration", rc)).status_code == 403
    assert client.get(url("calibration_example", rc, examples[0].pk)).status_code == 403
    assert client.post(url("calibration_example", rc, examples[0].pk), scores_post(rc, (4, 2))).status_code == 403
    assert not CalibrationAttempt.objects.exists()
    with pytest.raises(PermissionDenied):
        services.calibration_attempt_submit(example=examples[0], by=person, scores={})


def test_an_example_of_another_circles_activity_is_not_found(client, site_tree):
    rc = review_circle(learners=1, calibration=True)
    hand_in(rc, rc.learners[0])
    other = review_circle(learners=1, calibration=True)
    hand_in(other, other.learners[0])
    [foreign] = add_examples(other, count=1)
    client.force_login(rc.learners[0])

    assert client.get(url("calibration_example", rc, foreign.pk)).status_code == 404


def test_calibration_accuracy_sets_the_reviewers_weights_and_facilitators_see_it(client, site_tree):
    rc = review_circle(learners=3, k=2, calibration=True)
    for learner in rc.learners:
        hand_in(rc, learner)
    add_examples(rc, levels=(4, 2))
    calibrate(rc, rc.learners[0], levels=(4, 2))  # exact
    calibrate(rc, rc.learners[1], levels=(1, 5))  # far off

    weights = reviewer_weights_for(rc.activity())

    assert weights == {rc.learners[0].pk: 2.0, rc.learners[1].pk: 0.5}
    client.force_login(rc.facilitator)
    page = client.get(url("calibration", rc)).content.decode()
    exact, far = (
        f'<th scope="row">{escape(learner.get_display_name())}</th><td>2</td><td>{accuracy}%</td>'
        for learner, accuracy in ((rc.learners[0], 100), (rc.learners[1], 25))
    )
    assert exact in page and far in page
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    calibrate(rc, rc.learners[2])
    for assignment in ReviewAssignment.objects.all():
        review_done(assignment)
    assert activity_results_for(rc.activity()).by_submission


# Query counts ---------------------------------------------------------------------------------


def calibrated_circle(learners: int):
    rc = review_circle(learners=learners, k=2, self_assessment=True, calibration=True)
    work = [hand_in(rc, learner) for learner in rc.learners]
    add_examples(rc, count=3, levels=(3, 3))
    for learner in rc.learners:
        calibrate(rc, learner)
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    for assignment in ReviewAssignment.objects.filter(activity=rc.activity()):
        review_done(assignment)
    author = rc.learners[0]
    services.self_assessment_submit(submission=work[0], by=author, scores=dict.fromkeys(rc.criterion_ids(), 4))
    first = CalibrationExample.objects.filter(activity=rc.activity()).first()
    return [
        ("examples (facilitator)", rc.facilitator, url("calibration", rc)),
        ("examples (learner)", author, url("calibration", rc)),
        ("example (learner)", author, url("calibration_example", rc, first.pk)),
        ("example (facilitator)", rc.facilitator, url("calibration_example", rc, first.pk)),
        ("submission with self-assessment", author, work[0].get_absolute_url()),
        ("activity (learner)", author, rc.activity_url),
    ]


def test_practice_pages_take_as_many_queries_for_20_learners_as_for_4(client, site_tree):
    small = {label: queries_for(client, user, page) for label, user, page in calibrated_circle(4)}
    large = {label: queries_for(client, user, page) for label, user, page in calibrated_circle(20)}

    assert large == small


def test_a_circle_that_never_started_an_activity_has_no_calibration_page(client, site_tree):
    circle = make_circle()
    learner = join(circle, UserFactory()).user
    client.force_login(learner)

    response = client.get(reverse("cohorts:review:calibration", args=[circle.pk, 999, ACTIVITY_ID]))

    assert response.status_code == 404


def test_facilitators_review_without_calibrating(site_tree):
    rc = review_circle(learners=2, k=1, calibration=True)
    work = hand_in(rc, rc.learners[0])
    add_examples(rc)

    taken = services.review_facilitator_take(submission=work, by=rc.facilitator)

    assert review_done(taken).is_anchor
