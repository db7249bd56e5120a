"""Wagtail's database search, stemmed in each of the site's languages on PostgreSQL.

PostgreSQL reduces words to stems by a text search configuration ("spanish": "cursos" and "curso" are one
word). Wagtail's database backend takes one configuration, and every database backend in
WAGTAILSEARCH_BACKENDS writes the same table, one row per object: a backend per language would overwrite
the others' rows rather than keep an index each. So this one backend indexes each object with the
configuration of its own language, and reads a query once in each configuration the index holds, any
reading matching:

- "alfabetizar" finds "alfabetización" in a Spanish course (one Spanish stem), whatever the reader's
  interface language (which does not say what language they type in);
- a word finds the page that contains it as typed, whatever the page's language: a French course is
  searched with French stems too, so an English reader's "communication" finds it.

Limits: a word also matches another language's word that happens to stem alike; an exclusion (``Not``
query, which the site's search forms do not make) excludes only in the readings where its stem is found.
Objects in no stemmed language are indexed with the backend's ``SEARCH_CONFIG`` ("simple": words as
written, lower-cased). Autocomplete is Wagtail's own ("simple", prefixes of words as written).

An object says its language through a ``search_language`` attribute (a language code); a translatable
object without one is in its locale's language. On other databases (SQLite by default) this is Wagtail's
database backend unchanged: words match as written.
"""

import copy
from functools import reduce
from itertools import groupby
from operator import or_

from django.db import connection
from modelsearch.backends.database import SearchBackend as DatabaseSearchBackend
from modelsearch.backends.database.postgres.postgres import (
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from wagtail.models import Locale

#: PostgreSQL's text search configuration for each language the site ships (settings.LANGUAGES).
TEXT_SEARCH_CONFIGS = {"ar": "arabic", "en": "english", "es": "spanish", "fr": "french"}


def text_search_config(language_code: str | None, default: str) -> str:
    """The configuration that stems ``language_code`` ("es-mx" as "es"), or ``default``."""
    if not language_code:
        return default
    return TEXT_SEARCH_CONFIGS.get(language_code.split("-")[0].lower(), default)


class LanguageIndex(PostgresIndex):
    def add_items(self, model, objs):
        objs = list(objs)
        locale_languages = {}
        if any(getattr(obj, "search_language", None) is None and hasattr(obj, "locale_id") for obj in objs):
            locale_languages = dict(Locale.objects.values_list("pk", "language_code"))

        def config_of(obj) -> str:
            language = getattr(obj, "search_language", None)
            if language is None:
                language = locale_languages.get(getattr(obj, "locale_id", None))
            return text_search_config(language, self.backend.config)

        # The indexer reads its configuration from the backend: each language's objects are written
        # through a copy of the backend set to that language.
        for config, group in groupby(sorted(objs, key=config_of), key=config_of):
            backend = copy.copy(self.backend)
            backend.config = config
            PostgresIndex(backend).add_items(model, list(group))


class EveryLanguageQueryCompiler(PostgresSearchQueryCompiler):
    def build_tsquery(self, query, config=None):
        # ``config`` is the backend's, that of objects in no stemmed language.
        configs = dict.fromkeys([config, *TEXT_SEARCH_CONFIGS.values()])
        readings = [self.build_tsquery_content(query, config=reading) for reading in configs]
        if None in readings:  # no words to search for, in any configuration
            return None
        return reduce(or_, readings)


class LanguagePostgresSearchBackend(PostgresSearchBackend):
    index_class = LanguageIndex
    query_compiler_class = EveryLanguageQueryCompiler


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks up in a backend module)
    if connection.vendor == "postgresql":
        return LanguagePostgresSearchBackend(params)
    return DatabaseSearchBackend(params)
