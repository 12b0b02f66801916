"""Every state change of the publications app: import, save, publish, PDF, newsletter."""

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from anpp_portal import pagecache
from anpp_portal.outbox import email_enqueue
from members.models import Territory

from . import covers, fts
from .importer import ImportFormatError, IssueData, parse_issue_folder
from .models import Announcement, Article, Issue, IssuePDF, Rubrique, Subscriber
from .rendering import markdown_to_html

logger = logging.getLogger(__name__)

SEARCH_CONFIG = "french_unaccent"
ANNOUNCEMENT_BATCH_SIZE = 200
# An unfinished announcement whose last batch is older than this is queued again (see
# announcements_resume_stalled); a batch of 200 takes a few seconds.
ANNOUNCEMENT_STALL = timedelta(minutes=5)


class PublicationError(Exception):
    """A domain rule of the publications app was broken; the message is for people."""


# --- Articles and the search index ---------------------------------------------------------------


def search_vectors_update(*, article_ids: list[int]) -> None:
    """Bring the search index of these articles up to date with their title, chapeau and body.

    PostgreSQL: the stored vectors (title A > chapeau B > body C, and the title-and-chapeau head).
    SQLite: the rows of the FTS5 table (publications/fts.py), accents removed and French-stemmed.
    An article deleted since is dropped from the index (on SQLite a trigger also does it)."""
    if not article_ids:
        return
    if connection.vendor == "sqlite":
        fts.index_articles(article_ids)
        return
    if connection.vendor != "postgresql":
        return
    head = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "chapeau", weight="B", config=SEARCH_CONFIG
    )
    Article.objects.filter(pk__in=article_ids).update(
        search_vector=head + SearchVector("body", weight="C", config=SEARCH_CONFIG), search_head=head
    )


def article_save(*, article: Article) -> Article:
    """Validate and save an article, with its rendered HTML and its search vector."""
    if not article.slug:
        article.slug = slugify(article.title)[:120] or f"article-{article.order}"
    article.body_html = markdown_to_html(article.body)
    article.full_clean(exclude=["search_vector"])
    with transaction.atomic():
        article.save()
        search_vectors_update(article_ids=[article.pk])
    return article


def article_delete(*, article: Article) -> None:
    """Delete an article; its search index row goes with it (vectors on PostgreSQL, a trigger on
    SQLite), and the page cache follows the post_delete of the model."""
    article.delete()


def rubrique_for_name(*, name: str) -> Rubrique:
    slug = slugify(name)[:100]
    rubrique = Rubrique.objects.filter(slug=slug).first()
    if rubrique is None:
        rubrique = Rubrique.objects.create(name=name, slug=slug)
    return rubrique


# --- Import --------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    issue: Issue
    issue_created: bool = False
    issue_updated: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    rubriques_created: list[str] = field(default_factory=list)
    # None: not asked to publish; True: published by this import; False: it already was.
    published: bool | None = None

    @property
    def changed(self) -> bool:
        return bool(
            self.issue_created
            or self.issue_updated
            or self.created
            or self.updated
            or self.deleted
            or self.rubriques_created
        )

    def lines(self) -> list[str]:
        state = "créé" if self.issue_created else "mis à jour" if self.issue_updated else "inchangé"
        out = [f"Numéro {self.issue.number} ({self.issue.season}) : {state}."]
        for label, items in (
            ("Rubriques créées", self.rubriques_created),
            ("Articles créés", self.created),
            ("Articles mis à jour", self.updated),
            ("Articles supprimés", self.deleted),
        ):
            if items:
                out.append(f"{label} ({len(items)}) : {', '.join(items)}")
        out.append(f"Articles inchangés : {len(self.unchanged)}")
        if not self.changed:
            out.append("Rien n'a changé.")
        if self.published:
            out.append("Numéro publié.")
        elif self.issue.is_published:
            out.append("Le numéro est publié.")
        else:
            out.append(
                f"Le numéro est un brouillon ({self.issue.get_status_display()}) : il n'est pas visible "
                "du public tant qu'il n'est pas publié (import_issue --publish ou l'admin)."
            )
        return out


def _assign(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def issue_import(*, folder: Path | str, publish: bool = False) -> ImportReport:
    """Create or update the issue described by ``folder``; idempotent. The issue stays a draft
    unless ``publish``: then it is published in the same transaction (and announced to the
    newsletter's subscribers, once, as by issue_publish).

    Everything is read and validated before the first write (ImportFormatError otherwise), then
    written in one transaction: a malformed folder leaves the database as it was."""
    data = parse_issue_folder(folder)
    with transaction.atomic():
        report = _issue_write(data=data, folder=Path(folder))
        if publish:
            report.published = issue_publish(issue=report.issue)
    return report


def issue_import_archive(*, archive, publish: bool = False) -> ImportReport:
    """issue_import of the folder inside a .zip (the admin's upload), extracted to a temporary
    folder that is removed afterwards."""
    import tempfile

    from .importer import extract_issue_archive

    with tempfile.TemporaryDirectory(prefix="anpp-import-") as tmp:
        folder = extract_issue_archive(archive, Path(tmp) / "numero")
        return issue_import(folder=folder, publish=publish)


@transaction.atomic
def _issue_write(*, data: IssueData, folder: Path) -> ImportReport:
    territory_slugs = {slug for a in data.articles for slug in a.territories}
    territories = {t.slug: t for t in Territory.objects.filter(slug__in=territory_slugs)}
    for article in data.articles:
        for slug in article.territories:
            if slug not in territories:
                raise ImportFormatError(
                    folder / article.source,
                    article.lines.get("territories"),
                    f"territoire inconnu : « {slug} »",
                )

    issue_values = {
        "season": data.season,
        "date": data.date,
        "title": data.title,
        "publisher": data.publisher,
        "publisher_address": data.publisher_address,
        "director": data.director,
        "editor": data.editor,
        "visibility": data.visibility,
    }
    issue = Issue.objects.select_for_update().filter(number=data.number).first()
    report = ImportReport(issue=issue)
    if issue is None:
        issue = Issue(number=data.number, **issue_values)
        issue.full_clean()
        issue.save()
        report.issue, report.issue_created = issue, True
    elif _assign(issue, issue_values):
        issue.full_clean()
        issue.save()
        report.issue_updated = True

    rubriques = {r.slug: r for r in Rubrique.objects.all()}
    existing = {a.slug: a for a in Article.objects.filter(issue=issue).prefetch_related("territories")}
    wanted = {a.slug for a in data.articles}
    stale = [a for slug, a in existing.items() if slug not in wanted]
    if stale:
        report.deleted = [a.slug for a in stale]
        Article.objects.filter(pk__in=[a.pk for a in stale]).delete()
    # Orders may be swapped between articles: move the kept ones out of the way first.
    touched_ids = []
    for article_data in data.articles:
        rubrique_slug = slugify(article_data.rubrique)[:100]
        if rubrique_slug not in rubriques:
            rubriques[rubrique_slug] = Rubrique.objects.create(
                name=article_data.rubrique, slug=rubrique_slug, position=100 + article_data.order
            )
            report.rubriques_created.append(article_data.rubrique)
        values = {
            "rubrique": rubriques[rubrique_slug],
            "order": article_data.order,
            "title": article_data.title,
            "chapeau": article_data.chapeau,
            "body": article_data.body,
            "body_html": markdown_to_html(article_data.body),
            "authors": article_data.authors,
            "quotes": article_data.quotes,
            "links": article_data.links,
        }
        wanted_territories = {territories[s].pk for s in article_data.territories}
        article = existing.get(article_data.slug)
        if article is None:
            article = Article(issue=issue, slug=article_data.slug, **values)
            report.created.append(article_data.slug)
        elif _assign(article, values) or {t.pk for t in article.territories.all()} != wanted_territories:
            report.updated.append(article_data.slug)
        else:
            report.unchanged.append(article_data.slug)
            continue
        if (
            article.pk
            and Article.objects.filter(issue=issue, order=article.order).exclude(pk=article.pk).exists()
        ):
            Article.objects.filter(issue=issue, order=article.order).exclude(pk=article.pk).update(
                order=10000 + article.order
            )
        article.full_clean(exclude=["search_vector", "issue"])
        article.save()
        article.territories.set(wanted_territories)
        touched_ids.append(article.pk)
    search_vectors_update(article_ids=touched_ids)
    return report


# --- Publication ---------------------------------------------------------------------------------


def issue_publish(*, issue: Issue, now: datetime | None = None) -> bool:
    """Publish ``issue`` now and announce it to the newsletter's subscribers. Returns False if it
    was already published (nothing is sent again)."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = (
            Issue.objects.filter(pk=issue.pk)
            .exclude(status=Issue.Status.PUBLISHED)
            .update(status=Issue.Status.PUBLISHED, published_at=now)
        )
        if not updated:
            return False
        issue.refresh_from_db()
        if not issue.articles.exists():
            raise PublicationError("Un numéro sans article ne peut pas être publié.")
        announcement_start(issue=issue)
        # update() sends no post_save: tell the page cache that the public pages changed.
        pagecache.invalidate("publications")
    return True


def issue_cover_generate(*, issue: Issue) -> Issue:
    """Give ``issue`` a plain cover drawn from its title and label (covers.generic_cover_png), for
    an issue whose printed cover image is not available. Stored like an uploaded cover."""
    issue.cover = ContentFile(covers.generic_cover_png(issue), name="couverture.png")
    issue.full_clean()
    issue.save(update_fields=["cover"])
    return issue


def issue_schedule(*, issue: Issue, publish_at: datetime) -> Issue:
    if issue.is_published:
        raise PublicationError("Ce numéro est déjà publié.")
    issue.status, issue.publish_at = Issue.Status.SCHEDULED, publish_at
    issue.full_clean()
    issue.save(update_fields=["status", "publish_at"])
    return issue


def issues_publish_due(*, now: datetime | None = None) -> int:
    """Publish the scheduled issues whose date has come (beat, every few minutes)."""
    now = now or timezone.now()
    count = 0
    for issue in Issue.objects.filter(status=Issue.Status.SCHEDULED, publish_at__lte=now):
        try:
            count += issue_publish(issue=issue, now=now)
        except PublicationError:
            logger.warning("Scheduled issue %s could not be published", issue.pk, exc_info=True)
    return count


# --- PDF -----------------------------------------------------------------------------------------


def pdf_source(*, issue: Issue, variant: str = IssuePDF.Variant.STANDARD) -> tuple[str, str]:
    """The HTML of the issue's PDF and its hash (variant + HTML + stylesheet + fonts + template):
    the rendering key."""
    from . import pdf

    html = pdf.issue_html(issue)
    digest = hashlib.sha256(f"{variant}\n".encode())
    digest.update(html.encode("utf-8"))
    digest.update(pdf.assets_fingerprint())
    return html, digest.hexdigest()


# A rendering takes seconds. One still pending after this long will not finish: its worker died
# (a text nested too deep for WeasyPrint could crash it, and the queue hands the task out again).
PDF_STALLED_AFTER = timedelta(minutes=15)


def pdf_request(*, issue: Issue, variant: str = IssuePDF.Variant.STANDARD, retry: bool = False) -> IssuePDF:
    """The stored PDF of the issue as it is now; when there is none, record it and queue its
    rendering (once: a second request while it renders queues nothing more). A failed rendering
    is queued again only when asked (``retry``), so a broken issue is not re-rendered at every
    refresh of the progress page."""
    _html, content_hash = pdf_source(issue=issue, variant=variant)
    record, created = IssuePDF.objects.get_or_create(
        content_hash=content_hash, defaults={"issue": issue, "variant": variant}
    )
    if not created and retry and record.status == IssuePDF.Status.FAILED:
        # A new request: the time a rendering may take starts again (pdfs_fail_stalled).
        created = IssuePDF.objects.filter(pk=record.pk, status=IssuePDF.Status.FAILED).update(
            status=IssuePDF.Status.PENDING, error="", created_at=timezone.now()
        )
        record.status = IssuePDF.Status.PENDING
        # The staff home may list it as failed until the rendering ends: then it is moved on.
    if created:
        transaction.on_commit(lambda: _queue_pdf(record.pk), robust=True)
    return record


def _queue_pdf(record_id: int) -> None:
    from .tasks import render_issue_pdf

    render_issue_pdf.delay(record_id)


def pdf_fail(*, record_id: int, error: str) -> bool:
    """Record that the rendering failed: members see it failed (and may ask again) instead of "en
    préparation", staff see it on their home and in the admin. False if it was no longer pending."""
    failed = IssuePDF.objects.filter(pk=record_id, status=IssuePDF.Status.PENDING).update(
        status=IssuePDF.Status.FAILED, error=error[:2000]
    )
    if failed:
        logger.error("Rendering of issue PDF %s failed: %s", record_id, error[:200])
        pagecache.invalidate("staff")
    return bool(failed)


def pdfs_fail_stalled(*, now: datetime | None = None) -> int:
    """Mark failed the renderings pending for longer than PDF_STALLED_AFTER (beat, with the
    scheduled publications). A task handed out again after it failed this way renders nothing."""
    limit = (now or timezone.now()) - PDF_STALLED_AFTER
    stalled = list(
        IssuePDF.objects.filter(status=IssuePDF.Status.PENDING, created_at__lt=limit).values_list(
            "pk", flat=True
        )
    )
    minutes = int(PDF_STALLED_AFTER.total_seconds() // 60)
    return sum(
        pdf_fail(
            record_id=pk,
            error=f"Le rendu n'a pas abouti en {minutes} minutes : le processus qui le faisait s'est arrêté.",
        )
        for pk in stalled
    )


def pdf_render(*, record_id: int) -> bool:
    """Render the PDF of ``record`` if it is pending; returns True when this call rendered it. A
    rendering that fails, whatever the error, leaves the record failed (pdf_fail), never pending."""
    from . import pdf

    record = IssuePDF.objects.select_related("issue").filter(pk=record_id).first()
    if record is None or record.status != IssuePDF.Status.PENDING:
        # Ready, or failed (a task handed out again after pdfs_fail_stalled): a new request
        # (pdf_request with retry) makes it pending again.
        return False
    try:
        html, content_hash = pdf_source(issue=record.issue, variant=record.variant)
        if content_hash != record.content_hash:
            # The issue changed since the request: render the current version under its own key.
            record, _ = IssuePDF.objects.get_or_create(
                content_hash=content_hash, defaults={"issue": record.issue, "variant": record.variant}
            )
            if record.status != IssuePDF.Status.PENDING:
                return False
        archival = record.variant == IssuePDF.Variant.ARCHIVAL
        started = time.monotonic()
        data = pdf.render_pdf(html, archival=archival)
    except Exception as exc:
        pdf_fail(record_id=record.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    name = default_storage.save(
        f"publications/pdf/territoires-de-projets-{record.issue.number:02d}"
        f"{'-pdfa' if archival else ''}-{content_hash[:16]}.pdf",
        ContentFile(data),
    )
    IssuePDF.objects.filter(pk=record.pk).update(
        status=IssuePDF.Status.READY,
        file=name,
        rendered_at=timezone.now(),
        render_seconds=round(time.monotonic() - started, 3),
        error="",
    )
    pagecache.invalidate("staff")  # an earlier failure of this issue's PDF is behind it now
    return True


# --- Newsletter ----------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_url(subscriber: Subscriber) -> str:
    return _absolute(
        reverse("publications:newsletter_unsubscribe", kwargs={"token": subscriber.unsubscribe_token})
    )


def unsubscribe_headers(subscriber: Subscriber) -> dict:
    """RFC 8058 one-click unsubscribe: mail clients POST 'List-Unsubscribe=One-Click' to the URL."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def subscriber_subscribe(*, email: str) -> Subscriber:
    """Record the address and send the confirmation link (double opt-in). An address already
    confirmed gets nothing; an unsubscribed one may subscribe again and confirms again."""
    email = email.strip().lower()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        if subscriber is None:
            subscriber = Subscriber.objects.create(email=email, token=secrets.token_urlsafe(32))
        elif subscriber.is_active:
            return subscriber
        elif subscriber.unsubscribed_at:
            subscriber.token = secrets.token_urlsafe(32)
            subscriber.unsubscribed_at = subscriber.confirmed_at = None
            subscriber.save(update_fields=["token", "unsubscribed_at", "confirmed_at"])
        confirm = _absolute(reverse("publications:newsletter_confirm", kwargs={"token": subscriber.token}))
        email_enqueue(
            # One confirmation a day at most: whoever lost it can ask again the next day.
            key=f"newsletter-confirm:{subscriber.pk}:{subscriber.token[:16]}:{timezone.localdate():%Y%m%d}",
            to=subscriber.email,
            template="publications/email/newsletter_confirm",
            context={"confirm_url": confirm, "unsubscribe_url": unsubscribe_url(subscriber)},
            headers=unsubscribe_headers(subscriber),
            sensitive=True,
        )
    return subscriber


def subscriber_confirm(*, token: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None or subscriber.unsubscribed_at:
        raise PublicationError("Ce lien de confirmation n'est plus valable.")
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


def subscriber_unsubscribe(*, token: str) -> Subscriber | None:
    """Idempotent: a second click is a no-op; an unknown token returns None."""
    subscriber = Subscriber.objects.filter(unsubscribe_token=token).first()
    if subscriber is not None and subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
    return subscriber


def _confirmed_subscribers():
    return Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


def announcement_start(*, issue: Issue) -> Announcement:
    announcement, created = Announcement.objects.get_or_create(
        issue=issue, defaults={"total": _confirmed_subscribers().count()}
    )
    if created:
        transaction.on_commit(lambda: _queue_announcement(issue.pk), robust=True)
    return announcement


def _queue_announcement(issue_id: int) -> None:
    from .tasks import announce_issue

    try:
        announce_issue.delay(issue_id)
    except Exception:
        logger.warning("Could not queue the announcement of issue %s", issue_id, exc_info=True)


def announcement_send_batch(*, issue_id: int, batch_size: int = ANNOUNCEMENT_BATCH_SIZE) -> bool:
    """Queue the announcement emails of the next batch of subscribers; returns True if more remain.

    Runs under a row lock on the announcement, so two workers never take the same batch; each
    email's outbox key ``issue-announcement:<issue>:<subscriber>`` makes a repeated batch a no-op."""
    with transaction.atomic():
        announcement = (
            Announcement.objects.select_for_update().select_related("issue").filter(issue_id=issue_id).first()
        )
        if announcement is None or announcement.finished_at is not None:
            return False
        issue = announcement.issue
        batch = list(
            _confirmed_subscribers()
            .filter(pk__gt=announcement.last_subscriber_id)
            .order_by("pk")[:batch_size]
        )
        issue_url = _absolute(issue.get_absolute_url())
        articles = list(issue.articles.select_related("rubrique").order_by("order"))
        for subscriber in batch:
            email_enqueue(
                key=f"issue-announcement:{issue.pk}:{subscriber.pk}",
                to=subscriber.email,
                template="publications/email/issue_announcement",
                context={
                    "issue": issue,
                    "articles": articles,
                    "issue_url": issue_url,
                    "unsubscribe_url": unsubscribe_url(subscriber),
                },
                headers=unsubscribe_headers(subscriber),
            )
        if batch:
            announcement.last_subscriber_id = batch[-1].pk
            announcement.queued += len(batch)
        more = len(batch) == batch_size
        if not more:
            announcement.finished_at = timezone.now()
        announcement.total = max(announcement.total, announcement.queued)
        announcement.save(
            update_fields=["last_subscriber_id", "queued", "finished_at", "total", "progressed_at"]
        )
    return more


def announcements_resume_stalled(*, now: datetime | None = None) -> int:
    """Queue again the announcements whose chain of batches stopped: a worker killed inside a batch
    (its transaction rolled back, its task lost with the filesystem broker or hidden for an hour by
    Redis), or a broker down when the next batch was queued. Safe however often it runs: a batch
    locks the announcement row and each email has its outbox key."""
    now = now or timezone.now()
    stalled = list(
        Announcement.objects.filter(
            finished_at__isnull=True, progressed_at__lt=now - ANNOUNCEMENT_STALL
        ).values_list("issue_id", flat=True)
    )
    for issue_id in stalled:
        _queue_announcement(issue_id)
    return len(stalled)


def subscriber_anonymise(*, subscriber: Subscriber) -> None:
    """Staff or the person: the address is replaced and the subscription ended; the counts stay."""
    from anpp_portal.models import OutboundEmail

    OutboundEmail.objects.filter(to__iexact=subscriber.email).update(
        to="abonne-anonymise@anonyme.invalid", body_text="", body_html="", headers={}
    )
    Subscriber.objects.filter(pk=subscriber.pk).update(
        email=f"abonne-{subscriber.pk}@anonyme.invalid",
        unsubscribed_at=subscriber.unsubscribed_at or timezone.now(),
    )
