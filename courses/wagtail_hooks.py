"""Admin screens for the courses app."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Rubric


class RubricViewSet(SnippetViewSet):
    model = Rubric
    icon = "tasks"
    menu_label = "Rubrics"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["title", "course", "updated_at"]
    list_filter = ["course"]
    search_fields = ["title", "description"]


register_snippet(RubricViewSet)
