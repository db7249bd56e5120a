from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = "Study circles"

    def ready(self):
        from p2pu.notifications import kinds

        from .review import kinds as review_kinds

        kinds.register("circle.meeting_reminder", label="A circle meeting is coming up (a day and an hour before)")
        kinds.register("circle.meeting_changed", label="A circle meeting was moved or cancelled")
        kinds.register("circle.waitlist_promoted", label="A seat opened up for you in a circle")
        kinds.register("circle.join_request", label="Someone asked to join a circle you facilitate")
        kinds.register(
            "circle.membership_changed",
            label="Your place in a circle changed (request answered, removed, made facilitator)",
        )
        kinds.register("circle.invited", label="You were invited to a circle")
        kinds.register("circle.message", label="A facilitator wrote to your circle")
        kinds.register("circle.cancelled", label="A circle you are in was cancelled")
        kinds.register(
            "circle.feedback_prompt", label="How was the meeting? (after each meeting)", default=kinds.Frequency.DAILY
        )
        kinds.register("circle.facilitator_digest", label="Weekly summary of the circles you facilitate")
        review_kinds.register()
