"""Open metadata for course and module pages: schema.org LearningResource (LRMI) as JSON-LD, and citations."""

from .licensing import Licence, tasl_text
from .validators import is_web_url


def iso_duration(minutes: int | None) -> str | None:
    """ISO 8601 duration for schema.org ``timeRequired``: 90 → ``PT1H30M``."""
    if not minutes:
        return None
    hours, minutes = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")


def one_per_person(credits) -> list:
    """The credits in order, keeping only the first of each person (or external name) credited in several roles."""
    seen = set()
    first_credits = []
    for credit in credits:
        key = ("person", credit.person_id) if credit.person_id else ("name", credit.external_name)
        if key not in seen:
            seen.add(key)
            first_credits.append(credit)
    return first_credits


def _people(credits, absolute_url) -> list[dict]:
    people = []
    for credit in one_per_person(credits):
        person = {"@type": "Person", "name": credit.name}
        url = absolute_url(credit.url) if credit.url else ""
        if is_web_url(url):
            person["url"] = url
        people.append(person)
    return people


def _statements(stream) -> list[str]:
    return [str(item.value) for item in stream]


def _without_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def course_json_ld(
    course, *, url: str, modules, module_urls: list[str], credits, absolute_url, based_on: list[dict] = ()
) -> dict:
    """``absolute_url`` turns a path (a profile page) into a full URL, e.g. ``p2pu.core.links.absolute_url``;
    ``based_on`` lists the works the course is adapted from or includes (``isBasedOn``)."""
    return _without_empty(
        {
            "@context": "https://schema.org",
            "@type": "LearningResource",
            "learningResourceType": "Course",
            "@id": url,
            "url": url,
            "name": course.title,
            "description": course.summary,
            "teaches": _statements(course.outcomes),
            "educationalLevel": course.get_level_display(),
            "inLanguage": course.language,
            "timeRequired": iso_duration(course.estimated_hours * 60 if course.estimated_hours else None),
            "keywords": [topic.name for topic in course.topics.all()],
            "license": Licence(course.licence).url,
            "isBasedOn": list(based_on),
            "isAccessibleForFree": True,
            "author": _people(credits, absolute_url),
            "dateModified": course.last_published_at.isoformat() if course.last_published_at else None,
            "datePublished": course.first_published_at.isoformat() if course.first_published_at else None,
            "hasPart": [
                {"@type": "LearningResource", "learningResourceType": "Module", "name": module.title, "url": module_url}
                for module, module_url in zip(modules, module_urls, strict=True)
            ],
        }
    )


def module_json_ld(
    module, *, url: str, course, course_url: str, credits, absolute_url, based_on: list[dict] = ()
) -> dict:
    licence = module.effective_licence
    return _without_empty(
        {
            "@context": "https://schema.org",
            "@type": "LearningResource",
            "learningResourceType": "Module",
            "@id": url,
            "url": url,
            "name": module.title,
            "description": module.summary,
            "teaches": _statements(module.objectives),
            "educationalLevel": course.get_level_display() if course else None,
            "inLanguage": course.language if course else None,
            "timeRequired": iso_duration(module.duration_minutes),
            "license": Licence(licence).url if licence else None,
            "isBasedOn": list(based_on),
            "isAccessibleForFree": True,
            "author": _people(credits, absolute_url),
            "dateModified": module.last_published_at.isoformat() if module.last_published_at else None,
            "isPartOf": (
                {"@type": "LearningResource", "learningResourceType": "Course", "name": course.title, "url": course_url}
                if course
                else None
            ),
        }
    )


def citation(title: str, *, credits, url: str, licence: str) -> str:
    """The TASL line a reuser copies: title, authors, source URL and licence."""
    return tasl_text(title, [credit.name for credit in one_per_person(credits)], url, Licence(licence))
