"""A real SMTP server for the notification scenarios (aiosmtpd, from the distribution's
python3-aiosmtpd): it accepts every message on 127.0.0.1:PORT and appends one JSON line per
message, decoded, to OUT: {"to", "from", "subject", "body", "message_id"}.

usage: python3 smtp_sink.py PORT OUT
"""
import asyncio
import json
import sys
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=policy.default)
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "to": envelope.rcpt_tos,
            "from": envelope.mail_from,
            "subject": str(msg["subject"] or ""),
            "body": body.get_content() if body is not None else "",
            "message_id": str(msg["message-id"] or ""),
        }
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 OK"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
