import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings


@pytest.fixture
def link_in_mail():
    """The path of the one site link in an e-mail's text body that starts with ``prefix``.

    Also checks that the link points at SITE_URL, not at whatever host the request came in on.
    """

    def find(message, prefix: str) -> str:
        links = [link for link in re.findall(r"https?://\S+", message.body) if urlsplit(link).path.startswith(prefix)]
        assert len(links) == 1, f"expected one {prefix} link in {message.body!r}"
        assert links[0].startswith(settings.SITE_URL + "/")
        return urlsplit(links[0]).path

    return find
