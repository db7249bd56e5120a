"""Time zones of people: what their profile says, or UTC when it says nothing usable."""

import zoneinfo

UTC = zoneinfo.ZoneInfo("UTC")


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone with this IANA name; UTC for an empty or unknown name."""
    try:
        return zoneinfo.ZoneInfo(name) if name else UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def person_zone(person) -> zoneinfo.ZoneInfo:
    """The person's own time zone (anonymous visitors and people who never chose one: UTC)."""
    return zone_named(getattr(person, "time_zone", "") or "")
