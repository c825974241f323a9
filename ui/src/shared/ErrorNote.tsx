import type { BackendError } from "../backend";

/** Shows a backend error: its words, and its stable code for support. */
export function ErrorNote({ error }: { error: BackendError | null }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {error.message} <span className="code">[{error.code}]</span>
    </div>
  );
}
