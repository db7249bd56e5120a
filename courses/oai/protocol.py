"""The protocol's rules without the database: verbs and their arguments, error codes, dates and
resumption tokens (signed, so a harvester cannot forge one)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
RESUMPTION_SIGNING_SCOPE = "courses.oai.resumption"

#: Each verb's arguments: required, optional, and the exclusive one (resumptionToken).
VERB_ARGUMENTS: dict[str, tuple[set[str], set[str], str | None]] = {
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}


class OAIError(Exception):
    """An error the protocol defines; ``code`` is one of its error codes."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def verb_arguments(arguments: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, checked against the protocol; raises OAIError (badVerb, badArgument)."""
    verbs = arguments.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERB_ARGUMENTS:
        raise OAIError("badVerb", _("The verb is missing, repeated or not one of OAI-PMH's six verbs."))
    verb = verbs[0]
    required, optional, exclusive = VERB_ARGUMENTS[verb]
    given = {name: values for name, values in arguments.items() if name != "verb"}
    repeated = [name for name, values in given.items() if len(values) > 1]
    if repeated:
        raise OAIError(
            "badArgument",
            _("Arguments may not be repeated: %(arguments)s.") % {"arguments": ", ".join(sorted(repeated))},
        )
    values = {name: values[0] for name, values in given.items()}
    if exclusive and exclusive in values:
        if len(values) > 1:
            raise OAIError(
                "badArgument", _("%(argument)s is an exclusive argument: give it alone.") % {"argument": exclusive}
            )
        return verb, values
    unknown = set(values) - required - optional
    if unknown:
        raise OAIError(
            "badArgument",
            _("%(verb)s does not take: %(arguments)s.") % {"verb": verb, "arguments": ", ".join(sorted(unknown))},
        )
    missing = required - set(values)
    if missing:
        raise OAIError(
            "badArgument", _("%(verb)s needs: %(arguments)s.") % {"verb": verb, "arguments": ", ".join(sorted(missing))}
        )
    return verb, values


def datestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_date(value: str, *, end_of_day: bool) -> tuple[dt.datetime, str]:
    """A ``from``/``until`` argument as a UTC datetime and its granularity ("day" or "seconds")."""
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            moment = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min, tzinfo=dt.UTC)
            return moment, "day"
        if len(value) == 20 and value.endswith("Z"):
            return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC), "seconds"
    except ValueError:
        pass
    raise OAIError(
        "badArgument",
        _("“%(value)s” is not a date in the form YYYY-MM-DD or %(granularity)s.")
        % {"value": value, "granularity": GRANULARITY},
    )


@dataclass(frozen=True)
class ListQuery:
    """What a list request asks for, and how far the harvest has got (the last record sent)."""

    metadata_prefix: str
    date_from: str | None = None
    date_until: str | None = None
    set_spec: str | None = None
    #: The last record listed: ("live" | "withdrawn", id); None at the start.
    after: tuple[str, int] | None = None
    #: Records listed before this response, for the token's ``cursor``.
    cursor: int = 0

    def bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        start = parse_date(self.date_from, end_of_day=False) if self.date_from else None
        end = parse_date(self.date_until, end_of_day=True) if self.date_until else None
        if start and end:
            if start[1] != end[1]:
                raise OAIError("badArgument", _("from and until must have the same granularity."))
            if start[0] > end[0]:
                raise OAIError("badArgument", _("from is later than until."))
        return (start[0] if start else None), (end[0] if end else None)

    def token(self, *, after: tuple[str, int], cursor: int) -> str:
        data = {
            "p": self.metadata_prefix,
            "f": self.date_from,
            "u": self.date_until,
            "s": self.set_spec,
            "a": list(after),
            "c": cursor,
        }
        return signing.dumps(data, salt=RESUMPTION_SIGNING_SCOPE, compress=True)


def list_query(arguments: dict[str, str]) -> ListQuery:
    """The query a list verb's arguments (or its resumption token) describe."""
    token = arguments.get("resumptionToken")
    if token is None:
        query = ListQuery(
            metadata_prefix=arguments["metadataPrefix"],
            date_from=arguments.get("from"),
            date_until=arguments.get("until"),
            set_spec=arguments.get("set"),
        )
        query.bounds()
        return query
    try:
        data = signing.loads(token, salt=RESUMPTION_SIGNING_SCOPE, max_age=settings.OAI_PMH_TOKEN_MAX_AGE)
        after = data["a"]
        return ListQuery(
            metadata_prefix=data["p"],
            date_from=data["f"],
            date_until=data["u"],
            set_spec=data["s"],
            after=(str(after[0]), int(after[1])),
            cursor=int(data["c"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError) as error:
        raise OAIError("badResumptionToken", _("The resumption token is invalid or has expired.")) from error
