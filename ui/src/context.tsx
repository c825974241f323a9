import { createContext, useCallback, useContext, useEffect, useState } from "react";
import type { Backend, BackendError, SyncStatus, UserInfo } from "./backend";
import { toError } from "./backend";

export const BackendContext = createContext<Backend | null>(null);

export function useBackend(): Backend {
  const b = useContext(BackendContext);
  if (!b) throw new Error("useBackend outside BackendContext");
  return b;
}

/** Load something from the backend, again whenever synced data arrives or `deps` change. */
export function useLoad<T>(load: (b: Backend) => Promise<T>, deps: unknown[]): { data: T | null; error: BackendError | null; reload: () => void } {
  const backend = useBackend();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<BackendError | null>(null);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => backend.on("data-changed", reload), [backend, reload]);
  useEffect(() => {
    let live = true;
    load(backend).then(
      (d) => {
        if (live) {
          setData(d);
          setError(null);
        }
      },
      (e) => live && setError(toError(e)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [backend, tick, ...deps]);
  return { data, error, reload };
}

export function useSyncStatus(): SyncStatus | null {
  const backend = useBackend();
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    let live = true;
    backend.syncStatus().then((s) => live && setStatus(s), () => undefined);
    const off = backend.on("sync-status", (s) => live && setStatus(s as SyncStatus));
    return () => {
      live = false;
      off();
    };
  }, [backend]);
  return status;
}

export function useDirectory(): UserInfo[] {
  return useLoad((b) => b.directory(), []).data ?? [];
}

export function userName(directory: UserInfo[], id: string): string {
  // Orders the server makes for planned visits name the system as their author.
  if (id === "system") return "FieldOps";
  return directory.find((u) => u.id === id)?.name ?? id.slice(0, 8);
}

/** Run a backend action, keeping its error (if any) for an ErrorNote; resolves to whether it succeeded. */
export function useAction() {
  const [error, setError] = useState<BackendError | null>(null);
  const run = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      return true;
    } catch (e) {
      setError(toError(e));
      return false;
    }
  };
  return { error, run };
}
