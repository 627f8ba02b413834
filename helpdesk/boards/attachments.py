"""Files on posts: an allow-list of types, a size limit, checked before anything is saved."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from helpdesk.errors import ValidationFailed

# Extension → (content type, leading bytes the file must start with, or None).
ALLOWED = {
    "pdf": ("application/pdf", b"%PDF"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "gif": ("image/gif", b"GIF8"),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", b"PK"),
    "odt": ("application/vnd.oasis.opendocument.text", b"PK"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", b"PK"),
}
MAX_FILES = 5
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass
class Upload:
    filename: str
    data: bytes


def read_uploads(storages) -> list[Upload]:
    """Uploaded files (werkzeug FileStorage, from a page or the API) read into Uploads."""
    return [Upload(f.filename or "", f.read()) for f in storages if f.filename]


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def safe_name(filename: str) -> str:
    name = re.sub(r"[^\w.\- ]+", "_", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return name[-120:] or "file"


def check(uploads: list[Upload]) -> list[tuple[str, str, bytes]]:
    """(filename, content type, data) for each upload, or ValidationFailed on the first bad one."""
    uploads = [u for u in uploads if u.filename]
    if len(uploads) > MAX_FILES:
        raise ValidationFailed(_l("At most %(n)d files per post.", n=MAX_FILES), field="attachments")
    checked = []
    for upload in uploads:
        name = safe_name(upload.filename)
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in ALLOWED:
            raise ValidationFailed(_l("%(name)s: that kind of file is not accepted. Accepted: %(kinds)s.",
                                      name=name, kinds=", ".join(sorted(ALLOWED))), field="attachments")
        if not upload.data:
            raise ValidationFailed(_l("%(name)s is empty.", name=name), field="attachments")
        if len(upload.data) > max_bytes():
            raise ValidationFailed(_l("%(name)s is too large (at most %(mb)d MB).", name=name,
                                      mb=max_bytes() // (1024 * 1024)), field="attachments")
        content_type, magic = ALLOWED[ext]
        if magic is not None and not upload.data.startswith(magic):
            raise ValidationFailed(_l("%(name)s is not the kind of file its name says.", name=name),
                                   field="attachments")
        if magic is None and b"\x00" in upload.data[:4096]:
            raise ValidationFailed(_l("%(name)s is not a text file.", name=name), field="attachments")
        checked.append((name, content_type, upload.data))
    return checked
