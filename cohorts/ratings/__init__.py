"""Course ratings and reviews: shown on course pages, flagged by readers, moderated by site editors and
answered by the course's maintainers. The end-of-circle survey creates them (cohorts.models.surveys)."""
