import type { ParamMatcher } from '@sveltejs/kit';
import { descriptorOf } from '$lib/descriptors/index.ts';

/** `/customer`, `/product`, …: only services that have a descriptor. */
export const match: ParamMatcher = (param) => descriptorOf(param) !== undefined;
