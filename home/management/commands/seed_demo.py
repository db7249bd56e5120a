"""Demo content for a new installation. Idempotent: running it again changes nothing."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from home.seed import DEMO_PASSWORD, DEMO_PEOPLE, seed_people
from home.seed_circles import seed_circles
from home.seed_courses import seed_courses
from home.seed_organisations import seed_organisations
from home.seed_remixes import seed_remixes
from home.seed_reviews import seed_reviews
from home.seed_translations import seed_site_page_translations, seed_translations
from home.services import site_tree_ensure


class Command(BaseCommand):
    help = "Create demo people and content (idempotent). Prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only seed when the database has no people yet (what `make run` uses).",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and get_user_model().objects.exists():
            # `make run` passes here on every start: the site's address keeps following SITE_URL.
            site_tree_ensure()
            self.stdout.write("Database already has content; not seeding.")
        else:
            with transaction.atomic():
                site_tree_ensure()
                people = seed_people()
                seed_courses()
                seed_circles()
                seed_reviews()
                seed_remixes()
                seed_organisations()
                seed_translations()
                seed_site_page_translations()
            call_command("update_index", verbosity=0)
            call_command("rebuild_references_index", verbosity=0)
            self.stdout.write(self.style.SUCCESS(f"Demo content ready ({len(people)} people)."))
        self.print_logins()

    def print_logins(self):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for person in DEMO_PEOPLE:
            self.stdout.write(f"  {person['email']:<32} {person['role']}")
        self.stdout.write(
            "Riverside Public Library's dashboard (for rosa@example.org): /orgs/riverside-public-library/dashboard/"
        )
