/**
 * Live resources for components: subscribe while the component is mounted, re-render on every
 * RES event, unsubscribe (resclient releases the resource) when it goes away. Call these during
 * component initialisation: they register an $effect.
 */
import { describeError, type UserError } from './errors.ts';
import type { Hub } from './hub.svelte.ts';
import { isCollection, isModel, type ResCollection, type ResModel } from './res.ts';

export type LiveStatus = 'loading' | 'ready' | 'error' | 'deleted' | 'lost';

export class LiveModel {
  status = $state<LiveStatus>('loading');
  error = $state<UserError | undefined>();
  /** The model's current values (references are nested ResModels: watch them with watchModel). */
  values = $state.raw<Readonly<Record<string, unknown>>>({});
  model = $state.raw<ResModel | undefined>();
}

export class LiveCollection {
  status = $state<LiveStatus>('loading');
  error = $state<UserError | undefined>();
  items = $state.raw<readonly unknown[]>([]);
  collection = $state.raw<ResCollection | undefined>();
}

type Listener = (data: never) => void;

/** Adds `handlers` to `r` and returns the function that removes them. */
function listen(r: ResModel | ResCollection, handlers: Record<string, Listener>): () => void {
  for (const [e, h] of Object.entries(handlers)) r.on(e, h);
  return () => {
    for (const [e, h] of Object.entries(handlers)) r.off(e, h);
  };
}

/** Subscribes `rid()` (undefined: nothing yet) once the hub has connected and signed in. */
function subscribe(
  hub: Hub,
  rid: () => string | undefined,
  live: LiveModel | LiveCollection,
  attach: (r: ResModel | ResCollection) => (() => void) | undefined,
): void {
  $effect(() => {
    const id = rid();
    if (id === undefined) return;
    let stop: (() => void) | undefined;
    let gone = false;
    live.status = 'loading';
    live.error = undefined;
    void hub.ready
      .then(() => hub.client.get(id))
      .then(
        (r) => {
          if (gone) return;
          stop = attach(r);
          if (stop === undefined) {
            live.status = 'error';
            live.error = describeError({ code: 'system.internalError' });
            return;
          }
          live.status = 'ready';
        },
        (err: unknown) => {
          if (gone) return;
          live.status = 'error';
          live.error = describeError(err);
        },
      );
    return () => {
      gone = true;
      stop?.();
    };
  });
}

export function liveModel(hub: Hub, rid: () => string | undefined): LiveModel {
  const live = new LiveModel();
  subscribe(hub, rid, live, (r) => {
    if (!isModel(r)) return undefined;
    live.model = r;
    live.values = { ...r.props };
    return listen(r, {
      change: () => {
        live.values = { ...r.props };
      },
      delete: () => {
        live.status = 'deleted';
      },
      // Resgate took the subscription away: the connection lost access (sign-out, expiry).
      unsubscribe: () => {
        lost(hub, live);
      },
    });
  });
  return live;
}

export function liveCollection(hub: Hub, rid: () => string | undefined, onData?: () => void): LiveCollection {
  const live = new LiveCollection();
  subscribe(hub, rid, live, (r) => {
    if (!isCollection(r)) return undefined;
    live.collection = r;
    live.items = r.toArray();
    onData?.();
    const update = () => {
      live.items = r.toArray();
    };
    return listen(r, {
      add: update,
      remove: update,
      unsubscribe: () => {
        lost(hub, live);
      },
    });
  });
  return live;
}

/** Access to a subscribed resource was taken away: say so, and find out whether the session ended. */
function lost(hub: Hub, live: LiveModel | LiveCollection): void {
  live.status = 'lost';
  live.error = describeError({ code: 'system.accessDenied' });
  hub.accessLost();
}

/** The values of a model that is already subscribed (a collection item, a reference), kept live. */
class Watched {
  values = $state.raw<Readonly<Record<string, unknown>>>({});
}

export function watchModel(model: () => ResModel | undefined): Watched {
  const state = new Watched();
  $effect(() => {
    const m = model();
    if (m === undefined) return;
    state.values = { ...m.props };
    return listen(m, {
      change: () => {
        state.values = { ...m.props };
      },
    });
  });
  return state;
}
