"""Demo courses, written for Learning Commons and openly licensed. Idempotent.

Three published courses of four or more modules each, with activities and rubrics, credited
to the demo people (credits accepted). Licences differ on purpose: the remix demo needs a
BY-SA course (remixes stay BY-SA) and a BY-NC-ND course (adaptation is refused).

Block ids are derived from the module slug, so an activity's ``(module id, block id)`` stays
the same across fresh installs — handy for demo circles that refer to activities.
"""

import uuid

from django.contrib.auth import get_user_model
from django.db import transaction

from courses.models import CoursePage, CreditRole, Rubric
from courses.services import (
    catalog_ensure,
    course_authoring_ensure,
    course_create,
    credit_add,
    module_create,
    rubric_create,
)
from home.services import site_tree_ensure

_BLOCK_NAMESPACE = uuid.UUID("6f1c7a52-3e0b-4c55-9c1e-2d8a0b6c9f10")


# --- Block builders: raw StreamField data ---------------------------------------------------


def _block(block_type: str, value, key: str) -> dict:
    return {"type": block_type, "value": value, "key": key}


def heading(text: str) -> dict:
    return _block("heading", {"text": text, "level": "h2"}, text)


def text(html: str) -> dict:
    return _block("text", html, html[:40])


def callout(kind: str, html: str, title: str = "") -> dict:
    return _block("callout", {"kind": kind, "title": title, "text": html}, html[:40])


def quote(words: str, source: str, source_url: str = "") -> dict:
    return _block("quote", {"text": words, "source": source, "source_url": source_url}, words[:40])


def discussion(question: str, guidance: str = "") -> dict:
    return _block("discussion", {"question": question, "guidance": guidance}, question)


def resource(title: str, url: str, author: str, licence: str = "", description: str = "") -> dict:
    value = {"title": title, "url": url, "author": author, "licence": licence, "description": description}
    return _block("resource", value, url)


def video(title: str, url: str, minutes: int, description: str = "") -> dict:
    value = {"title": title, "url": url, "duration_minutes": minutes, "description": description}
    return _block("video", value, url)


def code(language: str, source: str) -> dict:
    return _block("code", {"language": language, "code": source}, source[:40])


def activity(title: str, prompt: str, *, rubric: str, submission_type: str = "text", due: int = 7) -> dict:
    # ``rubric`` is the title of one of the course's rubrics, resolved when the course is created.
    value = {
        "title": title,
        "prompt": prompt,
        "submission_type": submission_type,
        "rubric": rubric,
        "reviews_per_submission": 3,
        "due_offset_days": due,
    }
    return _block("activity", value, title)


def criterion(name: str, description: str, *levels: tuple[int, str, str]) -> dict:
    return {
        "type": "criterion",
        "value": {
            "name": name,
            "description": description,
            "levels": [
                {"score": score, "label": label, "descriptor": descriptor} for score, label, descriptor in levels
            ],
        },
    }


# --- The courses ----------------------------------------------------------------------------

FACILITATING = {
    "slug": "facilitating-a-study-circle",
    "title": "Facilitating a study circle",
    "summary": "Run a small peer learning group well: plan the first meeting, keep everyone talking, "
    "give feedback that helps, and finish with a plan for what comes next.",
    "description": "<p>A study circle is a small group of people who meet regularly to learn something "
    "together, without a teacher. The facilitator is one of the learners: they keep time, make room for "
    "every voice and help the group decide what to do next.</p><p>This course is for anyone about to "
    "facilitate for the first time. Each module takes about an hour and ends with something to try at "
    "your next meeting.</p>",
    "outcomes": [
        "Plan and run a first meeting that sets the group's expectations",
        "Use simple techniques to make sure everyone is heard",
        "Give and receive feedback on work using a rubric",
        "Close a circle with a reflection and a plan for next steps",
    ],
    "topics": ["Facilitation", "Peer learning"],
    "language": "en",
    "level": "beginner",
    "estimated_hours": 6,
    "licence": "CC-BY-SA-4.0",
    "change_note": "First published version",
    "credits": [("amara", CreditRole.MAINTAINER), ("amara", CreditRole.AUTHOR), ("bruno", CreditRole.EDITOR)],
    "rubrics": [
        {
            "title": "Meeting plan",
            "description": "For reviewing a plan for a study circle meeting.",
            "criteria": [
                criterion(
                    "Clear goal",
                    "Does the plan say what the group should be able to do by the end?",
                    (1, "Missing", "No goal, or only a topic."),
                    (2, "Partial", "A goal, but hard to tell whether it was reached."),
                    (3, "Clear", "A goal the group could check at the end of the meeting."),
                ),
                criterion(
                    "Everyone takes part",
                    "Does the plan give every member a way to contribute?",
                    (1, "Missing", "Only the facilitator speaks in the plan."),
                    (2, "Partial", "Some activities invite others, but not everyone."),
                    (3, "Clear", "Rounds, pairs or roles give every member a turn."),
                ),
                criterion(
                    "Realistic timing",
                    "Does the plan fit the time the group has?",
                    (1, "Missing", "No timings."),
                    (2, "Partial", "Timings, but they add up to more than the meeting."),
                    (3, "Clear", "Timed steps that fit, with a few minutes spare."),
                ),
            ],
        }
    ],
    "modules": [
        {
            "slug": "what-a-study-circle-is",
            "title": "What a study circle is",
            "summary": "Where study circles come from, and what makes them work without a teacher.",
            "objectives": ["Describe how a study circle differs from a class", "Name the facilitator's three jobs"],
            "duration_minutes": 45,
            "body": [
                heading("Learning without a teacher"),
                text(
                    "<p>Study circles began in the nineteenth century as a way for working people to educate "
                    "each other. Today the same idea powers library learning circles and online peer groups: a "
                    "handful of people, a shared course, a regular time.</p><p>Nobody in the circle is the "
                    "expert. The course material carries the content; the group brings questions, examples "
                    "and encouragement.</p>"
                ),
                heading("The facilitator's three jobs"),
                text(
                    "<ol><li><b>Hold the time.</b> Start and end when you said you would.</li>"
                    "<li><b>Hold the space.</b> Make sure everyone can speak, and nobody dominates.</li>"
                    "<li><b>Hold the thread.</b> Remind the group what it set out to learn.</li></ol>"
                ),
                callout(
                    "tip",
                    "<p>You do not need to know the subject better than anyone else. "
                    "Saying “I don't know, let's find out” is a facilitator's superpower.</p>",
                ),
                quote(
                    "The best way to learn is to teach, and the best way to teach is to learn together.",
                    "A circle member, Lagos learning circle",
                ),
                discussion(
                    "Think of a group where you learned a lot. What did the people in it do that helped?",
                    "Go round the circle; everyone gets one minute before open discussion.",
                ),
                resource(
                    "Learning circles: facilitator resources",
                    "https://www.p2pu.org/en/facilitate/",
                    "Peer 2 Peer University",
                    description="Guides and checklists from the organisation that popularised learning circles.",
                ),
            ],
        },
        {
            "slug": "your-first-meeting",
            "title": "Your first meeting",
            "summary": "Introductions, expectations and a plan the whole group agrees to.",
            "objectives": ["Run introductions that go beyond names", "Agree group norms in writing"],
            "duration_minutes": 60,
            "body": [
                heading("Before the meeting"),
                text(
                    "<ul><li>Check the room or video link works.</li><li>Send a short reminder the day before, "
                    "with the time in each member's time zone.</li><li>Prepare one question everyone can "
                    "answer in a sentence.</li></ul>"
                ),
                heading("Agreeing how you will work"),
                text(
                    "<p>Ask the group: <i>what will help us learn together?</i> Write every answer down, then "
                    "agree on four or five norms, such as “cameras optional”, “one voice at a time” or "
                    "“it's fine to say pass”. Share them after the meeting.</p>"
                ),
                callout(
                    "warning",
                    "<p>Don't skip the norms because the group seems friendly. Norms agreed "
                    "early make difficult moments later much easier.</p>",
                    "Don't skip this",
                ),
                activity(
                    "Plan your first meeting",
                    "<p>Write a plan for a one-hour first meeting of your circle: a goal, the timed steps, and "
                    "how every member will get a turn to speak. Half a page is plenty.</p>",
                    rubric="Meeting plan",
                ),
            ],
        },
        {
            "slug": "keeping-the-conversation-going",
            "title": "Keeping the conversation going",
            "summary": "Simple techniques for quiet groups, loud voices and lost threads.",
            "objectives": ["Use rounds, pairs and silent writing", "Redirect a dominant speaker kindly"],
            "duration_minutes": 60,
            "body": [
                heading("Three techniques"),
                text(
                    "<p><b>Rounds:</b> everyone answers in turn; anyone may pass. <b>Pairs:</b> two minutes in "
                    "pairs before sharing with the group. <b>Silent writing:</b> two minutes to write before "
                    "anyone speaks, so quick thinkers don't set the agenda.</p>"
                ),
                heading("When one voice fills the room"),
                text(
                    "<p>Thank them, then open the floor: “That's helpful, thank you. Let's hear from someone who "
                    "hasn't spoken yet.” If it keeps happening, talk to them after the meeting; they often "
                    "haven't noticed.</p>"
                ),
                video(
                    "Short videos of rounds and pair work",
                    "https://www.youtube.com/results?search_query=facilitation+techniques+small+groups",
                    10,
                    "A search for short demonstrations; pick one to watch together and discuss.",
                ),
                discussion("Which of these techniques would suit your group best, and why?"),
            ],
        },
        {
            "slug": "feedback-that-helps",
            "title": "Feedback that helps",
            "summary": "Reviewing each other's work with a rubric: specific, kind and useful.",
            "objectives": ["Give feedback tied to a rubric's criteria", "Rate how helpful feedback was"],
            "duration_minutes": 75,
            "body": [
                heading("Why a rubric"),
                text(
                    "<p>A rubric lists what good work looks like, criterion by criterion. Reviewers who use one "
                    "agree with each other more often, and the person receiving feedback can see exactly what "
                    "to improve.</p>"
                ),
                heading("Specific, kind, useful"),
                text(
                    "<ul><li><b>Specific:</b> point to a sentence or a step, not “it's good”.</li><li><b>Kind:</b> "
                    "describe the work, not the person.</li><li><b>Useful:</b> suggest one change the author "
                    "could make next.</li></ul>"
                ),
                callout(
                    "note",
                    "<p>In Learning Commons each submission gets three peer reviews. Authors "
                    "rate how helpful each review was, which helps everyone get better at reviewing.</p>",
                ),
                activity(
                    "Revise your meeting plan",
                    "<p>Use the reviews of your first plan to write an improved plan for your next meeting. "
                    "Add a sentence at the top saying what you changed and why.</p>",
                    rubric="Meeting plan",
                ),
            ],
        },
        {
            "slug": "wrapping-up",
            "title": "Wrapping up and what comes next",
            "summary": "Close a circle with a reflection, and help the group decide what to learn next.",
            "objectives": ["Run a closing reflection", "Help the group choose a next course"],
            "duration_minutes": 45,
            "body": [
                heading("A closing round"),
                text(
                    "<p>Ask each member: what did you learn, what surprised you, and what will you do next? "
                    "Write the answers down and share them; they are the best advertisement for the next "
                    "circle.</p>"
                ),
                discussion("Would you facilitate again? What would you do differently?"),
            ],
        },
    ],
}

DATA_LITERACY = {
    "slug": "introduction-to-data-literacy",
    "title": "Introduction to data literacy",
    "summary": "Ask where numbers come from, read charts critically and make an honest chart of your own.",
    "description": "<p>Numbers shape decisions about schools, health and money, yet most of us were never "
    "taught to question them. This course builds the habits of a careful reader of data: ask who counted, "
    "what was counted and how it is shown.</p>",
    "outcomes": [
        "Ask where a number comes from and what it leaves out",
        "Spot misleading axes, averages and comparisons in charts",
        "Describe a dataset with a measure of centre and spread",
        "Make a clear, honest chart from a small dataset",
    ],
    "topics": ["Data", "Statistics", "Critical thinking"],
    "language": "en",
    "level": "beginner",
    "estimated_hours": 8,
    "licence": "CC-BY-4.0",
    "change_note": "First published version",
    "credits": [("chen", CreditRole.MAINTAINER), ("chen", CreditRole.AUTHOR), ("amara", CreditRole.EDITOR)],
    "rubrics": [
        {
            "title": "Honest chart",
            "description": "For reviewing a chart made from a small dataset.",
            "criteria": [
                criterion(
                    "Honest scale",
                    "Do the axes show the data without exaggerating differences?",
                    (0, "Misleading", "A truncated or distorted axis changes the story."),
                    (1, "Unclear", "Axes are unlabelled or hard to read."),
                    (2, "Honest", "Labelled axes that start where a reader expects."),
                ),
                criterion(
                    "Source and context",
                    "Can a reader tell where the data comes from and what it covers?",
                    (0, "Missing", "No source."),
                    (1, "Partial", "A source, but no date, place or definition."),
                    (2, "Complete", "Source, date and what was counted."),
                ),
                criterion(
                    "Clear message",
                    "Does the title say what the chart shows?",
                    (0, "Missing", "No title, or just the variable names."),
                    (1, "Partial", "A title that describes but does not inform."),
                    (2, "Clear", "A title that states the main finding."),
                ),
            ],
        }
    ],
    "modules": [
        {
            "slug": "where-numbers-come-from",
            "title": "Where numbers come from",
            "summary": "Every number was counted by someone, for a reason, in a particular way.",
            "objectives": ["Ask the four questions about any statistic"],
            "duration_minutes": 60,
            "body": [
                heading("Four questions for any number"),
                text(
                    "<ol><li>Who counted, and why?</li><li>What exactly was counted?</li><li>Who or what was "
                    "left out?</li><li>Compared to what?</li></ol>"
                ),
                callout(
                    "tip",
                    "<p>“Compared to what?” is the most useful question in statistics. A number "
                    "alone rarely means much.</p>",
                ),
                resource(
                    "Calling Bullshit: Data Reasoning in a Digital World",
                    "https://www.callingbullshit.org/",
                    "Carl T. Bergstrom and Jevin D. West",
                    description="A university course on spotting misleading data, with free videos and readings.",
                ),
                discussion("Bring a number from this week's news. Apply the four questions to it together."),
            ],
        },
        {
            "slug": "reading-a-chart-critically",
            "title": "Reading a chart critically",
            "summary": "Axes, scales and the tricks that make small differences look big.",
            "objectives": ["Spot a truncated axis", "Explain why area and volume mislead"],
            "duration_minutes": 60,
            "body": [
                heading("Start with the axes"),
                text(
                    "<p>A bar chart whose value axis starts at 95 instead of 0 makes a 2% difference look like "
                    "a doubling. Bars encode size by length, so their axis must start at zero; line charts show "
                    "change and may zoom in, as long as the axis is labelled.</p>"
                ),
                callout(
                    "warning",
                    "<p>Pictograms that grow in two dimensions exaggerate: doubling the "
                    "height of an icon quadruples its area.</p>",
                ),
                discussion("Find a chart in the media that you think misleads. What would you change?"),
            ],
        },
        {
            "slug": "averages-and-spread",
            "title": "Averages and spread",
            "summary": "Mean, median and why the spread matters as much as the centre.",
            "objectives": ["Choose between mean and median", "Describe spread with the range and quartiles"],
            "duration_minutes": 75,
            "body": [
                heading("Mean or median?"),
                text(
                    "<p>The mean adds everything up and divides; one very large value pulls it up. The median "
                    "is the middle value, and ignores how extreme the extremes are. For incomes and house "
                    "prices, the median usually describes a typical case better.</p>"
                ),
                code(
                    "python",
                    "from statistics import mean, median\n\nincomes = [18, 21, 22, 24, 25, 27, 30, 250]\n"
                    "print(mean(incomes))    # 52.125: pulled up by one high earner\n"
                    "print(median(incomes))  # 24.5: a typical member of the group",
                ),
                discussion("When might the mean be the more honest summary?"),
            ],
        },
        {
            "slug": "making-your-own-chart",
            "title": "Making your own chart",
            "summary": "Turn a small dataset into a chart that tells the truth.",
            "objectives": ["Make a chart with an honest scale, a source and a clear title"],
            "duration_minutes": 90,
            "body": [
                heading("A checklist"),
                text(
                    "<ul><li>A title that states the finding.</li><li>Labelled axes with units.</li><li>A source "
                    "line with a date.</li><li>No 3D effects.</li></ul>"
                ),
                resource(
                    "Datawrapper Academy",
                    "https://academy.datawrapper.de/",
                    "Datawrapper",
                    description="Short, practical guides to choosing and designing charts.",
                ),
                activity(
                    "Chart a small dataset",
                    "<p>Collect a small dataset (at least ten values) about your neighbourhood, circle or week. "
                    "Make one chart of it and share a link to the image or document.</p>",
                    rubric="Honest chart",
                    submission_type="link",
                ),
            ],
        },
    ],
}

WRITING = {
    "slug": "writing-for-the-open-web",
    "title": "Writing for the open web",
    "summary": "Write web pages people can find, read on a phone, and reuse under an open licence.",
    "description": "<p>Writing for the web is writing for people in a hurry, on small screens, often "
    "reading in a second language. This course covers plain words, structure for scanning, accessible "
    "links and images, and how to license your writing so others may share it.</p>",
    "outcomes": [
        "Write for a specific reader and task",
        "Use plain words and short sentences",
        "Structure a page so it can be scanned",
        "Make links and images accessible",
        "Choose an open licence for your writing",
    ],
    "topics": ["Writing", "Accessibility", "Open licensing"],
    "language": "en",
    "level": "intermediate",
    "estimated_hours": 5,
    "licence": "CC-BY-NC-ND-4.0",
    "change_note": "First published version",
    "credits": [("bruno", CreditRole.MAINTAINER), ("bruno", CreditRole.AUTHOR), ("emil", CreditRole.ILLUSTRATOR)],
    "rubrics": [
        {
            "title": "Web page draft",
            "description": "For reviewing a short web page.",
            "criteria": [
                criterion(
                    "Plain words",
                    "Could a reader in a hurry understand each sentence on first reading?",
                    (1, "Hard", "Long sentences and jargon throughout."),
                    (2, "Mixed", "Mostly clear, with some long or technical passages."),
                    (3, "Plain", "Short sentences and everyday words."),
                ),
                criterion(
                    "Scannable structure",
                    "Do headings and lists let a reader find what they need?",
                    (1, "Wall of text", "No headings or lists."),
                    (2, "Some structure", "Headings, but they don't describe the sections."),
                    (3, "Scannable", "Descriptive headings, short paragraphs and lists."),
                ),
                criterion(
                    "Accessible links and images",
                    "Do links say where they go, and do images have useful alt text?",
                    (1, "Missing", "“Click here” links or images without alt text."),
                    (2, "Partial", "Some descriptive links and alt text."),
                    (3, "Accessible", "Every link and image makes sense on its own."),
                ),
            ],
        }
    ],
    "modules": [
        {
            "slug": "know-your-reader",
            "title": "Know your reader",
            "summary": "Who will read this page, on what device, and what do they need to do?",
            "objectives": ["Write a one-sentence reader and task statement"],
            "duration_minutes": 45,
            "body": [
                heading("One reader, one task"),
                text(
                    "<p>Before writing, finish this sentence: <i>“This page helps [reader] to [task].”</i> "
                    "If you cannot, the page is trying to do too much.</p>"
                ),
                discussion("Pick a web page you used this week. Who was it written for? Did it help you?"),
            ],
        },
        {
            "slug": "plain-words",
            "title": "Plain words",
            "summary": "Short sentences, common words, active verbs.",
            "objectives": ["Rewrite a paragraph in plain language"],
            "duration_minutes": 60,
            "body": [
                heading("Three habits"),
                text(
                    "<ul><li>Keep most sentences under 20 words.</li><li>Prefer the everyday word: “use”, not "
                    "“utilise”.</li><li>Say who does what: “We will send you a letter”, not “A letter will be "
                    "sent”.</li></ul>"
                ),
                quote(
                    "Plain language is communication your audience can understand the first time they read or hear it.",
                    "plainlanguage.gov",
                    "https://www.plainlanguage.gov/about/definitions/",
                ),
                resource(
                    "Federal plain language guidelines",
                    "https://www.plainlanguage.gov/guidelines/",
                    "Plain Language Action and Information Network",
                ),
            ],
        },
        {
            "slug": "structure-for-scanning",
            "title": "Structure a page for scanning",
            "summary": "Headings, short paragraphs and lists, with the most important thing first.",
            "objectives": ["Write descriptive headings", "Put the conclusion first"],
            "duration_minutes": 45,
            "body": [
                heading("Most important first"),
                text(
                    "<p>Readers decide in seconds whether a page is useful. Put the answer or the action first, "
                    "then the detail. Headings should make sense read on their own, like a table of "
                    "contents.</p>"
                ),
                callout("tip", "<p>Read only your headings aloud. Do they tell the story of the page?</p>"),
            ],
        },
        {
            "slug": "links-images-accessibility",
            "title": "Links, images and accessibility",
            "summary": "Links that say where they go; alt text that says what an image means.",
            "objectives": ["Write descriptive link text", "Write alt text for an informative image"],
            "duration_minutes": 60,
            "body": [
                heading("Link text"),
                text(
                    "<p>Screen reader users often jump from link to link. “Click here” tells them nothing; "
                    "“download the 2024 budget (PDF, 2 MB)” tells them everything.</p>"
                ),
                heading("Alt text"),
                text(
                    "<p>Describe what the image <i>means</i> in this context, not every detail. A decorative "
                    "image gets empty alt text so screen readers skip it.</p>"
                ),
                resource(
                    "WCAG 2.2 at a glance",
                    "https://www.w3.org/WAI/standards-guidelines/wcag/glance/",
                    "W3C Web Accessibility Initiative",
                ),
                activity(
                    "Draft a web page",
                    "<p>Write a short web page (300–500 words) for a reader and task you define in its first "
                    "line. Use headings, plain words and at least one link and one image description.</p>",
                    rubric="Web page draft",
                ),
            ],
        },
        {
            "slug": "licensing-your-writing",
            "title": "Licensing your writing",
            "summary": "Creative Commons licences, and what each lets others do with your work.",
            "objectives": ["Choose a Creative Commons licence and mark your work with it"],
            "duration_minutes": 45,
            "body": [
                heading("Choosing a licence"),
                text(
                    "<p>Creative Commons licences combine four conditions: <b>BY</b> (credit me), <b>SA</b> "
                    "(share adaptations alike), <b>NC</b> (non-commercial only) and <b>ND</b> (no "
                    "adaptations). The fewer conditions, the more people can reuse your work.</p>"
                ),
                resource(
                    "Choose a licence",
                    "https://creativecommons.org/chooser/",
                    "Creative Commons",
                    "CC-BY-4.0",
                ),
                discussion(
                    "This course is CC BY-NC-ND. What can and can't you do with it? Would you choose differently?"
                ),
            ],
        },
    ],
}

DEMO_COURSES = [FACILITATING, DATA_LITERACY, WRITING]


# --- Seeding --------------------------------------------------------------------------------


def _stream(items: list[dict], *, namespace: str, rubrics: dict[str, Rubric]) -> list[dict]:
    """Raw stream data with deterministic ids, and rubric titles replaced by their ids."""
    stream = []
    for item in items:
        value = item["value"]
        if item["type"] == "activity":
            value = {**value, "rubric": rubrics[value["rubric"]].pk}
        block_id = str(uuid.uuid5(_BLOCK_NAMESPACE, f"{namespace}/{item['key']}"))
        stream.append({"type": item["type"], "value": value, "id": block_id})
    return stream


def _course_seed(catalog, spec: dict, people: dict) -> CoursePage:
    maintainer = people[spec["credits"][0][0]]
    course = course_create(
        catalog=catalog,
        user=maintainer,
        publish=True,
        slug=spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        description=spec["description"],
        outcomes=[("outcome", outcome) for outcome in spec["outcomes"]],
        topics=spec["topics"],
        language=spec["language"],
        level=spec["level"],
        estimated_hours=spec["estimated_hours"],
        licence=spec["licence"],
        change_note=spec["change_note"],
    )
    for username, role in spec["credits"]:
        credit_add(course=course, person=people[username], role=role, accepted=True)
    rubrics = {
        rubric["title"]: rubric_create(
            title=rubric["title"],
            description=rubric["description"],
            criteria=rubric["criteria"],
            course=course,
            user=maintainer,
        )
        for rubric in spec["rubrics"]
    }
    for module in spec["modules"]:
        module_create(
            course=course,
            user=maintainer,
            publish=True,
            slug=module["slug"],
            title=module["title"],
            summary=module["summary"],
            objectives=[("objective", objective) for objective in module["objectives"]],
            duration_minutes=module["duration_minutes"],
            body=_stream(module["body"], namespace=module["slug"], rubrics=rubrics),
            change_note="First published version",
        )
    return course


@transaction.atomic
def seed_courses() -> list[CoursePage]:
    """The demo catalog and courses; a course that already exists (by slug) is left as it is."""
    home_page = site_tree_ensure().root_page
    catalog = catalog_ensure(home_page=home_page)
    usernames = {username for spec in DEMO_COURSES for username, _role in spec["credits"]}
    people = {person.username: person for person in get_user_model().objects.filter(username__in=usernames)}
    courses = []
    for spec in DEMO_COURSES:
        course = CoursePage.objects.child_of(catalog).filter(slug=spec["slug"]).first()
        # Its credited people edit it in the admin, and their changes go through review.
        courses.append(course_authoring_ensure(course=course or _course_seed(catalog, spec, people)))
    return courses
