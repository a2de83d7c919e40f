"""Demo easy-read words: every commitment, and a few actions and their latest update,
written and approved so that the young people's page reads well out of the box.

Each text passes the readability check (tests/actions/test_easyread_services.py). Idempotent:
texts are matched on what they describe.
"""

from django.db import transaction
from django.utils import timezone

from actions.models import Action, Commitment, EasyReadText, ProgressUpdate

COMMITMENTS = {
    "W1": "We will help you see a doctor or nurse quickly. This is for your body and your mind.",
    "W2": "We will teach you how to cook, shop and look after your money.",
    "W3": "We will run fun events to help us all talk about feelings.",
    "I1": "We will help you find a mentor, a job or work experience.",
    "I2": "We will hold awards and parties to cheer on what you do well.",
    "I3": "As you grow up and leave care, we will help with college, courses and jobs.",
    "I4": "We will think about a radio or video channel to share news and good things.",
    "S1": "We will work with others so you feel safe on buses and trains.",
    "S2": "We will work with the police and local groups to make your area safer.",
    "S3": "We will make sure the home you live in is safe and kind. We will ask you how it is going.",
    "S4": "We will help care leavers find a good home.",
    "S5": "You will have a grown-up you trust to talk to. They will listen and not judge you.",
    "H1": "We will start more groups where you can have your say and help change things.",
    "H2": "You will be part of the meetings about your care. We will use words you understand.",
    "H3": "You can help write our plan and check how we are doing.",
    "H4": "We will hold Takeover Days. You will run the meetings and help make choices.",
    "T1": "We will mark special days like Eid, Diwali and Hanukkah. We mark Christmas and Easter too.",
    "T2": "We will make sure everyone feels welcome. We will stand up to unfair treatment.",
    "T3": "Every young person in care will get a fair chance at help and fun things.",
    "T4": "We will help the adults around you talk and act so you feel you belong.",
}

# Action title → (what is next, in easy read; what we did, for its latest update).
ACTIONS = {
    "Run a six-week cooking and budgeting course for young people preparing to leave care": (
        "A cooking and money course for young people who will soon leave care.",
        "We ran a cooking and money course. Each week, young people cooked a meal to take home.",
    ),
    "Hold a mental health awareness week with the Children in Care Council": (
        "A week of events about feelings, planned with Say It Louder.",
        "We held a week of events about feelings. Young people ran two of them.",
    ),
    "Recruit employer mentors for care leavers aged 16 to 21": (
        "Finding people from local firms who can guide care leavers into work.",
        "Twelve people from local firms said yes to being mentors.",
    ),
    "Hold an annual achievement awards evening for children in care": (
        "Our next awards night, to cheer on what you have done well.",
        "We held an awards night. Over fifty young people got an award.",
    ),
    "Map where young people feel unsafe on public transport, with young people": (
        "Asking you where you feel unsafe on buses and trains.",
        "Young people marked on a map where they feel unsafe. We gave the map to the bus company.",
    ),
    "Hold a takeover day of the Corporate Parenting Panel": (
        "A Takeover Day where young people run the council meeting about our promises.",
        "Young people ran a council meeting for a day. They asked leaders hard questions.",
    ),
    "Fund celebration events chosen by young people across faiths and cultures": (
        "Parties for festivals that young people pick.",
        "Young people picked three festivals. We held a party for each one.",
    ),
    "Produce a 'words that matter' guide with the Children in Care Council": (
        "A guide to the words you want us to use, made with Say It Louder.",
        "Say It Louder wrote a list of words they want us to stop using. We are using it now.",
    ),
}


def _publish(*, writer, approver, when, **subject) -> None:
    text = subject.pop("text")
    EasyReadText.objects.update_or_create(
        **subject,
        defaults={
            "text": text,
            "published_text": text,
            "written_by": writer,
            "written_at": when,
            "approved_by": approver,  # never the writer (four eyes)
            "approved_at": when,
        },
    )


@transaction.atomic
def seed_easy_read(*, users: dict) -> int:
    """Returns how many texts are on the young people's page."""
    # The officer writes; an administrator approves (four eyes, as easy_read_approve asks).
    who = {"writer": users["participation"], "approver": users["admin"]}
    now = timezone.now()
    for commitment in Commitment.objects.filter(code__in=COMMITMENTS):
        _publish(**who, when=now, commitment=commitment, text=COMMITMENTS[commitment.code])
    for action in Action.objects.filter(title__in=ACTIONS):
        upcoming, done = ACTIONS[action.title]
        # The demo's leads share these actions and their latest update with young people.
        Action.objects.filter(pk=action.pk).update(shareable=True)
        _publish(**who, when=now, action=action, text=upcoming)
        latest = ProgressUpdate.objects.filter(action=action).order_by("-created_at", "-pk").first()
        if latest is not None:
            ProgressUpdate.objects.filter(pk=latest.pk).update(shareable=True)
            _publish(**who, when=now, update=latest, text=done)
    return EasyReadText.objects.published().count()
