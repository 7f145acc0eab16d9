// The sample service end to end: a live book list through Resgate (WebSocket) and Traefik (REST).
import { describe, expect, it } from 'vitest';
import { hub, isCollection, type HttpResult, nextEvent, openClient, startHub, traefikHttp, waitFor } from '@hub/testkit';
import { libraryService } from '../src/service.ts';

/** Resgate answers a call's resource response with 200, no body and the new resource's Location. */
function createdId(res: HttpResult): string {
  const location = res.headers.get('location') ?? '';
  return location.slice(location.lastIndexOf('/') + 1);
}

async function library(): Promise<string> {
  return (await startHub(libraryService)).service.name;
}

describe('library', () => {
  it('a book added over REST through Traefik appears live in a WebSocket client’s list', async () => {
    // Intent: the whole client path — curl-style POST via Traefik, add event to a subscriber.
    const name = await library();
    const client = await openClient({ url: hub().traefikWsUrl });
    const list = await client.get(`${name}.books`);
    if (!isCollection(list)) throw new Error('books is not a collection');
    const before = list.length;
    const added = nextEvent<{ idx: number }>(list, 'add');

    const res = await traefikHttp(`/api/${name}/books/add`, { method: 'POST', json: { title: 'Kindred', author: 'Octavia E. Butler' } });

    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toMatch(new RegExp(`^/api/${name}/book/\\d+$`));
    expect((await added).idx).toBe(before);
    expect(list.length).toBe(before + 1);
    const book = await traefikHttp<{ title: string }>(`/api/${name}/book/${createdId(res)}`);
    expect(book.body?.title).toBe('Kindred');
  });

  it('PATCH through Traefik maps to set and every subscriber sees only the change', async () => {
    // Intent: gateway/resgate.json maps PATCH to `set`; the change event reaches subscribers.
    const name = await library();
    const id = createdId(await traefikHttp(`/api/${name}/books/add`, { method: 'POST', json: { title: 'Old', author: 'A' } }));
    const client = await openClient();
    const book = await client.get(`${name}.book.${id}`);
    const changed = nextEvent<Record<string, unknown>>(book, 'change');

    const res = await traefikHttp(`/api/${name}/book/${id}`, { method: 'PATCH', json: { title: 'New' } });

    expect(res.status).toBe(204); // a null result
    expect(Object.keys(await changed)).toEqual(['title']);
    expect(book.toJSON()).toMatchObject({ title: 'New', author: 'A' });
  });

  it('DELETE through Traefik removes the book from a subscribed list', async () => {
    // Intent: DELETE maps to `delete`; the collection's remove event arrives at the right index.
    const name = await library();
    const id = createdId(await traefikHttp(`/api/${name}/books/add`, { method: 'POST', json: { title: 'Gone', author: 'B' } }));
    const rid = `${name}.book.${id}`;
    const client = await openClient();
    const list = await client.get(`${name}.books`);
    if (!isCollection(list)) throw new Error('books is not a collection');
    const idx = list.toArray().findIndex((b) => (b as { getResourceId(): string }).getResourceId() === rid);
    expect(idx).toBeGreaterThanOrEqual(0);
    const removed = nextEvent<{ idx: number }>(list, 'remove');

    const res = await traefikHttp(`/api/${name}/book/${id}`, { method: 'DELETE' });

    expect(res.status).toBe(204);
    expect((await removed).idx).toBe(idx);
    await waitFor(async () => (await traefikHttp(`/api/${name}/book/${id}`)).status === 404, 'the deleted book to be gone over REST');
  });
});
