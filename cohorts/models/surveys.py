"""What learners and facilitators say about a circle when it ends, and the course ratings that come of it."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The 1–5 scale shared by confidence and ratings.
SCALE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class GoalMet(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NO_GOAL = "no_goal", _("I did not set a goal")


class LearnerSurvey(models.Model):
    """A member's answers when their circle finishes (one per membership)."""

    membership = models.OneToOneField("cohorts.Membership", on_delete=models.CASCADE, related_name="end_survey")
    goal_met = models.CharField(_("did you meet your goal?"), max_length=10, choices=GoalMet.choices)
    confidence_after = models.PositiveSmallIntegerField(
        _("how confident do you feel now?"), null=True, blank=True, validators=SCALE_VALIDATORS
    )
    advice = models.TextField(_("what would you tell the next learner?"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence_after__isnull=True) | Q(confidence_after__gte=1, confidence_after__lte=5),
                name="cohorts_learner_survey_confidence_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"End survey of {self.membership}"


class FacilitatorSurvey(models.Model):
    """A facilitator's own end-of-circle survey."""

    membership = models.OneToOneField("cohorts.Membership", on_delete=models.CASCADE, related_name="facilitator_survey")
    how_it_went = models.TextField(_("how did the circle go?"), max_length=4000)
    course_changes = models.TextField(_("what would you change in the course?"), max_length=4000, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Facilitator survey of {self.membership}"


class CourseRatingQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden_at__isnull=True)


class CourseRating(models.Model):
    """A 1–5 rating of a course, with an optional review, by someone who finished a circle on it.

    One per finished membership; the course is stored too, so that a course page reads its ratings without
    going through circles (courses never import cohorts, so the page asks through a hook).
    """

    membership = models.OneToOneField("cohorts.Membership", on_delete=models.CASCADE, related_name="course_rating")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="ratings")
    rating = models.PositiveSmallIntegerField(_("rating"), validators=SCALE_VALIDATORS)
    review = models.TextField(_("review"), max_length=4000, blank=True)
    show_name = models.BooleanField(_("show my name with my review"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The course's maintainers may answer once.
    reply = models.TextField(_("reply"), max_length=4000, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)

    objects = CourseRatingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="cohorts_course_rating_1_to_5"),
        ]
        indexes = [models.Index(fields=["course", "hidden_at"], name="cohorts_course_rating_visible")]

    def __str__(self) -> str:
        return f"{self.rating}/5 for {self.course_id} by membership {self.membership_id}"


class CourseRatingFlag(models.Model):
    """A reader's report that a course review is inappropriate, and how a site editor dealt with it."""

    rating = models.ForeignKey(CourseRating, on_delete=models.CASCADE, related_name="flags")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    explanation = models.TextField(_("what is wrong with it?"), max_length=2000)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["rating", "raised_by"], name="cohorts_course_rating_flag_once")]

    def __str__(self) -> str:
        return f"Flag on course rating {self.rating_id}"
