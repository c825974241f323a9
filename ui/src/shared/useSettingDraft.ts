import { useEffect, useState } from "react";
import type { Backend } from "../backend";
import { useAction, useBackend, useLoad } from "../context";

/**
 * A company setting being edited: what was loaded, the draft the person types into, saving it.
 * A reload (a sync brings the settings again) replaces the draft only while nobody is editing
 * it, so typing is never thrown away.
 */
export function useSettingDraft<T>(load: (b: Backend) => Promise<T>, store: (b: Backend, value: T) => Promise<unknown>) {
  const backend = useBackend();
  const action = useAction();
  const loaded = useLoad(load, []);
  const [draft, setDraft] = useState<T | null>(null);
  const [edited, setEdited] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!edited && loaded.data !== null) setDraft(loaded.data);
  }, [loaded.data, edited]);
  const change = (next: T) => {
    setSaved(false);
    setEdited(true);
    setDraft(next);
  };
  const save = async (value: T) => {
    if (!(await action.run(() => store(backend, value)))) return false;
    setSaved(true);
    setEdited(false);
    loaded.reload();
    return true;
  };
  return { draft, loaded: loaded.data, change, save, saved, error: action.error, loadError: loaded.error };
}
