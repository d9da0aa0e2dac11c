"""aiosmtpd (Debian's python3-aiosmtpd) as an SMTP server that requires AUTH (PLAIN or LOGIN) with one user and password.

Usage: smtp_auth_server.py HOST PORT MAILDIR USER PASSWORD. Mail is stored in MAILDIR; a wrong login is refused (535).
"""
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

host, port, maildir, user, password = sys.argv[1:6]


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login.decode() == user
          and auth_data.password.decode() == password)
    return AuthResult(success=ok, handled=False)


controller = Controller(Mailbox(maildir), hostname=host, port=int(port), authenticator=authenticate,
                        auth_required=True, auth_require_tls=False)
controller.start()
print(f"listening on {host}:{port}", flush=True)
threading.Event().wait()
