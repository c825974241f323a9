import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// A real SMTP server for the flows that send e-mail: aiosmtpd (tests/support/smtp_sink.py,
// installed by .ci/deps.sh) on a free port, writing each message it accepts as a JSON line.

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Mailbox {
  port: number;
  /** The file the server writes each accepted message to, one JSON object a line. */
  file: string;
  child: ChildProcess;
}

export async function smtpSink(): Promise<Mailbox> {
  const port = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), "fieldops-smtp-")), "messages.jsonl");
  const child = await new Promise<ChildProcess>((resolve, reject) => {
    const c = spawn("/usr/bin/python3", [join(import.meta.dirname, "../../tests/support/smtp_sink.py"), String(port), file], { stdio: ["ignore", "pipe", "inherit"] });
    c.stdout?.once("data", () => resolve(c));
    c.once("error", reject);
  });
  return { port, file, child };
}

/** Every message received so far. */
export function mails(box: Mailbox): { to: string[]; subject: string; body: string }[] {
  if (!existsSync(box.file)) return [];
  return readFileSync(box.file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { to: string[]; subject: string; body: string });
}
