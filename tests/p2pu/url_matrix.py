"""Every URL pattern of the project, and how it must answer each wrong-side role.

``url_patterns()`` walks the whole URLconf (the site, allauth, Wagtail's admin and API, Django's admin).
``EXPECTED`` names each pattern of the site's own apps, by route, with what each of the five roles gets:

- ``OPEN``: anyone may read it (the answer is 2xx, or a redirect that is not to a login page).
- ``SIGNED_IN``: anonymous visitors are sent to sign in; a signed-in person may use it for themselves.
- ``ANSWERED``: any answer but an error, showing nothing private and writing nothing.
- ``REFUSED``: anonymous visitors are sent to sign in or refused; everyone else is refused (403/404,
  or 400 for a token that is not theirs).

Routes under ``admin/`` and ``django-admin/`` follow ``ADMIN_RULES`` (their prefix): nobody without
admin access gets past the login; an author who has it is refused every object of the private world.
"""

import re
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

OPEN = "open"
SIGNED_IN = "signed in"
REFUSED = "refused"
#: Answered for anyone (a page saying a link is not valid, say): only no error, nothing private, no write.
ANSWERED = "answered"
#: Wagtail's deliberate error page, for an administrator to test error reporting.
ERROR_TEST = "error test"
#: Wagtail's external-link chooser answers an empty POST with a server error (its form's ``clean_url``
#: reads a field that is not there) and changes nothing; the day Wagtail fixes it, this entry fails.
WAGTAIL_EMPTY_POST_FAULT = "Wagtail fault on an empty POST"


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str | None
    converters: tuple = ()


@dataclass(frozen=True)
class Expect:
    #: The outcome for every role but anonymous visitors.
    others: str
    #: The outcome for anonymous visitors; by default sent to sign in or refused.
    anonymous: str = REFUSED
    #: Argument names mapped to the world's ids, where the URL's own names are ambiguous.
    ids: dict = field(default_factory=dict)
    #: A ready path, for the patterns Django cannot reverse by name.
    path: str | None = None


def url_patterns(resolver=None, prefix: str = "", namespace: str | None = None, arguments: tuple = ()):
    """Every URL pattern below ``resolver``, with its whole route, namespaced name and argument names."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        names = arguments + tuple(_argument_names(entry))
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_patterns(entry, route, inner, names)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Pattern(route=route, name=name, converters=names)


def _argument_names(entry) -> list[str]:
    converters = getattr(entry.pattern, "converters", None)
    if converters:
        return list(converters)
    return list(re.compile(str(entry.pattern)).groupindex)


# The admin pages anyone may open: signing in, resetting a password, the admin's static helpers.
ADMIN_PAGES = {
    "admin/login/": Expect(OPEN, anonymous=OPEN),
    "admin/password_reset/": Expect(OPEN, anonymous=OPEN),
    "admin/password_reset/done/": Expect(OPEN, anonymous=OPEN),
    "admin/password_reset/confirm/<uidb64>/<token>/": Expect(ANSWERED, anonymous=ANSWERED),
    "admin/password_reset/complete/": Expect(OPEN, anonymous=OPEN),
    "admin/sprite/": Expect(ANSWERED, anonymous=ANSWERED),
    "admin/jsi18n/": Expect(ANSWERED, anonymous=ANSWERED),
    "admin/test404/": Expect(ANSWERED, anonymous=ANSWERED, path="/admin/test404/"),
    "admin/failwhale/": Expect(ERROR_TEST),
    "admin/choose-external-link/": Expect(WAGTAIL_EMPTY_POST_FAULT),
    "admin/^.*/$": Expect(REFUSED, path="/admin/no-such-admin-page/"),
    "django-admin/login/": Expect(OPEN, anonymous=OPEN),
    "django-admin/logout/": Expect(ANSWERED, anonymous=ANSWERED),
    "django-admin/(?P<url>.*)$": Expect(REFUSED, path="/django-admin/no-such-admin-page/"),
}

ADMIN_RULES = {
    # Wagtail's admin: an author has admin access, but none to another person's objects.
    "admin/": Expect(REFUSED),
    # Django's admin is for superusers alone.
    "django-admin/": Expect(REFUSED),
}

EXPECTED = {
    # Sign-in and account pages (allauth): open to everyone, each person only ever sees their own.
    "accounts/login/": Expect(OPEN, anonymous=OPEN),
    "accounts/logout/": Expect(OPEN, anonymous=OPEN),
    "accounts/inactive/": Expect(OPEN, anonymous=OPEN),
    "accounts/signup/": Expect(OPEN, anonymous=OPEN),
    "accounts/reauthenticate/": Expect(SIGNED_IN),
    # One-time code steps with no code under way send the person back to where a code is asked for.
    "accounts/reauthenticate/code/": Expect(ANSWERED),
    "accounts/reauthenticate/code/confirm/": Expect(ANSWERED),
    "accounts/email/": Expect(SIGNED_IN),
    "accounts/confirm-email/": Expect(OPEN, anonymous=OPEN),
    "accounts/password/change/": Expect(SIGNED_IN),
    "accounts/password/set/": Expect(SIGNED_IN),
    "accounts/password/reset/": Expect(OPEN, anonymous=OPEN),
    "accounts/login/code/confirm/": Expect(ANSWERED, anonymous=ANSWERED),
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": Expect(ANSWERED, anonymous=ANSWERED, ids={"key": "bad_token"}),
    "accounts/password/reset/key/done/": Expect(OPEN, anonymous=OPEN),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": Expect(
        ANSWERED, anonymous=ANSWERED, ids={"uidb36": "author_uidb36", "key": "bad_token"}
    ),
    "accounts/password/reset/done/": Expect(OPEN, anonymous=OPEN),
    # Profiles and settings.
    "people/<str:username>/": Expect(OPEN, anonymous=OPEN),
    "settings/": Expect(SIGNED_IN),
    "settings/profile/": Expect(SIGNED_IN),
    # Deleting one's account and downloading one's data: one's own; another person's download link is refused.
    "settings/delete/": Expect(SIGNED_IN),
    "settings/data/": Expect(SIGNED_IN),
    "settings/data/<str:token>/": Expect(REFUSED, ids={"token": "bad_token"}),
    # Notifications: one's own, never another person's.
    "notifications/": Expect(SIGNED_IN),
    "notifications/read-all/": Expect(SIGNED_IN),
    "notifications/<int:pk>/read/": Expect(REFUSED, ids={"pk": "notification_id"}),
    "notifications/<int:pk>/open/": Expect(REFUSED, ids={"pk": "notification_id"}),
    "notifications/preferences/": Expect(SIGNED_IN),
    "notifications/unsubscribe/<str:token>/": Expect(REFUSED, ids={"token": "bad_token"}),
    # Circles: the listing and a listed circle's page are public; everything inside is for its people.
    "circles/": Expect(OPEN, anonymous=OPEN),
    "circles/start/<int:course_id>/": Expect(REFUSED),
    "circles/invite/<str:token>/": Expect(REFUSED, ids={"token": "bad_token"}),
    # A reminder's answer link: the signed token is the credential; another person's or a forged one is refused.
    "circles/rsvp/<str:token>/": Expect(REFUSED, ids={"token": "bad_token"}),
    # The world's course review is hidden: nobody flags it; only the course's maintainers ever reply.
    "circles/ratings/<int:rating_id>/flag/": Expect(REFUSED),
    "circles/ratings/<int:rating_id>/reply/": Expect(REFUSED),
    "circles/<int:circle_id>/": Expect(OPEN, anonymous=OPEN),
    "circles/<int:circle_id>/calendar.ics": Expect(OPEN, anonymous=OPEN),
    "circles/<int:circle_id>/changes/link/": Expect(REFUSED),
    "circles/<int:circle_id>/changes/<str:token>.atom": Expect(REFUSED, ids={"token": "bad_token"}),
    "circles/<int:circle_id>/edit/": Expect(REFUSED),
    "circles/<int:circle_id>/publish/": Expect(REFUSED),
    "circles/<int:circle_id>/cancel/": Expect(REFUSED),
    # Joining is what a public circle is for; leaving and declining need a seat or an invitation.
    "circles/<int:circle_id>/join/": Expect(OPEN),
    # Leaving or declining without a seat or an invitation is answered with a message and changes nothing.
    "circles/<int:circle_id>/leave/": Expect(ANSWERED),
    "circles/<int:circle_id>/invitation/decline/": Expect(ANSWERED),
    "circles/<int:circle_id>/manage/": Expect(REFUSED),
    "circles/<int:circle_id>/manage/audit/": Expect(REFUSED),
    "circles/<int:circle_id>/message/": Expect(REFUSED),
    "circles/<int:circle_id>/course-version/": Expect(REFUSED),
    "circles/<int:circle_id>/invite/": Expect(REFUSED),
    "circles/<int:circle_id>/invite-links/": Expect(REFUSED),
    "circles/<int:circle_id>/share-link/reset/": Expect(REFUSED),
    "circles/<int:circle_id>/invite-links/<int:link_id>/revoke/": Expect(REFUSED),
    "circles/<int:circle_id>/members/<int:membership_id>/<slug:action>/": Expect(REFUSED),
    "circles/<int:circle_id>/modules/<int:module_id>/": Expect(REFUSED),
    # A public circle's meetings are public: when and where, not who comes or what they said.
    "circles/<int:circle_id>/meetings/<int:meeting_id>/": Expect(OPEN, anonymous=OPEN),
    "circles/<int:circle_id>/meetings/<int:meeting_id>/move/": Expect(REFUSED),
    "circles/<int:circle_id>/meetings/<int:meeting_id>/cancel/": Expect(REFUSED),
    "circles/<int:circle_id>/meetings/<int:meeting_id>/module/": Expect(REFUSED),
    "circles/<int:circle_id>/meetings/<int:meeting_id>/attendance/": Expect(REFUSED),
    "circles/<int:circle_id>/meetings/<int:meeting_id>/feedback/": Expect(REFUSED),
    "circles/<int:circle_id>/goal/": Expect(REFUSED),
    "circles/<int:circle_id>/survey/": Expect(REFUSED),
    "circles/<int:circle_id>/survey/answers/": Expect(REFUSED),
    "circles/<int:circle_id>/meetings/<int:meeting_id>/rsvp/": Expect(REFUSED),
    "circles/<int:circle_id>/reviews/": Expect(REFUSED),
    "circles/<int:circle_id>/reviews/settings/": Expect(REFUSED),
    "circles/<int:circle_id>/reviews/<int:assignment_id>/": Expect(REFUSED),
    "circles/<int:circle_id>/reviews/<int:assignment_id>/save/": Expect(REFUSED),
    "circles/<int:circle_id>/work/<int:module_id>/<str:activity_id>/": Expect(REFUSED),
    "circles/<int:circle_id>/work/<int:module_id>/<str:activity_id>/submit/": Expect(REFUSED),
    "circles/<int:circle_id>/work/<int:module_id>/<str:activity_id>/review-next/": Expect(REFUSED),
    "circles/<int:circle_id>/work/<int:module_id>/<str:activity_id>/settings/": Expect(REFUSED),
    "circles/<int:circle_id>/submissions/<int:submission_id>/": Expect(REFUSED),
    "circles/<int:circle_id>/submissions/<int:submission_id>/versions/<int:number>/file/": Expect(REFUSED),
    "circles/<int:circle_id>/submissions/<int:submission_id>/take/": Expect(REFUSED),
    "circles/<int:circle_id>/submissions/<int:submission_id>/release/": Expect(REFUSED),
    "circles/<int:circle_id>/feedback/<int:review_id>/rate/": Expect(REFUSED),
    "circles/<int:circle_id>/feedback/<int:review_id>/flag/": Expect(REFUSED),
    "circles/<int:circle_id>/activities/<int:activity_pk>/progress/": Expect(REFUSED),
    "circles/<int:circle_id>/activities/<int:activity_pk>/progress.csv": Expect(REFUSED),
    "circles/<int:circle_id>/activities/<int:activity_pk>/allocate/": Expect(REFUSED),
    "circles/<int:circle_id>/work/<int:module_id>/<str:activity_id>/calibration/": Expect(REFUSED),
    "circles/<int:circle_id>/work/<int:module_id>/<str:activity_id>/calibration/new/": Expect(REFUSED),
    "circles/<int:circle_id>/work/<int:module_id>/<str:activity_id>/calibration/<int:example_id>/": Expect(REFUSED),
    "circles/<int:circle_id>/work/<int:module_id>/<str:activity_id>/calibration/<int:example_id>/edit/": Expect(
        REFUSED
    ),
    "circles/<int:circle_id>/submissions/<int:submission_id>/self-assessment/": Expect(REFUSED),
    "circles/<int:circle_id>/reviews/<int:assignment_id>/comments/": Expect(REFUSED),
    "circles/<int:circle_id>/comments/<int:comment_id>/reply/": Expect(REFUSED),
    "circles/<int:circle_id>/comments/<int:comment_id>/flag/": Expect(REFUSED),
    "circles/<int:circle_id>/moderation/comments/": Expect(REFUSED),
    "circles/<int:circle_id>/moderation/comments/<int:flag_id>/": Expect(REFUSED, ids={"flag_id": "comment_flag_id"}),
    "circles/<int:circle_id>/submissions/<int:submission_id>/appeal/": Expect(REFUSED),
    "circles/<int:circle_id>/submissions/<int:submission_id>/final-score/": Expect(REFUSED),
    "circles/<int:circle_id>/appeals/": Expect(REFUSED),
    # No appeal is open in the world; an appeal's page of another circle answers like a missing one.
    "circles/<int:circle_id>/appeals/<int:appeal_id>/": Expect(REFUSED, ids={"appeal_id": "missing_id"}),
    "circles/<int:circle_id>/moderation/": Expect(REFUSED),
    "circles/<int:circle_id>/moderation/<int:flag_id>/": Expect(REFUSED, ids={"flag_id": "review_flag_id"}),
    "circles/<int:circle_id>/discussion/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/threads/<int:thread_id>/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/threads/<int:thread_id>/reply/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/threads/<int:thread_id>/mute/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/threads/<int:thread_id>/<slug:action>/": Expect(
        REFUSED, ids={"action": "lock_action"}
    ),
    "circles/<int:circle_id>/discussion/meetings/<int:meeting_id>/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/modules/<int:module_id>/blocks/<str:block_id>/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/posts/<int:post_id>/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/posts/<int:post_id>/edit/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/posts/<int:post_id>/delete/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/posts/<int:post_id>/flag/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/posts/<int:post_id>/hide/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/posts/<int:post_id>/unhide/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/posts/<int:post_id>/move/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/flags/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/flags/<int:flag_id>/dismiss/": Expect(REFUSED, ids={"flag_id": "post_flag_id"}),
    "circles/<int:circle_id>/discussion/attachments/<int:attachment_id>/": Expect(REFUSED),
    "circles/<int:circle_id>/discussion/mute/<str:token>/": Expect(REFUSED, ids={"token": "bad_token"}),
    # An organisation's dashboard: its active organisers alone; everyone else is told it does not exist.
    "orgs/<slug:slug>/dashboard/": Expect(REFUSED),
    "orgs/<slug:slug>/dashboard/circles/<int:circle_id>/": Expect(REFUSED),
    # Organisations: the public page is everyone's; creating one needs an account (and a confirmed address);
    # everything else is its organisers'. Asking to join is what the public page is for; leaving without a
    # membership is answered with a message and changes nothing.
    "orgs/new/": Expect(SIGNED_IN),
    "orgs/invitations/<str:token>/": Expect(REFUSED, ids={"token": "bad_token"}),
    "orgs/<slug:slug>/": Expect(OPEN, anonymous=OPEN),
    "orgs/<slug:slug>/edit/": Expect(REFUSED),
    "orgs/<slug:slug>/members/": Expect(REFUSED),
    "orgs/<slug:slug>/members/<int:member_id>/<slug:action>/": Expect(REFUSED, ids={"action": "organisation_action"}),
    "orgs/<slug:slug>/invitations/<int:invitation_id>/revoke/": Expect(REFUSED),
    "orgs/<slug:slug>/join/": Expect(OPEN),
    "orgs/<slug:slug>/leave/": Expect(ANSWERED),
    # My learning: one's own.
    "me/": Expect(SIGNED_IN),
    "me/calendar/reset/": Expect(SIGNED_IN),
    "me/calendar/<str:token>.ics": Expect(REFUSED, ids={"token": "bad_token"}),
    # Courses: starting and importing are for anyone signed in; everything of the draft course is its author's.
    "courses/start/": Expect(SIGNED_IN),
    "courses/start/import/": Expect(SIGNED_IN),
    "courses/credits/": Expect(SIGNED_IN),
    "courses/credits/<int:credit_id>/accept/": Expect(REFUSED),
    "courses/credits/<int:credit_id>/decline/": Expect(REFUSED),
    "courses/invitations/<uuid:token>/": Expect(REFUSED, ids={"token": "missing_uuid"}),
    "courses/remix/course/<int:course_id>/": Expect(REFUSED),
    "courses/remix/course/<int:course_id>/translate/": Expect(REFUSED),
    "courses/remix/course/<int:course_id>/sources/": Expect(REFUSED, ids={"course_id": "remix_id"}),
    "courses/remix/module/<int:module_id>/": Expect(REFUSED, ids={"module_id": "draft_module_id"}),
    "courses/remix/links/<int:derivation_id>/compare/": Expect(REFUSED),
    "courses/remix/links/<int:derivation_id>/upstream/": Expect(REFUSED),
    "courses/remix/credits/": Expect(SIGNED_IN),
    "courses/remix/credits/<int:credit_id>/": Expect(REFUSED),
    "courses/<slug:course_slug>/export/<str:format>/": Expect(REFUSED),
    "courses/feeds/<str:kind>.atom": Expect(OPEN, anonymous=OPEN),
    # Public reading: search, the sitemap, OAI-PMH and the content API list live, public pages only.
    "search/": Expect(OPEN, anonymous=OPEN),
    "sitemap.xml": Expect(OPEN, anonymous=OPEN),
    # The language switcher sets a cookie (and a signed-in person's own profile); the JavaScript catalogue.
    "i18n/setlang/": Expect(OPEN, anonymous=OPEN),
    "i18n/js/": Expect(OPEN, anonymous=OPEN),
    "oai/": Expect(OPEN, anonymous=OPEN),
    "api/v2/circles/": Expect(OPEN, anonymous=OPEN),
    "embed/circles/": Expect(OPEN, anonymous=OPEN),
    "api/v2/^pages/": Expect(OPEN, anonymous=OPEN),
    "api/v2/^pages/<int:pk>/": Expect(REFUSED, ids={"pk": "page_id"}),
    "api/v2/^pages/find/": Expect(REFUSED, path="/api/v2/pages/find/?html_path=/courses/zephyr-draft-course/"),
    "api/v2/^images/": Expect(OPEN, anonymous=OPEN),
    "api/v2/^images/<int:pk>/": Expect(REFUSED, ids={"pk": "image_id"}),
    "api/v2/^images/find/": Expect(REFUSED, path="/api/v2/images/find/?id={image_id}"),
    "api/v2/^documents/": Expect(OPEN, anonymous=OPEN),
    "api/v2/^documents/<int:pk>/": Expect(REFUSED, ids={"pk": "document_id"}),
    "api/v2/^documents/find/": Expect(REFUSED, path="/api/v2/documents/find/?id={document_id}"),
    # Wagtail's serving of documents, password-protected pages and pages: the draft course is nobody's business.
    "documents/^(\\d+)/(.*)$": Expect(REFUSED, path="/documents/{document_id}/zephyr.txt"),
    "documents/authenticate_with_password/<int:restriction_id>/": Expect(
        REFUSED, anonymous=REFUSED, ids={"restriction_id": "missing_id"}
    ),
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": Expect(
        REFUSED, anonymous=REFUSED, ids={"page_view_restriction_id": "missing_id"}
    ),
    "_util/login/": Expect(OPEN, anonymous=OPEN),
    # A load balancer's probes: alive, and ready (database, cache, broker, migrations); no private detail.
    "healthz": Expect(OPEN, anonymous=OPEN),
    "readyz": Expect(ANSWERED, anonymous=ANSWERED),
    # Browsers post Content-Security-Policy violation reports here without a session; they are logged.
    "csp-report/": Expect(ANSWERED, anonymous=ANSWERED),
    # Uploaded files: a draft course's image original is its authors' alone.
    "media/<path:path>": Expect(REFUSED, path="/media/{image_file}"),
    "^((?:[\\w\\-]+/)*)$": Expect(REFUSED, path="{draft_url}"),
}
