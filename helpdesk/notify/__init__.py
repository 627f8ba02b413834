"""E-mail through an outbox table: written in the same transaction as the change that
caused it, sent afterwards, retried until the mail server takes it."""


def init_app(app) -> None:
    from helpdesk.notify import cli, sender

    sender.init_app(app)
    cli.init_app(app)
