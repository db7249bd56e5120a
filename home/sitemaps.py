"""The sitemap: Wagtail's, with each page's language alternates (``?lang=xx``) for search engines."""

from django.conf import settings
from wagtail.contrib.sitemaps import Sitemap


class LanguageAlternatesSitemap(Sitemap):
    """Each page once, with an ``xhtml:link`` alternate per interface language and an x-default.

    URLs carry no language prefix: the alternates are the page's address with ``?lang=xx``, the same
    links the pages' own <head> gives (p2pu.core.context_processors.language_alternates).
    """

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url_info in urls:
            location = url_info["location"]
            separator = "&" if "?" in location else "?"
            url_info.setdefault(
                "alternates",
                [
                    *(
                        {
                            "lang_code": code,
                            "location": f"{location}{separator}{settings.LANGUAGE_QUERY_PARAMETER}={code}",
                        }
                        for code, _name in settings.LANGUAGES
                    ),
                    {"lang_code": "x-default", "location": location},
                ],
            )
        return urls
