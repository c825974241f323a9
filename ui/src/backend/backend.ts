import type { Commands, ErrorBody, ErrorCode, FieldProblem, Refusal } from "../generated/commands";

export type BackendEvent = "sync-status" | "data-changed" | "signed-out" | "signed-in";

/**
 * What the UI needs from the device: every command declared in Rust (generated, see
 * src/generated/commands.ts) plus the device's events. The Tauri app answers over IPC, the
 * development bridge (a real device store) over loopback HTTP; there is no other backend.
 */
export type Backend = Commands & {
  /** Subscribe to a backend event; returns the unsubscribe function. */
  on(event: BackendEvent, handler: (payload: unknown) => void): () => void;
  /** The camera's barcode/QR scanner (the app on Android and iOS only): the code read. */
  scanWithCamera?: () => Promise<string>;
};

export class BackendError extends Error implements ErrorBody {
  code: ErrorCode;
  field?: FieldProblem;
  refusal?: Refusal;
  constructor(body: ErrorBody) {
    super(body.message);
    this.code = body.code;
    this.field = body.field;
    this.refusal = body.refusal;
  }
}

/** Turn whatever was thrown into `{code, message}`. */
export function toError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const field = "field" in e ? (e.field as FieldProblem | undefined) : undefined;
    const refusal = "refusal" in e ? (e.refusal as Refusal | undefined) : undefined;
    return new BackendError({ code: String(e.code) as ErrorCode, message: String(e.message), field, refusal });
  }
  return new BackendError({ code: "unknown", message: e instanceof Error ? e.message : String(e) });
}
