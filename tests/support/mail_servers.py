"""Real mail servers on loopback: Dovecot (IMAP, and LMTP for delivery) and an SMTP server
(aiosmtpd) that hands what it receives to Dovecot over LMTP.

    with mail_servers(users=["support", "desk"]) as mail:
        mail.send(raw_bytes, "larare@kommun.se", ["support+r....@kommun.se"])   # real SMTP
        mail.imap_settings("support")   # host, port, user, password for the IMAP reader
        mail.fetch_all("desk")          # what arrived in a mailbox, read over IMAP

Dovecot runs unprivileged with its own config in a temporary directory (passwd-file users, one
Maildir each; the domain of an address is ignored and `+detail` goes to the user's INBOX,
like a municipality's alias). Run it by hand as the README's "E-mail in" section shows:
`python -m tests.support.mail_servers` prints the ports and stays up until Ctrl-C.
As root (CI containers), Dovecot's own `dovecot`/`dovenull` users run its processes.
"""
from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from aiosmtpd.controller import Controller

DOVECOT = "/usr/sbin/dovecot"
# A 30 MB attachment is about 41 MB once base64-encoded: the servers must carry it so
# the portal's own limit is what refuses it.
SIZE_LIMIT = 64 * 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ids() -> tuple[str, str, int, int]:
    """(internal user, login user, mail uid, mail gid) for Dovecot's processes."""
    if os.geteuid() == 0:
        user = pwd.getpwnam("dovecot")
        return "dovecot", "dovenull", user.pw_uid, user.pw_gid
    me = pwd.getpwuid(os.geteuid()).pw_name
    return me, me, os.geteuid(), os.getegid()


def _config(root: Path, imap_port: int, lmtp_port: int) -> str:
    internal, login, uid, gid = _ids()
    return f"""
base_dir = {root}/run
state_dir = {root}/run/state
log_path = {root}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = {min(uid, 500)}
first_valid_gid = {min(gid, 500)}
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
mail_location = maildir:{root}/mail/%n
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {root}/passwd
}}
userdb {{
  driver = static
  # Any address gets a mailbox on delivery, so every notification the portal sends lands.
  args = uid={uid} gid={gid} home={root}/mail/%n allow_all_users=yes
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


class _ToLmtp:
    """The SMTP server's handler: every mail goes on to Dovecot over LMTP."""

    def __init__(self, lmtp_port: int):
        self.lmtp_port = lmtp_port

    async def handle_DATA(self, server, session, envelope):
        try:
            with smtplib.LMTP("127.0.0.1", self.lmtp_port) as lmtp:
                lmtp.sendmail(envelope.mail_from, envelope.rcpt_tos, envelope.original_content)
        except smtplib.SMTPRecipientsRefused:
            return "550 No such mailbox"
        return "250 OK"


class MailServers:
    def __init__(self, root: Path, imap_port: int, smtp_port: int, passwords: dict[str, str]):
        self.root, self.imap_port, self.smtp_port, self.passwords = root, imap_port, smtp_port, passwords

    def send(self, raw: bytes, mail_from: str, rcpt_tos: list[str]) -> None:
        """Deliver a mail through the SMTP server, as a mail client would (CRLF line ends:
        smtplib leaves bytes as they are, and SMTP limits the length of a line)."""
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=60) as smtp:
            smtp.sendmail(mail_from, rcpt_tos, raw)

    def imap_settings(self, user: str) -> dict:
        return {"host": "127.0.0.1", "port": self.imap_port, "user": user, "password": self.passwords[user],
                "ssl": False}

    def fetch_all(self, user: str) -> list[bytes]:
        """Every mail in the user's INBOX (read without marking it seen)."""
        imap = imaplib.IMAP4("127.0.0.1", self.imap_port)
        try:
            imap.login(user, self.passwords[user])
            imap.select("INBOX")
            _typ, data = imap.uid("SEARCH", None, "ALL")
            found = []
            for uid in (data[0] or b"").split():
                _typ, msg = imap.uid("FETCH", uid, "(BODY.PEEK[])")
                found.append(msg[0][1])
            return found
        finally:
            imap.logout()


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
        if process.poll() is not None:
            break
    raise RuntimeError("Dovecot did not start: " + (log.read_text() if log.exists() else "no log"))


@contextmanager
def mail_servers(users=("support",)):
    if not os.access(DOVECOT, os.X_OK):
        raise RuntimeError("Dovecot is not installed: apt-get install dovecot-imapd dovecot-lmtpd")
    # Its own directory, open for Dovecot's users to pass (pytest's tmp_path is not).
    root = Path(tempfile.mkdtemp(prefix="helpdesk-mail-"))
    root.chmod(0o755)
    (root / "run").mkdir()
    (root / "mail").mkdir()
    _internal, _login, uid, gid = _ids()
    os.chown(root / "mail", uid, gid) if os.geteuid() == 0 else None
    passwords = {u: f"secret-{u}" for u in users}
    (root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in passwords.items()))
    imap_port, lmtp_port = free_port(), free_port()
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, imap_port, lmtp_port))
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    controller = None
    try:
        _wait_for(imap_port, process, root / "dovecot.log")
        controller = Controller(_ToLmtp(lmtp_port), hostname="127.0.0.1", port=free_port(),
                                data_size_limit=SIZE_LIMIT)
        controller.start()
        yield MailServers(root, imap_port, controller.port, passwords)
    finally:
        if controller is not None:
            controller.stop()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def _stop(*_):
    raise KeyboardInterrupt


if __name__ == "__main__":  # run the loopback servers by hand (see the README)
    import signal

    signal.signal(signal.SIGTERM, _stop)  # `kill` cleans up like Ctrl-C
    with mail_servers(users=("support", "desk", "larare.norr", "lokal.norr", "central")) as servers:
        print(f"SMTP 127.0.0.1:{servers.smtp_port}  IMAP 127.0.0.1:{servers.imap_port}  (Ctrl-C stops)")
        for user, password in servers.passwords.items():
            print(f"  IMAP user {user} password {password}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
