"""Goal and end-of-circle survey pages, under /circles/<circle_id>/ (included from cohorts.urls as
``cohorts:surveys``)."""

from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("goal/", views.goal_edit, name="goal"),
    path("survey/", views.survey_answer, name="answer"),
    path("survey/answers/", views.learner_answers_list, name="learner_answers"),
]
