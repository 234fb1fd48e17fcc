/**
 * A small promise wrapper over IndexedDB: one database, a few object stores of keyed values.
 * Values are structured clones (plain objects, typed arrays), so weights store as bytes.
 */

/** The object stores of the studio's database. */
export type StoreName = 'notebook' | 'weights' | 'checkpoints';

const DB_NAME = 'image-studio';
const DB_VERSION = 1;
const STORES: readonly StoreName[] = ['notebook', 'weights', 'checkpoints'];

let opening: Promise<IDBDatabase> | null = null;

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

/** The database, opened once per page (or worker) and created on first use. */
export function openDb(factory: IDBFactory = indexedDB): Promise<IDBDatabase> {
  if (opening) return opening;
  const r = factory.open(DB_NAME, DB_VERSION);
  r.onupgradeneeded = () => STORES.filter((s) => !r.result.objectStoreNames.contains(s)).forEach((s) => r.result.createObjectStore(s));
  opening = request(r);
  // A failed open (private mode, blocked storage) may succeed later; do not cache the failure.
  opening.catch(() => (opening = null));
  return opening;
}

async function store(name: StoreName, mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await openDb()).transaction(name, mode).objectStore(name);
}

/** The value under `key`, or undefined. */
export async function idbGet<T>(name: StoreName, key: string): Promise<T | undefined> {
  return request((await store(name, 'readonly')).get(key)) as Promise<T | undefined>;
}

/** Stores `value` under `key`, resolving once it is written. */
export async function idbPut(name: StoreName, key: string, value: unknown): Promise<void> {
  const s = await store(name, 'readwrite');
  // Listen before writing: `complete` is what says the value is on disk, not the request's success.
  const done = new Promise<void>((resolve, reject) => {
    s.transaction.oncomplete = () => resolve();
    s.transaction.onerror = () => reject(s.transaction.error ?? new Error('IndexedDB write failed'));
    s.transaction.onabort = () => reject(s.transaction.error ?? new Error(`IndexedDB write of ${key} was aborted (is storage full?)`));
  });
  s.put(value, key);
  await done;
}

/** Deletes `key`. */
export async function idbDelete(name: StoreName, key: string): Promise<void> {
  await request((await store(name, 'readwrite')).delete(key));
}

/** Every key of a store, sorted. */
export async function idbKeys(name: StoreName): Promise<string[]> {
  const keys = await request((await store(name, 'readonly')).getAllKeys());
  return keys.map(String).sort();
}
