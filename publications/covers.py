"""Cover images of the magazine's issues: what an upload must be, and the name it is stored under.

An uploaded cover is judged by its content, never by the name or the content type the browser sent:
Pillow must recognise it as a JPEG, PNG or WebP image, its header must verify, and its dimensions
must stay reasonable (a small file may claim a huge canvas and exhaust memory when decoded). It is
then stored as ``publications/covers/<uuid4>.<extension of the detected format>``: the client's file
name never reaches the storage or the URL.
"""

import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

# Pillow format name -> extension of the stored file.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# A printed cover is a few thousand pixels wide; anything beyond this is a mistake or an attack.
MAX_SIDE = 10_000
MAX_PIXELS = 40_000_000
UPLOAD_DIR = "publications/covers"


def detect_format(file) -> str:
    """The format Pillow reads from ``file``'s content (only its header is decoded), e.g. "PNG".

    Raises ValidationError when the content is not an allowed, sound image of sensible dimensions.
    """
    invalid = ValidationError(
        _("Ce fichier n'est pas une image JPEG, PNG ou WebP valide."), code="invalid_cover"
    )
    too_large = ValidationError(
        _("Image trop grande : %(max_side)s pixels de côté et %(max_mp)s mégapixels au plus.")
        % {"max_side": MAX_SIDE, "max_mp": MAX_PIXELS // 1_000_000},
        code="cover_dimensions",
    )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: make it an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format = image.format
                width, height = image.size
                if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
                    raise too_large
                # verify() checks the structure (chunks, CRCs) without decoding the pixels.
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except Exception:  # Pillow raises many types on garbage: any of them means "not an image"
        raise invalid from None
    finally:
        file.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise invalid
    return image_format


def validate_cover(value) -> None:
    """Model field validator: size first (cheap), then the content. A cover already stored (not
    re-uploaded) was checked when it was uploaded and is not read again."""
    if not value or getattr(value, "_committed", True):
        return
    max_bytes = settings.ANPP_COVER_MAX_BYTES
    if value.size > max_bytes:
        raise ValidationError(
            _("Fichier trop lourd (%(size)s) : %(max)s au plus.")
            % {"size": filesizeformat(value.size), "max": filesizeformat(max_bytes)},
            code="cover_too_big",
        )
    detect_format(value.file)


def cover_upload_to(instance, filename: str) -> str:
    """A server-generated name; the extension comes from the detected format, not from ``filename``."""
    extension = ALLOWED_FORMATS[detect_format(instance.cover.file)]
    return f"{UPLOAD_DIR}/{uuid.uuid4().hex}.{extension}"


# A plain cover drawn from an issue's title and label, for an issue whose printed cover is not
# available (the demo's first issue): the magazine's green, its name, the label, and a line saying
# that it is a generic cover, so nobody takes it for the printed one.
GENERIC_SIZE = (840, 1188)  # A4 proportions
GENERIC_GREEN, GENERIC_GOLD, GENERIC_WHITE = (11, 93, 75), (242, 193, 78), (255, 255, 255)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def generic_cover_png(issue) -> bytes:
    """PNG bytes of a plain, visibly generic cover for ``issue``, in the magazine's fonts (the
    project's Source Sans 3, read by Pillow's FreeType)."""
    import io
    from pathlib import Path

    from PIL import ImageDraw, ImageFont

    fonts = Path(settings.BASE_DIR) / "static" / "publications" / "pdf" / "fonts"

    def font(weight: int, size: int):
        return ImageFont.truetype(str(fonts / f"source-sans-3-latin-{weight}-normal.woff2"), size)

    width, height = GENERIC_SIZE
    image = Image.new("RGB", GENERIC_SIZE, GENERIC_GREEN)
    draw = ImageDraw.Draw(image)
    margin = 70
    brand, title, label, small = font(700, 34), font(700, 92), font(400, 46), font(400, 24)
    draw.text((margin, margin), "ANPP", font=brand, fill=GENERIC_WHITE)
    y = 330
    for line in _wrap(draw, issue.title, title, width - 2 * margin):
        draw.text((margin, y), line, font=title, fill=GENERIC_WHITE)
        y += 104
    y += 30
    draw.rectangle((margin, y, margin + 260, y + 6), fill=GENERIC_GOLD)
    draw.text((margin, y + 30), issue.label, font=label, fill=GENERIC_WHITE)
    notice = _wrap(
        draw,
        _("Couverture générique : l'image de la couverture imprimée n'est pas disponible."),
        small,
        width - 2 * margin,
    )
    for index, line in enumerate(notice):
        draw.text((margin, height - margin - 34 * (len(notice) - index)), line, font=small, fill=GENERIC_GOLD)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
