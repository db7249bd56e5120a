"""``{% course_downloads course %}``: the "Download: EPUB · PDF · Common Cartridge" line.

For the version a study circle follows, pass the pinned revisions (the circle page, in cohorts):
``{% course_downloads circle.course revision=circle.course_revision_id modules=pinned_revision_ids %}``.
"""

from django import template

from ..exports.links import download_links

register = template.Library()


@register.inclusion_tag("courses/exports/download_links.html")
def course_downloads(course, revision=None, modules=()):
    return {
        "course": course,
        "pinned": revision is not None,
        "links": download_links(course, course_revision_id=revision, module_revision_ids=modules),
    }
