"""The courses app's models, split by concern; import them from here (``from courses.models import ...``)."""

from .authorship import CourseCredit, CourseInvitation, CreditRole, InvitationStatus
from .exports import CourseExport, ExportFormat, ExportStatus
from .oai import WithdrawnCourse
from .pages import LANGUAGE_CHOICES, CourseIndexPage, CoursePage, CourseTopic, Level, ModulePage
from .remix import Derivation, DerivationKind
from .review import CourseReviewTask
from .rubrics import Rubric

__all__ = [
    "LANGUAGE_CHOICES",
    "CourseCredit",
    "CourseExport",
    "CourseIndexPage",
    "CourseInvitation",
    "CoursePage",
    "CourseReviewTask",
    "CourseTopic",
    "CreditRole",
    "Derivation",
    "DerivationKind",
    "ExportFormat",
    "ExportStatus",
    "InvitationStatus",
    "Level",
    "ModulePage",
    "Rubric",
    "WithdrawnCourse",
]
