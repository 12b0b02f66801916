"""Who gets what on every URL of the project: the one table read by tests/test_access_matrix.py.

One row per request (a URL name, its keywords, GET or POST), one column per role:

- ``anonymous``: not logged in;
- ``person_a``: a person (rôle « membre ») of territory A, whose adhésion is valid: a member;
- ``person_b``: a person of territory B, without a valid adhésion, requesting A's objects;
- ``referent_a``: the référent of territory A;
- ``staff``: ANPP staff in the group « Équipe ANPP » (not superuser: the permissions of the group);
- ``staff_no_perms``: a staff account (``is_staff``) outside the group « Équipe ANPP », without any
  permission. Being staff must give nothing by itself: every staff page is a 403 for it, and
  everywhere else it gets what ``person_b`` gets (a logged-in person of no member territory), unless
  its row says otherwise.
- ``staff_mfa_overdue``: staff of the group, past the TOTP grace period without TOTP (TOTP required).
  Every staff page sends it to the TOTP setup; everywhere else it is a plain person and gets what
  ``person_b`` gets (anpp_portal/staffpolicy.py), unless its row says otherwise.
- ``staff_view_only``: staff holding only the group's view permissions. It reads what staff read;
  check-in, payments, invitations and every write need a change or add permission: its row says so
  where it differs from ``staff``.
- ``referent_b``: the référent of territory B (not a member), asking for A's URLs and for B's URLs
  with A's document year or id; by default what ``person_b`` gets.
- ``invoice_owner``: a person of no territory who registered personally and has an invoice for it;
  ``stranger``: another person of no territory. By default both get what ``person_b`` gets; the rows
  of the personal registration and its invoice say what differs.

Keywords and POST data are format strings filled from the objects built by the test (A's territory,
adhésion, fiche, event, registration…, the magazine's issues): ``"{territory.slug}"``.

Every URL pattern of the project must appear in at least one row, and every row must name a URL
pattern: tests/test_access_matrix.py fails otherwise.
"""

from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "person_a",
    "person_b",
    "referent_a",
    "staff",
    "staff_no_perms",
    "staff_mfa_overdue",
    "staff_view_only",
    "referent_b",
    "invoice_owner",
    "stranger",
)

# The full text of the articles built by the test, and the chapeau everyone may read. Only the
# members-only article's text has the SECRET_WORD: searching it must not show that text to others.
FULL_TEXT_MARKER = "Paragraphe intégral du dossier sur les mobilités rurales"
CHAPEAU_MARKER = "Un chapeau public sur les mobilités rurales"
SECRET_WORD = "zorglub"
DRAFT_EVENT_TITLE = "Séminaire encore en préparation"
DRAFT_NEWS_TITLE = "Actualité encore en préparation"
# The directory prints a population as "37 533 habitants (2018)": A keeps its population private.
PRIVATE_POPULATION = "habitants"
FIRST_SECTION = "identite"
# The notes library and the Q&A base: the members-only note's body (with its own searchable word),
# the Q&A entry's answer, and the subject of A's legal question (tests/legal/access.py).
NOTE_BODY_MARKER = "Texte intégral de la note réservée"
NOTE_SECRET_WORD = "quetzalcoatl"
QA_ANSWER_MARKER = "Réponse publiée dans la base des adhérents"
QUESTION_SUBJECT = "Question privée du territoire"


@dataclass(frozen=True)
class Outcome:
    """What a response must be. ``location`` is a URL name (keywords as format strings) the Location
    header's path must equal; ``login`` adds that its ``next`` is the requested URL. ``contains``
    and ``lacks`` are format strings too, looked for in the body."""

    status: int
    location: str = ""
    location_kwargs: dict = field(default_factory=dict)
    login: bool = False
    content_type: str = ""
    contains: str = ""
    lacks: str = ""

    def __str__(self):
        text = str(self.status)
        if self.location:
            text += f" to {self.location}" + (f" {self.location_kwargs}" if self.location_kwargs else "")
        if self.content_type:
            text += f" {self.content_type}"
        if self.contains:
            text += f" containing {self.contains[:30]!r}"
        if self.lacks:
            text += f" without {self.lacks[:30]!r}"
        return text


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    kwargs: dict
    query: str = ""
    data: dict | None = None
    note: str = ""

    def __str__(self):
        text = f"{self.method.upper()} {self.url}"
        if self.note:
            text += f" ({self.note})"
        return text


@dataclass(frozen=True)
class Row:
    request: Request
    expected: dict[str, Outcome]


def get(url: str, *, query: str = "", note: str = "", **kwargs) -> Request:
    return Request("get", url, kwargs, query=query, note=note)


def post(url: str, *, data: dict | None = None, note: str = "", **kwargs) -> Request:
    return Request("post", url, kwargs, data=data or {}, note=note)


def row(
    request: Request,
    anonymous: Outcome,
    person_a: Outcome,
    person_b: Outcome,
    referent_a: Outcome,
    staff: Outcome,
    *,
    staff_no_perms: Outcome | None = None,
    staff_mfa_overdue: Outcome | None = None,
    staff_view_only: Outcome | None = None,
    referent_b: Outcome | None = None,
    invoice_owner: Outcome | None = None,
    stranger: Outcome | None = None,
) -> Row:
    if staff_no_perms is None:
        # Past the admin's door (is_staff), a staff page asks for a permission this account lacks.
        staff_no_perms = FORBIDDEN if person_b == ADMIN_LOGIN else person_b
    if staff_mfa_overdue is None:
        # A staff page sends it to the TOTP setup; anywhere else it is a plain person.
        staff_mfa_overdue = TO_TOTP if request.url in STAFF_PAGES else person_b
    outcomes = (
        anonymous,
        person_a,
        person_b,
        referent_a,
        staff,
        staff_no_perms,
        staff_mfa_overdue,
        staff if staff_view_only is None else staff_view_only,
        person_b if referent_b is None else referent_b,
        person_b if invoice_owner is None else invoice_owner,
        person_b if stranger is None else stranger,
    )
    return Row(request, dict(zip(ROLES, outcomes, strict=True)))


def to(url: str, **kwargs) -> Outcome:
    """A 302 to ``url`` (a URL name, keywords as format strings)."""
    return Outcome(302, location=url, location_kwargs=kwargs)


OK = Outcome(200)
LOGIN = Outcome(302, location="account_login", login=True)
# staff_member_required sends every non-staff visitor, logged in or not, to the admin's login page.
ADMIN_LOGIN = Outcome(302, location="admin:login", login=True)
BAD_REQUEST = Outcome(400)
FORBIDDEN = Outcome(403)
NOT_FOUND = Outcome(404)
NOT_ALLOWED = Outcome(405)
PDF = Outcome(200, content_type="application/pdf")
JSON = Outcome(200, content_type="application/json")
CSV = Outcome(200, content_type="text/csv; charset=utf-8")
XLSX = Outcome(200, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ICS = Outcome(200, content_type="text/calendar")
FULL_TEXT = Outcome(200, contains=FULL_TEXT_MARKER)
TEASER = Outcome(200, contains=CHAPEAU_MARKER, lacks=FULL_TEXT_MARKER)
NO_FULL_TEXT = Outcome(200, lacks=FULL_TEXT_MARKER)
NO_MATCH = Outcome(200, lacks=CHAPEAU_MARKER)  # a search page without the article
FEED = Outcome(200, content_type="application/atom+xml", lacks=FULL_TEXT_MARKER)  # chapeaux only
RSS = Outcome(200, content_type="application/rss+xml", lacks=FULL_TEXT_MARKER)
NO_DRAFT_EVENT = Outcome(200, lacks=DRAFT_EVENT_TITLE)
WITH_A = Outcome(200, contains="{territory.name}")
WITHOUT_A = Outcome(200, lacks="{territory.name}")
WITH_A_REGISTRATION = Outcome(200, contains="{event.title}")
WITHOUT_A_REGISTRATION = Outcome(200, lacks="{event.title}")
PDF_QUEUED = Outcome(202)  # no stored PDF yet: the rendering is queued and a progress page shown
RSS = Outcome(200, content_type="application/rss+xml")
ATOM = Outcome(200, content_type="application/atom+xml")
# A's population is not public (only name, kind and départements are by default): never shown.
DIRECTORY_WITH_A = Outcome(200, contains="{territory.name}", lacks=PRIVATE_POPULATION)
MAP = Outcome(200, lacks=PRIVATE_POPULATION)  # A has no département here: listed, not on the map
NOTE_BODY = Outcome(200, contains=NOTE_BODY_MARKER)
NOTE_SUMMARY_ONLY = Outcome(200, contains="{members_note.summary}", lacks=NOTE_BODY_MARKER)
NO_NOTE_BODY = Outcome(200, lacks=NOTE_BODY_MARKER)
QA_ANSWER = Outcome(200, contains=QA_ANSWER_MARKER)
NO_QA_ANSWER = Outcome(200, lacks=QA_ANSWER_MARKER)
WITH_QUESTION = Outcome(200, contains=QUESTION_SUBJECT)
WITHOUT_QUESTION = Outcome(200, lacks=QUESTION_SUBJECT)

A = {"slug": "{territory.slug}"}
A_2018 = {"slug": "{territory.slug}", "year": 2018}
EVENT = {"slug": "{event.slug}"}
DRAFT_EVENT = {"slug": "{draft_event.slug}"}
DAY = {"slug": "{event.slug}", "day_pk": "{day.pk}"}
REGISTRATION = {"pk": "{registration.pk}"}
PARTICIPANT = {"pk": "{registration.pk}", "participant_pk": "{participant.pk}"}
INVOICE = {"pk": "{invoice.pk}"}
TO_TERRITORY = to("members:territory", **A)
TO_ADHESION = to("members:adhesion", **A_2018)
TO_FIRST_SECTION = to("members:fiche_section", **A_2018, section=FIRST_SECTION)
TO_FICHE_SUBMIT = to("members:fiche_submit", **A_2018)
SURVEY_A = {"slug": "{territory.slug}", "pk": "{survey.pk}"}
SURVEY_FIRST_SECTION = "contrats"
TO_SURVEY_SECTION = to("members:survey_section", **SURVEY_A, section=SURVEY_FIRST_SECTION)
TO_SURVEY_SUBMIT = to("members:survey_submit", **SURVEY_A)
TO_SURVEY_STAFF = to("members:survey_staff", pk="{survey.pk}")
TO_REGISTRATION = to("events:registration", **REGISTRATION)
TO_ARCHIVE = to("publications:archive")
TO_DIRECTORY_SETTINGS = to("members:directory_settings", **A)
TO_TOTP = to("mfa_activate_totp")
B = {"slug": "pays-b"}
PERSONAL_REGISTRATION = {"pk": "{personal_registration.pk}"}
PERSONAL_INVOICE = {"pk": "{personal_invoice.pk}"}

# POSTs a person makes for themselves (their account, their own registration): no staff permission
# is involved, so staff holding only view permissions make them like anyone.
PERSONAL_WRITES = {
    "members:delete_account",
    "events:register",
    "members:invitation",
    "billing:document",
    "resources:follow",  # the themes one follows: one's own account
}

# The staff pages: a 403 for a staff account without permissions (tests/test_access_matrix.py
# checks that this names every view marked by members.staff.staff_permission_required).
STAFF_PAGES = {
    "backoffice:home",
    "members:staff_remind",
    "members:questionnaire_preview",
    "events:checkin_day",
    "events:checkin_scan",
    "members:dashboard",
    "members:panorama",
    "members:fiche_review",
    "members:survey_results",
    "members:survey_results_csv",
    "members:survey_results_xlsx",
    "members:survey_results_pdf",
    "members:survey_staff",
    "members:survey_preview",
    "members:survey_open",
    "members:survey_remind",
    "events:staff_participants",
    "events:checkin",
    "events:checkin_mark",
    "events:statistics",
    "events:badges",
    "events:signin_sheets",
    "billing:unpaid",
    "billing:ledger_export",
    "billing:invoice_staff",
    "billing:invoice_payment",
    "billing:invoice_chorus",
    "billing:invoice_correct",
    "legal:staff_queue",
    "legal:staff_assign",
    "legal:staff_close",
    "legal:staff_publish",
}
QUESTION = {"pk": "{question.pk}"}
TO_QUESTION = to("legal:question", **QUESTION)

# fmt: off
MATRIX = [
    # request                                                              anonymous    person_a      person_b   referent_a    staff
    # --- portal ---
    row(get("home"),                                                       OK,          OK,           OK,        OK,           OK),
    row(get("health"),                                                     JSON,        JSON,         JSON,      JSON,         JSON),
    row(get("accessibility"),                                              OK,          OK,           OK,        OK,           OK),
    # --- joining the ANPP (public) ---
    row(get("members:join"),                                               OK,          OK,           OK,        OK,           OK),
    row(get("members:join", query="nature=petr&population=37+533", note="simulator"),
                                                                           OK,          OK,           OK,        OK,           OK),
    row(get("members:join_request"),                                       OK,          OK,           OK,        OK,           OK),
    row(post("members:join_request", note="empty form: the form again"),   OK,          OK,           OK,        OK,           OK),
    row(get("members:join_request_sent"),                                  OK,          OK,           OK,        OK,           OK),
    row(get("members:join_request_confirm", token="jeton-inconnu", note="the button, nothing checked yet"),
                                                                           OK,          OK,           OK,        OK,           OK),
    row(post("members:join_request_confirm", token="jeton-inconnu", note="forged link"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    # Public media: covers and logos only; private documents never have a media URL.
    row(get("public_media", path="publications/covers/absente.png", note="missing cover"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    row(get("public_media", path="adhesions/appels/appel-2018-0001.pdf", note="a private document's old name"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    # --- territory space ---
    # Staff holding only view permissions (staff_view_only) read a territory's page and documents;
    # its forms (people, directory entry, adhésion, fiche) are writes: a 404, as for anyone who may
    # not act for the territory. Staff pages that write (reminders, check-in, payments) are a 403.
    # Staff who may see territories are shown the way to each (issue 27); without the right, none.
    row(get("members:space"),                                              LOGIN,       WITH_A,       WITHOUT_A, WITH_A,       WITH_A),
    row(get("members:territory", **A),                                     LOGIN,       OK,           NOT_FOUND, OK,           OK),
    row(post("members:territory", **A, note="invite someone",
             data={"email": "nouvelle.personne@territoire.test", "role": "membre"}),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, TO_TERRITORY, TO_TERRITORY,
        staff_view_only=NOT_FOUND),
    row(get("members:invitation_revoke", **A, invitation_pk="{invitation.pk}"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_ALLOWED,  NOT_ALLOWED,
        staff_view_only=NOT_FOUND),
    row(post("members:invitation_revoke", **A, invitation_pk="{invitation.pk}"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, TO_TERRITORY, TO_TERRITORY,
        staff_view_only=NOT_FOUND),
    row(get("members:membership_role", **A, membership_pk="{membership.pk}"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_ALLOWED,  NOT_ALLOWED,
        staff_view_only=NOT_FOUND),
    row(post("members:membership_role", **A, membership_pk="{membership.pk}", data={"role": "referent"}),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, TO_TERRITORY, TO_TERRITORY,
        staff_view_only=NOT_FOUND),
    row(get("members:membership_remove", **A, membership_pk="{membership_to_remove.pk}"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_ALLOWED,  NOT_ALLOWED,
        staff_view_only=NOT_FOUND),
    row(post("members:membership_remove", **A, membership_pk="{membership_to_remove.pk}"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, TO_TERRITORY, TO_TERRITORY,
        staff_view_only=NOT_FOUND),
    # The invitation's key is the credential: anyone holding the link sees it; only the invited
    # address may accept it.
    row(get("members:invitation", key="{invitation_key}"),                 OK,          OK,           OK,        OK,           OK),
    row(post("members:invitation", key="{invitation_key}", note="accept another person's invitation"),
                                                                           OK,          FORBIDDEN,    FORBIDDEN, FORBIDDEN,    FORBIDDEN),
    row(get("members:invitation", key="cle-inconnue", note="unknown key"), NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    # --- public directory of the member territories (A is a member, B is not) and A's choices ---
    row(get("directory:list"),                                             DIRECTORY_WITH_A, DIRECTORY_WITH_A, DIRECTORY_WITH_A, DIRECTORY_WITH_A, DIRECTORY_WITH_A),
    row(get("directory:map"),                                              MAP,         MAP,          MAP,       MAP,          MAP),
    row(get("directory:territory", **A),                                   DIRECTORY_WITH_A, DIRECTORY_WITH_A, DIRECTORY_WITH_A, DIRECTORY_WITH_A, DIRECTORY_WITH_A),
    row(get("directory:territory", slug="pays-b", note="not a member"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    # Only A's référent (and staff) choose what the directory shows of A; anyone else gets a 404.
    row(get("members:directory_settings", **A),                            LOGIN,       NOT_FOUND,    NOT_FOUND, OK,           OK,
        staff_view_only=NOT_FOUND),
    row(post("members:directory_settings", **A, data={"show_website": "on"}),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, TO_DIRECTORY_SETTINGS, TO_DIRECTORY_SETTINGS,
        staff_view_only=NOT_FOUND),
    # Invitations waiting for a verified address of the person: only their own are found.
    row(get("members:pending_invitations"),                                LOGIN,       OK,           OK,        OK,           OK),
    row(get("members:pending_invitation_accept", pk="{invitation.pk}"),   LOGIN,       NOT_ALLOWED,  NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    row(post("members:pending_invitation_accept", pk="{invitation.pk}", note="another person's invitation"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    # B's URLs with A's ids: B's référent (and staff) find only B's own objects there.
    row(post("members:invitation_revoke", **B, invitation_pk="{invitation.pk}", note="B's URL, A's invitation"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    row(post("members:membership_role", **B, membership_pk="{membership.pk}", data={"role": "referent"},
             note="B's URL, A's membership"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    row(post("members:membership_remove", **B, membership_pk="{membership_to_remove.pk}", note="B's URL, A's membership"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    # --- adhésion ---
    row(get("members:adhesion", **A_2018),                                 LOGIN,       OK,           NOT_FOUND, OK,           OK,
        staff_view_only=NOT_FOUND),
    row(post("members:adhesion", **A_2018, note="a paid adhésion cannot change: back to its page"),
                                                                           LOGIN,       TO_ADHESION,  NOT_FOUND, TO_ADHESION,  TO_ADHESION,
        staff_view_only=NOT_FOUND),
    row(get("members:adhesion_submit", **A_2018, note="already paid: back to the adhésion"),
                                                                           LOGIN,       TO_ADHESION,  NOT_FOUND, TO_ADHESION,  TO_ADHESION,
        staff_view_only=NOT_FOUND),
    row(post("members:adhesion_submit", **A_2018, note="already paid: back to the adhésion"),
                                                                           LOGIN,       TO_ADHESION,  NOT_FOUND, TO_ADHESION,  TO_ADHESION,
        staff_view_only=NOT_FOUND),
    row(get("members:adhesion_call_pdf", **A_2018),                        LOGIN,       PDF,          NOT_FOUND, PDF,          PDF),
    row(get("members:adhesion_attestation_pdf", **A_2018),                 LOGIN,       PDF,          NOT_FOUND, PDF,          PDF),
    # B has no adhésion of A's year: B's URLs with A's year are a 404 for everyone, B's référent too.
    row(get("members:adhesion_call_pdf", **B, year=2018, note="B's URL, A's document year"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    row(get("members:adhesion_attestation_pdf", **B, year=2018, note="B's URL, A's document year"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    # --- fiche de renseignements ---
    row(get("members:fiche", **A_2018),
        LOGIN,
        to("members:fiche_section", **A_2018, section=FIRST_SECTION),
        NOT_FOUND,
        to("members:fiche_section", **A_2018, section=FIRST_SECTION),
        to("members:fiche_section", **A_2018, section=FIRST_SECTION),
        staff_view_only=NOT_FOUND),
    row(get("members:fiche_section", **A_2018, section=FIRST_SECTION),    LOGIN,       OK,           NOT_FOUND, OK,           OK,
        staff_view_only=NOT_FOUND),
    row(get("members:fiche_section", **A_2018, section="perimetre", note="the section with the EPCI table"),
                                                                           LOGIN,       OK,           NOT_FOUND, OK,           OK,
        staff_view_only=NOT_FOUND),
    row(post("members:fiche_section", **A_2018, section=FIRST_SECTION, note="incomplete: back to the form (POST/redirect/GET)"),
                                                                           LOGIN,       TO_FIRST_SECTION, NOT_FOUND, TO_FIRST_SECTION, TO_FIRST_SECTION,
        staff_view_only=NOT_FOUND),
    row(get("members:fiche_section", **A_2018, section="inconnue", note="unknown section"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    row(get("members:fiche_submit", **A_2018),                             LOGIN,       OK,           NOT_FOUND, OK,           OK,
        staff_view_only=NOT_FOUND),
    row(post("members:fiche_submit", **A_2018, note="incomplete: refused, back to the page (POST/redirect/GET)"),
                                                                           LOGIN,       TO_FICHE_SUBMIT, NOT_FOUND, TO_FICHE_SUBMIT, TO_FICHE_SUBMIT,
        staff_view_only=NOT_FOUND),
    # --- enquêtes: A is asked, B is not ---
    row(get("members:survey", **SURVEY_A),
        LOGIN, TO_SURVEY_SECTION, NOT_FOUND, TO_SURVEY_SECTION, TO_SURVEY_SECTION,
        staff_view_only=NOT_FOUND),
    row(get("members:survey_section", **SURVEY_A, section=SURVEY_FIRST_SECTION),
                                                                           LOGIN,       OK,           NOT_FOUND, OK,           OK,
        staff_view_only=NOT_FOUND),
    row(post("members:survey_section", **SURVEY_A, section=SURVEY_FIRST_SECTION, note="nothing typed: saved, back to the form"),
                                                                           LOGIN,       TO_SURVEY_SECTION, NOT_FOUND, TO_SURVEY_SECTION, TO_SURVEY_SECTION,
        staff_view_only=NOT_FOUND),
    row(get("members:survey_section", **SURVEY_A, section="inconnue", note="unknown section"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    row(get("members:survey_submit", **SURVEY_A),                          LOGIN,       OK,           NOT_FOUND, OK,           OK,
        staff_view_only=NOT_FOUND),
    row(post("members:survey_submit", **SURVEY_A, note="incomplete: refused, back to the page (POST/redirect/GET)"),
                                                                           LOGIN,       TO_SURVEY_SUBMIT, NOT_FOUND, TO_SURVEY_SUBMIT, TO_SURVEY_SUBMIT,
        staff_view_only=NOT_FOUND),
    row(get("members:survey", **B, pk="{survey.pk}", note="B's URL: B is not asked"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    row(get("members:survey_staff", pk="{survey.pk}"),                     LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    OK, staff_no_perms=FORBIDDEN),
    row(get("members:survey_preview", pk="{survey.pk}"),                   LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    OK, staff_no_perms=FORBIDDEN),
    row(get("members:survey_open", pk="{survey.pk}"),                      LOGIN,       NOT_ALLOWED,  NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    row(post("members:survey_open", pk="{survey.pk}", note="already open: said so, back to its page"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    TO_SURVEY_STAFF,
        staff_no_perms=FORBIDDEN, staff_view_only=FORBIDDEN),
    row(get("members:survey_remind", pk="{survey.pk}"),                    LOGIN,       NOT_ALLOWED,  NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    row(post("members:survey_remind", pk="{survey.pk}"),                   LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    TO_SURVEY_STAFF,
        staff_no_perms=FORBIDDEN, staff_view_only=FORBIDDEN),
    # --- personal data ---
    row(get("members:my_data"),                                            LOGIN,       OK,           OK,        OK,           OK),
    row(get("members:my_data", query="format=json"),                       LOGIN,       JSON,         JSON,      JSON,         JSON),
    row(get("members:delete_account"),                                     LOGIN,       NOT_ALLOWED,  NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    row(post("members:delete_account", data={"password": "pas-le-bon", "confirm": "on"}, note="wrong password"),
                                                                           LOGIN,       BAD_REQUEST,  BAD_REQUEST, BAD_REQUEST, BAD_REQUEST),
    # --- ANPP staff: dashboard, panorama, fiche review ---
    row(get("members:dashboard"),                                          LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    OK),
    row(get("members:panorama"),                                           LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    OK),
    row(get("members:staff_remind"),                                       LOGIN,       NOT_ALLOWED,  NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    row(post("members:staff_remind", data={"adhesion": "{adhesion.pk}"}, note="paid: nothing to remind, back to the list"),
                                                                           LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    to("members:dashboard"),
        staff_view_only=FORBIDDEN),
    row(post("members:staff_remind", data={"territory": "{territory.pk}", "annee": "2018"}, note="remind of the fiche"),
                                                                           LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    to("members:dashboard"),
        staff_view_only=FORBIDDEN),
    row(get("members:questionnaire_preview", year=2018),                   LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    OK),
    row(get("backoffice:home"),                                            LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    OK),
    # A fiche's number must not tell a territory person that it exists: 404, not 403.
    row(get("members:fiche_review", pk="{fiche.pk}"),                     LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    OK, staff_no_perms=FORBIDDEN),
    # A survey's results (its pk is the fiche campaign's): staff who may read the fiches, like the panorama.
    row(get("members:survey_results", pk="{fiche.campaign_id}"),           LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    OK),
    row(get("members:survey_results", pk="{fiche.campaign_id}", query="region=zz", note="made-up filter: the message at the field"),
                                                                           LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    OK),
    row(get("members:survey_results_csv", pk="{fiche.campaign_id}"),       LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    CSV),
    row(get("members:survey_results_xlsx", pk="{fiche.campaign_id}"),      LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    XLSX),
    row(get("members:survey_results_pdf", pk="{fiche.campaign_id}"),       LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    PDF),
    # --- events ---
    row(get("events:list"),                                                NO_DRAFT_EVENT, NO_DRAFT_EVENT, NO_DRAFT_EVENT, NO_DRAFT_EVENT, NO_DRAFT_EVENT),
    row(get("events:detail", **EVENT),                                     OK,          OK,           OK,        OK,           OK),
    row(get("events:detail", **DRAFT_EVENT, note="draft: staff preview"), NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    OK),
    row(get("events:calendar", **EVENT),                                   ICS,         ICS,          ICS,       ICS,          ICS),
    row(get("events:calendar", **DRAFT_EVENT, note="draft"),               NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    ICS),
    # Registering is open to any logged-in person: the form offers only their own territories.
    row(get("events:register", **EVENT),                                   LOGIN,       OK,           OK,        OK,           OK),
    # POST/redirect/GET: the typed rows wait in the session, the form is shown again by a GET.
    row(post("events:register", **EVENT, note="empty form: the form again"),
                                                                           LOGIN,       to("events:register", **EVENT), to("events:register", **EVENT), to("events:register", **EVENT), to("events:register", **EVENT)),
    row(get("events:register", **DRAFT_EVENT, note="draft"),               LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    OK),
    # The decline link of an email: its signed token is the credential, whoever follows it.
    row(get("events:decline", token="{decline_token}"),                   OK,          OK,           OK,        OK,           OK),
    row(post("events:decline", token="1.jeton:inconnu", note="unknown token"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    row(get("events:my_registrations"),
        LOGIN, WITH_A_REGISTRATION, WITHOUT_A_REGISTRATION, WITH_A_REGISTRATION, WITHOUT_A_REGISTRATION),
    # A registration belongs to its territory's people; staff manage it from the event's staff pages
    # and the admin, not from the territory's space.
    row(get("events:registration", **REGISTRATION),                        LOGIN,       OK,           NOT_FOUND, OK,           NOT_FOUND),
    row(get("events:participant_change", **PARTICIPANT),                   LOGIN,       OK,           NOT_FOUND, OK,           NOT_FOUND),
    row(post("events:participant_change", **PARTICIPANT, note="empty form: the form again"),
                                                                           LOGIN,       OK,           NOT_FOUND, OK,           NOT_FOUND),
    row(get("events:participant_cancel", pk="{registration.pk}", participant_pk="{participant_to_cancel.pk}",
            note="the confirmation page"),
                                                                           LOGIN,       OK,           NOT_FOUND, OK,           NOT_FOUND),
    row(post("events:participant_cancel", pk="{registration.pk}", participant_pk="{participant_to_cancel.pk}"),
                                                                           LOGIN,       TO_REGISTRATION, NOT_FOUND, TO_REGISTRATION, NOT_FOUND),
    # A personal registration (no territory) is its author's alone; staff manage it from the admin.
    row(get("events:registration", **PERSONAL_REGISTRATION, note="a personal registration"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND,
        invoice_owner=OK),
    # --- territory B's URLs naming A's objects: found inside B only, so a 404 for everyone ---
    row(get("events:participant_change", pk="{registration_b.pk}", participant_pk="{participant.pk}",
            note="B's registration, A's participant"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    row(post("events:participant_cancel", pk="{registration_b.pk}", participant_pk="{participant.pk}",
             note="B's registration, A's participant"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    # --- events, ANPP staff ---
    row(get("events:staff_participants", **EVENT),                         ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, OK),
    row(get("events:checkin", **EVENT),                                    ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, OK),
    row(get("events:checkin_day", **DAY),                                  ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, OK),
    row(get("events:checkin_day", **DAY, query="q=%00", note="NUL in the search: refused before anything"),
                                                                           BAD_REQUEST, BAD_REQUEST,  BAD_REQUEST, BAD_REQUEST, BAD_REQUEST,
        staff_no_perms=BAD_REQUEST, staff_mfa_overdue=BAD_REQUEST),
    row(get("events:checkin_day", slug="{event.slug}", day_pk="{draft_event_day.pk}", note="another event's day"),
                                                                           ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, NOT_FOUND),
    row(get("events:checkin_scan", **DAY),                                 ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, NOT_ALLOWED,
        staff_view_only=FORBIDDEN),
    row(post("events:checkin_scan", **DAY, data={"code": "{participant_code}"}),
                                                                           ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, JSON,
        staff_view_only=FORBIDDEN),
    row(get("events:checkin_mark", **DAY, participant_pk="{participant.pk}"),
                                                                           ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, NOT_ALLOWED,
        staff_view_only=FORBIDDEN),
    row(post("events:checkin_mark", **DAY, participant_pk="{participant.pk}", data={"present": "1"}),
                                                                           ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, to("events:checkin_day", **DAY),
        staff_view_only=FORBIDDEN),
    row(get("events:statistics", **EVENT),                                 ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, OK),
    row(get("events:badges", **EVENT),                                     ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, PDF),
    row(get("events:signin_sheets", **EVENT),                              ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, PDF),
    # --- billing: a document is its territory's (staff see all); staff pages for payments and Chorus Pro ---
    row(get("billing:document", **INVOICE),                                LOGIN,       PDF,          NOT_FOUND, PDF,          PDF),
    row(post("billing:document", **INVOICE, note="read only"),             LOGIN,       NOT_ALLOWED,  NOT_FOUND, NOT_ALLOWED,  NOT_ALLOWED),
    row(get("billing:request_invoice", **REGISTRATION),                    LOGIN,       NOT_ALLOWED,  NOT_FOUND, NOT_ALLOWED,  NOT_FOUND),
    row(post("billing:request_invoice", **REGISTRATION, note="already invoiced: a message on the registration page"),
                                                                           LOGIN,       TO_REGISTRATION, NOT_FOUND, TO_REGISTRATION, NOT_FOUND),
    row(get("billing:unpaid"),                                             ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, OK, staff_no_perms=FORBIDDEN),
    row(get("billing:unpaid", query="chorus=non-depose&format=csv"),       ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, CSV, staff_no_perms=FORBIDDEN),
    row(get("billing:ledger_export", year=2018),                          ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, CSV, staff_no_perms=FORBIDDEN),
    row(post("billing:ledger_export", year=2018),                         ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, NOT_ALLOWED, staff_no_perms=FORBIDDEN),
    row(get("billing:invoice_staff", **INVOICE),                           ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, OK, staff_no_perms=FORBIDDEN),
    row(post("billing:invoice_payment", **INVOICE, note="empty form: the page again"),
                                                                           ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, BAD_REQUEST, staff_no_perms=FORBIDDEN,
        staff_view_only=FORBIDDEN),
    row(post("billing:invoice_chorus", **INVOICE, note="empty form: the page again"),
                                                                           ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, BAD_REQUEST, staff_no_perms=FORBIDDEN,
        staff_view_only=FORBIDDEN),
    row(post("billing:invoice_correct", **INVOICE, note="only an appel's amount is corrected"),
                                                                           ADMIN_LOGIN, ADMIN_LOGIN,  ADMIN_LOGIN, ADMIN_LOGIN, NOT_FOUND, staff_no_perms=FORBIDDEN,
        staff_view_only=FORBIDDEN),
    # An invoice of a personal registration: its author's (and staff's) only.
    row(get("billing:document", **PERSONAL_INVOICE, note="a personal registration's invoice"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    PDF,
        staff_no_perms=NOT_FOUND, invoice_owner=PDF),
    row(post("billing:request_invoice", **PERSONAL_REGISTRATION, note="a personal registration, already invoiced"),
                                                                           LOGIN,       NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND,
        invoice_owner=to("events:registration", **PERSONAL_REGISTRATION)),
    # --- publications: public pages ---
    row(get("publications:archive"),                                       NO_FULL_TEXT, NO_FULL_TEXT, NO_FULL_TEXT, NO_FULL_TEXT, NO_FULL_TEXT),
    row(get("publications:search", query="q=mobilites"),                  OK,          OK,           OK,        OK,           OK),
    # A word of a members-only text finds it only for members (with the text as excerpt); the others
    # cannot probe that text at all.
    row(get("publications:search", query=f"q={SECRET_WORD}", note="a word of the members-only text"),
                                                                           NO_MATCH,    FULL_TEXT,    NO_MATCH,  FULL_TEXT,    FULL_TEXT),
    row(get("publications:feed"),                                          FEED,        FEED,         FEED,      FEED,         FEED),
    row(get("publications:feed_rss"),                                      RSS,         RSS,          RSS,       RSS,          RSS),
    row(get("publications:rubrique", slug="{rubrique.slug}"),             OK,          OK,           OK,        OK,           OK),
    row(get("publications:issue", number="{public_issue.number}", note="public"),
                                                                           OK,          OK,           OK,        OK,           OK),
    row(get("publications:issue_pdf", number="{public_issue.number}", note="public"),
                                                                           PDF,         PDF,          PDF,       PDF,          PDF),
    row(get("publications:article", number="{public_issue.number}", slug="{public_article.slug}", note="public"),
                                                                           FULL_TEXT,   FULL_TEXT,    FULL_TEXT, FULL_TEXT,    FULL_TEXT),
    # --- publications: members only (table of contents and chapeaux to all, text and PDF to members) ---
    row(get("publications:issue", number="{members_issue.number}", note="members only"),
                                                                           TEASER,      TEASER,       TEASER,    TEASER,       TEASER),
    row(get("publications:article", number="{members_issue.number}", slug="{members_article.slug}", note="members only"),
                                                                           TEASER,      FULL_TEXT,    TEASER,    FULL_TEXT,    FULL_TEXT),
    row(get("publications:issue_pdf", number="{members_issue.number}", note="members only"),
                                                                           FORBIDDEN,   PDF,          FORBIDDEN, PDF,          PDF),
    # --- publications: a draft issue is a staff preview, a 404 for everyone else ---
    row(get("publications:issue", number="{draft_issue.number}", note="draft"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    OK),
    row(get("publications:article", number="{draft_issue.number}", slug="{draft_article.slug}", note="draft"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    FULL_TEXT),
    row(get("publications:issue_pdf", number="{draft_issue.number}", note="draft"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    PDF_QUEUED),
    # --- news, partners and the page about the ANPP: public ---
    row(get("association:news_list"),                                      Outcome(200, contains="{news.title}", lacks=DRAFT_NEWS_TITLE),
                                                                           Outcome(200, contains="{news.title}", lacks=DRAFT_NEWS_TITLE),
                                                                           Outcome(200, contains="{news.title}", lacks=DRAFT_NEWS_TITLE),
                                                                           Outcome(200, contains="{news.title}", lacks=DRAFT_NEWS_TITLE),
                                                                           Outcome(200, contains="{news.title}", lacks=DRAFT_NEWS_TITLE)),
    row(get("association:news_detail", slug="{news.slug}"),                OK,          OK,           OK,        OK,           OK),
    row(get("association:news_detail", slug="{draft_news.slug}", note="unpublished: staff preview"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    OK),
    row(get("association:news_feed_rss"),                                  RSS,         RSS,          RSS,       RSS,          RSS),
    row(get("association:news_feed_atom"),                                 ATOM,        ATOM,         ATOM,      ATOM,         ATOM),
    row(get("association:partners"),                                       OK,          OK,           OK,        OK,           OK),
    row(get("association:association"),                                    OK,          OK,           OK,        OK,           OK),
    # --- newsletter: the token of the email is the credential ---
    row(get("publications:newsletter_subscribe"),                          OK,          OK,           OK,        OK,           OK),
    row(post("publications:newsletter_subscribe", data={"email": "lectrice@exemple.fr"}),
                                                                           OK,          OK,           OK,        OK,           OK),
    row(get("publications:newsletter_confirm", token="{subscriber.token}"),
                                                                           OK,          OK,           OK,        OK,           OK),
    row(post("publications:newsletter_confirm", token="{subscriber.token}"),
                                                                           TO_ARCHIVE,  TO_ARCHIVE,   TO_ARCHIVE, TO_ARCHIVE,  TO_ARCHIVE),
    row(post("publications:newsletter_confirm", token="jeton-inconnu", note="unknown token"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    row(get("publications:newsletter_unsubscribe", token="{subscriber.unsubscribe_token}"),
                                                                           OK,          OK,           OK,        OK,           OK),
    row(post("publications:newsletter_unsubscribe", token="{subscriber.unsubscribe_token}"),
                                                                           OK,          OK,           OK,        OK,           OK),
    row(post("publications:newsletter_unsubscribe", token="jeton-inconnu", note="unknown token"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    # --- notes library: members-only body and files to members, summary and how to join to others ---
    row(get("resources:list"),                                             OK,          OK,           OK,        OK,           OK),
    row(get("resources:search", query=f"q={NOTE_SECRET_WORD}s", note="a word of the members-only body"),
                                                                           NO_NOTE_BODY, NOTE_BODY,   NO_NOTE_BODY, NOTE_BODY,  NOTE_BODY),
    row(get("resources:feed"),                                             Outcome(200, content_type="application/atom+xml", lacks="{members_note.summary}"),
                                                                           Outcome(200, content_type="application/atom+xml", lacks="{members_note.summary}"),
                                                                           Outcome(200, content_type="application/atom+xml", lacks="{members_note.summary}"),
                                                                           Outcome(200, content_type="application/atom+xml", lacks="{members_note.summary}"),
                                                                           Outcome(200, content_type="application/atom+xml", lacks="{members_note.summary}")),
    row(get("resources:feed_rss"),                                         RSS,         RSS,          RSS,       RSS,          RSS),
    row(get("resources:note", slug="{public_note.slug}", note="public"),  OK,          OK,           OK,        OK,           OK),
    row(get("resources:note", slug="{members_note.slug}", note="members only"),
                                                                           NOTE_SUMMARY_ONLY, NOTE_BODY, NOTE_SUMMARY_ONLY, NOTE_BODY, NOTE_BODY),
    row(get("resources:note", slug="{draft_note.slug}", note="draft: staff preview"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    OK),
    row(get("resources:attachment", slug="{members_note.slug}", pk="{note_attachment.pk}", note="members only"),
                                                                           NOT_FOUND,   PDF,          NOT_FOUND, PDF,          PDF),
    row(post("resources:attachment", slug="{members_note.slug}", pk="{note_attachment.pk}", note="read only"),
                                                                           NOT_ALLOWED, NOT_ALLOWED,  NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    row(get("resources:qa_list"),                                          NO_QA_ANSWER, QA_ANSWER,   NO_QA_ANSWER, QA_ANSWER,  QA_ANSWER),
    row(get("resources:qa_entry", slug="{qa_entry.slug}"),                NO_QA_ANSWER, QA_ANSWER,   NO_QA_ANSWER, QA_ANSWER,  QA_ANSWER),
    row(get("resources:follow"),                                           LOGIN,       OK,           OK,        OK,           OK),
    row(post("resources:follow", note="no theme: follows nothing"),        LOGIN,       to("resources:follow"), to("resources:follow"), to("resources:follow"), to("resources:follow")),
    row(get("resources:unfollow", token="{theme_follow.unsubscribe_token}"),
                                                                           OK,          OK,           OK,        OK,           OK),
    row(post("resources:unfollow", token="jeton-inconnu", note="unknown token"),
                                                                           NOT_FOUND,   NOT_FOUND,    NOT_FOUND, NOT_FOUND,    NOT_FOUND),
    # --- legal questions: a thread is its territory's and staff's; a 404 for anyone else ---
    row(get("legal:list"),                                                 LOGIN,       WITH_QUESTION, WITHOUT_QUESTION, WITH_QUESTION, OK),
    row(get("legal:ask", **A),                                             LOGIN,       OK,           NOT_FOUND, OK,           FORBIDDEN, staff_view_only=NOT_FOUND),
    row(post("legal:ask", **A, note="empty form: the form again"),         LOGIN,       OK,           NOT_FOUND, OK,           FORBIDDEN, staff_view_only=NOT_FOUND),
    row(get("legal:question", **QUESTION),                                 LOGIN,       WITH_QUESTION, NOT_FOUND, WITH_QUESTION, WITH_QUESTION),
    row(post("legal:question", **QUESTION, note="empty form: the page again"),
                                                                           LOGIN,       OK,           NOT_FOUND, OK,           OK, staff_view_only=FORBIDDEN),
    row(get("legal:attachment", **QUESTION, attachment_pk="{question_attachment.pk}"),
                                                                           LOGIN,       PDF,          NOT_FOUND, PDF,          PDF),
    row(get("legal:staff_queue"),                                          LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    WITH_QUESTION, staff_no_perms=FORBIDDEN),
    row(get("legal:staff_publish", **QUESTION),                            LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    OK, staff_no_perms=FORBIDDEN, staff_view_only=FORBIDDEN),
    row(post("legal:staff_publish", **QUESTION, note="empty form: the form again"),
                                                                           LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    OK, staff_no_perms=FORBIDDEN, staff_view_only=FORBIDDEN),
    row(get("legal:staff_assign", **QUESTION),                             LOGIN,       NOT_ALLOWED,  NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    row(post("legal:staff_assign", **QUESTION),                            LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    TO_QUESTION, staff_no_perms=FORBIDDEN, staff_view_only=FORBIDDEN),
    row(get("legal:staff_close", **QUESTION),                              LOGIN,       NOT_ALLOWED,  NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    row(post("legal:staff_close", **QUESTION, note="last: the question is closed after it"),
                                                                           LOGIN,       FORBIDDEN,    FORBIDDEN, FORBIDDEN,    TO_QUESTION, staff_no_perms=FORBIDDEN, staff_view_only=FORBIDDEN),
]
# fmt: on
