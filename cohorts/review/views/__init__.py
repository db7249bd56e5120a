"""Pages of peer review, one module per part of it.

Learners: ``activity`` (the circle's overview and one activity: handing in work, asking for the
next review), ``submission`` (a piece of work and its feedback) and ``reviewing`` (writing a review,
rating or flagging one). Facilitators: ``facilitation`` (settings, handing out reviews, stuck work,
progress and its CSV) and ``moderation`` (flagged reviews).

Views stay thin: they load the circle through ``cohorts.access``, read through QuerySet methods,
``cohorts.review.progress`` and ``cohorts.review.results``, ask ``cohorts.review.permissions`` who
may see what, and write through ``cohorts.review.services``. Work a person may not see answers 404,
so its existence is not revealed; pages of a circle they are not a member of answer 403 with a
reason, like the circle's other member pages.
"""
