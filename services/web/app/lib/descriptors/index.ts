/**
 * Every service with pages: each file beside this one default-exports a descriptor (types.ts).
 * Adding product or promotion is adding `product.ts` / `promotion.ts` here; nothing else changes.
 */
import type { Descriptor } from './types.ts';

const modules = import.meta.glob<{ default: Descriptor }>(['./*.ts', '!./index.ts', '!./types.ts'], { eager: true });

export const descriptors: readonly Descriptor[] = Object.values(modules)
  .map((m) => m.default)
  .sort((a, b) => a.title.localeCompare(b.title));

export function descriptorOf(service: string): Descriptor | undefined {
  return descriptors.find((d) => d.service === service);
}

export type { Descriptor, FieldSpec, FilterSpec } from './types.ts';
export { idOf, modelRid } from './types.ts';
