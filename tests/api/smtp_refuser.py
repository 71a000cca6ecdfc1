"""An SMTP server for the tests that answers like a real one under trouble:
a temporary refusal (451) for recipients whose address starts with "busy",
a permanent one (550) for "nobody", and stores the rest in a Maildir."""

from aiosmtpd.handlers import Mailbox


class Refusing(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("busy"):
            return "451 4.3.2 Mailbox busy, try again later"
        if address.startswith("nobody"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"
