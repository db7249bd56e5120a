"""The organiser dashboard: an organisation's circles, learners, attendance, ratings and goals over a period.

Only the organisation's active organisers see it; everyone else, site staff included, is told it does not
exist (404), as for an organisation's other management pages: the figures are about the organisation's
learners, and site staff reach the data they need through the admin. Every table is also a CSV download
(``?format=csv&table=<name>``).
"""

import csv
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cohorts.models import Circle, CircleState, GoalMet
from p2pu.core.zones import person_zone

from ..permissions import organisation_for_organiser
from . import charts
from .forms import PeriodForm, default_period
from .queries import STATE_GROUPS, circle_detail, dashboard_figures

PRIVATE = cache_control(private=True, no_store=True)


def csv_cell(value) -> str:
    """A cell that starts like a formula is shown as text by spreadsheet programs (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@dataclass
class Table:
    name: str
    caption: str
    headers: list[str]
    rows: list[list]
    #: Row index → a link for the row's first cell.
    links: dict[int, str] = field(default_factory=dict)

    def html_rows(self) -> list[tuple[str | None, object, list]]:
        """Each row as (link of its first cell or None, first cell, the other cells)."""
        return [(self.links.get(index), row[0], row[1:]) for index, row in enumerate(self.rows)]


def _state_labels() -> dict[str, str]:
    return {
        "planned": _("Planned (draft or open for sign-up)"),
        "running": _("Running"),
        "finished": _("Finished"),
        "cancelled": _("Cancelled"),
    }


def _percent(share: float) -> str:
    return _("%(percent)s%%") % {"percent": round(share * 100)}


def _rating(value: float) -> str:
    return formats.number_format(value, 1)


def _month(month) -> str:
    return formats.date_format(month, "M Y")


def _csv_response(table: Table, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow([csv_cell(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
    return response


def _csv_or_none(request, tables: dict[str, Table], filename: str) -> HttpResponse | None:
    if request.GET.get("format") != "csv":
        return None
    table = tables.get(request.GET.get("table", ""))
    if table is None:
        raise Http404(_("There is no such table."))
    return _csv_response(table, f"{filename}-{table.name}")


def _svg(chart: charts.Chart):
    # charts.py escapes every title, description and label it writes into the markup.
    return mark_safe(chart.svg)  # noqa: S308


# --- The organisation's dashboard --------------------------------------------------------------------


def _tables(organisation, figures, zone) -> dict[str, Table]:
    states = _state_labels()
    goal_labels = dict(GoalMet.choices)
    tables = [
        Table(
            "summary",
            _("Summary"),
            [_("Measure"), _("Number")],
            [[states[group], figures.state_counts[group]] for group in STATE_GROUPS]
            + [
                [_("Learners who joined"), figures.joined],
                [_("Learners who stayed (came to at least half the meetings held)"), figures.stayed],
                [_("Learners who finished (still members when their circle finished)"), figures.finished],
                [_("Peer reviews given"), figures.reviews_given],
            ],
        ),
        Table(
            "circles",
            _("Circles in the period"),
            [_("Circle"), _("Course"), _("State"), _("First meeting"), _("Joined"), _("Stayed"), _("Finished")],
            [
                [
                    circle.name,
                    circle.course_title,
                    CircleState(circle.state).label,
                    formats.date_format(circle.first_meeting.astimezone(zone).date(), "SHORT_DATE_FORMAT"),
                    circle.joined,
                    circle.stayed,
                    circle.finished,
                ]
                for circle in figures.circles
            ],
            links={
                index: reverse(
                    "organisation_dashboard:circle", kwargs={"slug": organisation.slug, "circle_id": circle.pk}
                )
                for index, circle in enumerate(figures.circles)
            },
        ),
        Table(
            "attendance",
            _("Attendance by meeting number"),
            [_("Meeting"), _("Average share of learners present")],
            [[number, _percent(share)] for number, share in figures.attendance_by_number.items()],
        ),
        Table(
            "ratings",
            _("Meeting ratings by month"),
            [_("Month"), _("Average rating (1 to 5)"), _("Ratings")],
            [[_month(month), _rating(average), count] for month, (average, count) in figures.ratings_by_month.items()],
        ),
        Table(
            "months",
            _("Circles by month of their first meeting"),
            [_("Month"), _("Circles")],
            [[_month(month), count] for month, count in figures.circles_by_month.items()],
        ),
        Table(
            "courses",
            _("Courses used"),
            [_("Course"), _("Circles"), _("Learners who joined")],
            [[course.title, course.circles, course.learners] for course in figures.courses],
        ),
        Table(
            "goals",
            _("Learners' goals met, from their end-of-circle answers"),
            [_("Goal met?"), _("Learners")],
            [[goal_labels[answer], count] for answer, count in figures.goals.items()],
        ),
    ]
    return {table.name: table for table in tables}


def _attendance_chart(figures) -> dict:
    numbers = list(figures.attendance_by_number)
    shares = list(figures.attendance_by_number.values())
    if shares:
        summary = _(
            "On average %(first)s of learners came to the first meeting and %(last)s to meeting %(number)s."
        ) % {
            "first": _percent(shares[0]),
            "last": _percent(shares[-1]),
            "number": numbers[-1],
        }
    else:
        summary = _("No attendance was recorded for these circles yet.")
    chart = charts.line_chart(
        chart_id="attendance-chart",
        title=_("Attendance by meeting number"),
        description=summary,
        labels=[str(number) for number in numbers],
        values=[share * 100 for share in shares],
        y_max=100,
        y_ticks=[(0, _percent(0)), (50, _percent(0.5)), (100, _percent(1))],
    )
    return {"name": "attendance", "svg": _svg(chart), "summary": summary}


def _ratings_chart(figures) -> dict:
    ratings = figures.ratings_by_month
    count = sum(count for _average, count in ratings.values())
    if count:
        average = sum(average * count for average, count in ratings.values()) / count
        summary = ngettext(
            "Meetings were rated %(average)s out of 5 on average, from %(count)s rating.",
            "Meetings were rated %(average)s out of 5 on average, from %(count)s ratings.",
            count,
        ) % {"average": _rating(average), "count": count}
    else:
        summary = _("No meeting in this period was rated.")
    chart = charts.line_chart(
        chart_id="ratings-chart",
        title=_("Average meeting rating by month"),
        description=summary,
        labels=[_month(month) for month in figures.months],
        values=[ratings[month][0] if month in ratings else None for month in figures.months],
        y_max=5,
        y_ticks=[(value, str(value)) for value in range(1, 6)],
    )
    return {"name": "ratings", "svg": _svg(chart), "summary": summary}


def _months_chart(figures) -> dict:
    counts = figures.circles_by_month
    total = sum(counts.values())
    busiest = max(counts, key=lambda month: counts[month]) if total else None
    if busiest:
        summary = ngettext(
            "%(total)s circle began in this period; the busiest month was %(month)s with %(count)s.",
            "%(total)s circles began in this period; the busiest month was %(month)s with %(count)s.",
            total,
        ) % {"total": total, "month": _month(busiest), "count": counts[busiest]}
    else:
        summary = _("No circle began in this period.")
    top = max([*counts.values(), 1])
    chart = charts.bar_chart(
        chart_id="months-chart",
        title=_("Circles by month of their first meeting"),
        description=summary,
        labels=[_month(month) for month in counts],
        values=list(counts.values()),
        y_max=top,
        y_ticks=[(0, "0"), (top, str(top))],
    )
    return {"name": "months", "svg": _svg(chart), "summary": summary}


@require_GET
@login_required
@PRIVATE
def dashboard(request, slug: str):
    organisation = organisation_for_organiser(request.user, slug)
    zone = person_zone(request.user)
    now = timezone.now()
    start, end = default_period(now.astimezone(zone).date())
    form = PeriodForm(request.GET if "start" in request.GET or "end" in request.GET else None)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    elif not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end})
    figures = dashboard_figures(organisation=organisation, start=start, end=end, zone=zone, now=now)
    tables = _tables(organisation, figures, zone)
    download = _csv_or_none(request, tables, f"{organisation.slug}-{start:%Y-%m-%d}-{end:%Y-%m-%d}")
    if download:
        return download
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    return render(
        request,
        "cohorts/organisation_dashboard/dashboard.html",
        {
            "organisation": organisation,
            "form": form,
            "start": start,
            "end": end,
            "figures": figures,
            "tables": tables,
            "charts": [
                {**chart, "table": tables[chart["name"]]}
                for chart in (_attendance_chart(figures), _ratings_chart(figures), _months_chart(figures))
            ],
            "query": query.urlencode(),
        },
    )


# --- One circle ---------------------------------------------------------------------------------------


def _circle_tables(detail, zone) -> dict[str, Table]:
    goal_labels = dict(GoalMet.choices)
    meeting_headers = [
        _("Meeting %(number)s (%(date)s)")
        % {
            "number": meeting.number,
            "date": formats.date_format(meeting.starts_at.astimezone(zone).date(), "SHORT_DATE_FORMAT"),
        }
        for meeting in detail.meetings
    ]
    marks = {True: _("Present"), False: _("Absent")}
    tables = [
        Table(
            "attendance",
            _("Attendance of each learner"),
            [_("Learner"), *meeting_headers, _("Meetings attended"), _("Stayed"), _("Goal met?")],
            [
                [
                    member.membership.user.get_display_name(),
                    *[marks.get(member.attendance.get(meeting.pk), "—") for meeting in detail.meetings],
                    member.attended,
                    _("Yes") if member.stayed else _("No"),
                    goal_labels.get(getattr(getattr(member.membership, "end_survey", None), "goal_met", ""), "—"),
                ]
                for member in detail.members
            ],
        ),
        Table(
            "ratings",
            _("Meeting ratings"),
            [_("Meeting"), _("Average rating (1 to 5)"), _("Ratings")],
            [
                [meeting_headers[index], _rating(detail.ratings[meeting.pk][0]), detail.ratings[meeting.pk][1]]
                for index, meeting in enumerate(detail.meetings)
                if meeting.pk in detail.ratings
            ],
        ),
        Table(
            "goals",
            _("Learners' goals met, from their end-of-circle answers"),
            [_("Goal met?"), _("Learners")],
            [[goal_labels[answer], count] for answer, count in detail.goals.items()],
        ),
    ]
    return {table.name: table for table in tables}


@require_GET
@login_required
@PRIVATE
def circle(request, slug: str, circle_id: int):
    organisation = organisation_for_organiser(request.user, slug)
    circle = get_object_or_404(Circle.objects.select_related("course"), pk=circle_id, organisation=organisation)
    detail = circle_detail(circle=circle, now=timezone.now())
    tables = _circle_tables(detail, person_zone(request.user))
    download = _csv_or_none(request, tables, f"{organisation.slug}-circle-{circle.pk}")
    if download:
        return download
    return render(
        request,
        "cohorts/organisation_dashboard/circle.html",
        {"organisation": organisation, "circle": circle, "detail": detail, "tables": tables},
    )
