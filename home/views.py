from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from wagtail.models import Page

from p2pu.core.text import searchable_words

SEARCH_RESULTS_PER_PAGE = 10


def search(request):
    query = request.GET.get("q", "").strip()
    words = searchable_words(query)
    results = Page.objects.live().public().specific().search(words) if words else Page.objects.none()
    page = Paginator(results, SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "home/search.html",
        {"query": query, "results": page, "extra_query": urlencode({"q": query}) if query else ""},
    )


def page_not_found(request, exception):
    # No language alternates of a missing address, and the switcher returns home: the page must not echo
    # a path that may name something gone (a deleted account's username).
    context = {"language_alternates": [], "language_default_url": "", "language_neutral_path": "/"}
    return render(request, "404.html", context, status=404)


def server_error(request):
    # Rendered without a request context: the failure may be in the database or a context processor.
    return HttpResponseServerError(loader.get_template("500.html").render())
