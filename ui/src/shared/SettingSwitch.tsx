import { useState } from "react";
import type { Backend, BackendError } from "../backend";
import { toError } from "../backend";
import { useBackend, useLoad } from "../context";
import { ErrorNote } from "./ErrorNote";

/** One on/off company setting: read with `load`, changed with `save` (which answers the new value). */
export function SettingSwitch({ label, load, save }: { label: string; load: (b: Backend) => Promise<boolean>; save: (b: Backend, on: boolean) => Promise<boolean> }) {
  const backend = useBackend();
  const current = useLoad(load, []);
  const [error, setError] = useState<BackendError | null>(null);
  // The last change: shown at once, then what the device answered, until the setting reloads.
  const [answered, setAnswered] = useState<boolean | null>(null);
  return (
    <section className="line-form" aria-label={label}>
      <label className="check">
        <input
          type="checkbox"
          checked={answered ?? current.data ?? false}
          onChange={async (e) => {
            setError(null);
            const wanted = e.target.checked;
            setAnswered(wanted);
            try {
              setAnswered(await save(backend, wanted));
              current.reload();
            } catch (err) {
              setAnswered(null);
              setError(toError(err));
            }
          }}
        />
        {label}
      </label>
      <ErrorNote error={error ?? current.error} />
    </section>
  );
}
