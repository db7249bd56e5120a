"""Circles in other apps' pages (through their hooks) and in the Wagtail admin."""

from django import forms
from django.db import models
from django.db.models import F
from django.forms import modelform_factory
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from p2pu.audit.services import audit_record
from p2pu.core.page_cache import page_cache_depends

from . import audit_actions
from .models import Circle, Organisation
from .organisations import audit_actions as organisation_audit_actions
from .organisations.services import logo_is_public
from .page_cache import course_circles_tag, course_ratings_tag
from .ratings import wagtail_hooks as rating_hooks  # noqa: F401 (Wagtail loads only this module's hooks)
from .review import wagtail_hooks as review_hooks  # noqa: F401 (Wagtail loads only this module's hooks)

#: How many circles a course page lists before linking to all of them.
CIRCLES_ON_COURSE_PAGE = 5


@hooks.register("courses_course_cache_tags")
def course_page_shows(course) -> list[str]:
    """What the course page shows from here (its circles, its ratings), so its shared part is purged with them."""
    return [course_circles_tag(course.pk), course_ratings_tag(course.pk)]


@hooks.register("courses_course_sidebar")
def circles_for_course(request, course):
    """The course page's “Study circles” box: circles taking the course, and “Start a study circle”."""
    page_cache_depends(request, course_circles_tag(course.pk))
    circles = (
        Circle.objects.discoverable()
        .filter(course=course)
        .with_seat_counts()
        .with_next_meeting()
        .order_by(F("next_meeting_at").asc(nulls_last=True), "pk")[:CIRCLES_ON_COURSE_PAGE]
    )
    # Without the request: the box reads no context processor's data, and they would all run again.
    return render_to_string("cohorts/includes/course_circles.html", {"course": course, "circles": circles})


class CircleAdminPermissionPolicy(ModelPermissionPolicy):
    """Site editors look after circles and organisations (fix a name, unlist one) but never create or delete
    them here.

    Circles are started, filled and ended on the site, through cohorts.services, which keeps seats,
    meetings and notifications consistent; the admin only edits the text fields below.
    """

    def user_has_permission(self, user, action):
        return action not in ("add", "delete") and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Circle, CircleAdminPermissionPolicy(Circle))


class AuditedEditView(generic.EditView):
    """A site editor's edit in the admin is audited, with the fields changed: the facilitators' circle or the
    organisers' organisation changed under them."""

    audit_action: str

    def save_instance(self):
        instance = super().save_instance()
        if self.form.changed_data:
            audit_record(
                actor=self.request.user,
                action=self.audit_action,
                subject=instance,
                scope=instance,
                reason=", ".join(self.form.changed_data),
            )
        return instance


class CircleEditView(AuditedEditView):
    audit_action = audit_actions.EDITED_BY_SITE_EDITOR


class CircleViewSet(ModelViewSet):
    model = Circle
    edit_view_class = CircleEditView
    icon = "group"
    menu_label = _("Study circles")
    menu_order = 310
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name", "course", "state", "listed", "seats_taken", "capacity", "created_at"]
    list_filter = ["state", "listed", "venue_kind", "join_policy"]
    search_fields = ["name", "description", "city"]
    form_fields = ["name", "description", "listed"]


@hooks.register("register_admin_viewset")
def register_circle_viewset():
    return CircleViewSet("circles")


class OrganisationAdminForm(forms.ModelForm):
    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo_is_public(logo):
            # A course's images follow the course (courses/files.py); a logo is shown to everyone.
            raise forms.ValidationError(_("Choose a logo that is not one of a course's images."))
        return logo


class OrganisationEditView(AuditedEditView):
    audit_action = organisation_audit_actions.EDITED_BY_SITE_EDITOR


class OrganisationViewSet(ModelViewSet):
    """Site editors read and correct organisations; people create them and manage members on the site."""

    model = Organisation
    edit_view_class = OrganisationEditView
    icon = "site"
    menu_label = _("Organisations")
    menu_order = 311
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["name", "slug", "city", "created_at"]
    search_fields = ["name", "about", "city"]
    form_fields = ["name", "slug", "about", "city", "website", "logo"]

    def formfield_for_dbfield(self, db_field, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return db_field.formfield(**kwargs)

    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=OrganisationAdminForm,
            fields=self.form_fields,
            formfield_callback=self.formfield_for_dbfield,
        )


register_permission_policy(Organisation, CircleAdminPermissionPolicy(Organisation))


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet("organisation_admin")
