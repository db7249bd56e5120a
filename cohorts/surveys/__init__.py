"""Learners' goals and the end-of-circle surveys: what members hoped for when they joined, and what they and
the facilitators say (and how learners rate the course) when the circle finishes."""
