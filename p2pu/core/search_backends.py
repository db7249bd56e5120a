"""Wagtail's database search, in each language on PostgreSQL.

PostgreSQL stems words by a text search configuration ("spanish": "cursos" and "curso" are one word).
Wagtail's backend takes one configuration for the whole index; this one indexes each object with the
configuration of its own language (an object says which through a ``search_language`` attribute, a
language code) and reads a query with that of the visitor's language, so a learner searching in Spanish
finds Spanish courses by any form of a word. Objects without a language, and languages PostgreSQL does
not stem, use the backend's ``SEARCH_CONFIG`` (PostgreSQL's default when unset).

On other databases (SQLite by default) this is Wagtail's database backend unchanged: words match as written.
Settings name this module as the backend: ``{"BACKEND": "p2pu.core.search_backends"}``.
"""

import copy
from itertools import groupby

from django.db import connection
from django.utils import translation
from modelsearch.backends.database import SearchBackend as DatabaseSearchBackend
from modelsearch.backends.database.postgres.postgres import (
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)

#: PostgreSQL's text search configurations, by language code, for the languages the site offers.
TEXT_SEARCH_CONFIGS = {
    "ar": "arabic",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "hi": "hindi",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
}


def text_search_config(language_code: str | None, default: str | None) -> str | None:
    """The configuration that stems ``language_code`` ("es-mx" as "es"), or ``default``."""
    if not language_code:
        return default
    return TEXT_SEARCH_CONFIGS.get(language_code.split("-")[0].lower(), default)


class LanguageIndex(PostgresIndex):
    def add_items(self, model, objs):
        # The indexer reads its configuration from the backend: each language's objects are written
        # through a copy of the backend set to that language.
        def config_of(obj):
            return text_search_config(getattr(obj, "search_language", None), self.backend.config) or ""

        for config, group in groupby(sorted(objs, key=config_of), key=config_of):
            backend = copy.copy(self.backend)
            backend.config = config or self.backend.config
            PostgresIndex(backend).add_items(model, list(group))


class VisitorLanguageQueryCompiler(PostgresSearchQueryCompiler):
    def get_config(self, backend):
        return text_search_config(translation.get_language(), backend.config)


class LanguagePostgresSearchBackend(PostgresSearchBackend):
    index_class = LanguageIndex
    query_compiler_class = VisitorLanguageQueryCompiler


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks up in a backend module)
    if connection.vendor == "postgresql":
        return LanguagePostgresSearchBackend(params)
    return DatabaseSearchBackend(params)
