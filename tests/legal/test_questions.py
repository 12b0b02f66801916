"""A legal question goes from a member territory to ANPP staff and back, privately; staff may publish
an edited copy to the members-only Q&A base."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from legal import selectors, services
from legal.models import Question
from resources.models import QAEntry

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% statuts\n%%EOF\n"


def ask(client, territory, **data):
    data = {
        "subject": "Prestations pour des non-membres",
        "text": "Notre PETR peut-il facturer une commune ?",
        **data,
    }
    return client.post(reverse("legal:ask", args=[territory.slug]), data)


def test_a_person_of_a_member_territory_asks_with_a_file_and_sees_the_thread(client, member_a, territory_a):
    client.force_login(member_a)
    response = ask(client, territory_a, files=[SimpleUploadedFile("statuts.pdf", PDF)])
    question = Question.objects.get()
    assert response.status_code == 302 and response["Location"] == question.get_absolute_url()
    assert question.status == Question.Status.NEW and question.asked_by == member_a
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Notre PETR peut-il facturer une commune ?" in page and "statuts.pdf" in page
    attachment = question.messages.get().attachments.get()
    download = client.get(reverse("legal:attachment", args=[question.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_the_form_keeps_what_was_typed_and_says_what_is_missing_in_french(client, member_a, territory_a):
    client.force_login(member_a)
    response = ask(client, territory_a, subject="", files=[SimpleUploadedFile("virus.exe", b"MZ\x90\x00")])
    page = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez l&#x27;objet de votre question." in page
    assert "Les fichiers joints doivent être des PDF, PNG ou JPEG." in page
    assert "Notre PETR peut-il facturer une commune ?" in page
    assert not Question.objects.exists()


def test_a_territory_without_a_valid_adhesion_cannot_ask(client, territory_b):
    from members.models import Role

    from ..factories import MembershipFactory

    person = MembershipFactory(territory=territory_b, role=Role.REFERENT).user
    client.force_login(person)
    response = ask(client, territory_b)
    assert response.status_code == 403
    assert reverse("members:join") in response.content.decode()
    assert not Question.objects.exists()


def test_another_territory_gets_a_404_for_the_thread_its_files_and_asking_for_a(
    client, member_a, territory_a, person_b
):
    question = services.question_ask(
        territory=territory_a,
        user=member_a,
        subject="Objet privé",
        text="Texte privé",
        files=[SimpleUploadedFile("a.pdf", PDF)],
    )
    attachment = question.messages.get().attachments.get()
    client.force_login(person_b)
    assert client.get(question.get_absolute_url()).status_code == 404
    assert client.post(question.get_absolute_url(), {"text": "intrusion"}).status_code == 404
    assert client.get(reverse("legal:attachment", args=[question.pk, attachment.pk])).status_code == 404
    assert ask(client, territory_a).status_code == 404
    assert "Objet privé" not in client.get(reverse("legal:list")).content.decode()
    assert question.messages.count() == 1


def test_staff_reply_tells_the_asker_and_the_referents_once_each(
    client, member_a, referent_of_a, territory_a, person_b, anpp_staff, send_outbox
):
    # person_b, a référent of another territory, is never told of A's question.
    question = services.question_ask(territory=territory_a, user=member_a, subject="Congé", text="Question ?")
    client.force_login(anpp_staff)
    client.post(question.get_absolute_url(), {"text": "Réponse de l'équipe."})
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED and question.assigned_to == anpp_staff
    sent = send_outbox()
    assert sorted(m.to[0] for m in sent) == sorted([member_a.email, referent_of_a.email])
    assert all(question.get_absolute_url() in m.body for m in sent)
    assert all("Réponse de l'équipe." not in m.body for m in sent)  # the answer stays on the portal
    assert send_outbox() == sent  # delivered once: the relay finds nothing more to send
    # The territory answers back: the question is back in staff's queue, and nobody is emailed.
    client.force_login(member_a)
    client.post(question.get_absolute_url(), {"text": "Merci, une précision ?"})
    question.refresh_from_db()
    assert question.status == Question.Status.IN_PROGRESS and question.waiting_since is not None
    assert len(send_outbox()) == 2


def test_a_closed_question_takes_no_more_messages_and_says_so_to_each_side(
    client, member_a, territory_a, anpp_staff
):
    question = services.question_ask(territory=territory_a, user=member_a, subject="S", text="T")
    services.question_close(question=question)
    for author, from_staff in ((member_a, False), (anpp_staff, True)):
        with pytest.raises(services.LegalError) as refused:
            services.message_add(question=question, author=author, text="Encore", from_staff=from_staff)
        assert str(refused.value) == "Cette question est close : posez une nouvelle question."
        client.force_login(author)
        page = client.post(question.get_absolute_url(), {"text": "Encore"}, follow=True).content.decode()
        assert "Cette question est close : posez une nouvelle question." in page
    assert question.messages.count() == 1


def test_a_question_waits_from_when_it_is_asked_and_a_follow_up_keeps_it_new_until_someone_takes_it(
    member_a, territory_a, anpp_staff
):
    before = timezone.now()
    first = services.question_ask(territory=territory_a, user=member_a, subject="Première", text="T")
    second = services.question_ask(territory=territory_a, user=member_a, subject="Seconde", text="T")
    for question in (first, second):
        question.refresh_from_db()
        assert before <= question.waiting_since <= timezone.now()
    services.message_add(question=first, author=member_a, text="Précision", from_staff=False)
    services.question_assign(question=second, staff_user=anpp_staff)
    services.message_add(question=second, author=member_a, text="Précision", from_staff=False)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Question.Status.NEW, Question.Status.IN_PROGRESS)


def test_each_message_of_a_thread_keeps_its_own_files_whoever_writes_it(member_a, territory_a, anpp_staff):
    question = services.question_ask(
        territory=territory_a,
        user=member_a,
        subject="S",
        text="T",
        files=[SimpleUploadedFile("statuts.pdf", PDF)],
    )
    services.message_add(
        question=question,
        author=anpp_staff,
        text="Voici un modèle.",
        from_staff=True,
        files=[SimpleUploadedFile("modele.pdf", PDF)],
    )
    services.message_add(
        question=question,
        author=member_a,
        text="Merci, et la délibération.",
        from_staff=False,
        files=[SimpleUploadedFile("deliberation.pdf", PDF)],
    )
    names = [
        [
            attachment.file.name.rsplit("/", 1)[-1].split("_")[0].removesuffix(".pdf")
            for attachment in m.attachments.all()
        ]
        for m in question.messages.order_by("pk")
    ]
    assert names == [["statuts"], ["modele"], ["deliberation"]]


def test_the_queue_shows_new_and_long_waiting_questions(member_a, territory_a, anpp_staff):
    new = services.question_ask(territory=territory_a, user=member_a, subject="Nouvelle", text="T")
    old = services.question_ask(territory=territory_a, user=member_a, subject="Ancienne", text="T")
    services.question_assign(question=old, staff_user=anpp_staff)
    Question.objects.filter(pk=old.pk).update(waiting_since=timezone.now() - timedelta(days=10))
    assert list(selectors.staff_queue(show="nouvelles")) == [new]
    assert list(selectors.staff_queue(show="en-attente")) == [old]
    assert selectors.queue_counts() == {"new": 1, "waiting": 1}


def test_staff_publish_an_edited_copy_that_names_no_territory(client, member_a, territory_a, anpp_staff):
    question = services.question_ask(
        territory=territory_a, user=member_a, subject="Question du PETR du Pays A", text="Texte d'origine"
    )
    client.force_login(anpp_staff)
    url = reverse("legal:staff_publish", args=[question.pk])
    refused = client.post(url, {"title": "Une question du PETR du Pays A", "answer": "Oui."})
    assert refused.status_code == 200
    assert "ne doit pas nommer le territoire" in refused.content.decode()
    response = client.post(
        url, {"title": "Un PETR peut-il facturer une commune ?", "answer": "Oui, *sous conditions*."}
    )
    entry = QAEntry.objects.get()
    assert response["Location"] == entry.get_absolute_url()
    assert "Texte d'origine" not in entry.answer and territory_a.name not in entry.answer
    assert "<em>sous conditions</em>" in entry.answer_html
    question.refresh_from_db()
    assert question.published_entry == entry
    with pytest.raises(ValidationError):
        services.question_publish(
            question=question, title="Ok", question_text="", answer=f"À {territory_a.name}", signature=""
        )


def test_the_published_copy_is_for_members_only(client, member_a, territory_a, territory_b):
    from members.models import Role

    from ..factories import MembershipFactory

    question = services.question_ask(territory=territory_a, user=member_a, subject="S", text="T")
    entry = services.question_publish(
        question=question,
        title="Question anonymisée",
        question_text="",
        answer="Réponse publiée.",
        signature="",
    )
    client.force_login(member_a)
    assert "Réponse publiée." in client.get(entry.get_absolute_url()).content.decode()
    client.force_login(MembershipFactory(territory=territory_b, role=Role.MEMBRE).user)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Réponse publiée." not in page and reverse("members:join") in page


def test_staff_pages_need_the_permission(client, member_a, territory_a):
    from ..factories import UserFactory

    question = services.question_ask(territory=territory_a, user=member_a, subject="S", text="T")
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("legal:staff_queue")).status_code == 403
    assert client.get(reverse("legal:staff_publish", args=[question.pk])).status_code == 403
    assert client.get(question.get_absolute_url()).status_code == 404


def test_the_staff_home_lists_new_and_long_waiting_questions_with_a_link_to_the_queue(
    client, member_a, territory_a, anpp_staff
):
    client.force_login(anpp_staff)
    home = reverse("backoffice:home")
    assert not {"legal-new", "legal-waiting"} & {item.kind for item in client.get(home).context["items"]}
    services.question_ask(territory=territory_a, user=member_a, subject="Question récente", text="T")
    old = services.question_ask(territory=territory_a, user=member_a, subject="Question ancienne", text="T")
    services.question_assign(question=old, staff_user=anpp_staff)
    Question.objects.filter(pk=old.pk).update(waiting_since=timezone.now() - timedelta(days=10))
    items = {item.kind: item for item in client.get(home).context["items"]}
    assert (items["legal-new"].count, items["legal-waiting"].count) == (1, 1)
    queue = client.get(items["legal-waiting"].url).content.decode()
    assert "Question ancienne" in queue and "Question récente" not in queue


def test_a_persons_questions_are_in_their_data_and_stay_with_the_territory_when_they_leave(
    member_a, territory_a
):
    from anpp_portal import privacy

    question = services.question_ask(
        territory=territory_a, user=member_a, subject="Objet à moi", text="Mon texte"
    )
    data = privacy.personal_data_export(user=member_a)
    assert data["legal"]["questions_posees"][0]["objet"] == "Objet à moi"
    assert data["legal"]["messages_ecrits"][0]["texte"] == "Mon texte"
    privacy.account_delete(user=member_a)
    question.refresh_from_db()
    assert question.asked_by is None and question.messages.get().author is None


def test_the_demo_question_says_it_is_fictional_and_loads_once():
    from legal import demo as legal_demo
    from members import demo as members_demo

    members_demo.load()
    legal_demo.load()
    legal_demo.load()
    question = Question.objects.get()
    assert question.subject.startswith("Exemple fictif")
    assert all("Exemple fictif" in m.text for m in question.messages.all())
    assert question.status == Question.Status.ANSWERED


def test_the_queue_and_a_thread_make_the_same_queries_for_one_question_or_many(
    client, member_a, territory_a, anpp_staff, django_assert_max_num_queries
):
    first = services.question_ask(territory=territory_a, user=member_a, subject="S0", text="T")
    client.force_login(anpp_staff)
    client.get(
        reverse("legal:staff_queue")
    )  # the person's own parts (second factor banner) are kept after this
    counts = []
    for round_ in range(2):
        with django_assert_max_num_queries(30) as captured:
            client.get(reverse("legal:staff_queue"))
            client.get(first.get_absolute_url())
        counts.append(len(captured.captured_queries))
        for n in range(6):
            question = services.question_ask(
                territory=territory_a, user=member_a, subject=f"S{round_}{n}", text="T"
            )
            services.message_add(
                question=first,
                author=anpp_staff,
                from_staff=True,
                text=f"Réponse {n}",
                files=[SimpleUploadedFile("a.pdf", PDF)],
            )
            services.question_assign(question=question, staff_user=anpp_staff)
    assert counts[0] == counts[1]


def test_staff_who_may_only_read_a_thread_cannot_write_in_it(client, member_a, territory_a):
    from django.contrib.auth.models import Permission

    from ..factories import UserFactory

    question = services.question_ask(territory=territory_a, user=member_a, subject="S", text="T")
    reader = UserFactory(is_staff=True)
    reader.user_permissions.add(
        Permission.objects.get(codename="view_question", content_type__app_label="legal")
    )
    client.force_login(reader)
    assert client.get(question.get_absolute_url()).status_code == 200
    assert client.post(question.get_absolute_url(), {"text": "Pas de réponse de ma part"}).status_code == 403
    assert question.messages.count() == 1


def test_a_persons_list_holds_every_question_of_their_territory_and_none_of_another(
    client, member_a, referent_of_a, territory_a, person_b, territory_b
):
    """The list of questions: the territory's, whoever of its people asked, never another's."""
    services.question_ask(territory=territory_a, user=member_a, subject="Question fictive de A", text="…")
    services.question_ask(territory=territory_a, user=referent_of_a, subject="Autre question de A", text="…")
    services.question_ask(territory=territory_b, user=person_b, subject="Question fictive de B", text="…")
    client.force_login(member_a)
    page = client.get(reverse("legal:list")).content.decode()
    assert "Question fictive de A" in page and "Autre question de A" in page
    assert "Question fictive de B" not in page
    client.force_login(person_b)
    page = client.get(reverse("legal:list")).content.decode()
    assert "Question fictive de B" in page and "Question fictive de A" not in page


def test_staff_never_ask_on_a_territorys_behalf_even_when_they_are_a_person_of_another(
    client, member_a, territory_a, territory_b
):
    """Asking is for a territory's own people: staff open A's space but may not ask for A, and a staff
    account that is also a référent of B asks for B only."""
    from members.models import Role

    from ..factories import MembershipFactory, StaffFactory
    from ..members.adhesion_factories import make_member

    make_member(territory_b)
    staff = StaffFactory()
    client.force_login(staff)
    assert ask(client, territory_a).status_code in (403, 404)
    MembershipFactory(user=staff, territory=territory_b, role=Role.REFERENT)
    assert ask(client, territory_a).status_code in (403, 404)
    assert not Question.objects.filter(territory=territory_a).exists()
    assert ask(client, territory_b, subject="Question fictive de B").status_code == 302
    assert Question.objects.get().territory == territory_b


def test_a_reply_is_told_to_the_active_asker_and_active_referents_of_the_territory_only(
    client, member_a, referent_of_a, territory_a, person_b, anpp_staff, send_outbox
):
    """Not another member of the territory who did not ask, not a deactivated référent or asker,
    not a référent of another territory; the email names the question and its territory."""
    from members.models import Role

    from ..factories import MembershipFactory

    MembershipFactory(territory=territory_a, role=Role.MEMBRE)  # a person of A who did not ask
    MembershipFactory(territory=territory_a, role=Role.REFERENT, user__is_active=False)
    question = services.question_ask(
        territory=territory_a, user=member_a, subject="Question fictive sur les congés", text="?"
    )
    services.message_add(question=question, author=anpp_staff, text="Réponse 1.", from_staff=True)
    sent = send_outbox()
    assert sorted(m.to[0] for m in sent) == sorted([member_a.email, referent_of_a.email])
    assert {m.subject for m in sent} == {
        "[ANPP] Réponse de l'ANPP à votre question : Question fictive sur les congés"
    }
    assert all(territory_a.name in m.body for m in sent)
    # The asker's account is deactivated, then deleted: the référent alone is told of the next replies.
    for asker_left in ({"asked_by__is_active": False}, {"asked_by": None}):
        mail_count = len(sent)
        if "asked_by" in asker_left:
            Question.objects.filter(pk=question.pk).update(asked_by=None)
        else:
            type(member_a).objects.filter(pk=member_a.pk).update(is_active=False)
        question.refresh_from_db()
        services.message_add(question=question, author=anpp_staff, text="Réponse suivante.", from_staff=True)
        sent = send_outbox()
        assert [m.to[0] for m in sent[mail_count:]] == [referent_of_a.email], asker_left


def test_a_thread_file_url_serves_only_a_file_of_the_question_it_names(client, member_a, territory_a):
    first, second = (
        services.question_ask(
            territory=territory_a,
            user=member_a,
            subject=f"Question fictive {n}",
            text="…",
            files=[SimpleUploadedFile(f"piece-{n}.pdf", PDF + str(n).encode())],
        )
        for n in (1, 2)
    )
    client.force_login(member_a)
    for question, other in ((first, second), (second, first)):
        attachment = question.messages.get().attachments.get()
        own = client.get(reverse("legal:attachment", args=[question.pk, attachment.pk]))
        assert own.status_code == 200
        assert client.get(reverse("legal:attachment", args=[other.pk, attachment.pk])).status_code == 404


# --- The rules live in the services: every caller (views, demo, a future API) gets them ------------


def test_only_a_person_of_a_member_territory_may_ask_through_the_service(member_a, territory_a, territory_b):
    from members.models import Role

    from ..factories import MembershipFactory

    not_member = MembershipFactory(territory=territory_b, role=Role.REFERENT).user  # B has no adhésion
    with pytest.raises(services.LegalNotAllowed):
        services.question_ask(territory=territory_b, user=not_member, subject="S", text="T")
    with pytest.raises(services.LegalNotAllowed):  # a person of B does not ask on A's behalf
        services.question_ask(territory=territory_a, user=not_member, subject="S", text="T")
    assert (
        services.question_ask(territory=territory_a, user=member_a, subject="S", text="T").territory
        == territory_a
    )
    assert Question.objects.count() == 1


def test_the_service_lets_only_staff_who_may_change_questions_write_as_anpp_and_others_for_their_territory(
    member_a, territory_a, person_b, anpp_staff
):
    from django.contrib.auth.models import Permission

    from ..factories import StaffFactory

    question = services.question_ask(territory=territory_a, user=member_a, subject="S", text="T")
    reader = StaffFactory()
    reader.groups.clear()
    reader.user_permissions.add(
        Permission.objects.get(codename="view_question", content_type__app_label="legal")
    )
    for author, from_staff in ((reader, True), (reader, False), (member_a, True), (person_b, False)):
        with pytest.raises(services.LegalNotAllowed):
            services.message_add(question=question, author=author, text="Non", from_staff=from_staff)
    assert question.messages.count() == 1
    services.message_add(question=question, author=anpp_staff, text="Réponse", from_staff=True)
    services.message_add(question=question, author=member_a, text="Merci", from_staff=False)
    assert [m.from_staff for m in question.messages.order_by("pk")] == [False, True, False]


@pytest.mark.parametrize("field", ["title", "question_text", "answer", "signature"])
@pytest.mark.parametrize("written", ["upper", "lower", "as is"])
def test_a_published_copy_naming_the_territory_in_any_case_is_refused_next_to_the_field(
    member_a, territory_a, territory_b, written, field
):
    name = {"upper": territory_a.name.upper(), "lower": territory_a.name.lower(), "as is": territory_a.name}[
        written
    ]
    question = services.question_ask(territory=territory_a, user=member_a, subject="S", text="T")
    # Naming another territory is no reason to refuse (a Q&A entry may cite one as an example).
    fields = {
        "title": "Titre",
        "question_text": "",
        "answer": f"Oui, comme {territory_b.name}.",
        "signature": "",
    }
    with pytest.raises(ValidationError) as refused:
        services.question_publish(question=question, **{**fields, field: f"Le {name}, bien sûr"})
    assert refused.value.message_dict == {
        field: ["Le texte publié ne doit pas nommer le territoire qui a posé la question."]
    }
    assert not QAEntry.objects.exists()


def test_a_published_copy_keeps_its_themes_and_publishing_again_updates_the_same_copy(member_a, territory_a):
    from resources.models import Theme

    mobility, health = (
        Theme.objects.create(name=name, slug=slug, position=i)
        for i, (name, slug) in enumerate((("Mobilités", "mobilites"), ("Santé", "sante")))
    )
    question = services.question_ask(territory=territory_a, user=member_a, subject="S", text="T")
    copy = {"title": "Un PETR peut-il facturer ?", "question_text": "", "answer": "Oui.", "signature": ""}
    entry = services.question_publish(question=question, themes=[mobility, health], **copy)
    assert set(QAEntry.objects.get(pk=entry.pk).themes.all()) == {mobility, health}
    again = services.question_publish(question=question, themes=[health], **{**copy, "answer": "Non."})
    assert again.pk == entry.pk and QAEntry.objects.count() == 1
    assert list(QAEntry.objects.get(pk=entry.pk).themes.all()) == [health]
    assert Question.objects.get(pk=question.pk).published_entry_id == entry.pk


def test_a_reply_reaches_an_asker_who_is_also_a_referent_once_whatever_the_case_of_the_address(
    member_a, territory_a, anpp_staff, send_outbox
):
    from members.models import Role

    from ..factories import MembershipFactory, UserFactory

    asker = UserFactory(email="Direction@Pays-A.test")
    MembershipFactory(territory=territory_a, user=asker, role=Role.REFERENT)
    other = MembershipFactory(territory=territory_a, role=Role.REFERENT).user
    question = services.question_ask(territory=territory_a, user=asker, subject="S", text="T")
    services.message_add(question=question, author=anpp_staff, text="Réponse", from_staff=True)
    sent = send_outbox()
    assert sorted(m.to[0].lower() for m in sent) == sorted(["direction@pays-a.test", other.email.lower()])
