"""Demo translations, made through the services as a translator and an editor would. Idempotent.

Bruno translates "Introduction to data literacy" into Spanish: the course and its four modules, published
at /courses/introduccion-a-la-alfabetizacion-de-datos/. The translation keeps the course's licence
(CC BY 4.0), credits Bruno as its translator and appears in the course's remix family.

The home page and the catalog are served in the reader's language at their own address (courses.locales):
the site editor gives them a Spanish, French and Arabic translation, so their words are not English to
readers of those languages.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Locale

from courses.models import CourseIndexPage, CoursePage, ModulePage, Rubric
from courses.remix.services import course_translation_create
from home.models import HomePage
from home.seed_courses import DATA_LITERACY, _stream, callout, code, discussion, heading, resource, text
from home.seed_courses import activity as activity_block
from home.services import site_page_translation_ensure

SPANISH_DATA_LITERACY = {
    "source": DATA_LITERACY["slug"],
    "translator": "bruno",
    "language": "es",
    "slug": "introduccion-a-la-alfabetizacion-de-datos",
    "title": "Introducción a la alfabetización de datos",
    "summary": "Pregunta de dónde salen los números, lee gráficos con ojo crítico y haz un gráfico honesto propio.",
    "description": "<p>Los números influyen en las decisiones sobre escuelas, salud y dinero, pero a casi nadie nos "
    "enseñaron a cuestionarlos. Este curso crea los hábitos de quien lee datos con cuidado: preguntar quién "
    "contó, qué se contó y cómo se muestra.</p>",
    "outcomes": [
        "Preguntar de dónde sale un número y qué deja fuera",
        "Detectar ejes, promedios y comparaciones engañosos en los gráficos",
        "Describir un conjunto de datos con una medida de centro y otra de dispersión",
        "Hacer un gráfico claro y honesto a partir de un conjunto de datos pequeño",
    ],
    "change_note": "Traducción al español",
    "modules": {
        "where-numbers-come-from": {
            "slug": "de-donde-salen-los-numeros",
            "title": "De dónde salen los números",
            "summary": "Alguien contó cada número, por una razón y de una manera concreta.",
            "objectives": ["Hacer las cuatro preguntas a cualquier estadística"],
            "body": [
                heading("Cuatro preguntas para cualquier número"),
                text(
                    "<ol><li>¿Quién contó y por qué?</li><li>¿Qué se contó exactamente?</li><li>¿Quién o qué "
                    "quedó fuera?</li><li>¿Comparado con qué?</li></ol>"
                ),
                callout(
                    "tip",
                    "<p>«¿Comparado con qué?» es la pregunta más útil de la estadística. Un número solo "
                    "rara vez significa mucho.</p>",
                ),
                resource(
                    "Calling Bullshit: Data Reasoning in a Digital World",
                    "https://www.callingbullshit.org/",
                    "Carl T. Bergstrom y Jevin D. West",
                    description="Un curso universitario (en inglés) para detectar datos engañosos, con vídeos y "
                    "lecturas gratuitos.",
                ),
                discussion("Trae un número de las noticias de esta semana. Hacedle juntos las cuatro preguntas."),
            ],
        },
        "reading-a-chart-critically": {
            "slug": "leer-un-grafico-con-ojo-critico",
            "title": "Leer un gráfico con ojo crítico",
            "summary": "Ejes, escalas y los trucos que hacen parecer grandes las diferencias pequeñas.",
            "objectives": ["Detectar un eje recortado", "Explicar por qué el área y el volumen engañan"],
            "body": [
                heading("Empieza por los ejes"),
                text(
                    "<p>Un gráfico de barras cuyo eje de valores empieza en 95 en lugar de 0 hace que una "
                    "diferencia del 2 % parezca el doble. Las barras representan el tamaño con su longitud, así "
                    "que su eje debe empezar en cero; los gráficos de líneas muestran cambios y pueden acercarse, "
                    "siempre que el eje esté rotulado.</p>"
                ),
                callout(
                    "warning",
                    "<p>Los pictogramas que crecen en dos dimensiones exageran: duplicar la altura de un icono "
                    "cuadruplica su área.</p>",
                ),
                discussion("Busca en los medios un gráfico que te parezca engañoso. ¿Qué cambiarías?"),
            ],
        },
        "averages-and-spread": {
            "slug": "promedios-y-dispersion",
            "title": "Promedios y dispersión",
            "summary": "Media, mediana y por qué la dispersión importa tanto como el centro.",
            "objectives": [
                "Elegir entre la media y la mediana",
                "Describir la dispersión con el rango y los cuartiles",
            ],
            "body": [
                heading("¿Media o mediana?"),
                text(
                    "<p>La media lo suma todo y lo divide; un solo valor muy grande la arrastra hacia arriba. La "
                    "mediana es el valor del medio y no tiene en cuenta lo extremos que son los extremos. Para "
                    "ingresos y precios de la vivienda, la mediana suele describir mejor un caso típico.</p>"
                ),
                code(
                    "python",
                    "from statistics import mean, median\n\ningresos = [18, 21, 22, 24, 25, 27, 30, 250]\n"
                    "print(mean(ingresos))    # 52.125: la sube una sola persona con ingresos altos\n"
                    "print(median(ingresos))  # 24.5: un miembro típico del grupo",
                ),
                discussion("¿Cuándo podría ser la media el resumen más honesto?"),
            ],
        },
        "making-your-own-chart": {
            "slug": "haz-tu-propio-grafico",
            "title": "Haz tu propio gráfico",
            "summary": "Convierte un conjunto de datos pequeño en un gráfico que diga la verdad.",
            "objectives": ["Hacer un gráfico con una escala honesta, una fuente y un título claro"],
            "body": [
                heading("Una lista de comprobación"),
                text(
                    "<ul><li>Un título que diga lo que se ha encontrado.</li><li>Ejes rotulados con sus "
                    "unidades.</li><li>Una línea de fuente con la fecha.</li><li>Sin efectos 3D.</li></ul>"
                ),
                resource(
                    "Datawrapper Academy",
                    "https://academy.datawrapper.de/",
                    "Datawrapper",
                    description="Guías breves y prácticas (en inglés) para elegir y diseñar gráficos.",
                ),
                activity_block(
                    "Representa un conjunto de datos pequeño",
                    "<p>Reúne un conjunto de datos pequeño (al menos diez valores) sobre tu barrio, tu círculo o "
                    "tu semana. Haz un gráfico con él y comparte un enlace a la imagen o al documento.</p>",
                    rubric="Honest chart",
                    submission_type="link",
                ),
            ],
        },
    },
}


def _publish(page, user) -> None:
    page.get_latest_revision().publish(user=user, skip_permission_checks=True)


def _translation_seed(spec: dict, translator) -> CoursePage:
    source = CoursePage.objects.get(slug=spec["source"])
    translation = course_translation_create(
        source=source, language=spec["language"], user=translator, title=spec["title"], slug=spec["slug"]
    )
    draft = translation.get_latest_revision_as_object()
    draft.summary = spec["summary"]
    draft.description = spec["description"]
    draft.outcomes = [("outcome", outcome) for outcome in spec["outcomes"]]
    draft.change_note = spec["change_note"]
    draft.save_revision(user=translator, log_action=True)
    _publish(draft, translator)

    rubrics = {rubric.title: rubric for rubric in Rubric.objects.filter(course=source)}
    for module in ModulePage.objects.child_of(translation).order_by("path"):
        words = spec["modules"][module.slug]
        draft = module.get_latest_revision_as_object()
        draft.slug = words["slug"]
        draft.title = words["title"]
        draft.summary = words["summary"]
        draft.objectives = [("objective", objective) for objective in words["objectives"]]
        draft.body = _stream(words["body"], namespace=f"{spec['language']}/{module.slug}", rubrics=rubrics)
        draft.change_note = spec["change_note"]
        draft.save_revision(user=translator, log_action=True)
        _publish(draft, translator)
    return CoursePage.objects.get(pk=translation.pk)


@transaction.atomic
def seed_translations() -> list[CoursePage]:
    """The demo translations; one whose source already has a version in that language is left as it is."""
    translations = []
    for spec in (SPANISH_DATA_LITERACY,):
        source = CoursePage.objects.get(slug=spec["source"])
        existing = CoursePage.objects.filter(translation_key=source.translation_key, language=spec["language"]).first()
        translator = get_user_model().objects.get(username=spec["translator"])
        translations.append(existing or _translation_seed(spec, translator))
    return translations


#: The home page's hero and the catalog's title in each shipped language but English. The home page keeps
#: the site's name as its title.
SITE_PAGE_WORDS = {
    "es": {
        "home": {
            "hero_heading": "Aprende en compañía y en abierto.",
            "hero_text": "Únete a un pequeño círculo de estudio con otras personas, sigue un curso con licencia "
            "abierta al ritmo que mejor te venga y revisa el trabajo de los demás mientras revisan el tuyo. "
            "Sin profesores ni cuotas: solo personas que aprenden juntas.",
        },
        "catalog": {"title": "Cursos"},
    },
    "fr": {
        "home": {
            "hero_heading": "Apprenez ensemble, en toute ouverture.",
            "hero_text": "Rejoignez un petit cercle d’étude entre pairs, suivez un cours sous licence ouverte au "
            "rythme qui vous convient et relisez le travail les uns des autres. Ni enseignants ni frais\u00a0: "
            "simplement des personnes qui apprennent ensemble.",
        },
        "catalog": {"title": "Cours"},
    },
    "ar": {
        "home": {
            "hero_heading": "تعلّم مع الآخرين، في فضاء مفتوح.",
            "hero_text": "انضم إلى حلقة دراسية صغيرة من الأقران، واتّبع دورة مرخّصة ترخيصًا مفتوحًا وفق جدول "
            "يناسبك، وتبادل مع زملائك مراجعة الأعمال. لا معلّمين ولا رسوم: أشخاص يتعلّمون معًا فحسب.",
        },
        "catalog": {"title": "الدورات"},
    },
}


@transaction.atomic
def seed_site_page_translations() -> list[HomePage | CourseIndexPage]:
    """The home page's and the catalog's translations, published by the site editor; a translation that is
    already a page of its own is left as it is. After ``seed_translations``: the Spanish ones it left as
    aliases of the English pages become pages of their own."""
    editor = get_user_model().objects.get(username="admin")
    home = HomePage.objects.get(locale=Locale.get_default())
    catalog = CourseIndexPage.objects.child_of(home).get()
    translations = []
    for language, words in SITE_PAGE_WORDS.items():
        # The home page first: the catalog's translation goes under it.
        translations.append(site_page_translation_ensure(page=home, language=language, user=editor, **words["home"]))
        translations.append(
            site_page_translation_ensure(page=catalog, language=language, user=editor, **words["catalog"])
        )
    return translations
