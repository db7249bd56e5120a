from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed

from p2pu.notifications.models import Notification
from tests.factories import UserFactory


def confirm(address):
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)


def test_first_confirmation_greets_the_person_once(db, django_capture_on_commit_callbacks, mailoutbox):
    person = UserFactory(verified=False)
    address = EmailAddress.objects.get(user=person)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(address)
        confirm(EmailAddress.objects.create(user=person, email="second@example.org", verified=True))
    welcome = Notification.objects.get(recipient=person, kind="accounts.welcome")
    assert welcome.title == "Welcome to Learning Commons"
    # In-app only by default: the person has just come from an e-mail of ours.
    assert mailoutbox == []


def test_greeting_goes_to_the_confirming_person_only(db):
    person, bystander = UserFactory(verified=False), UserFactory()
    confirm(EmailAddress.objects.get(user=person))
    assert Notification.objects.filter(kind="accounts.welcome").count() == 1
    assert not Notification.objects.filter(recipient=bystander).exists()
