import type { ParamMatcher } from '@sveltejs/kit';
import { isBadgeFile } from '$lib/badge-files';

/** `[file=badge]`: exactly the badge files ($lib/badge-files.ts); any other name is no route (404). */
export const match = ((param: string) => isBadgeFile(param)) satisfies ParamMatcher;
