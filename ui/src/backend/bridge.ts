import { commands } from "../generated/commands";
import type { Backend, BackendEvent } from "./backend";
import { BackendError, toError } from "./backend";

/**
 * In a browser (development, Playwright): the same commands, answered by `fieldops-bridge`,
 * a real device store on loopback HTTP that syncs with a real server.
 */
export function bridgeBackend(base: string): Backend {
  const call = async <T,>(command: string, args: Record<string, unknown>): Promise<T> => {
    let resp: Response;
    try {
      resp = await fetch(`${base}/api/call/${command}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(args),
      });
    } catch (e) {
      throw new BackendError({ code: "network", message: `the development bridge at ${base} does not answer: ${String(e)}` });
    }
    const body: unknown = await resp.json();
    if (!resp.ok) throw toError(body);
    return body as T;
  };
  const handlers = new Map<BackendEvent, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;
  const subscribe = (event: BackendEvent) => {
    source ??= new EventSource(`${base}/api/events`);
    source.addEventListener(event, (e) => {
      const data = (e as MessageEvent<string>).data;
      const payload: unknown = data ? JSON.parse(data) : null;
      handlers.get(event)?.forEach((h) => h(payload));
    });
  };
  return {
    ...commands(call),
    on(event, handler) {
      if (!handlers.has(event)) {
        handlers.set(event, new Set());
        subscribe(event);
      }
      handlers.get(event)?.add(handler);
      return () => {
        handlers.get(event)?.delete(handler);
      };
    },
  };
}
