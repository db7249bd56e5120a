"""Template helpers for remix pages: the remix family the course page's ``remixes/`` route shows.

The page models render that route's template without importing courses.remix (which reads them);
the template asks for the family here.
"""

from django import template

from ..remix.queries import Family, family_of

register = template.Library()


@register.simple_tag
def remix_family(course) -> Family:
    """The course's sources and published remixes, with their drawing: ``{% remix_family course as family %}``."""
    return family_of(course)
